import { InputError, type InputLocation } from "../spec/input-error.ts";

export interface ModelSpec {
  provider: string;
  model: string;
}

/** Splits `PROVIDER:MODEL` at the first colon (model names may hold colons, e.g. `llama3:8b`). */
export function parseModelSpec(
  spec: string,
  location: InputLocation = { field: "model" },
): ModelSpec {
  const colon = spec.indexOf(":");
  if (colon <= 0 || colon === spec.length - 1) {
    throw new InputError(`"${spec}" is not PROVIDER:MODEL (e.g. sim:default)`, location);
  }
  return { provider: spec.slice(0, colon), model: spec.slice(colon + 1) };
}
