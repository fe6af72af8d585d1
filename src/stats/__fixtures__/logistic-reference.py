"""Reference fits for src/stats/logistic-regression.ts, by an independent implementation.

Run with `python3 src/stats/__fixtures__/logistic-reference.py`; it rewrites
logistic-reference.json beside this file. The tests read only the JSON (CI has no scipy).

How the references are computed (nothing here shares code or method with the TypeScript):
- the design matrix is built by hand below (treatment coding, named baselines);
- the coefficients maximise the log-likelihood through scipy.optimize.minimize with the exact
  gradient and Hessian (trust-ncg and Newton-CG; each case keeps the closer to the optimum),
  cross-checked against BFGS; the script fails unless one more Newton step from the chosen
  optimum would move every estimate by less than 1e-9 (stored as distanceToOptimum);
- model standard errors: square roots of the diagonal of the inverse Hessian of the negative
  log-likelihood at the optimum, X'WX with W = p(1 - p);
- cluster-robust standard errors (CR1): V = c * B M B with B = inv(X'WX),
  M = sum over clusters g of u_g u_g', u_g = sum over rows i in g of x_i (y_i - p_i), and
  c = G / (G - 1) * (N - 1) / (N - K);
- z, p and the 95% odds-ratio interval use the clustered standard error when the case has
  clusters, else the model standard error, with the normal distribution.

Datasets are simulated with numpy's seeded default_rng; their values are stored in the JSON.
"""

import json
from pathlib import Path

import numpy as np
import scipy
from scipy import optimize, special, stats

INTERCEPT = "intercept"


def treatment_columns(columns, factors, baselines, interactions):
    """Intercept, one indicator per non-baseline level (levels sorted), then interaction products."""
    count = len(next(iter(columns.values())))
    names = [INTERCEPT]
    design = [np.ones(count)]
    indicators = {}
    for factor in factors:
        values = np.array(columns[factor])
        indicators[factor] = []
        for level in sorted(set(values.tolist())):
            if level == baselines[factor]:
                continue
            name = f"{factor}={level}"
            column = (values == level).astype(float)
            indicators[factor].append((name, column))
            names.append(name)
            design.append(column)
    for first, second in interactions:
        for first_name, first_column in indicators[first]:
            for second_name, second_column in indicators[second]:
                names.append(f"{first_name}:{second_name}")
                design.append(first_column * second_column)
    return names, np.column_stack(design)


def negative_log_likelihood(beta, x, y):
    eta = x @ beta
    return float(np.sum(np.logaddexp(0.0, eta) - y * eta))


def gradient(beta, x, y):
    return x.T @ (special.expit(x @ beta) - y)


def hessian(beta, x, y):
    p = special.expit(x @ beta)
    return (x * (p * (1.0 - p))[:, None]).T @ x


def distance_to_optimum(beta, x, y):
    """Largest move of one more Newton step: the distance to the optimum, to first order."""
    return float(np.max(np.abs(np.linalg.solve(hessian(beta, x, y), gradient(beta, x, y)))))


def maximise(x, y):
    """The more precise of two optimisers with exact gradient and Hessian, checked against BFGS.

    Both stop a little short of the optimum when the log-likelihood no longer changes visibly
    in floating point (how far short differs by dataset), so each case keeps the closer one.
    """
    start = np.zeros(x.shape[1])
    candidates = [
        optimize.minimize(
            negative_log_likelihood,
            start,
            args=(x, y),
            method=method,
            jac=gradient,
            hess=hessian,
            options=options,
        ).x
        for method, options in [("trust-ncg", {"gtol": 1e-12}), ("Newton-CG", {"xtol": 1e-14})]
    ]
    beta = min(candidates, key=lambda candidate: distance_to_optimum(candidate, x, y))
    remaining = distance_to_optimum(beta, x, y)
    assert remaining < 1e-9, f"one more Newton step would move the estimates by {remaining}"
    bfgs = optimize.minimize(
        negative_log_likelihood, start, args=(x, y), method="BFGS", jac=gradient
    )
    assert np.allclose(beta, bfgs.x, rtol=1e-5, atol=1e-6), (beta, bfgs.x)
    return beta, remaining


def fit(x, y, clusters):
    beta, remaining = maximise(x, y)
    bread = np.linalg.inv(hessian(beta, x, y))
    model_se = np.sqrt(np.diag(bread))
    result = {
        "distanceToOptimum": remaining,
        "estimates": beta.tolist(),
        "standardErrors": model_se.tolist(),
        "logLikelihood": -negative_log_likelihood(beta, x, y),
    }
    used_se = model_se
    if clusters is not None:
        residuals = y - special.expit(x @ beta)
        scores = x * residuals[:, None]
        labels = np.array(clusters)
        unique = sorted(set(clusters))
        meat = np.zeros((x.shape[1], x.shape[1]))
        for label in unique:
            cluster_score = scores[labels == label].sum(axis=0)
            meat += np.outer(cluster_score, cluster_score)
        g, n, k = len(unique), x.shape[0], x.shape[1]
        correction = g / (g - 1) * (n - 1) / (n - k)
        clustered = correction * bread @ meat @ bread
        used_se = np.sqrt(np.diag(clustered))
        result["clusteredStandardErrors"] = used_se.tolist()
        result["clusterCount"] = g
    z = beta / used_se
    critical = stats.norm.ppf(0.975)
    result["z"] = z.tolist()
    result["p"] = (2 * stats.norm.sf(np.abs(z))).tolist()
    result["oddsRatioIntervals"] = [
        [float(np.exp(b - critical * s)), float(np.exp(b + critical * s))]
        for b, s in zip(beta, used_se)
    ]
    return result


def simulate(rng, eta):
    return (rng.random(len(eta)) < special.expit(eta)).astype(int)


def case_interaction():
    """Two arms x two attributes, 200 rows per cell, a planted arm x attribute interaction."""
    rng = np.random.default_rng(20240601)
    arm = np.repeat(["rebuttal", "refusal"], 400)
    attribute = np.tile(np.repeat(["beverage", "race"], 200), 2)
    refusal = (arm == "refusal").astype(float)
    race = (attribute == "race").astype(float)
    eta = -1.0 + 0.8 * refusal + 0.3 * race + 0.7 * refusal * race
    return {
        "name": "arm-by-attribute interaction",
        "columns": {
            "arm": arm.tolist(),
            "attribute": attribute.tolist(),
            "outcome": simulate(rng, eta).tolist(),
        },
        "factors": ["arm", "attribute"],
        "baseline": {"arm": "rebuttal", "attribute": "beverage"},
        "interactions": [["arm", "attribute"]],
    }


def case_clusters():
    """Four arms (baseline control) and pressure (baseline low) in 36 samples of uneven size,
    each sample with its own random intercept, so clustered and model errors differ."""
    rng = np.random.default_rng(7)
    arms = ["control", "natural", "rebuttal", "refusal"]
    arm_effect = {"control": 0.0, "natural": 0.4, "rebuttal": -0.6, "refusal": 0.9}
    arm, pressure, cluster, eta = [], [], [], []
    for sample in range(36):
        shift = rng.normal(0.0, 0.8)
        repeats = int(rng.integers(1, 4))
        for _ in range(repeats):
            for level in arms:
                for pressure_level in ["low", "high"]:
                    arm.append(level)
                    pressure.append(pressure_level)
                    cluster.append(f"sample-{sample:02d}")
                    high = 1.0 if pressure_level == "high" else 0.0
                    eta.append(-0.5 + arm_effect[level] + 0.6 * high + shift)
    return {
        "name": "four arms in 36 clusters",
        "columns": {
            "arm": arm,
            "pressure": pressure,
            "cluster": cluster,
            "outcome": simulate(rng, np.array(eta)).tolist(),
        },
        "factors": ["arm", "pressure"],
        "baseline": {"arm": "control", "pressure": "low"},
        "interactions": [],
    }


def case_planted_odds_ratio():
    """n = 4000, baseline rate 0.2, planted odds ratio 3 for refusal against rebuttal."""
    rng = np.random.default_rng(3)
    arm = np.repeat(["rebuttal", "refusal"], 2000)
    eta = np.log(0.2 / 0.8) + np.log(3.0) * (arm == "refusal")
    return {
        "name": "planted odds ratio 3",
        "columns": {"arm": arm.tolist(), "outcome": simulate(rng, eta).tolist()},
        "factors": ["arm"],
        "baseline": {"arm": "rebuttal"},
        "interactions": [],
        "planted": {"feature": "arm=refusal", "oddsRatio": 3.0},
    }


def case_rare_numeric():
    """A rare outcome in one arm (rate about 1%), a numeric feature appended after the factor
    columns, and only 10 clusters."""
    rng = np.random.default_rng(11)
    n = 500
    arm = np.where(rng.random(n) < 0.5, "rebuttal", "refusal")
    length = np.round(rng.normal(0.0, 1.0, n), 3)
    cluster = [f"seed-{value}" for value in rng.integers(0, 10, n)]
    eta = -4.6 + 2.5 * (arm == "refusal") + 0.5 * length
    return {
        "name": "rare outcome with a numeric feature in 10 clusters",
        "columns": {
            "arm": arm.tolist(),
            "cluster": cluster,
            "length": length.tolist(),
            "outcome": simulate(rng, eta).tolist(),
        },
        "factors": ["arm"],
        "baseline": {"arm": "rebuttal"},
        "interactions": [],
        "numericFeatures": ["length"],
    }


def reference(case):
    columns = case["columns"]
    names, x = treatment_columns(columns, case["factors"], case["baseline"], case["interactions"])
    for feature in case.get("numericFeatures", []):
        names.append(feature)
        x = np.column_stack([x, np.array(columns[feature], dtype=float)])
    y = np.array(columns["outcome"], dtype=float)
    result = fit(x, y, columns.get("cluster"))
    planted = case.get("planted")
    if planted is not None:
        low, high = result["oddsRatioIntervals"][names.index(planted["feature"])]
        assert low < planted["oddsRatio"] < high, (low, high)
    return {**case, "featureNames": names, "observations": len(y), **result}


def main():
    cases = [case_interaction(), case_clusters(), case_planted_odds_ratio(), case_rare_numeric()]
    output = {
        "generator": "src/stats/__fixtures__/logistic-reference.py",
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "method": "scipy.optimize.minimize, trust-ncg or Newton-CG with exact gradient and Hessian",
        "clusteredCorrection": "CR1: G/(G-1) * (N-1)/(N-K)",
        "cases": [reference(case) for case in cases],
    }
    path = Path(__file__).with_name("logistic-reference.json")
    path.write_text(compact_json(output) + "\n")


def compact_json(value, indent=""):
    """Indented JSON in which every list of numbers or strings takes a single line."""
    inner = indent + "  "
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(key)}: {compact_json(item, inner)}" for key, item in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(value, list) and any(isinstance(item, (dict, list)) for item in value):
        items = [inner + compact_json(item, inner) for item in value]
        return "[\n" + ",\n".join(items) + "\n" + indent + "]"
    return json.dumps(value, separators=(", ", ": "))


if __name__ == "__main__":
    main()
