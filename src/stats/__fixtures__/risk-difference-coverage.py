"""Why mantelHaenszel's risk-difference interval uses Sato's variance: coverage of the 95% Wald
interval RD_MH +/- 1.96 SE with Sato, Greenland & Robins' (1989) variance and with Greenland &
Robins' (1985) one, by simulation.

Run with `python3 src/stats/__fixtures__/risk-difference-coverage.py` (numpy; written with numpy
2.4.6). Each setting has 4 strata with arm-B rates `base`, arm-A rates base + difference, and the
given arm sizes. The tests do not read this script's output; src/stats/mantel-haenszel.test.ts
rechecks the Sato interval's coverage with its own generator.
"""

import numpy as np

Z = 1.959963984540054
EXPERIMENTS = 4_000

SETTINGS = [
    # (arm-B rates per stratum, common difference, arm-A sizes, arm-B sizes)
    ([0.2, 0.3, 0.4, 0.5], 0.15, [25] * 4, [25] * 4),
    ([0.2, 0.3, 0.4, 0.5], 0.15, [50] * 4, [50] * 4),
    ([0.1, 0.2, 0.3, 0.4], 0.1, [10] * 4, [10] * 4),
    ([0.3, 0.3, 0.5, 0.5], -0.2, [40, 20, 30, 10], [20, 40, 10, 30]),
    ([0.05, 0.1, 0.15, 0.2], 0.05, [100] * 4, [100] * 4),
    ([0.4] * 4, 0.2, [33] * 4, [33] * 4),
]


def mantel_haenszel(a, n_a, c, n_b):
    n = n_a + n_b
    weights = n_a * n_b / n
    return np.sum((a * n_b - c * n_a) / n) / np.sum(weights), weights, n


def sato_variance(a, n_a, c, n_b):
    difference, weights, n = mantel_haenszel(a, n_a, c, n_b)
    p = (n_a**2 * c - n_b**2 * a + n_a * n_b * (n_b - n_a) / 2) / n**2
    q = (a * (n_b - c) + c * (n_a - a)) / (2 * n)
    return difference, (difference * np.sum(p) + np.sum(q)) / np.sum(weights) ** 2


def greenland_robins_variance(a, n_a, c, n_b):
    difference, weights, n = mantel_haenszel(a, n_a, c, n_b)
    terms = (a * (n_a - a) * n_b**3 + c * (n_b - c) * n_a**3) / (n_a * n_b * n**2)
    return difference, np.sum(terms) / np.sum(weights) ** 2


def coverage(base, difference, sizes_a, sizes_b, rng):
    base, sizes_a, sizes_b = np.array(base), np.array(sizes_a), np.array(sizes_b)
    covered = {"sato": 0, "greenland-robins": 0}
    for _ in range(EXPERIMENTS):
        a = rng.binomial(sizes_a, base + difference)
        c = rng.binomial(sizes_b, base)
        methods = (("sato", sato_variance), ("greenland-robins", greenland_robins_variance))
        for name, method in methods:
            estimate, variance = method(a, sizes_a, c, sizes_b)
            if variance > 0 and abs(estimate - difference) <= Z * np.sqrt(variance):
                covered[name] += 1
    return {name: count / EXPERIMENTS for name, count in covered.items()}


def main():
    rng = np.random.default_rng(20_260_309)
    for base, difference, sizes_a, sizes_b in SETTINGS:
        result = coverage(base, difference, sizes_a, sizes_b, rng)
        print(base, difference, sizes_a, sizes_b, result, flush=True)


if __name__ == "__main__":
    main()
