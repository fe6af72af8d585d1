import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { codeFile, RUNS_FROM_SOURCE } from "../spec/package-files.ts";
import type { HeavyTask } from "./heavy-tasks.ts";

/** Two threads: a slow analysis never holds up a labeller's next turn, on a two-core machine too. */
const DEFAULT_THREADS = 2;

interface Pending {
  id: number;
  task: HeavyTask;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * A few worker threads that perform heavy tasks (see heavy-tasks.ts) in turn, started when first
 * needed. Tasks wait in one queue and go to the first idle thread; a thread that dies fails only
 * its own task and is replaced by the next one started.
 */
export class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private closed = false;
  /** Tasks handed to a thread so far: how tests see that identical requests shared one. */
  tasksStarted = 0;

  constructor(private readonly threads = DEFAULT_THREADS) {}

  run<Value>(task: HeavyTask): Promise<Value> {
    if (this.closed) return Promise.reject(new Error("the viewer is closing"));
    return new Promise<Value>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, resolve: resolve as Pending["resolve"], reject });
      this.dispatch();
    });
  }

  /** Starts every thread now, so the first request does not wait for one to load. */
  warmUp(): void {
    for (let worker = this.startWorker(); worker; worker = this.startWorker())
      this.idle.push(worker);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new Error("the viewer is closing"));
    const workers = [...this.idle.splice(0), ...this.busy.keys()];
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? this.startWorker();
      if (!worker) return;
      const pending = this.queue.shift() as Pending;
      this.busy.set(worker, pending);
      this.tasksStarted++;
      worker.postMessage({ id: pending.id, task: pending.task });
    }
  }

  private startWorker(): Worker | undefined {
    if (this.idle.length + this.busy.size >= this.threads) return undefined;
    const worker = newWorker();
    // An idle pool never keeps the process alive; the server does while it serves.
    worker.unref();
    worker.on("message", (reply: { id: number; value?: unknown; error?: string }) => {
      const pending = this.busy.get(worker);
      if (pending?.id !== reply.id) return;
      this.busy.delete(worker);
      this.idle.push(worker);
      if (reply.error !== undefined) pending.reject(new Error(reply.error));
      else pending.resolve(reply.value);
      this.dispatch();
    });
    worker.on("error", (error) => this.retire(worker, error));
    worker.on("exit", (code) => this.retire(worker, new Error(`worker exited (${code})`)));
    return worker;
  }

  private retire(worker: Worker, error: Error): void {
    this.busy.get(worker)?.reject(error);
    this.busy.delete(worker);
    const position = this.idle.indexOf(worker);
    if (position >= 0) this.idle.splice(position, 1);
    if (!this.closed) this.dispatch();
  }
}

/**
 * The worker's entry beside this file: JavaScript in the compiled build; TypeScript when the
 * sources run through tsx (tests, a checkout without a build). Node 20 applies no module hooks to
 * a worker's own imports (neither inherited nor from `--import`), so from source the worker first
 * registers tsx's require hook and requires the entry through it.
 */
function newWorker(): Worker {
  if (!RUNS_FROM_SOURCE) return new Worker(codeFile("viewer", "viewer-worker.js"));
  const entry = codeFile("viewer", "viewer-worker.ts");
  const tsx = createRequire(import.meta.url).resolve("tsx/cjs/api");
  const code = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(entry)});`;
  return new Worker(code, { eval: true });
}
