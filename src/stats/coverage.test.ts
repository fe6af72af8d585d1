/**
 * Coverage simulation: draws many experiments with known true rates and counts how often the 95%
 * intervals contain the truth. The settings are ones where each method's exact coverage (computed
 * by __fixtures__/exact-coverage.py, summing over every possible outcome) is near nominal; score
 * intervals oscillate with n and p, and at some other settings (e.g. Wilson at p = 0.3, n = 20:
 * 0.975) even a perfect implementation falls outside 93-97%.
 */
import { describe, expect, it } from "vitest";
import { newcombeInterval } from "./newcombe-interval.ts";
import { pairedDifferenceInterval } from "./paired-difference-interval.ts";
import { wilsonInterval } from "./wilson-interval.ts";

const EXPERIMENTS_PER_SETTING = 10_000;
const NOMINAL = 0.95;

/** Mulberry32 (T. Ettinger): a small seeded generator, so every run draws the same experiments. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function drawBinomial(random: () => number, trials: number, probability: number): number {
  let successes = 0;
  for (let trial = 0; trial < trials; trial++) {
    if (random() < probability) successes++;
  }
  return successes;
}

type PairCounts = [both: number, onlyA: number, onlyB: number, neither: number];

/**
 * Cell probabilities of a pair whose two binary outcomes have rates pA, pB and correlation rho:
 * P(both) = pA pB + rho sqrt(pA (1 - pA) pB (1 - pB)).
 */
function pairCellProbabilities(pA: number, pB: number, correlation: number): PairCounts {
  const both = pA * pB + correlation * Math.sqrt(pA * (1 - pA) * pB * (1 - pB));
  return [both, pA - both, pB - both, 1 - pA - pB + both];
}

function drawPairs(random: () => number, pairs: number, cells: PairCounts): PairCounts {
  const counts: PairCounts = [0, 0, 0, 0];
  const [both, onlyA, onlyB] = cells;
  for (let pair = 0; pair < pairs; pair++) {
    const draw = random();
    if (draw < both) counts[0]++;
    else if (draw < both + onlyA) counts[1]++;
    else if (draw < both + onlyA + onlyB) counts[2]++;
    else counts[3]++;
  }
  return counts;
}

/** A seed per setting (FNV-1a of its parameters), so a setting's draws do not depend on the others. */
function seedFor(setting: readonly number[]): number {
  let hash = 0x811c9dc5;
  for (const character of setting.join(",")) {
    hash = Math.imul(hash ^ (character.codePointAt(0) ?? 0), 0x01000193);
  }
  return hash >>> 0;
}

function simulateCoverage(
  setting: readonly number[],
  coversTruth: (random: () => number) => boolean,
): number {
  const random = seededRandom(seedFor(setting));
  let covered = 0;
  for (let experiment = 0; experiment < EXPERIMENTS_PER_SETTING; experiment++) {
    if (coversTruth(random)) covered++;
  }
  return covered / EXPERIMENTS_PER_SETTING;
}

function contains([lower, upper]: [number, number], value: number): boolean {
  return lower <= value && value <= upper;
}

/** Near-nominal, and within four Monte Carlo standard errors of the exact coverage. */
function expectCoverage(simulated: number, exact: number): void {
  expect(simulated).toBeGreaterThanOrEqual(0.93);
  expect(simulated).toBeLessThanOrEqual(0.97);
  const standardError = Math.sqrt((exact * (1 - exact)) / EXPERIMENTS_PER_SETTING);
  expect(Math.abs(simulated - exact)).toBeLessThan(4 * standardError);
}

describe("95% interval coverage by simulation", () => {
  // [true rate, trials, exact coverage]
  it.each([
    [0.1, 20, 0.9568],
    [0.1, 60, 0.952],
    [0.3, 50, 0.9567],
    [0.3, 75, 0.9572],
    [0.5, 20, 0.9586],
    [0.5, 100, 0.9431],
  ])("Wilson covers p = %s with n = %s near 95% (exact %s)", (p, n, exact) => {
    const simulated = simulateCoverage([p, n], (random) =>
      contains(wilsonInterval(drawBinomial(random, n, p), n, NOMINAL), p),
    );
    expectCoverage(simulated, exact);
  });

  // [rate 1, trials 1, rate 2, trials 2, exact coverage]
  it.each([
    [0.1, 20, 0.3, 20, 0.9607],
    [0.3, 50, 0.1, 50, 0.9539],
    [0.5, 50, 0.3, 50, 0.9508],
    [0.3, 100, 0.3, 100, 0.949],
    [0.5, 100, 0.3, 100, 0.9503],
    [0.3, 40, 0.1, 60, 0.952],
  ])("Newcombe covers %s (n = %s) - %s (n = %s) near 95% (exact %s)", (p1, n1, p2, n2, exact) => {
    const simulated = simulateCoverage([p1, n1, p2, n2], (random) => {
      const successes1 = drawBinomial(random, n1, p1);
      const successes2 = drawBinomial(random, n2, p2);
      return contains(newcombeInterval(successes1, n1, successes2, n2, NOMINAL), p1 - p2);
    });
    expectCoverage(simulated, exact);
  });

  // [rate A, rate B, correlation, pairs, exact coverage]
  it.each([
    [0.3, 0.2, 0.3, 50, 0.9582],
    [0.5, 0.4, 0.5, 50, 0.9545],
    [0.3, 0.3, 0.5, 50, 0.9582],
    [0.5, 0.3, 0.2, 100, 0.9508],
    [0.2, 0.1, 0.4, 100, 0.959],
    [0.4, 0.4, 0, 30, 0.9528],
  ])(
    "the paired interval covers %s - %s (correlation %s, %s pairs) near 95% (exact %s)",
    (pA, pB, correlation, pairs, exact) => {
      const cells = pairCellProbabilities(pA, pB, correlation);
      const simulated = simulateCoverage([pA, pB, correlation, pairs], (random) => {
        const [both, onlyA, onlyB, neither] = drawPairs(random, pairs, cells);
        return contains(pairedDifferenceInterval(both, onlyA, onlyB, neither, NOMINAL), pA - pB);
      });
      expectCoverage(simulated, exact);
    },
  );
});
