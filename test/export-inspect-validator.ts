import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020, { type ErrorObject } from "ajv/dist/2020.js";

const SCHEMA_FILE = join(import.meta.dirname, "fixtures/inspect/log-schema.json");

/** RFC 3339 date-time, the one format Inspect's log schema uses. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

let validate: ReturnType<Ajv2020["compile"]> | undefined;

/** Validates a log against Inspect's published log schema; returns the errors, none when valid. */
export function inspectLogErrors(log: unknown): ErrorObject[] {
  if (!validate) {
    const ajv = new Ajv2020({ allErrors: false, strict: false });
    ajv.addFormat("date-time", DATE_TIME);
    validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, "utf8")));
  }
  return validate(log) ? [] : [...(validate.errors ?? [])];
}
