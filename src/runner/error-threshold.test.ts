import { describe, expect, it } from "vitest";
import {
  errorThresholdPassed,
  MIN_TRIALS_FOR_SHARE,
  parseErrorThreshold,
} from "./error-threshold.ts";

describe("--fail-on-error", () => {
  it("reads counts, shares and percentages, and refuses anything else", () => {
    expect(parseErrorThreshold("2")).toEqual({ count: 2 });
    expect(parseErrorThreshold("0.05")).toEqual({ share: 0.05 });
    expect(parseErrorThreshold("5%")).toEqual({ share: 0.05 });
    for (const bad of ["0", "-1", "1.5", "abc", "", "100%", "0%"])
      expect(parseErrorThreshold(bad)).toHaveProperty("problem");
  });

  it("stops at a count of errored trials", () => {
    expect(errorThresholdPassed({ count: 3 }, 2, 2)).toBeUndefined();
    expect(errorThresholdPassed({ count: 3 }, 3, 40)).toBe(
      "--fail-on-error 3: 3 trials ended in error",
    );
  });

  it("judges a share only after enough finished trials, and only once it is passed", () => {
    const early = MIN_TRIALS_FOR_SHARE - 1;
    expect(errorThresholdPassed({ share: 0.05 }, early, early)).toBeUndefined();
    expect(errorThresholdPassed({ share: 0.05 }, 1, 20)).toBeUndefined();
    expect(errorThresholdPassed({ share: 0.05 }, 2, 20)).toBe(
      "--fail-on-error 5%: 2 of 20 finished trials ended in error (10%)",
    );
  });
});
