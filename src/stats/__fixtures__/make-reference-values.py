"""Reference values for src/stats, computed with scipy as an independent implementation.

Run with `python3 src/stats/__fixtures__/make-reference-values.py`; it rewrites
reference-values.json beside this file. The tests read only the JSON (CI has no scipy).
"""

import json
import math
from pathlib import Path

import scipy
from scipy import stats

WILSON_CASES = [
    # (successes, trials, confidence)
    (0, 1, 0.95),
    (1, 1, 0.95),
    (0, 2, 0.95),
    (1, 2, 0.95),
    (2, 2, 0.95),
    (1, 3, 0.95),
    (2, 3, 0.95),
    (0, 4, 0.95),
    (3, 4, 0.95),
    (0, 5, 0.95),
    (2, 5, 0.95),
    (5, 5, 0.95),
    (0, 10, 0.95),
    (10, 10, 0.95),
    (7, 20, 0.95),
    (13, 40, 0.95),
    (1, 100, 0.95),
    (99, 100, 0.95),
    (480, 1000, 0.95),
    (3, 1000, 0.95),
    (7, 20, 0.90),
    (0, 5, 0.90),
    (480, 1000, 0.90),
    (7, 20, 0.99),
    (5, 5, 0.99),
    (13, 40, 0.99),
    (1, 2, 0.99),
]

NEWCOMBE_CASES = [
    # (successes1, trials1, successes2, trials2, confidence)
    (56, 70, 48, 80, 0.95),  # Newcombe (1998) table II, example (a)
    (9, 10, 3, 10, 0.95),  # example (b)
    (6, 7, 2, 7, 0.95),  # example (c)
    (5, 56, 0, 29, 0.95),  # example (d)
    (0, 10, 0, 20, 0.95),  # example (e)
    (0, 10, 0, 10, 0.95),  # example (f)
    (10, 10, 0, 20, 0.95),  # example (g)
    (10, 10, 0, 10, 0.95),  # example (h)
    (0, 1, 1, 1, 0.95),
    (1, 2, 1, 3, 0.95),
    (2, 5, 5, 5, 0.95),
    (3, 4, 0, 5, 0.95),
    (7, 20, 13, 40, 0.95),
    (480, 1000, 430, 1000, 0.95),
    (1, 100, 3, 1000, 0.95),
    (7, 20, 13, 40, 0.90),
    (480, 1000, 430, 1000, 0.99),
    (5, 5, 0, 5, 0.99),
]

FISHER_CASES = [
    # [[a, b], [c, d]]
    (0, 0, 0, 0),
    (0, 0, 3, 4),
    (0, 5, 0, 7),
    (0, 1, 1, 0),
    (1, 0, 0, 1),
    (5, 0, 0, 5),
    (0, 10, 10, 0),
    (10, 0, 0, 10),
    (3, 1, 1, 3),
    (8, 2, 1, 5),
    (1, 9, 11, 3),
    (2, 7, 8, 2),
    (0, 30, 12, 18),
    (1, 99, 10, 90),
    (100, 0, 90, 10),
    (7, 13, 13, 27),
    (25, 25, 25, 25),
    (1, 2, 3, 4),
    (0, 1, 0, 5),
    (2, 0, 1, 0),
    (480, 520, 430, 570),
    (3, 997, 12, 988),
]


def wilson_bounds(successes, trials, confidence):
    interval = stats.binomtest(successes, trials).proportion_ci(
        confidence_level=confidence, method="wilson"
    )
    return float(interval.low), float(interval.high)


def newcombe_bounds(successes1, trials1, successes2, trials2, confidence):
    p1 = successes1 / trials1
    p2 = successes2 / trials2
    lower1, upper1 = wilson_bounds(successes1, trials1, confidence)
    lower2, upper2 = wilson_bounds(successes2, trials2, confidence)
    difference = p1 - p2
    lower = difference - math.sqrt((p1 - lower1) ** 2 + (upper2 - p2) ** 2)
    upper = difference + math.sqrt((upper1 - p1) ** 2 + (p2 - lower2) ** 2)
    return lower, upper


def fisher_p_value(a, b, c, d):
    return float(stats.fisher_exact([[a, b], [c, d]], alternative="two-sided").pvalue)


def wilson_record(successes, trials, confidence):
    lower, upper = wilson_bounds(successes, trials, confidence)
    return {
        "successes": successes,
        "trials": trials,
        "confidence": confidence,
        "lower": lower,
        "upper": upper,
    }


def newcombe_record(successes1, trials1, successes2, trials2, confidence):
    lower, upper = newcombe_bounds(successes1, trials1, successes2, trials2, confidence)
    return {
        "successes1": successes1,
        "trials1": trials1,
        "successes2": successes2,
        "trials2": trials2,
        "confidence": confidence,
        "lower": lower,
        "upper": upper,
    }


def fisher_record(a, b, c, d):
    return {"a": a, "b": b, "c": c, "d": d, "pValue": fisher_p_value(a, b, c, d)}


def main():
    reference_values = {
        "generator": "src/stats/__fixtures__/make-reference-values.py",
        "scipy": scipy.__version__,
        "wilson": [wilson_record(*case) for case in WILSON_CASES],
        "newcombe": [newcombe_record(*case) for case in NEWCOMBE_CASES],
        "fisher": [fisher_record(*case) for case in FISHER_CASES],
    }
    output = Path(__file__).with_name("reference-values.json")
    output.write_text(json.dumps(reference_values, indent=2) + "\n")


if __name__ == "__main__":
    main()
