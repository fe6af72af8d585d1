/** How long requests are collected into one batch, and how often a batch is asked about. */
export interface BatchTiming {
  /** A batch is sent once no new request came for this long (a round of the run has gathered). */
  collectMs: number;
  /** …or once its first request has waited this long, however fast requests keep coming. */
  maxCollectMs: number;
  /** The first status check after submitting; each next one waits 1.5 times longer… */
  firstPollMs: number;
  /** …up to this. */
  maxPollMs: number;
  /** Rounds a request may take part in before its failure is final. */
  maxRounds: number;
  /** Status checks in a row that may fail (a network blip) before the batch's requests fail. */
  maxPollFailures: number;
}

export const DEFAULT_BATCH_TIMING: BatchTiming = {
  collectMs: 500,
  maxCollectMs: 5_000,
  firstPollMs: 1_000,
  maxPollMs: 60_000,
  maxRounds: 3,
  maxPollFailures: 10,
};

/**
 * The default timing, with `CANDOR_BATCH_POLL_MAX_MS` lowering the longest wait between status
 * checks (tests against a local stub, or an impatient user).
 */
export function batchTiming(env: Readonly<Record<string, string | undefined>>): BatchTiming {
  const cap = Number(env.CANDOR_BATCH_POLL_MAX_MS);
  if (!Number.isFinite(cap) || cap <= 0) return DEFAULT_BATCH_TIMING;
  return {
    ...DEFAULT_BATCH_TIMING,
    maxPollMs: cap,
    firstPollMs: Math.min(DEFAULT_BATCH_TIMING.firstPollMs, cap),
  };
}
