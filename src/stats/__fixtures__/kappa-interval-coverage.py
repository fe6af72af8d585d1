"""Why cohenKappa's `ci` is a posterior (Bayesian bootstrap) interval with Perks' prior: coverage
of candidate 95% intervals for Cohen's kappa by simulation.

Run with `python3 src/stats/__fixtures__/kappa-interval-coverage.py` (numpy and scipy; written
with numpy 2.4.6 and scipy 1.17.1). For each setting (a table of true cell probabilities and a
number of items) it draws experiments, skips the rare one where kappa is undefined, and prints the
share of intervals that contain the true kappa:

- wald: Fleiss-Cohen-Everitt (1969) standard error, clamped to [-1, 1] (cohenKappa's `waldCi`);
- percentile: percentile bootstrap resampling items;
- bca: bias-corrected and accelerated bootstrap (B. Efron (1987), JASA 82(397):171-185), the
  acceleration from the jackknife over items;
- jeffreys: percentiles of kappa over Dirichlet(n_ij + 1/2) posterior draws of the cells;
- perks: the same with Dirichlet(n_ij + 1/K^2) (what cohenKappa's `ci` does).

Posterior intervals are widened to contain the estimate, as in the TypeScript. The tests do not
read this script's output; src/stats/cohen-kappa.test.ts rechecks the chosen interval.
"""

import numpy as np
from scipy import stats

Z = stats.norm.ppf(0.975)
DRAWS = 1_000

THREE = [[0.3, 0.05, 0.02], [0.04, 0.25, 0.05], [0.03, 0.04, 0.22]]
SETTINGS = [
    # (name, cell probabilities, items, experiments)
    ("kappa 0.9, two balanced labels", [[0.475, 0.025], [0.025, 0.475]], 20, 2_000),
    ("kappa 0.9, positives 30%", [[0.279, 0.021], [0.021, 0.679]], 20, 1_000),
    ("kappa 0.6, two labels", [[0.4, 0.1], [0.1, 0.4]], 20, 1_000),
    ("kappa 0, two labels", [[0.25, 0.25], [0.25, 0.25]], 20, 1_000),
    ("three labels", THREE, 20, 1_000),
    ("three labels", THREE, 60, 1_000),
    ("three labels", THREE, 200, 500),
    (
        "three labels, kappa 0.94",
        [[0.3, 0.01, 0.0], [0.01, 0.35, 0.01], [0.0, 0.01, 0.31]],
        20,
        1_000,
    ),
    (
        "four labels",
        [
            [0.2, 0.02, 0.01, 0.01],
            [0.02, 0.2, 0.01, 0.01],
            [0.01, 0.01, 0.2, 0.02],
            [0.01, 0.01, 0.02, 0.24],
        ],
        30,
        1_000,
    ),
    ("kappa 0.8, two labels", [[0.45, 0.05], [0.05, 0.45]], 100, 500),
]


def kappa_of(cells):
    """Kappa of one table or a stack of tables (last two axes), counts or probabilities."""
    cells = np.asarray(cells, dtype=float)
    total = cells.sum(axis=(-1, -2))
    shares = cells / total[..., None, None]
    observed = np.trace(shares, axis1=-2, axis2=-1)
    expected = (shares.sum(-1) * shares.sum(-2)).sum(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (observed - expected) / (1 - expected)


def wald(counts):
    n = counts.sum()
    shares = counts / n
    rows, columns = shares.sum(1), shares.sum(0)
    observed, expected = np.trace(shares), rows @ columns
    kappa = (observed - expected) / (1 - expected)
    diagonal = np.sum(np.diag(shares) * (1 - (rows + columns) * (1 - kappa)) ** 2)
    weights = (columns[:, None] + rows[None, :]) ** 2
    off = (shares * weights).sum() - np.trace(shares * weights)
    variance = (diagonal + (1 - kappa) ** 2 * off - (kappa - expected * (1 - kappa)) ** 2) / (
        n * (1 - expected) ** 2
    )
    error = 0.0 if observed == 1 else np.sqrt(max(variance, 0.0))
    return max(-1, kappa - Z * error), min(1, kappa + Z * error)


def bootstrap_kappas(counts, rng):
    n, size = int(counts.sum()), counts.shape[0]
    resampled = rng.multinomial(n, (counts / n).ravel(), DRAWS).reshape(DRAWS, size, size)
    kappas = kappa_of(resampled)
    return kappas[~np.isnan(kappas)]


def percentile(counts, rng):
    return tuple(np.percentile(bootstrap_kappas(counts, rng), [2.5, 97.5]))


def bca(counts, rng):
    kappas = bootstrap_kappas(counts, rng)
    estimate = kappa_of(counts)
    bias = stats.norm.ppf(np.mean(kappas < estimate) + 0.5 * np.mean(kappas == estimate))
    leave_one_out, weights = [], []
    for (i, j), count in np.ndenumerate(counts):
        if count > 0:
            reduced = counts.copy()
            reduced[i, j] -= 1
            leave_one_out.append(kappa_of(reduced))
            weights.append(count)
    leave_one_out, weights = np.array(leave_one_out), np.array(weights, dtype=float)
    spread = np.sum(weights * leave_one_out) / weights.sum() - leave_one_out
    denominator = 6 * np.sum(weights * spread**2) ** 1.5
    acceleration = np.sum(weights * spread**3) / denominator if denominator > 0 else 0.0
    z = stats.norm.ppf([0.025, 0.975])
    levels = stats.norm.cdf(bias + (bias + z) / (1 - acceleration * (bias + z)))
    if np.any(np.isnan(levels)):
        return estimate, estimate  # all resamples equal the estimate: a zero-width interval
    return tuple(np.percentile(kappas, 100 * levels))


def posterior(counts, rng, prior_per_cell):
    used = (counts.sum(0) + counts.sum(1)) > 0
    table = counts[np.ix_(used, used)]
    size = table.shape[0]
    prior = prior_per_cell(size)
    draws = rng.dirichlet(table.ravel() + prior, DRAWS).reshape(DRAWS, size, size)
    lower, upper = np.percentile(kappa_of(draws), [2.5, 97.5])
    estimate = kappa_of(counts)
    return min(lower, estimate), max(upper, estimate)


METHODS = {
    "wald": lambda counts, rng: wald(counts),
    "percentile": percentile,
    "bca": bca,
    "jeffreys": lambda counts, rng: posterior(counts, rng, lambda size: 0.5),
    "perks": lambda counts, rng: posterior(counts, rng, lambda size: 1 / size**2),
}


def coverage(cells, items, experiments, rng):
    cells = np.asarray(cells)
    size = cells.shape[0]
    truth = kappa_of(cells)
    covered = dict.fromkeys(METHODS, 0)
    valid = 0
    for _ in range(experiments):
        counts = rng.multinomial(items, cells.ravel()).reshape(size, size)
        if np.isnan(kappa_of(counts)):
            continue
        valid += 1
        for name, method in METHODS.items():
            lower, upper = method(counts, rng)
            covered[name] += lower <= truth <= upper
    return truth, {name: count / valid for name, count in covered.items()}


def main():
    rng = np.random.default_rng(20_260_306)
    print("setting, items, true kappa:", ", ".join(METHODS))
    for name, cells, items, experiments in SETTINGS:
        truth, results = coverage(cells, items, experiments, rng)
        print(
            f"{name}, n = {items}, kappa = {truth:.3f}:",
            " ".join(f"{name} {value:.3f}" for name, value in results.items()),
            flush=True,
        )


if __name__ == "__main__":
    main()
