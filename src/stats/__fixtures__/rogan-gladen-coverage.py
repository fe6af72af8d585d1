"""Why correctedPrevalence draws from Jeffreys posteriors: coverage of its 95% interval by
simulation, under the old and the new designs.

Run with `python3 src/stats/__fixtures__/rogan-gladen-coverage.py` (numpy; written with numpy
2.4.6). It prints, for each setting (true prevalence, Se, Sp, validation positives and negatives,
judged turns), the share of simulated experiments whose interval contains the true prevalence:

- "binomial": the old design, every count redrawn from a binomial at its observed rate;
- "jeffreys Se/Sp": Se and Sp from Beta(x + 1/2, n - x + 1/2), apparent rate still binomial;
- "jeffreys all": the apparent rate from its Jeffreys posterior too (what the code does).

Each experiment draws the run and both validation groups from the truth; draws with Se* + Sp* <= 1
count as 0 for the lower and 1 for the upper quantile, and an experiment whose point estimate is
undefined reports [0, 1], as in the TypeScript. The tests do not read this script's output; the
TypeScript coverage tests recheck the chosen design with their own generator.
"""

import numpy as np

EXPERIMENTS = 4_000
DRAWS = 1_000

SETTINGS = [
    # (prevalence, sensitivity, specificity, validation positives, negatives, judged turns)
    (0.10, 0.90, 0.95, 10, 10, 100),
    (0.10, 0.90, 0.95, 10, 10, 300),
    (0.10, 0.90, 0.95, 10, 10, 1000),
    (0.02, 0.90, 0.97, 10, 10, 100),
    (0.98, 0.97, 0.90, 10, 10, 100),
    (0.05, 0.85, 0.98, 15, 15, 100),
    (0.30, 0.85, 0.90, 40, 60, 400),
]


def interval(run_positives, n, tp, positives, tn, negatives, design, rng):
    if design == "binomial":
        apparent = rng.binomial(n, run_positives / n, DRAWS) / n
        sensitivity = rng.binomial(positives, tp / positives, DRAWS) / positives
        specificity = rng.binomial(negatives, tn / negatives, DRAWS) / negatives
    else:
        sensitivity = rng.beta(tp + 0.5, positives - tp + 0.5, DRAWS)
        specificity = rng.beta(tn + 0.5, negatives - tn + 0.5, DRAWS)
        if design == "jeffreys all":
            apparent = rng.beta(run_positives + 0.5, n - run_positives + 0.5, DRAWS)
        else:
            apparent = rng.binomial(n, run_positives / n, DRAWS) / n
    youden = sensitivity + specificity - 1
    informative = youden > 0
    corrected = np.clip((apparent + specificity - 1) / np.where(informative, youden, 1), 0, 1)
    lower = np.percentile(np.where(informative, corrected, 0.0), 2.5)
    upper = np.percentile(np.where(informative, corrected, 1.0), 97.5)
    return lower, upper


def coverage(setting, design, rng):
    prevalence, sensitivity, specificity, positives, negatives, n = setting
    apparent = prevalence * sensitivity + (1 - prevalence) * (1 - specificity)
    covered = 0
    for _ in range(EXPERIMENTS):
        run_positives = rng.binomial(n, apparent)
        tp = rng.binomial(positives, sensitivity)
        tn = rng.binomial(negatives, specificity)
        if tp / positives + tn / negatives <= 1:
            covered += 1  # undefined estimate: the interval is [0, 1]
            continue
        lower, upper = interval(run_positives, n, tp, positives, tn, negatives, design, rng)
        youden = tp / positives + tn / negatives - 1
        rate = min(1, max(0, (run_positives / n + tn / negatives - 1) / youden))
        covered += min(lower, rate) <= prevalence <= max(upper, rate)
    return covered / EXPERIMENTS


def main():
    rng = np.random.default_rng(20_260_305)
    designs = ["binomial", "jeffreys Se/Sp", "jeffreys all"]
    print("setting (prevalence, Se, Sp, positives, negatives, n):", ", ".join(designs))
    for setting in SETTINGS:
        results = [coverage(setting, design, rng) for design in designs]
        print(setting, " ".join(f"{result:.3f}" for result in results), flush=True)


if __name__ == "__main__":
    main()
