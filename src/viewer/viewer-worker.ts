/**
 * A worker thread of the viewer's WorkerPool: performs one heavy task at a time and sends its
 * value back (typed arrays moved, not copied).
 */
import { parentPort } from "node:worker_threads";
import { type HeavyTask, performHeavyTask } from "./heavy-tasks.ts";

parentPort?.on("message", async ({ id, task }: { id: number; task: HeavyTask }) => {
  try {
    const value = await performHeavyTask(task);
    parentPort?.postMessage({ id, value }, transferables(value));
  } catch (error) {
    parentPort?.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});

function transferables(value: unknown): ArrayBuffer[] {
  if (typeof value !== "object" || value === null || !("order" in value)) return [];
  const order = (value as { order: Int32Array }).order;
  return [order.buffer as ArrayBuffer];
}
