/**
 * Power and sample size of the primary test, the two-sided Cochran-Mantel-Haenszel test without
 * continuity correction (see mantelHaenszel), by seeded Monte Carlo simulation.
 *
 * The design: `strata` strata, each with `perArmPerStratum` independent observations per arm,
 * events at `rateA` in arm A and `rateB` in arm B in every stratum. The test is run at level
 * alpha / familySize: Bonferroni, which is the first step of Holm's procedure, so the power here is
 * a lower bound on what each test of a Holm-adjusted family of that size has (Holm rejects
 * everything Bonferroni rejects).
 *
 * cmhPower estimates the rejection probability as the share of `simulations` simulated experiments
 * whose statistic reaches the χ²(1) critical value (statistics that are undefined, when no stratum
 * varies, do not reject), with the binomial Monte Carlo standard error √(p (1 - p) / simulations).
 * Each stratum-arm of each simulated experiment draws from its own seeded stream (derived from the
 * seed, the experiment and the stratum-arm), so the experiment at n + 1 observations is the one at
 * n plus one observation per stratum-arm: power estimates at neighbouring sizes share their random
 * numbers, and the estimated power curve is smooth in n rather than jumping by Monte Carlo noise.
 *
 * cmhSampleSize starts from the normal approximation (the uncorrected two-proportion z test of
 * sample-size.ts at level alpha / familySize, divided over the strata, which the CMH test matches
 * when strata share their rates), then steps down while the size below still reaches `power`, or
 * up until it does. To keep a Monte Carlo fluke from deciding the answer it returns the smallest
 * size n whose estimated power, and also that of n + 1, reaches `power`, and reports the estimate
 * at n. Those are observations with a decided verdict; the planned size inflates them for the
 * expected share of inconclusive verdicts, ceil(n / (1 - inconclusiveFraction)).
 */
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import { cochranMantelHaenszelTerms } from "./mantel-haenszel.ts";
import { unpairedSampleSize } from "./sample-size.ts";
import { drawBinomial, seededUniform } from "./seeded-uniform.ts";
import { assertOpenProbability } from "./validate-inputs.ts";

export interface CmhPowerOptions {
  strata: number;
  perArmPerStratum: number;
  rateA: number;
  rateB: number;
  /** Family-wise significance level, two-sided; 0.05 unless given. */
  alpha?: number;
  /** Tests in the Holm family; 1 unless given. */
  familySize?: number;
  /** Simulated experiments; 4,000 unless given. */
  simulations?: number;
  seed?: number;
}

export interface CmhPower {
  power: number;
  /** Monte Carlo standard error of the power estimate. */
  standardError: number;
  /** The level each test is run at, alpha / familySize. */
  level: number;
}

export interface CmhSampleSizeOptions {
  strata: number;
  rateA: number;
  rateB: number;
  alpha?: number;
  /** Target power; 0.8 unless given. */
  power?: number;
  familySize?: number;
  /** Expected share of observations whose verdict is inconclusive, in [0, 1); 0 unless given. */
  inconclusiveFraction?: number;
  simulations?: number;
  seed?: number;
}

export interface CmhSampleSize {
  /** Observations with a decided verdict needed per arm in each stratum. */
  decidedPerArmPerStratum: number;
  /** The same inflated for inconclusive verdicts: what to plan to collect. */
  plannedPerArmPerStratum: number;
  /** Simulated power at the decided size, and its Monte Carlo standard error. */
  achievedPower: number;
  standardError: number;
  /** The normal-approximation size the search started from. */
  normalApproximation: number;
}

const DEFAULT_SIMULATIONS = 4_000;

export function cmhPower(options: CmhPowerOptions): CmhPower {
  const design = powerDesign(options);
  assertPositiveInteger("perArmPerStratum", options.perArmPerStratum);
  return estimatePower(design, options.perArmPerStratum);
}

export function cmhSampleSize(options: CmhSampleSizeOptions): CmhSampleSize {
  const target = options.power ?? 0.8;
  const inconclusiveFraction = options.inconclusiveFraction ?? 0;
  assertOpenProbability("power", target);
  assertOpenProbability("rateA", options.rateA);
  assertOpenProbability("rateB", options.rateB);
  if (!(inconclusiveFraction >= 0 && inconclusiveFraction < 1)) {
    throw new RangeError(`inconclusiveFraction must be in [0, 1), got ${inconclusiveFraction}`);
  }
  const design = powerDesign(options);
  const start = Math.max(
    1,
    Math.ceil(
      unpairedSampleSize({
        p1: options.rateA,
        p2: options.rateB,
        alpha: design.level,
        power: target,
        continuityCorrection: false,
      }) / design.strata,
    ),
  );
  const estimates = new Map<number, CmhPower>();
  const powerAt = (size: number): CmhPower => {
    const known = estimates.get(size);
    if (known !== undefined) return known;
    const estimate = estimatePower(design, size);
    estimates.set(size, estimate);
    return estimate;
  };
  const reaches = (size: number) =>
    powerAt(size).power >= target && powerAt(size + 1).power >= target;
  let size = start;
  if (reaches(size)) {
    while (size > 1 && reaches(size - 1)) size--;
  } else {
    while (!reaches(size)) size++;
  }
  const achieved = powerAt(size);
  return {
    decidedPerArmPerStratum: size,
    plannedPerArmPerStratum: Math.ceil(size / (1 - inconclusiveFraction) - 1e-9),
    achievedPower: achieved.power,
    standardError: achieved.standardError,
    normalApproximation: start,
  };
}

interface PowerDesign {
  strata: number;
  rateA: number;
  rateB: number;
  level: number;
  simulations: number;
  seed: number;
}

function powerDesign(options: Omit<CmhPowerOptions, "perArmPerStratum">): PowerDesign {
  const alpha = options.alpha ?? 0.05;
  const familySize = options.familySize ?? 1;
  const simulations = options.simulations ?? DEFAULT_SIMULATIONS;
  const seed = options.seed ?? 1;
  assertPositiveInteger("strata", options.strata);
  assertRate("rateA", options.rateA);
  assertRate("rateB", options.rateB);
  assertOpenProbability("alpha", alpha);
  assertPositiveInteger("familySize", familySize);
  assertPositiveInteger("simulations", simulations);
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  return {
    strata: options.strata,
    rateA: options.rateA,
    rateB: options.rateB,
    level: alpha / familySize,
    simulations,
    seed,
  };
}

function estimatePower(design: PowerDesign, perArm: number): CmhPower {
  // Reject when X² ≥ χ²₁(1 - level) = z²(1 - level / 2).
  const critical = normalQuantile(1 - design.level / 2, 0, 1) ** 2;
  let rejections = 0;
  for (let simulation = 0; simulation < design.simulations; simulation++) {
    let deviation = 0;
    let variance = 0;
    for (let stratum = 0; stratum < design.strata; stratum++) {
      const streamA = seededUniform(streamSeed(design.seed, simulation, 2 * stratum));
      const streamB = seededUniform(streamSeed(design.seed, simulation, 2 * stratum + 1));
      const terms = cochranMantelHaenszelTerms(
        drawBinomial(streamA, perArm, design.rateA),
        perArm,
        drawBinomial(streamB, perArm, design.rateB),
        perArm,
      );
      deviation += terms.deviation;
      variance += terms.variance;
    }
    if (variance > 0 && (deviation * deviation) / variance >= critical) rejections++;
  }
  const power = rejections / design.simulations;
  return {
    power,
    standardError: Math.sqrt((power * (1 - power)) / design.simulations),
    level: design.level,
  };
}

/** Murmur3's 32-bit finaliser over the seed, the experiment and the stream: independent streams. */
function streamSeed(seed: number, simulation: number, stream: number): number {
  let hash = mix(seed ^ 0x9e3779b9);
  hash = mix(hash ^ Math.imul(simulation + 1, 0x85ebca6b));
  return mix(hash ^ Math.imul(stream + 1, 0xc2b2ae35));
}

function mix(value: number): number {
  let hash = value >>> 0;
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

function assertPositiveInteger(name: string, value: number): void {
  if (!(Number.isInteger(value) && value >= 1)) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
}

function assertRate(name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) {
    throw new RangeError(`${name} must be between 0 and 1, got ${value}`);
  }
}
