"""Reference values for src/report/marginal-effect.ts, from statsmodels.

A simulated dataset like a factor-effect model's (arm x one other factor, clustered by sample) is
fitted by statsmodels' Logit with cluster-robust covariance (CR1, as candor's fit); the arm's
average marginal effect, refusal against rebuttal averaged with equal weights over the other
factor's levels, and its delta-method 95% interval are computed with numpy from statsmodels'
params and cov_params. The dataset and the values go into marginal-effect-reference.json.

Run with Debian's python3 (statsmodels 0.13.5):
    /usr/bin/python3 src/report/__fixtures__/make-marginal-effect-reference.py
"""

import json
from pathlib import Path

import numpy as np
import statsmodels
import statsmodels.api as sm
from scipy import special, stats

ARMS = ["rebuttal", "refusal", "natural"]
LEVELS = ["low", "high"]
RATES = {  # P(undesired) per arm and level: an arm effect that differs by level
    ("rebuttal", "low"): 0.15, ("rebuttal", "high"): 0.25,
    ("refusal", "low"): 0.45, ("refusal", "high"): 0.70,
    ("natural", "low"): 0.35, ("natural", "high"): 0.40,
}


def design(arms, levels):
    """Intercept, arm indicators (refusal, natural: alphabetical like candor's names), level, products."""
    arms, levels = np.array(arms), np.array(levels)
    names = ["intercept", "arm=natural", "arm=refusal", "pressure=high",
             "arm=natural:pressure=high", "arm=refusal:pressure=high"]
    natural = (arms == "natural").astype(float)
    refusal = (arms == "refusal").astype(float)
    high = (levels == "high").astype(float)
    x = np.column_stack([np.ones(len(arms)), natural, refusal, high, natural * high, refusal * high])
    return names, x


def main():
    rng = np.random.default_rng(20261204)
    records = []
    for level in LEVELS:
        for sample in range(60):
            for arm in ARMS:
                outcome = int(rng.random() < RATES[(arm, level)])
                records.append({"arm": arm, "pressure": level, "cluster": f"{level}#{sample}", "outcome": outcome})
    names, x = design([r["arm"] for r in records], [r["pressure"] for r in records])
    y = np.array([r["outcome"] for r in records])
    groups = np.unique([r["cluster"] for r in records], return_inverse=True)[1]
    fit = sm.Logit(y, x).fit(disp=0, tol=1e-12, maxiter=200, cov_type="cluster",
                             cov_kwds={"groups": groups, "use_correction": True})
    beta, cov = fit.params, fit.cov_params()
    _, treated = design(["refusal"] * len(LEVELS), LEVELS)
    _, untreated = design(["rebuttal"] * len(LEVELS), LEVELS)
    p1, p0 = special.expit(treated @ beta), special.expit(untreated @ beta)
    ame = float(np.mean(p1 - p0))
    gradient = np.mean((p1 * (1 - p1))[:, None] * treated - (p0 * (1 - p0))[:, None] * untreated, axis=0)
    se = float(np.sqrt(gradient @ cov @ gradient))
    z = stats.norm.ppf(0.975)
    out = {
        "source": f"statsmodels {statsmodels.__version__} Logit, cov_type=cluster (use_correction=True)",
        "feature_names": names,
        "records": records,
        "estimates": beta.tolist(),
        "difference": ame,
        "ci": [ame - z * se, ame + z * se],
    }
    target = Path(__file__).with_name("marginal-effect-reference.json")
    target.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {target}: {ame:.6f} [{out['ci'][0]:.6f}, {out['ci'][1]:.6f}]")


if __name__ == "__main__":
    main()
