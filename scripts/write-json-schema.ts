/** Writes the JSON Schemas editors use to autocomplete scenario and experiment files. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { jsonSchemas } from "../src/spec/json-schema.ts";

const directory = join(import.meta.dirname, "../schema");
for (const [name, schema] of Object.entries(jsonSchemas())) {
  writeFileSync(join(directory, `${name}.schema.json`), `${JSON.stringify(schema, null, 2)}\n`);
  process.stdout.write(`wrote schema/${name}.schema.json\n`);
}
