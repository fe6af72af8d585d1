import type { Writable } from "node:stream";
import type { TrialResult } from "../spec/trial-record.ts";

/** A plain progress line at most every two seconds, and one at the end. */
export function progressPrinter(out: Writable, intervalMs = 2000) {
  let lastPrinted = 0;
  let errors = 0;
  const started = Date.now();
  return (result: TrialResult, done: number, total: number) => {
    if (result.status === "error") errors += 1;
    const now = Date.now();
    if (done < total && now - lastPrinted < intervalMs) return;
    lastPrinted = now;
    const seconds = (now - started) / 1000;
    const rate = seconds > 0 ? (done / seconds).toFixed(1) : "–";
    out.write(`progress ${done}/${total} trials, ${errors} errors, ${rate} trials/s\n`);
  };
}
