import chisquareCdf from "@stdlib/stats-base-dists-chisquare-cdf";
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import { describe, expect, it } from "vitest";
import { drawBeta, drawGamma, drawJeffreysProportion, drawStandardNormal } from "./draw-gamma.ts";
import { seededUniform } from "./seeded-uniform.ts";

const DRAWS = 20_000;
// Kolmogorov-Smirnov critical value at the 1% level for 20,000 draws: 1.63 / √20,000.
const KOLMOGOROV_SMIRNOV_1_PERCENT = 1.63 / Math.sqrt(DRAWS);

function kolmogorovSmirnov(draws: number[], cdf: (value: number) => number): number {
  const sorted = [...draws].sort((left, right) => left - right);
  let largest = 0;
  sorted.forEach((value, index) => {
    const expected = cdf(value);
    largest = Math.max(
      largest,
      Math.abs((index + 1) / sorted.length - expected),
      Math.abs(index / sorted.length - expected),
    );
  });
  return largest;
}

function drawMany(draw: () => number): number[] {
  return Array.from({ length: DRAWS }, draw);
}

describe("seeded draws", () => {
  it("draws standard normals", () => {
    const uniform = seededUniform(11);
    const draws = drawMany(() => drawStandardNormal(uniform));
    expect(kolmogorovSmirnov(draws, (value) => normalCdf(value, 0, 1))).toBeLessThan(
      KOLMOGOROV_SMIRNOV_1_PERCENT,
    );
  });

  // A Gamma(a) variable X has 2X ~ chi-square with 2a degrees of freedom.
  it.each([0.0625, 0.25, 0.5, 1, 1.5, 3.7, 40])("draws Gamma(%s)", (shape) => {
    const uniform = seededUniform(Math.round(shape * 1000));
    const draws = drawMany(() => drawGamma(uniform, shape));
    expect(draws.every((value) => value >= 0 && Number.isFinite(value))).toBe(true);
    expect(kolmogorovSmirnov(draws, (value) => chisquareCdf(2 * value, 2 * shape))).toBeLessThan(
      KOLMOGOROV_SMIRNOV_1_PERCENT,
    );
  });

  it.each([
    [0.5, 10.5],
    [10.5, 0.5],
    [3, 4],
  ])("draws Beta(%s, %s) with the right mean and variance", (alpha, beta) => {
    const uniform = seededUniform(5);
    const draws = drawMany(() => drawBeta(uniform, alpha, beta));
    const mean = draws.reduce((sum, value) => sum + value, 0) / DRAWS;
    const variance = draws.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (DRAWS - 1);
    const total = alpha + beta;
    const exactMean = alpha / total;
    const exactVariance = (alpha * beta) / (total ** 2 * (total + 1));
    expect(Math.abs(mean - exactMean)).toBeLessThan(4 * Math.sqrt(exactVariance / DRAWS));
    expect(Math.abs(variance / exactVariance - 1)).toBeLessThan(0.05);
  });

  it("draws from the Jeffreys posterior, which varies even when every trial succeeded", () => {
    const uniform = seededUniform(3);
    const draws = drawMany(() => drawJeffreysProportion(uniform, 10, 10));
    const mean = draws.reduce((sum, value) => sum + value, 0) / DRAWS;
    expect(mean).toBeCloseTo(10.5 / 11, 2);
    expect(Math.min(...draws)).toBeLessThan(0.8);
    expect(Math.max(...draws)).toBeLessThanOrEqual(1);
  });

  it("replays the same draws for the same seed", () => {
    const first = seededUniform(8);
    const second = seededUniform(8);
    const a = Array.from({ length: 50 }, () => drawGamma(first, 0.7));
    const b = Array.from({ length: 50 }, () => drawGamma(second, 0.7));
    expect(a).toEqual(b);
  });

  it("rejects a shape that is not positive and finite", () => {
    const uniform = seededUniform(1);
    expect(() => drawGamma(uniform, 0)).toThrow(RangeError);
    expect(() => drawGamma(uniform, Number.NaN)).toThrow(RangeError);
    expect(() => drawGamma(uniform, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
