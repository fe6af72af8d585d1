import type { Writable } from "node:stream";

/** Writes a chunk and waits for the reader when the stream's buffer is full (no run in memory). */
export function writeChunk(out: Writable, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ready = out.write(chunk, (error) => (error ? reject(error) : undefined));
    if (ready) resolve();
    else out.once("drain", resolve);
  });
}
