"""Reference values for the agreement statistics in src/stats (Cohen's kappa, Krippendorff's
alpha, diagnostic accuracy, Rogan-Gladen), computed independently with numpy and scipy from the
textbook definitions (statsmodels and sklearn are deliberately not used).

Run with `python3 src/stats/__fixtures__/make-agreement-reference.py`; it rewrites
agreement-reference.json beside this file. The tests read only the JSON (CI has no Python).

Closed forms are compared to 1e-10. The bootstrap and posterior intervals are recomputed here
with the same design but numpy's generator and many more draws, so the tests compare them only
loosely. Run with the pyenv `python3` (numpy 2.4.6, scipy 1.17.1); statsmodels is not needed.
"""

import json
import math
from pathlib import Path

import numpy as np
import scipy
from scipy import stats

Z_975 = stats.norm.ppf(0.975)
BOOTSTRAP_REFERENCE_SAMPLES = 20_000


# ---------------------------------------------------------------- Cohen's kappa


def kappa_from_table(table):
    """Cohen (1960) kappa and the Fleiss, Cohen & Everitt (1969) non-null standard error, written
    in the kappa form of Fleiss, Levin & Paik (2003), eq. 18.13:
    Var = [sum_i p_ii (1 - (p_i. + p_.i)(1 - k))^2 + (1 - k)^2 sum_{i!=j} p_ij (p_.i + p_j.)^2
           - (k - p_e (1 - k))^2] / (n (1 - p_e)^2)."""
    counts = np.asarray(table, dtype=float)
    n = counts.sum()
    p = counts / n
    rows = p.sum(axis=1)  # p_i.
    columns = p.sum(axis=0)  # p_.j
    observed = np.trace(p)
    expected = float(rows @ columns)
    kappa = (observed - expected) / (1 - expected)
    diagonal = np.sum(np.diag(p) * (1 - (rows + columns) * (1 - kappa)) ** 2)
    # weight[i, j] = (p_.i + p_j.)^2
    weight = (columns[:, None] + rows[None, :]) ** 2
    off = p * weight
    off_diagonal = off.sum() - np.trace(off)
    variance = (
        diagonal + (1 - kappa) ** 2 * off_diagonal - (kappa - expected * (1 - kappa)) ** 2
    ) / (n * (1 - expected) ** 2)
    standard_error = math.sqrt(max(variance, 0.0))
    lower = max(-1.0, kappa - Z_975 * standard_error)
    upper = min(1.0, kappa + Z_975 * standard_error)
    return {
        "kappa": float(kappa),
        "standardError": standard_error,
        "lower": float(lower),
        "upper": float(upper),
        "observedAgreement": float(observed),
        "expectedAgreement": expected,
    }


def pairs_from_table(table, categories, rng):
    """Expands a contingency table (rows: rater 1) into shuffled label pairs."""
    pairs = []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            pairs.extend([[categories[i], categories[j]]] * int(count))
    order = rng.permutation(len(pairs))
    return [pairs[index] for index in order]


def kappa_record(name, table, categories, rng):
    table = np.asarray(table)
    used = [c for c, r, col in zip(categories, table.sum(axis=1), table.sum(axis=0)) if r + col > 0]
    record = {"name": name, "categories": categories, "pairs": pairs_from_table(table, categories, rng)}
    record.update(kappa_from_table(table))
    record["n"] = int(table.sum())
    record["usedCategories"] = used
    return record


def kappa_cases(rng):
    random_table = rng.multinomial(
        60, np.array([[8, 2, 1, 1], [2, 6, 2, 0], [1, 1, 5, 2], [0, 1, 2, 6]]).ravel() / 40
    ).reshape(4, 4)
    return [
        kappa_record(
            "three diagnostic categories, 100 patients (Fleiss, Levin & Paik 2003, table 18.1)",
            [[75, 1, 4], [5, 4, 1], [0, 0, 10]],
            ["psychological", "neurological", "organic"],
            rng,
        ),
        kappa_record("binary, moderate agreement", [[20, 5], [10, 15]], ["yes", "no"], rng),
        kappa_record("binary, rare positives", [[4, 3], [2, 91]], ["deceptive", "honest"], rng),
        kappa_record("four categories, random counts", random_table.tolist(), ["a", "b", "c", "d"], rng),
        kappa_record("perfect agreement", [[7, 0, 0], [0, 5, 0], [0, 0, 3]], ["x", "y", "z"], rng),
        kappa_record("worse than chance", [[1, 9], [11, 2]], ["yes", "no"], rng),
        kappa_record("constant raters on different labels", [[0, 12], [0, 0]], ["yes", "no"], rng),
        kappa_record("small n, interval clamped at 1", [[5, 0], [1, 4]], ["yes", "no"], rng),
        kappa_record(
            "a category only rater 2 used",
            [[10, 2, 1], [1, 8, 2], [0, 0, 0]],
            ["low", "mid", "high"],
            rng,
        ),
    ]


# ---------------------------------------------------------------- Krippendorff's alpha


def coincidence_matrix(units):
    """o_ck = sum_u sum over ordered pairs of values (c, k) from different coders in u / (m_u - 1),
    built literally from the definition."""
    values = sorted({v for unit in units for v in unit if v is not None})
    index = {v: i for i, v in enumerate(values)}
    o = np.zeros((len(values), len(values)))
    for unit in units:
        present = [v for v in unit if v is not None]
        m = len(present)
        if m < 2:
            continue
        for a in range(m):
            for b in range(m):
                if a != b:
                    o[index[present[a]], index[present[b]]] += 1 / (m - 1)
    return o


def nominal_alpha(units):
    o = coincidence_matrix(units)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    if n < 2:
        return math.nan
    observed = (o.sum() - np.trace(o)) / n  # D_o
    expected = (n * n - np.sum(n_c**2)) / (n * (n - 1))  # D_e
    if expected <= 0:
        return math.nan
    return float(1 - observed / expected)


def pairable_counts(units):
    sizes = [sum(v is not None for v in unit) for unit in units]
    pairable = [size for size in sizes if size >= 2]
    return len(pairable), sum(pairable)


def bootstrap_alpha(units, rng, samples=BOOTSTRAP_REFERENCE_SAMPLES):
    pairable = [unit for unit in units if sum(v is not None for v in unit) >= 2]
    alphas = []
    for _ in range(samples):
        chosen = rng.integers(0, len(pairable), len(pairable))
        alpha = nominal_alpha([pairable[i] for i in chosen])
        if not math.isnan(alpha):
            alphas.append(alpha)
    lower, upper = np.percentile(alphas, [2.5, 97.5])
    return float(lower), float(upper)


def transpose(coders):
    """Krippendorff's tables list coders by row; the TypeScript takes units by row."""
    return [list(unit) for unit in zip(*coders)]


def alpha_record(name, units, rng, bootstrap=True):
    unit_count, pairable = pairable_counts(units)
    record = {"name": name, "units": units, "alpha": nominal_alpha(units)}
    record["pairableUnits"] = unit_count
    record["pairable"] = pairable
    if bootstrap:
        record["bootstrapLower"], record["bootstrapUpper"] = bootstrap_alpha(units, rng)
    return record


def scotts_pi(first, second):
    """Scott (1955) pi for two coders: expected agreement from the pooled marginals."""
    values = sorted(set(first) | set(second))
    observed = np.mean([a == b for a, b in zip(first, second)])
    pooled = np.array([(first.count(v) + second.count(v)) / (2 * len(first)) for v in values])
    expected = np.sum(pooled**2)
    return (observed - expected) / (1 - expected)


def alpha_cases(rng):
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: 4 observers,
    # 12 units, values 1-5, missing marked None. Published nominal alpha: 0.743.
    _ = None
    textbook = transpose(
        [
            ["1", "2", "3", "3", "2", "1", "4", "1", "2", _, _, _],
            ["1", "2", "3", "3", "2", "2", "4", "1", "2", "5", _, "3"],
            [_, "3", "3", "3", "2", "3", "4", "2", "2", "5", "1", _],
            ["1", "2", "3", "3", "2", "4", "4", "1", "2", "5", "1", _],
        ]
    )
    # Krippendorff (2011), section A: two observers, binary, 10 units. Published alpha: 0.095.
    binary = transpose(
        [
            ["0", "1", "0", "0", "0", "0", "0", "0", "1", "0"],
            ["1", "1", "1", "0", "0", "1", "0", "0", "0", "0"],
        ]
    )
    labels = np.array(["safe", "unsafe", "unclear"])
    random_units = []
    for _unit in range(30):
        truth = rng.choice(3, p=[0.5, 0.35, 0.15])
        row = []
        for _coder in range(5):
            if rng.random() < 0.2:
                row.append(None)
            else:
                row.append(str(labels[truth if rng.random() < 0.75 else rng.integers(0, 3)]))
        random_units.append(row)
    two_coder = [[str(labels[rng.integers(0, 2)]) for _ in range(2)] for _ in range(40)]
    for unit in two_coder[:25]:
        unit[1] = unit[0]
    first, second = [u[0] for u in two_coder], [u[1] for u in two_coder]
    n_values = 2 * len(two_coder)
    # Krippendorff: with two coders and no missing values alpha = 1 - (1 - pi) (n - 1) / n,
    # n the number of values (Scott's pi with a small-sample correction).
    assert abs(
        nominal_alpha(two_coder) - (1 - (1 - scotts_pi(first, second)) * (n_values - 1) / n_values)
    ) < 1e-12

    records = [
        alpha_record("Krippendorff (2011) 4 observers x 12 units, nominal", textbook, rng),
        alpha_record("Krippendorff (2011) 2 observers binary", binary, rng),
        alpha_record("5 coders x 30 units, 3 labels, 20% missing", random_units, rng),
        alpha_record("2 coders x 40 units, no missing", two_coder, rng),
        alpha_record(
            "uneven numbers of raters per unit",
            [["a", "a", "b"], ["b", "b"], ["a", None, "a", "a"], ["c", "b"], ["c", "c", None], ["a"]],
            rng,
            bootstrap=False,
        ),
    ]
    return records


# ---------------------------------------------------------------- diagnostic accuracy


def wilson(k, n):
    if n == 0:
        return [0.0, 1.0]
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    return [float(ci.low), float(ci.high)]


def diagnostic_record(name, true_positives, false_negatives, true_negatives, false_positives, rng):
    pairs = (
        [{"judge": True, "truth": True}] * true_positives
        + [{"judge": False, "truth": True}] * false_negatives
        + [{"judge": False, "truth": False}] * true_negatives
        + [{"judge": True, "truth": False}] * false_positives
    )
    pairs = [pairs[i] for i in rng.permutation(len(pairs))]
    positives = true_positives + false_negatives
    negatives = true_negatives + false_positives
    return {
        "name": name,
        "pairs": pairs,
        "n": len(pairs),
        "sensitivity": {
            "value": true_positives / positives if positives else None,
            "ci": wilson(true_positives, positives),
            "k": true_positives,
            "n": positives,
        },
        "specificity": {
            "value": true_negatives / negatives if negatives else None,
            "ci": wilson(true_negatives, negatives),
            "k": true_negatives,
            "n": negatives,
        },
    }


def diagnostic_cases(rng):
    return [
        diagnostic_record("typical judge", 42, 8, 130, 20, rng),
        diagnostic_record("perfect judge", 10, 0, 15, 0, rng),
        diagnostic_record("judge that always says yes", 12, 0, 0, 30, rng),
        diagnostic_record("no true positives in the labels", 0, 0, 17, 3, rng),
    ]


# ---------------------------------------------------------------- Rogan-Gladen


def rogan_gladen(apparent, sensitivity, specificity):
    """(p + Sp - 1) / (Se + Sp - 1), clamped to [0, 1]; None (NaN) when Se + Sp <= 1."""
    youden = sensitivity + specificity - 1
    if youden <= 0:
        return None
    return min(1.0, max(0.0, (apparent + specificity - 1) / youden))


ROGAN_GLADEN_CASES = [
    # (apparent rate, sensitivity, specificity)
    (0.3, 0.9, 0.95),
    (0.12, 0.8, 0.9),
    (0.5, 0.7, 0.6),
    (0.02, 0.9, 0.95),  # below 1 - Sp: clamped to 0
    (0.98, 0.9, 0.95),  # above Se: clamped to 1
    (0.4, 1.0, 1.0),
    (0.25, 0.6, 0.4),  # Se + Sp = 1: undefined
    (0.25, 0.3, 0.5),  # Se + Sp < 1: undefined
    (0.0, 0.85, 0.9),
    (1.0, 0.85, 0.9),
]


def bootstrap_prevalence(positives, n, tp, pos, tn, neg, rng, samples=BOOTSTRAP_REFERENCE_SAMPLES):
    """Apparent rate, Se and Sp drawn from their Jeffreys posteriors Beta(x + 1/2, n - x + 1/2).
    Draws with Se* + Sp* <= 1 count as 0 for the lower and 1 for the upper quantile; the interval
    is then widened to contain the point estimate."""
    apparent = rng.beta(positives + 0.5, n - positives + 0.5, samples)
    sensitivity = rng.beta(tp + 0.5, pos - tp + 0.5, samples)
    specificity = rng.beta(tn + 0.5, neg - tn + 0.5, samples)
    youden = sensitivity + specificity - 1
    informative = youden > 0
    corrected = np.clip((apparent + specificity - 1) / np.where(informative, youden, 1), 0, 1)
    lower = np.percentile(np.where(informative, corrected, 0.0), 2.5)
    upper = np.percentile(np.where(informative, corrected, 1.0), 97.5)
    rate = rogan_gladen(positives / n, tp / pos, tn / neg)
    return float(min(lower, rate)), float(max(upper, rate)), float(np.mean(~informative))


def prevalence_record(positives, n, tp, pos, tn, neg, rng):
    rate = rogan_gladen(positives / n, tp / pos, tn / neg)
    lower, upper, uninformative = bootstrap_prevalence(positives, n, tp, pos, tn, neg, rng)
    return {
        "positives": positives,
        "n": n,
        "validation": {"truePositives": tp, "positives": pos, "trueNegatives": tn, "negatives": neg},
        "rate": rate,
        "raw": positives / n,
        "labels": pos + neg,
        "bootstrapLower": lower,
        "bootstrapUpper": upper,
        "uninformativeShare": uninformative,
    }


PREVALENCE_CASES = [
    # (run positives, run n, validation TP, positives, TN, negatives)
    (240, 800, 45, 50, 140, 150),
    (90, 800, 18, 20, 55, 60),
    (300, 1000, 160, 200, 280, 300),
    (60, 400, 9, 12, 14, 18),  # small validation set: Se* + Sp* <= 1 in a few resamples
    (70, 200, 3, 5, 5, 7),  # tiny validation set: Se* + Sp* <= 1 in many resamples
]


def corrected_difference_record(difference, standard_error, tp, pos, tn, neg, rng):
    """(p1 - p2) / (Se + Sp - 1) clamped to [-1, 1]; the interval from draws of the difference
    (normal) and of Se, Sp (Jeffreys posteriors), uninformative draws counting as -1 and +1."""
    youden = tp / pos + tn / neg - 1
    corrected = min(1.0, max(-1.0, difference / youden))
    samples = BOOTSTRAP_REFERENCE_SAMPLES
    differences = rng.normal(difference, standard_error, samples)
    sensitivity = rng.beta(tp + 0.5, pos - tp + 0.5, samples)
    specificity = rng.beta(tn + 0.5, neg - tn + 0.5, samples)
    youdens = sensitivity + specificity - 1
    informative = youdens > 0
    draws = np.clip(differences / np.where(informative, youdens, 1), -1, 1)
    lower = np.percentile(np.where(informative, draws, -1.0), 2.5)
    upper = np.percentile(np.where(informative, draws, 1.0), 97.5)
    return {
        "difference": difference,
        "standardError": standard_error,
        "validation": {"truePositives": tp, "positives": pos, "trueNegatives": tn, "negatives": neg},
        "corrected": corrected,
        "bootstrapLower": float(min(lower, corrected)),
        "bootstrapUpper": float(max(upper, corrected)),
        "uninformativeShare": float(np.mean(~informative)),
    }


CORRECTED_DIFFERENCE_CASES = [
    # (apparent difference, its standard error, validation TP, positives, TN, negatives)
    (-0.17, 0.045, 45, 50, 140, 150),
    (0.12, 0.03, 18, 20, 55, 60),
    (0.05, 0.02, 9, 10, 10, 10),  # Sp = 1 in the validation sample
    (-0.3, 0.06, 7, 10, 8, 10),  # small validation set: Se* + Sp* <= 1 in some draws
    (0.0, 0.05, 160, 200, 280, 300),
]


def table_from_pairs(pairs, categories):
    index = {category: position for position, category in enumerate(categories)}
    table = np.zeros((len(categories), len(categories)))
    for first, second in pairs:
        table[index[first], index[second]] += 1
    return table


def add_kappa_posterior_intervals(records, rng, samples=BOOTSTRAP_REFERENCE_SAMPLES):
    """cohenKappa's `ci`: percentiles of kappa over Dirichlet(n_ij + 1/K^2) draws of the cells of
    the K labels that occur, widened to contain the estimate."""
    for record in records:
        table = table_from_pairs(record["pairs"], record["categories"])
        used = (table.sum(axis=0) + table.sum(axis=1)) > 0
        table = table[np.ix_(used, used)]
        size = table.shape[0]
        if size < 2:
            record["posteriorLower"] = record["posteriorUpper"] = None
            continue
        draws = rng.dirichlet(table.ravel() + 1 / size**2, samples).reshape(samples, size, size)
        rows, columns = draws.sum(axis=2), draws.sum(axis=1)
        observed = np.trace(draws, axis1=1, axis2=2)
        expected = np.sum(rows * columns, axis=1)
        kappas = (observed - expected) / (1 - expected)
        lower, upper = np.percentile(kappas, [2.5, 97.5])
        record["posteriorLower"] = float(min(lower, record["kappa"]))
        record["posteriorUpper"] = float(max(upper, record["kappa"]))


def main():
    rng = np.random.default_rng(20_240_617)
    reference = {
        "generator": "src/stats/__fixtures__/make-agreement-reference.py",
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "bootstrapReferenceSamples": BOOTSTRAP_REFERENCE_SAMPLES,
        "cohenKappa": kappa_cases(rng),
        "krippendorffAlpha": alpha_cases(rng),
        "diagnosticAccuracy": diagnostic_cases(rng),
        "roganGladen": [
            {
                "apparentRate": p,
                "sensitivity": se,
                "specificity": sp,
                "rate": rogan_gladen(p, se, sp),
            }
            for p, se, sp in ROGAN_GLADEN_CASES
        ],
        "correctedPrevalence": [prevalence_record(*case, rng) for case in PREVALENCE_CASES],
    }
    # Separate generators, so adding these left every earlier value of the file unchanged.
    add_kappa_posterior_intervals(reference["cohenKappa"], np.random.default_rng(20_260_307))
    difference_rng = np.random.default_rng(20_260_308)
    reference["correctedRiskDifference"] = [
        corrected_difference_record(*case, difference_rng) for case in CORRECTED_DIFFERENCE_CASES
    ]
    path = Path(__file__).with_name("agreement-reference.json")
    path.write_text(json.dumps(reference, indent=2) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
