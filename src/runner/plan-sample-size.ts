import { pairedSampleSize, unpairedSampleSize } from "../stats/index.ts";

export interface SampleSizeQuestion {
  /** The difference between two arms' rates to detect. */
  detect: number;
  power: number;
  alpha: number;
  /** The rate in the lower arm; unset, the rates straddle 50%, where the most samples are needed. */
  baseline?: number;
}

export interface SampleSizeAnswer {
  rates: [number, number];
  /** Samples per design cell when arms share a sample's prefix (the default design). */
  paired: number;
  /** Samples per design cell when they do not. */
  unpaired: number;
}

/**
 * Samples per cell to detect a difference between two arms at follow-up 1. The paired size
 * assumes the arms' outcomes are independent within a sample, which overstates the discordant
 * pairs when they are positively correlated: a conservative (larger) answer.
 */
export function planSampleSize(question: SampleSizeQuestion): SampleSizeAnswer {
  const lower = question.baseline ?? 0.5 - question.detect / 2;
  const higher = lower + question.detect;
  if (lower <= 0 || higher >= 1) {
    throw new RangeError(
      `rates ${lower.toFixed(3)} and ${higher.toFixed(3)} must both lie strictly between 0 and 1`,
    );
  }
  const settings = { p1: higher, p2: lower, alpha: question.alpha, power: question.power };
  return {
    rates: [lower, higher],
    paired: pairedSampleSize(settings),
    unpaired: unpairedSampleSize(settings),
  };
}
