import { setTimeout as sleep } from "node:timers/promises";
import { ProviderError } from "../provider-error.ts";
import type { BatchTiming } from "./batch-timing.ts";
import type { BatchState, BatchTransport } from "./batch-transport.ts";

/**
 * Asks how a batch stands until it has ended, waiting longer between checks (batches take minutes
 * to hours). A few failed checks in a row are waited out; more fail the wait.
 */
export async function waitForBatch(
  transport: BatchTransport,
  batchId: string,
  timing: BatchTiming,
): Promise<Extract<BatchState, { ended: true }>> {
  let wait = timing.firstPollMs;
  let failures = 0;
  for (;;) {
    await sleep(wait);
    wait = Math.min(timing.maxPollMs, Math.round(wait * 1.5));
    let state: BatchState;
    try {
      state = await transport.state(batchId);
      failures = 0;
    } catch (error) {
      failures += 1;
      const retryable = error instanceof ProviderError && error.retryable;
      if (!retryable || failures >= timing.maxPollFailures) throw error;
      continue;
    }
    if (state.ended) return state;
  }
}
