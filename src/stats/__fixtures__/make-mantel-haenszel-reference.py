"""Reference values for src/stats/mantel-haenszel.ts and src/stats/odds-ratio-homogeneity.ts.

Run with Debian's interpreter, which has statsmodels:
`/usr/bin/python3 src/stats/__fixtures__/make-mantel-haenszel-reference.py` (written against
statsmodels 0.13.5, scipy 1.10.1, numpy 1.24.2; the pyenv `python3` on PATH has no statsmodels).
It rewrites mantel-haenszel-reference.json beside this file. The tests read only the JSON (CI has
no Python).

- Pooled odds ratio, its Robins-Breslow-Greenland standard error and interval, the
  Cochran-Mantel-Haenszel test without continuity correction and the Breslow-Day test with and
  without Tarone's correction come from statsmodels' StratifiedTable, an independent
  implementation.
- statsmodels has no Mantel-Haenszel risk difference. Its values here come from a separate numpy
  implementation written in this script from the formula of Sato, Greenland & Robins (1989),
  Biometrics 45(4):1323-1324 (the one SAS PROC FREQ documents), not from the TypeScript. The
  published example of Agresti (2013) is recorded separately with the precision it was printed to.
- The homogeneity test across independent groups (Cochran's Q of the groups' log odds ratios,
  weights 1 / RBG variance) is computed from statsmodels' per-group StratifiedTable with
  scipy.stats.chi2.

Every reference case keeps every stratum (both arms non-empty, events and non-events present), as
statsmodels drops none; the TypeScript tests check the dropping separately.
"""

import json
import math
from pathlib import Path

import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.contingency_tables import StratifiedTable

# Agresti (2013), "Categorical Data Analysis", 3rd ed., the table on p. 226 (from Beitler &
# Landis 1985): a clinical trial at eight centres, drug against control, response success /
# failure. Rows: (drug successes, drug failures, control successes, control failures).
AGRESTI_CENTRES = [
    (11, 25, 10, 27),
    (16, 4, 22, 10),
    (14, 5, 7, 12),
    (2, 14, 1, 16),
    (6, 11, 0, 12),
    (1, 10, 0, 10),
    (1, 4, 1, 8),
    (4, 2, 6, 1),
]


def china_smoking():
    """statsmodels' example data: lung cancer by smoking in eight Chinese cities (Liu 1992)."""
    import statsmodels.api as sm

    data = sm.datasets.china_smoking.load_pandas().data
    return [
        (
            int(row["smoking_yes_cancer_yes"]),
            int(row["smoking_yes_cancer_no"]),
            int(row["smoking_no_cancer_yes"]),
            int(row["smoking_no_cancer_no"]),
        )
        for _, row in data.iterrows()
    ]


def random_strata(rng, strata, low, high, rate_a, rate_b):
    """Strata with random arm sizes in [low, high] and binomial events; redrawn until every
    stratum has events and non-events (so statsmodels' Breslow-Day is defined)."""
    while True:
        tables = []
        for _ in range(strata):
            n_a, n_b = rng.integers(low, high + 1, 2)
            a = rng.binomial(n_a, rate_a)
            c = rng.binomial(n_b, rate_b)
            tables.append((int(a), int(n_a - a), int(c), int(n_b - c)))
        if all(0 < a + c < a + b + c + d for a, b, c, d in tables):
            return tables


def as_tables(rows):
    return [{"aYes": a, "aNo": b, "bYes": c, "bNo": d} for a, b, c, d in rows]


def sato_risk_difference(rows, z):
    """Mantel-Haenszel risk difference with Sato's variance, written from the paper's formula."""
    counts = np.asarray(rows, dtype=float)
    a, b, c, d = counts.T
    n_a, n_b = a + b, c + d
    n = n_a + n_b
    weights = n_a * n_b / n
    difference = np.sum(weights * (a / n_a - c / n_b)) / np.sum(weights)
    p = (n_a**2 * c - n_b**2 * a + n_a * n_b * (n_b - n_a) / 2) / n**2
    q = (a * (n_b - c) + c * (n_a - a)) / (2 * n)
    variance = (difference * np.sum(p) + np.sum(q)) / np.sum(weights) ** 2
    standard_error = math.sqrt(variance)
    lower = max(-1.0, difference - z * standard_error)
    upper = min(1.0, difference + z * standard_error)
    return float(difference), standard_error, [lower, upper]


def mantel_haenszel_record(name, rows, confidence=0.95):
    table = StratifiedTable([np.array([[a, b], [c, d]]) for a, b, c, d in rows])
    alpha = 1 - confidence
    z = stats.norm.ppf(1 - alpha / 2)
    lower, upper = table.oddsratio_pooled_confint(alpha=alpha)
    null = table.test_null_odds(correction=False)
    tarone = table.test_equal_odds(adjust=True)
    breslow_day = table.test_equal_odds(adjust=False)
    difference, standard_error, interval = sato_risk_difference(rows, z)
    degrees_of_freedom = len(rows) - 1
    return {
        "name": name,
        "tables": as_tables(rows),
        "confidence": confidence,
        "nA": int(sum(a + b for a, b, _, _ in rows)),
        "nB": int(sum(c + d for _, _, c, d in rows)),
        "oddsRatio": float(table.oddsratio_pooled),
        "logOddsRatio": float(table.logodds_pooled),
        "logOddsRatioStandardError": float(table.logodds_pooled_se),
        "oddsRatioCi": [float(lower), float(upper)],
        "cmhStatistic": float(null.statistic),
        "cmhPValue": float(null.pvalue),
        "riskDifference": difference,
        "riskDifferenceStandardError": standard_error,
        "riskDifferenceCi": interval,
        "breslowDay": None
        if degrees_of_freedom < 1
        else {
            "statistic": float(tarone.statistic),
            "pValue": float(tarone.pvalue),
            "uncorrectedStatistic": float(breslow_day.statistic),
            "uncorrectedPValue": float(breslow_day.pvalue),
            "degreesOfFreedom": degrees_of_freedom,
        },
    }


def mantel_haenszel_cases(rng):
    return [
        mantel_haenszel_record("Agresti (2013) p. 226, eight centres", AGRESTI_CENTRES),
        mantel_haenszel_record(
            "Agresti (2013) p. 226, eight centres, 90%", AGRESTI_CENTRES, confidence=0.90
        ),
        mantel_haenszel_record("statsmodels china_smoking, eight cities", china_smoking()),
        mantel_haenszel_record("one stratum", [(12, 18, 5, 25)]),
        mantel_haenszel_record("two strata, odds ratio below 1", [(3, 27, 9, 21), (5, 45, 14, 36)]),
        mantel_haenszel_record("odds ratio near 1", [(20, 30, 19, 31), (33, 17, 32, 18)]),
        mantel_haenszel_record(
            "4 strata, 0.6 vs 0.4, 30 per arm", random_strata(rng, 4, 30, 30, 0.6, 0.4)
        ),
        mantel_haenszel_record(
            "12 sparse strata of 2 to 6 per arm", random_strata(rng, 12, 2, 6, 0.5, 0.3)
        ),
        mantel_haenszel_record(
            "3 strata of unequal arms", [(40, 160, 3, 17), (15, 35, 30, 220), (2, 8, 1, 4)]
        ),
        mantel_haenszel_record(
            "large strata", random_strata(rng, 3, 2000, 5000, 0.12, 0.1), confidence=0.99
        ),
        mantel_haenszel_record(
            "heterogeneous odds ratios", [(25, 5, 5, 25), (10, 20, 15, 15), (5, 25, 22, 8)]
        ),
    ]


def homogeneity_record(name, groups, confidence=0.95):
    z = stats.norm.ppf((1 + confidence) / 2)
    logs, variances, differences, difference_variances = [], [], [], []
    for rows in groups:
        table = StratifiedTable([np.array([[a, b], [c, d]]) for a, b, c, d in rows])
        logs.append(float(table.logodds_pooled))
        variances.append(float(table.logodds_pooled_se) ** 2)
        difference, standard_error, _ = sato_risk_difference(rows, z)
        differences.append(difference)
        difference_variances.append(standard_error**2)
    logs, variances = np.array(logs), np.array(variances)
    weights = 1 / variances
    pooled = float(np.sum(weights * logs) / np.sum(weights))
    statistic = float(np.sum(weights * (logs - pooled) ** 2))
    degrees_of_freedom = len(groups) - 1
    record = {
        "name": name,
        "confidence": confidence,
        "groups": [as_tables(rows) for rows in groups],
        "pooledLogOddsRatio": pooled,
        "statistic": statistic,
        "degreesOfFreedom": degrees_of_freedom,
        "pValue": float(stats.chi2.sf(statistic, degrees_of_freedom)),
        "logOddsRatioDifference": None,
        "riskDifferenceDifference": None,
    }
    if len(groups) == 2:
        record["logOddsRatioDifference"] = difference_record(logs[0] - logs[1], variances, z)
        record["riskDifferenceDifference"] = difference_record(
            differences[0] - differences[1], difference_variances, z
        )
    return record


def difference_record(estimate, variances, z):
    standard_error = math.sqrt(float(np.sum(variances)))
    return {
        "estimate": float(estimate),
        "standardError": standard_error,
        "ci": [float(estimate - z * standard_error), float(estimate + z * standard_error)],
    }


def homogeneity_cases(rng):
    model_1 = random_strata(rng, 4, 40, 40, 0.65, 0.4)
    model_2 = random_strata(rng, 4, 40, 40, 0.55, 0.45)
    model_3 = random_strata(rng, 4, 25, 45, 0.7, 0.3)
    return [
        homogeneity_record("two models", [model_1, model_2]),
        homogeneity_record("two models, 90%", [model_1, model_2], confidence=0.90),
        homogeneity_record("three models", [model_1, model_2, model_3]),
        homogeneity_record(
            "Agresti centres against china_smoking", [AGRESTI_CENTRES, china_smoking()]
        ),
        homogeneity_record(
            "four groups of sparse strata",
            [random_strata(rng, 6, 3, 8, 0.5, 0.3) for _ in range(4)],
        ),
    ]


def main():
    rng = np.random.default_rng(20_260_301)
    reference = {
        "generator": "src/stats/__fixtures__/make-mantel-haenszel-reference.py",
        "interpreter": "/usr/bin/python3",
        "statsmodels": statsmodels.__version__,
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "mantelHaenszel": mantel_haenszel_cases(rng),
        # Agresti (2013), p. 231, for the table above: MH estimate of the common difference of
        # proportions 0.130 with standard error 0.050 (printed to three decimals). We took the
        # numbers as quoted by the cicalc R package's tests (GSK-Biostatistics/cicalc,
        # tests/testthat/test-prop_ci_common_risk.R), which also print the 95% interval
        # (0.0313, 0.2284) from their own implementation of Sato's variance.
        "publishedRiskDifference": {
            "source": "Agresti (2013), Categorical Data Analysis, 3rd ed., pp. 226 and 231",
            "tables": as_tables(AGRESTI_CENTRES),
            "riskDifference": 0.130,
            "standardError": 0.050,
            "decimals": 3,
            "cicalcCi": [0.0313, 0.2284],
            "cicalcDecimals": 4,
        },
        "oddsRatioHomogeneity": homogeneity_cases(rng),
    }
    path = Path(__file__).with_name("mantel-haenszel-reference.json")
    text = json.dumps(reference, indent=2, allow_nan=False)
    path.write_text(text + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
