import { describe, expect, it } from "vitest";
import referenceValues from "./__fixtures__/reference-values.json" with { type: "json" };
import { pairedSampleSize, unpairedSampleSize } from "./sample-size.ts";

describe("unpairedSampleSize", () => {
  it.each(referenceValues.unpairedSampleSize)(
    "matches the scipy-based size for $p1 vs $p2, alpha $alpha, power $power, correction $continuityCorrection",
    ({ p1, p2, alpha, power, continuityCorrection, n }) => {
      expect(unpairedSampleSize({ p1, p2, alpha, power, continuityCorrection })).toBe(n);
    },
  );

  it("reproduces Fleiss's table A.4: 474 per group for 0.05 vs 0.10", () => {
    expect(unpairedSampleSize({ p1: 0.05, p2: 0.1 })).toBe(474);
  });

  it("reproduces R's power.prop.test(p1 = .5, p2 = .75, power = .9), n = 76.7, uncorrected", () => {
    expect(unpairedSampleSize({ p1: 0.5, p2: 0.75, power: 0.9, continuityCorrection: false })).toBe(
      77,
    );
  });

  it("defaults to alpha 0.05, power 0.8 and the continuity correction", () => {
    expect(unpairedSampleSize({ p1: 0.3, p2: 0.5 })).toBe(
      unpairedSampleSize({ p1: 0.3, p2: 0.5, alpha: 0.05, power: 0.8, continuityCorrection: true }),
    );
  });

  it("is symmetric in the two rates and returns a positive integer", () => {
    const n = unpairedSampleSize({ p1: 0.2, p2: 0.35 });
    expect(unpairedSampleSize({ p1: 0.35, p2: 0.2 })).toBe(n);
    expect(Number.isInteger(n)).toBe(true);
    expect(n).toBeGreaterThan(0);
  });

  it("needs more units for more power, a stricter alpha or a smaller difference", () => {
    const base = unpairedSampleSize({ p1: 0.3, p2: 0.5 });
    expect(unpairedSampleSize({ p1: 0.3, p2: 0.5, power: 0.9 })).toBeGreaterThan(base);
    expect(unpairedSampleSize({ p1: 0.3, p2: 0.5, alpha: 0.01 })).toBeGreaterThan(base);
    expect(unpairedSampleSize({ p1: 0.3, p2: 0.45 })).toBeGreaterThan(base);
    expect(unpairedSampleSize({ p1: 0.3, p2: 0.5, continuityCorrection: false })).toBeLessThan(
      base,
    );
  });

  it.each([
    [{ p1: 0.3, p2: 0.3 }, /must differ/],
    [{ p1: 0, p2: 0.3 }, /p1/],
    [{ p1: 0.3, p2: 1 }, /p2/],
    [{ p1: 0.3, p2: 0.5, alpha: 0 }, /alpha/],
    [{ p1: 0.3, p2: 0.5, power: 1 }, /power/],
    [{ p1: 0.3, p2: Number.NaN }, /p2/],
  ])("rejects %o", (options, message) => {
    expect(() => unpairedSampleSize(options)).toThrow(message);
  });
});

describe("pairedSampleSize", () => {
  it.each(referenceValues.pairedSampleSize)(
    "matches the scipy-based size for $p1 vs $p2, discordance $discordance, alpha $alpha, power $power",
    ({ p1, p2, discordance, alpha, power, n }) => {
      expect(
        pairedSampleSize({ p1, p2, discordance: discordance ?? undefined, alpha, power }),
      ).toBe(n);
    },
  );

  it("derives the discordance from independence between the arms when it is not given", () => {
    const independent = 0.3 * 0.8 + 0.2 * 0.7;
    expect(pairedSampleSize({ p1: 0.3, p2: 0.2 })).toBe(
      pairedSampleSize({ p1: 0.3, p2: 0.2, discordance: independent }),
    );
  });

  it("needs fewer pairs when the arms agree more often (less discordance)", () => {
    expect(pairedSampleSize({ p1: 0.3, p2: 0.2, discordance: 0.15 })).toBeLessThan(
      pairedSampleSize({ p1: 0.3, p2: 0.2 }),
    );
  });

  it("needs fewer pairs than the unpaired design needs units per group when the arms correlate", () => {
    expect(pairedSampleSize({ p1: 0.3, p2: 0.2, discordance: 0.2 })).toBeLessThan(
      unpairedSampleSize({ p1: 0.3, p2: 0.2 }),
    );
  });

  it("accepts the boundary discordances despite floating-point differences", () => {
    // 0.8 - 0.1 = 0.7000000000000001 in floating point.
    expect(Number.isInteger(pairedSampleSize({ p1: 0.8, p2: 0.1, discordance: 0.7 }))).toBe(true);
    expect(Number.isInteger(pairedSampleSize({ p1: 0.8, p2: 0.1, discordance: 0.9 }))).toBe(true);
  });

  it.each([
    [{ p1: 0.3, p2: 0.2, discordance: 0.05 }, /impossible/],
    [{ p1: 0.3, p2: 0.2, discordance: 0.6 }, /impossible/],
    [{ p1: 0.8, p2: 0.7, discordance: 0.6 }, /impossible/],
    [{ p1: 0.3, p2: 0.2, discordance: Number.NaN }, /impossible/],
    [{ p1: 0.3, p2: 0.3 }, /must differ/],
    [{ p1: 0.3, p2: 0.2, power: 0 }, /power/],
  ])("rejects %o", (options, message) => {
    expect(() => pairedSampleSize(options)).toThrow(message);
  });
});
