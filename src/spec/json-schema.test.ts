import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { jsonSchemas } from "./json-schema.ts";

describe("JSON Schema files", () => {
  it.each(["scenario", "experiment"] as const)(
    "schema/%s.schema.json matches the zod schema (run npm run schema)",
    (name) => {
      const committed = JSON.parse(
        readFileSync(new URL(`../../schema/${name}.schema.json`, import.meta.url), "utf8"),
      );
      expect(committed).toEqual(jsonSchemas()[name]);
    },
  );

  it("describes the step roles for editors", () => {
    const text = JSON.stringify(jsonSchemas().scenario);
    for (const role of ["user", "assistant", "generate", "intervention", "followup"])
      expect(text).toContain(`"${role}"`);
  });
});
