"""Exact coverage of the 95% intervals at the settings of src/stats/coverage.test.ts.

Run with `python3 src/stats/__fixtures__/exact-coverage.py`. It prints, for each setting, the
probability that the interval covers the true value, summed over every possible outcome (no
simulation). The test's settings were chosen where this is within about 0.94-0.96: the coverage of
score intervals oscillates with n and p (Brown, Cai and DasGupta 2001), and at, e.g., Wilson with
p = 0.3, n = 20 (0.975) or p = 0.5, n = 50 (0.935) it lies outside the test's 93-97% band, so a
simulation there would fail for the method's own reasons, not for a bug. The tests do not read
this script's output.
"""

import math

import numpy as np
from scipy import stats

Z = stats.norm.ppf(0.975)

WILSON_SETTINGS = [(0.1, 20), (0.1, 60), (0.3, 50), (0.3, 75), (0.5, 20), (0.5, 100)]
NEWCOMBE_SETTINGS = [
    (0.1, 20, 0.3, 20),
    (0.3, 50, 0.1, 50),
    (0.5, 50, 0.3, 50),
    (0.3, 100, 0.3, 100),
    (0.5, 100, 0.3, 100),
    (0.3, 40, 0.1, 60),
]
PAIRED_SETTINGS = [
    # (pA, pB, correlation between the arms' outcomes, pairs)
    (0.3, 0.2, 0.3, 50),
    (0.5, 0.4, 0.5, 50),
    (0.3, 0.3, 0.5, 50),
    (0.5, 0.3, 0.2, 100),
    (0.2, 0.1, 0.4, 100),
    (0.4, 0.4, 0.0, 30),
]
EXTRA_WILSON_SETTINGS = [(p, n) for p in (0.1, 0.3, 0.5) for n in (20, 50, 100)]


def wilson(successes, trials):
    successes = np.asarray(successes, dtype=float)
    denominator = trials + Z * Z
    center = (successes + Z * Z / 2) / denominator
    half_width = Z / denominator * np.sqrt(successes * (trials - successes) / trials + Z * Z / 4)
    lower = np.where(successes == 0, 0.0, center - half_width)
    upper = np.where(successes == trials, 1.0, center + half_width)
    return lower, upper


def wilson_coverage(p, n):
    successes = np.arange(n + 1)
    lower, upper = wilson(successes, n)
    covered = (lower <= p) & (p <= upper)
    return stats.binom.pmf(successes, n, p)[covered].sum()


def newcombe_coverage(p1, n1, p2, n2):
    successes1 = np.arange(n1 + 1)[:, None]
    successes2 = np.arange(n2 + 1)[None, :]
    lower1, upper1 = wilson(successes1, n1)
    lower2, upper2 = wilson(successes2, n2)
    estimate1 = successes1 / n1
    estimate2 = successes2 / n2
    difference = estimate1 - estimate2
    lower = difference - np.sqrt((estimate1 - lower1) ** 2 + (upper2 - estimate2) ** 2)
    upper = difference + np.sqrt((upper1 - estimate1) ** 2 + (estimate2 - lower2) ** 2)
    probability = stats.binom.pmf(successes1, n1, p1) * stats.binom.pmf(successes2, n2, p2)
    truth = p1 - p2
    return probability[(lower <= truth) & (truth <= upper)].sum()


def cell_probabilities(p_a, p_b, correlation):
    both = p_a * p_b + correlation * math.sqrt(p_a * (1 - p_a) * p_b * (1 - p_b))
    return [both, p_a - both, p_b - both, 1 - p_a - p_b + both]


def paired_coverage(p_a, p_b, correlation, n):
    cells = cell_probabilities(p_a, p_b, correlation)
    truth = p_a - p_b
    total = 0.0
    for both in range(n + 1):
        for only_a in range(n + 1 - both):
            only_b = np.arange(n + 1 - both - only_a)
            neither = n - both - only_a - only_b
            counts = np.stack(
                [np.full_like(only_b, both), np.full_like(only_b, only_a), only_b, neither], axis=1
            )
            probability = np.exp(stats.multinomial.logpmf(counts, n, cells))
            events_a = both + only_a
            events_b = both + only_b
            lower_a, upper_a = wilson(events_a, n)
            lower_b, upper_b = wilson(events_b, n)
            estimate_a = events_a / n
            estimate_b = events_b / n
            margins = events_a * (n - events_a) * events_b * (n - events_b)
            cross = both * neither - only_a * only_b
            corrected = np.where(cross > 0, np.maximum(cross - n / 2, 0), cross)
            phi = np.where(margins == 0, 0.0, corrected / np.sqrt(np.maximum(margins, 1)))
            below_x, below_y = estimate_a - lower_a, upper_b - estimate_b
            above_x, above_y = upper_a - estimate_a, estimate_b - lower_b
            difference = estimate_a - estimate_b
            lower = difference - np.sqrt(
                np.maximum(0, below_x**2 - 2 * phi * below_x * below_y + below_y**2)
            )
            upper = difference + np.sqrt(
                np.maximum(0, above_x**2 - 2 * phi * above_x * above_y + above_y**2)
            )
            total += probability[(lower <= truth) & (truth <= upper)].sum()
    return total


def main():
    for setting in WILSON_SETTINGS:
        print("wilson", setting, f"{wilson_coverage(*setting):.4f}")
    for setting in NEWCOMBE_SETTINGS:
        print("newcombe", setting, f"{newcombe_coverage(*setting):.4f}")
    for setting in PAIRED_SETTINGS:
        print("paired", setting, f"{paired_coverage(*setting):.4f}")
    print("for comparison, wilson on the full grid p = 0.1/0.3/0.5, n = 20/50/100:")
    for setting in EXTRA_WILSON_SETTINGS:
        print("wilson", setting, f"{wilson_coverage(*setting):.4f}")


if __name__ == "__main__":
    main()
