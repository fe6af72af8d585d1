/** `--fail-on-error`: when errored trials are too many for the run to be worth finishing. */
export type ErrorThreshold = { count: number } | { share: number };

/**
 * A share is judged only after this many finished trials: the first two trials failing out of
 * three is noise at the start of a run, not a rate.
 */
export const MIN_TRIALS_FOR_SHARE = 20;

/**
 * `2` is a count of errored trials; `0.05` or `5%` is a share of finished trials. Returns a
 * problem to report instead when the text is neither.
 */
export function parseErrorThreshold(text: string): ErrorThreshold | { problem: string } {
  const trimmed = text.trim();
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(trimmed);
  if (percent) {
    const share = Number(percent[1]) / 100;
    return share > 0 && share < 1
      ? { share }
      : { problem: "a percentage must be above 0% and below 100%" };
  }
  const value = Number(trimmed);
  if (trimmed === "" || !Number.isFinite(value) || value <= 0)
    return { problem: "expected a count (2), a share (0.05) or a percentage (5%)" };
  if (value < 1) return { share: value };
  if (Number.isInteger(value)) return { count: value };
  return { problem: "a count of errored trials must be a whole number" };
}

/** Why the run should stop, or undefined while errored trials stay under the threshold. */
export function errorThresholdPassed(
  threshold: ErrorThreshold,
  errored: number,
  finished: number,
): string | undefined {
  if ("count" in threshold) {
    return errored >= threshold.count
      ? `--fail-on-error ${threshold.count}: ${errored} trials ended in error`
      : undefined;
  }
  if (finished < MIN_TRIALS_FOR_SHARE || errored / finished <= threshold.share) return undefined;
  const percent = (share: number) => `${Number((share * 100).toFixed(2))}%`;
  return `--fail-on-error ${percent(threshold.share)}: ${errored} of ${finished} finished trials ended in error (${percent(errored / finished)})`;
}
