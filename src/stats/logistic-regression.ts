/**
 * Logistic regression of a binary outcome on a design matrix, fitted by Newton-Raphson
 * (iteratively reweighted least squares) with step halving, with model-based and cluster-robust
 * standard errors.
 *
 * - Model standard errors: square roots of the diagonal of (X'WX)^-1 at the estimate,
 *   W = diag(p(1 - p)) (observed = expected information for the logit link).
 * - Cluster-robust (sandwich) standard errors, CR1: V = c · B M B with B = (X'WX)^-1,
 *   M = Σ_g u_g u_g', u_g = Σ_{i in g} x_i (y_i - p_i), and c = G/(G-1) · (N-1)/(N-K)
 *   (G clusters, N rows, K coefficients): the correction of Stata's `regress, vce(cluster)` and of
 *   statsmodels' cov_cluster (use_correction=True). Stata's `logit, vce(cluster)` uses only
 *   G/(G-1), so its clustered errors are smaller than these by the factor sqrt((N-1)/(N-K)).
 * - z, p (two-sided, normal) and the 95% odds-ratio interval exp(estimate ± 1.96 SE) use the
 *   clustered standard error when rows carry clusters, else the model standard error.
 *
 * Data that have no finite maximum-likelihood estimate (separation), a singular design, too few
 * rows or too few clusters give `converged: false`, no coefficients and a plain `problem`.
 */
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import { CholeskyDecomposition, Matrix } from "ml-matrix";
import {
  findSeparatedIndicator,
  findSeparation,
  findSingularDesign,
  findWeightedCollinearity,
} from "./logistic-regression-diagnostics.ts";

export interface LogisticRegressionRow {
  outcome: 0 | 1;
  features: number[];
  /** Rows sharing a cluster key are treated as dependent; give it on every row or on none. */
  cluster?: string;
}

export interface LogisticRegressionInput {
  rows: LogisticRegressionRow[];
  featureNames: string[];
  /** Newton iterations before giving up; default 100. */
  maxIterations?: number;
  /**
   * Converged when a Newton step moves no coefficient by more than tolerance · (1 + |estimate|);
   * default 1e-8. Newton steps shrink quadratically, so the estimates are then far more precise.
   */
  tolerance?: number;
}

export interface LogisticCoefficient {
  name: string;
  /** Log odds ratio (log odds for the intercept). */
  estimate: number;
  standardError: number;
  clusteredStandardError?: number;
  oddsRatio: number;
  /** 95%, from the clustered standard error when clusters are given, else the model one. */
  oddsRatioInterval: [number, number];
  z: number;
  p: number;
}

export interface LogisticRegressionFit {
  /** Empty unless `converged`. */
  coefficients: LogisticCoefficient[];
  /**
   * The estimates' covariance matrix used for inference (cluster-robust when rows carry clusters,
   * else model-based), in the order of `featureNames`; empty unless `converged`.
   */
  covariance: number[][];
  converged: boolean;
  iterations: number;
  /** At the estimate; NaN unless `converged`. */
  logLikelihood: number;
  observations: number;
  /** Number of distinct clusters, when rows carry clusters. */
  clusters?: number;
  /** Why there are no estimates, in plain words; set exactly when `converged` is false. */
  problem?: string;
}

const DEFAULT_MAX_ITERATIONS = 100;
const DEFAULT_TOLERANCE = 1e-8;
const MAX_STEP_HALVINGS = 30;
/** A step may lower the log-likelihood by this much (relative): rounding noise near the optimum. */
const LOG_LIKELIHOOD_SLACK = 1e-12;
const Z_95 = normalQuantile(0.975, 0, 1);

export function fitLogisticRegression(input: LogisticRegressionInput): LogisticRegressionFit {
  const { rows, featureNames } = input;
  const maxIterations = input.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const tolerance = input.tolerance ?? DEFAULT_TOLERANCE;
  assertInput(input, maxIterations, tolerance);
  const design = rows.map((row) => row.features);
  const outcomes = rows.map((row) => row.outcome);
  const clusterKeys = clustersOf(rows);
  const clusterCount = clusterKeys === undefined ? undefined : new Set(clusterKeys).size;
  const counts = {
    observations: rows.length,
    ...(clusterCount === undefined ? {} : { clusters: clusterCount }),
  };
  const failure = (problem: string, iterations = 0): LogisticRegressionFit => ({
    coefficients: [],
    covariance: [],
    converged: false,
    iterations,
    logLikelihood: Number.NaN,
    ...counts,
    problem,
  });

  const early = findEarlyProblem(design, outcomes, featureNames, clusterCount);
  if (early !== undefined) return failure(early);

  const newton = newtonRaphson(design, outcomes, maxIterations, tolerance);
  // Checked even after "convergence": on separated data Newton's method can stall far out,
  // where the separated rows' weights have underflowed, with enormous standard errors.
  const separation = findSeparation(design, outcomes, featureNames, newton.estimates);
  if (separation !== undefined) return failure(separation, newton.iterations);
  if (newton.status !== "converged") {
    return failure(notConvergedProblem(newton.status, maxIterations), newton.iterations);
  }

  const informationMatrix = information(design, newton.estimates);
  const unstable = findWeightedCollinearity(informationMatrix, featureNames);
  if (unstable !== undefined) return failure(unstable, newton.iterations);
  const { coefficients, covariance } = coefficientsOf(
    featureNames,
    newton.estimates,
    informationMatrix,
    clusterKeys === undefined
      ? undefined
      : (bread) => clusteredCovariance(design, outcomes, newton.estimates, bread, clusterKeys),
  );
  const unusable = coefficients.find((entry) => !(entry.standardError > 0));
  if (unusable !== undefined) {
    return failure(
      `numerical failure: the standard error of ${unusable.name} is not a positive number`,
      newton.iterations,
    );
  }
  return {
    coefficients,
    covariance,
    converged: true,
    iterations: newton.iterations,
    logLikelihood: logLikelihood(design, outcomes, newton.estimates),
    ...counts,
  };
}

function findEarlyProblem(
  design: number[][],
  outcomes: Array<0 | 1>,
  featureNames: string[],
  clusterCount: number | undefined,
): string | undefined {
  const rowCount = design.length;
  const parameterCount = featureNames.length;
  if (rowCount <= parameterCount) {
    return (
      `too few observations: ${rowCount} rows for ${parameterCount} coefficients; a logistic ` +
      "regression needs more rows than coefficients (and many more to be trustworthy)"
    );
  }
  if (clusterCount !== undefined && clusterCount < 2) {
    return (
      "too few clusters: every row is in the same cluster; cluster-robust standard errors need " +
      "at least 2 clusters (and many more to be trustworthy)"
    );
  }
  return (
    findSingularDesign(design, featureNames) ??
    findSeparatedIndicator(design, outcomes, featureNames)
  );
}

function notConvergedProblem(status: NewtonStatus, maxIterations: number): string {
  if (status === "iteration-limit") {
    return `did not converge: the estimates were still changing after ${maxIterations} iterations`;
  }
  return status === "stalled"
    ? "did not converge: no step in Newton's direction, however short, raised the likelihood"
    : "did not converge: the information matrix X'WX became numerically singular";
}

type NewtonStatus = "converged" | "iteration-limit" | "stalled" | "singular-information";

interface NewtonResult {
  status: NewtonStatus;
  estimates: number[];
  iterations: number;
}

function newtonRaphson(
  design: number[][],
  outcomes: Array<0 | 1>,
  maxIterations: number,
  tolerance: number,
): NewtonResult {
  const parameterCount = design[0]?.length ?? 0;
  let estimates = new Array<number>(parameterCount).fill(0);
  let current = logLikelihood(design, outcomes, estimates);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const decomposition = new CholeskyDecomposition(information(design, estimates));
    if (!decomposition.isPositiveDefinite()) {
      return { status: "singular-information", estimates, iterations: iteration - 1 };
    }
    const direction = decomposition
      .solve(Matrix.columnVector(score(design, outcomes, estimates)))
      .to1DArray();
    const accepted = halveUntilNoWorse(design, outcomes, estimates, direction, current);
    if (accepted === undefined) {
      return { status: "stalled", estimates, iterations: iteration };
    }
    const step = accepted.estimates.map((value, index) => value - (estimates[index] ?? 0));
    estimates = accepted.estimates;
    current = accepted.logLikelihood;
    const settled = step.every(
      (change, index) => Math.abs(change) <= tolerance * (1 + Math.abs(estimates[index] ?? 0)),
    );
    if (settled) return { status: "converged", estimates, iterations: iteration };
  }
  return { status: "iteration-limit", estimates, iterations: maxIterations };
}

function halveUntilNoWorse(
  design: number[][],
  outcomes: Array<0 | 1>,
  estimates: number[],
  direction: number[],
  current: number,
): { estimates: number[]; logLikelihood: number } | undefined {
  let scale = 1;
  for (let halving = 0; halving <= MAX_STEP_HALVINGS; halving++) {
    const candidate = estimates.map((value, index) => value + scale * (direction[index] ?? 0));
    const candidateLogLikelihood = logLikelihood(design, outcomes, candidate);
    const floor = current - LOG_LIKELIHOOD_SLACK * (1 + Math.abs(current));
    if (Number.isFinite(candidateLogLikelihood) && candidateLogLikelihood >= floor) {
      return { estimates: candidate, logLikelihood: candidateLogLikelihood };
    }
    scale /= 2;
  }
  return undefined;
}

function linearPredictor(row: number[], estimates: number[]): number {
  return row.reduce((sum, value, index) => sum + value * (estimates[index] ?? 0), 0);
}

/** P(outcome = 1), computed without overflow for any linear predictor. */
function probability(eta: number): number {
  if (eta >= 0) return 1 / (1 + Math.exp(-eta));
  const odds = Math.exp(eta);
  return odds / (1 + odds);
}

/** log(1 + e^x) without overflow or loss of precision. */
function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

function logLikelihood(design: number[][], outcomes: Array<0 | 1>, estimates: number[]): number {
  return design.reduce((sum, row, index) => {
    const eta = linearPredictor(row, estimates);
    return sum - (outcomes[index] === 1 ? softplus(-eta) : softplus(eta));
  }, 0);
}

/** Residual y - p, exact also where p rounds to 1. */
function residual(outcome: 0 | 1, eta: number): number {
  return outcome === 1 ? probability(-eta) : -probability(eta);
}

function score(design: number[][], outcomes: Array<0 | 1>, estimates: number[]): number[] {
  const gradient = new Array<number>(estimates.length).fill(0);
  design.forEach((row, index) => {
    const weight = residual(outcomes[index] ?? 0, linearPredictor(row, estimates));
    row.forEach((value, column) => {
      gradient[column] = (gradient[column] ?? 0) + weight * value;
    });
  });
  return gradient;
}

/** X'WX with W = p(1 - p), built symmetric so the Cholesky decomposition accepts it. */
function information(design: number[][], estimates: number[]): Matrix {
  const size = estimates.length;
  // Accumulated in a plain array: Matrix.get/set per term cost more than the arithmetic itself.
  const sums = new Float64Array(size * size);
  for (const row of design) {
    const eta = linearPredictor(row, estimates);
    const weight = probability(eta) * probability(-eta);
    for (let i = 0; i < size; i++) {
      const weighted = weight * (row[i] ?? 0);
      if (weighted === 0) continue;
      for (let j = 0; j <= i; j++)
        sums[i * size + j] = (sums[i * size + j] ?? 0) + weighted * (row[j] ?? 0);
    }
  }
  const matrix = Matrix.zeros(size, size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      const value = sums[i * size + j] ?? 0;
      matrix.set(i, j, value);
      matrix.set(j, i, value);
    }
  }
  return matrix;
}

/** CR1 sandwich: G/(G-1) · (N-1)/(N-K) · B M B (see the module comment). */
function clusteredCovariance(
  design: number[][],
  outcomes: Array<0 | 1>,
  estimates: number[],
  bread: Matrix,
  clusterKeys: string[],
): Matrix {
  const size = estimates.length;
  const clusterScores = new Map<string, number[]>();
  design.forEach((row, index) => {
    const key = clusterKeys[index] ?? "";
    const sum = clusterScores.get(key) ?? new Array<number>(size).fill(0);
    const weight = residual(outcomes[index] ?? 0, linearPredictor(row, estimates));
    row.forEach((value, column) => {
      sum[column] = (sum[column] ?? 0) + weight * value;
    });
    clusterScores.set(key, sum);
  });
  const meat = Matrix.zeros(size, size);
  for (const sum of clusterScores.values()) {
    const column = Matrix.columnVector(sum);
    meat.add(column.mmul(column.transpose()));
  }
  const clusters = clusterScores.size;
  const rows = design.length;
  const correction = (clusters / (clusters - 1)) * ((rows - 1) / (rows - size));
  return bread.mmul(meat).mmul(bread).mul(correction);
}

function coefficientsOf(
  featureNames: string[],
  estimates: number[],
  informationMatrix: Matrix,
  clusteredFrom: ((bread: Matrix) => Matrix) | undefined,
): { coefficients: LogisticCoefficient[]; covariance: number[][] } {
  const covariance = new CholeskyDecomposition(informationMatrix).solve(
    Matrix.eye(featureNames.length),
  );
  const clustered = clusteredFrom?.(covariance);
  return {
    coefficients: featureNames.map((name, index) =>
      coefficient(name, estimates[index] ?? Number.NaN, covariance, clustered, index),
    ),
    covariance: (clustered ?? covariance).to2DArray(),
  };
}

function coefficient(
  name: string,
  estimate: number,
  covariance: Matrix,
  clustered: Matrix | undefined,
  index: number,
): LogisticCoefficient {
  const standardError = Math.sqrt(covariance.get(index, index));
  const clusteredStandardError =
    clustered === undefined ? undefined : Math.sqrt(clustered.get(index, index));
  const used = clusteredStandardError ?? standardError;
  const z = estimate / used;
  return {
    name,
    estimate,
    standardError,
    ...(clusteredStandardError === undefined ? {} : { clusteredStandardError }),
    oddsRatio: Math.exp(estimate),
    oddsRatioInterval: [Math.exp(estimate - Z_95 * used), Math.exp(estimate + Z_95 * used)],
    z,
    p: 2 * normalCdf(-Math.abs(z), 0, 1),
  };
}

function clustersOf(rows: LogisticRegressionRow[]): string[] | undefined {
  const withCluster = rows.filter((row) => row.cluster !== undefined).length;
  if (withCluster === 0) return undefined;
  if (withCluster < rows.length) {
    throw new RangeError(
      `${withCluster} of ${rows.length} rows have a cluster; give a cluster on every row or on none`,
    );
  }
  return rows.map((row) => row.cluster ?? "");
}

function assertInput(
  input: LogisticRegressionInput,
  maxIterations: number,
  tolerance: number,
): void {
  const { rows, featureNames } = input;
  if (featureNames.length === 0) throw new RangeError("featureNames must not be empty");
  if (new Set(featureNames).size !== featureNames.length) {
    throw new RangeError(`featureNames must be distinct: ${featureNames.join(", ")}`);
  }
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new RangeError(`maxIterations must be a positive integer, got ${maxIterations}`);
  }
  if (!(tolerance > 0 && Number.isFinite(tolerance))) {
    throw new RangeError(`tolerance must be a positive number, got ${tolerance}`);
  }
  rows.forEach((row, index) => {
    if (row.outcome !== 0 && row.outcome !== 1) {
      throw new RangeError(`rows[${index}].outcome must be 0 or 1, got ${row.outcome}`);
    }
    if (row.features.length !== featureNames.length) {
      throw new RangeError(
        `rows[${index}] has ${row.features.length} features for ${featureNames.length} names`,
      );
    }
    if (!row.features.every(Number.isFinite)) {
      throw new RangeError(`rows[${index}].features must be finite numbers`);
    }
  });
}
