import { closeSync, openSync, readSync, statSync } from "node:fs";
import { InputError, type InputLocation } from "../../spec/input-error.ts";

/**
 * A `gguf:` subject must name a GGUF file: a regular file starting with the magic bytes `GGUF`.
 * Checked before anything runs, so a text file or a directory is bad input (exit 2), not a crash
 * deep inside the llama.cpp loader.
 */
export function checkGgufFile(path: string, location: InputLocation): void {
  const stats = statSync(path);
  if (!stats.isFile()) throw new InputError(`GGUF model path is not a file: ${path}`, location);
  const magic = Buffer.alloc(4);
  let descriptor: number | undefined;
  try {
    descriptor = openSync(path, "r");
    readSync(descriptor, magic, 0, 4, 0);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    throw new InputError(`cannot read the GGUF model file ${path} (${code})`, location);
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
  if (magic.toString("latin1") !== "GGUF") {
    throw new InputError(
      `${path} is not a GGUF model file (it does not start with the GGUF magic bytes)`,
      location,
    );
  }
}
