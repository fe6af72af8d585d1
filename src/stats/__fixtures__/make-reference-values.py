"""Reference values for src/stats, computed with scipy as an independent implementation.

Run with `python3 src/stats/__fixtures__/make-reference-values.py`; it rewrites
reference-values.json beside this file. The tests read only the JSON (CI has no scipy).
"""

import json
import math
from pathlib import Path

import numpy as np
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


MCNEMAR_CASES = [
    # (onlyA, onlyB): the discordant pair counts
    (0, 1),
    (1, 0),
    (1, 1),
    (0, 5),
    (5, 0),
    (1, 4),
    (2, 8),
    (8, 2),
    (3, 3),
    (3, 4),
    (4, 3),
    (10, 20),
    (0, 30),
    (25, 10),
    (12, 2),
    (100, 80),
    (480, 430),
    (1000, 900),
    (0, 200),
    (5000, 4800),
    (49000, 50000),
]

PAIRED_CASES = [
    # (both, onlyA, onlyB, neither, confidence)
    (36, 12, 2, 0, 0.95),  # Newcombe (1998, paired) table II, example (a)
    (14, 5, 0, 22, 0.95),  # Altman et al. (2000), "Statistics with Confidence", table 6.2
    (59, 6, 16, 80, 0.95),
    (1, 1, 7, 12, 0.95),
    (5, 5, 0, 0, 0.95),
    (0, 0, 0, 10, 0.95),
    (10, 0, 0, 0, 0.95),
    (0, 5, 0, 0, 0.95),
    (0, 0, 5, 0, 0.95),
    (0, 1, 1, 0, 0.95),
    (1, 0, 0, 1, 0.95),
    (0, 10, 10, 0, 0.95),
    (50, 0, 0, 50, 0.95),
    (5, 5, 5, 6, 0.95),  # 0 < ad - bc < n/2: the corrected correlation is 0
    (10, 5, 5, 10, 0.95),  # ad - bc > n/2: the correction shrinks the correlation
    (3, 4, 5, 6, 0.95),
    (20, 10, 5, 15, 0.95),
    (2, 9, 1, 3, 0.95),
    (400, 60, 30, 510, 0.95),
    (40, 3, 12, 45, 0.90),
    (40, 3, 12, 45, 0.99),
    (36, 12, 2, 0, 0.99),
]

P_VALUE_CASES = [
    # lists of p-values; None marks a missing p-value (NaN in TypeScript)
    [],
    [0.03],
    [0.01, 0.04],
    [0.04, 0.01],
    [0.01, 0.02, 0.03, 0.04, 0.05],
    [0.05, 0.04, 0.03, 0.02, 0.01],
    [0.2, 0.01, 0.5, 0.03, 0.04, 0.9, 0.001],
    [0.01, 0.01, 0.01, 0.5],
    [0.04, 0.04, 0.02, 0.04],
    [0.0, 1.0, 0.5],
    [1.0, 1.0, 1.0],
    [0.3, 0.6, 0.9],
    [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216, 0.222, 0.251, 0.269,
     0.275, 0.34, 0.341, 0.384, 0.569, 0.594, 0.696, 0.762, 0.94, 0.942, 0.975, 0.986],
    [1e-12, 3e-9, 0.7, 2e-5],
    [0.02, None, 0.01, 0.2],
    [None, None],
    [None, 0.04],
]

UNPAIRED_SAMPLE_SIZE_CASES = [
    # (p1, p2, alpha, power, continuityCorrection)
    (0.05, 0.10, 0.05, 0.80, True),  # Fleiss (1981) table A.4 gives 474
    (0.10, 0.20, 0.05, 0.80, True),
    (0.30, 0.50, 0.05, 0.80, True),
    (0.50, 0.30, 0.05, 0.80, True),
    (0.50, 0.75, 0.05, 0.90, True),
    (0.50, 0.75, 0.05, 0.90, False),  # R: power.prop.test(p1 = .5, p2 = .75, power = .9) n = 76.7
    (0.10, 0.30, 0.01, 0.90, True),
    (0.90, 0.95, 0.05, 0.80, True),
    (0.01, 0.05, 0.05, 0.80, True),
    (0.40, 0.45, 0.05, 0.95, True),
    (0.40, 0.45, 0.05, 0.95, False),
    (0.20, 0.80, 0.05, 0.80, True),
    (0.60, 0.20, 0.10, 0.50, True),
]

PAIRED_SAMPLE_SIZE_CASES = [
    # (p1, p2, discordance or None for independence, alpha, power)
    (0.30, 0.20, None, 0.05, 0.80),
    (0.20, 0.30, None, 0.05, 0.80),
    (0.30, 0.20, 0.20, 0.05, 0.80),
    (0.30, 0.20, 0.10, 0.05, 0.80),  # discordance == |p1 - p2|: only one kind of discordant pair
    (0.50, 0.40, None, 0.05, 0.90),
    (0.50, 0.40, 0.30, 0.01, 0.90),
    (0.10, 0.05, None, 0.05, 0.80),
    (0.10, 0.05, 0.12, 0.05, 0.80),
    (0.60, 0.30, 0.40, 0.05, 0.80),
    (0.90, 0.80, None, 0.10, 0.95),
    (0.45, 0.55, 0.50, 0.05, 0.80),
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


def mcnemar_p_value(only_a, only_b):
    return float(stats.binomtest(only_a, only_a + only_b, 0.5).pvalue)


def paired_correlation(both, only_a, only_b, neither):
    """Newcombe's phi: 0 with an empty margin; ad - bc shrunk by n/2 towards 0 when positive."""
    n = both + only_a + only_b + neither
    margins = (both + only_a) * (only_b + neither) * (both + only_b) * (only_a + neither)
    if margins == 0:
        return 0.0
    cross = both * neither - only_a * only_b
    if cross > 0:
        cross = max(cross - n / 2, 0)
    return cross / math.sqrt(margins)


def paired_bounds(both, only_a, only_b, neither, confidence):
    n = both + only_a + only_b + neither
    p1 = (both + only_a) / n
    p2 = (both + only_b) / n
    lower1, upper1 = wilson_bounds(both + only_a, n, confidence)
    lower2, upper2 = wilson_bounds(both + only_b, n, confidence)
    phi = paired_correlation(both, only_a, only_b, neither)
    difference = p1 - p2
    below = math.sqrt(
        (p1 - lower1) ** 2 - 2 * phi * (p1 - lower1) * (upper2 - p2) + (upper2 - p2) ** 2
    )
    above = math.sqrt(
        (upper1 - p1) ** 2 - 2 * phi * (upper1 - p1) * (p2 - lower2) + (p2 - lower2) ** 2
    )
    return difference - below, difference + above


def adjust_present(p_values, adjust):
    """Adjusts the present p-values as one family; missing ones (None) stay missing."""
    present = [index for index, value in enumerate(p_values) if value is not None]
    adjusted = [None] * len(p_values)
    if present:
        values = adjust(np.array([p_values[index] for index in present], dtype=float))
        for index, value in zip(present, values):
            adjusted[index] = float(value)
    return adjusted


def holm(p_values):
    m = len(p_values)
    order = np.argsort(p_values, kind="stable")
    multipliers = m - np.arange(m)
    stepped = np.minimum(1.0, np.maximum.accumulate(multipliers * p_values[order]))
    adjusted = np.empty(m)
    adjusted[order] = stepped
    return adjusted


def benjamini_hochberg(p_values):
    return stats.false_discovery_control(p_values, method="bh")


def ceiling(value):
    # The TypeScript code forgives rounding residue just above an integer in the same way.
    return math.ceil(value - 1e-9)


def unpaired_sample_size(p1, p2, alpha, power, continuity_correction):
    z_alpha = stats.norm.ppf(1 - alpha / 2)
    z_beta = stats.norm.ppf(power)
    mean = (p1 + p2) / 2
    delta = abs(p1 - p2)
    n = (
        z_alpha * math.sqrt(2 * mean * (1 - mean)) + z_beta * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    ) ** 2 / delta**2
    if continuity_correction:
        n = n / 4 * (1 + math.sqrt(1 + 4 / (n * delta))) ** 2
    return n


def paired_sample_size(p1, p2, discordance, alpha, power):
    if discordance is None:
        discordance = p1 * (1 - p2) + p2 * (1 - p1)
    z_alpha = stats.norm.ppf(1 - alpha / 2)
    z_beta = stats.norm.ppf(power)
    delta = p1 - p2
    return (
        z_alpha * math.sqrt(discordance) + z_beta * math.sqrt(discordance - delta**2)
    ) ** 2 / delta**2


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


def mcnemar_record(only_a, only_b):
    return {"onlyA": only_a, "onlyB": only_b, "pValue": mcnemar_p_value(only_a, only_b)}


def paired_record(both, only_a, only_b, neither, confidence):
    lower, upper = paired_bounds(both, only_a, only_b, neither, confidence)
    return {
        "both": both,
        "onlyA": only_a,
        "onlyB": only_b,
        "neither": neither,
        "confidence": confidence,
        "lower": lower,
        "upper": upper,
    }


def p_value_record(p_values):
    return {
        "pValues": p_values,
        "holm": adjust_present(p_values, holm),
        "benjaminiHochberg": adjust_present(p_values, benjamini_hochberg),
    }


def unpaired_sample_size_record(p1, p2, alpha, power, continuity_correction):
    n = unpaired_sample_size(p1, p2, alpha, power, continuity_correction)
    return {
        "p1": p1,
        "p2": p2,
        "alpha": alpha,
        "power": power,
        "continuityCorrection": continuity_correction,
        "unrounded": n,
        "n": ceiling(n),
    }


def paired_sample_size_record(p1, p2, discordance, alpha, power):
    pairs = paired_sample_size(p1, p2, discordance, alpha, power)
    return {
        "p1": p1,
        "p2": p2,
        "discordance": discordance,
        "alpha": alpha,
        "power": power,
        "unrounded": pairs,
        "n": ceiling(pairs),
    }


def main():
    reference_values = {
        "generator": "src/stats/__fixtures__/make-reference-values.py",
        "scipy": scipy.__version__,
        "wilson": [wilson_record(*case) for case in WILSON_CASES],
        "newcombe": [newcombe_record(*case) for case in NEWCOMBE_CASES],
        "fisher": [fisher_record(*case) for case in FISHER_CASES],
        "mcnemar": [mcnemar_record(*case) for case in MCNEMAR_CASES],
        "paired": [paired_record(*case) for case in PAIRED_CASES],
        "adjustedPValues": [p_value_record(case) for case in P_VALUE_CASES],
        "unpairedSampleSize": [unpaired_sample_size_record(*case) for case in UNPAIRED_SAMPLE_SIZE_CASES],
        "pairedSampleSize": [paired_sample_size_record(*case) for case in PAIRED_SAMPLE_SIZE_CASES],
    }
    output = Path(__file__).with_name("reference-values.json")
    output.write_text(json.dumps(reference_values, indent=2) + "\n")


if __name__ == "__main__":
    main()
