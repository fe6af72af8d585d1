/**
 * Plain-language reasons why a logistic regression has no trustworthy estimates: a singular
 * design (collinear or empty columns) and separation (the outcome perfectly predicted somewhere,
 * so the maximum-likelihood estimates do not exist and Newton's method walks off to infinity).
 */
import { EigenvalueDecomposition, Matrix } from "ml-matrix";

/**
 * Singular values of the column-normalised design below this fraction of the largest count as
 * zero. Newton's method solves with X'WX, whose condition number is the square of X's: at 1e6
 * for X, 1e12 for X'WX, only a few correct digits would be left.
 */
const RANK_TOLERANCE = 1e-6;
/** The same limit for X'WX at the estimate, scaled to unit diagonal (the square of the above). */
const INFORMATION_TOLERANCE = RANK_TOLERANCE ** 2;
/** A weight in a right singular vector of a null direction above this names a column. */
const NULL_VECTOR_WEIGHT = 1e-3;
/** |linear predictor| beyond this means a fitted probability within about 1e-8 of 0 or 1. */
const PERFECT_PREDICTION = 18.4;
/** Eigenvalues of a normalised Gram matrix below this fraction of the largest count as zero. */
const NULL_EIGENVALUE = 1e-10;
/** Relative slack for the sign conditions of a separating direction. */
const CERTIFICATE_TOLERANCE = 1e-6;

export function findSingularDesign(design: number[][], featureNames: string[]): string | undefined {
  const norms = featureNames.map((_, column) =>
    Math.sqrt(design.reduce((sum, row) => sum + (row[column] ?? 0) ** 2, 0)),
  );
  const emptyColumn = norms.indexOf(0);
  if (emptyColumn >= 0) {
    return (
      `singular design: the column ${featureNames[emptyColumn]} is 0 in every row (no rows have ` +
      "that level or combination), so its coefficient cannot be estimated; drop the column"
    );
  }
  // The right singular vectors and values of the normalised design are the eigenvectors and the
  // square roots of the eigenvalues of its K×K Gram matrix: the same answer at O(N·K²) instead of
  // an SVD of the whole N×K design.
  const size = featureNames.length;
  const gram = Matrix.zeros(size, size);
  const sums = new Float64Array(size * size);
  for (const row of design) {
    for (let i = 0; i < size; i++) {
      const left = (row[i] ?? 0) / (norms[i] ?? 1);
      if (left === 0) continue;
      for (let j = 0; j <= i; j++)
        sums[i * size + j] = (sums[i * size + j] ?? 0) + left * ((row[j] ?? 0) / (norms[j] ?? 1));
    }
  }
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      gram.set(i, j, sums[i * size + j] ?? 0);
      gram.set(j, i, sums[i * size + j] ?? 0);
    }
  }
  const eigen = new EigenvalueDecomposition(gram, { assumeSymmetric: true });
  const singularValues = eigen.realEigenvalues.map((value) => Math.sqrt(Math.max(value, 0)));
  const largest = Math.max(...singularValues);
  const involved = new Set<number>();
  singularValues.forEach((value, index) => {
    if (value > RANK_TOLERANCE * largest) return;
    eigen.eigenvectorMatrix.getColumn(index).forEach((weight, column) => {
      if (Math.abs(weight) > NULL_VECTOR_WEIGHT) involved.add(column);
    });
  });
  if (involved.size === 0) return undefined;
  const names = [...involved].sort((left, right) => left - right).map((i) => featureNames[i]);
  return (
    `singular design: the columns ${names.join(", ")} are linearly dependent (one is a ` +
    "combination of the others, e.g. a duplicated column or levels that always occur together), " +
    "so their effects cannot be told apart; drop a column or merge levels"
  );
}

/**
 * The weighted version, at the estimate: X'WX can be nearly singular although X is not, when
 * the rows that tell two columns apart have fitted probabilities near 0 or 1 (weight p(1 - p)
 * near 0). Standard errors from it would be enormous and meaningless.
 */
export function findWeightedCollinearity(
  information: Matrix,
  featureNames: string[],
): string | undefined {
  const size = featureNames.length;
  const diagonal = Array.from({ length: size }, (_, index) => information.get(index, index));
  if (diagonal.some((value) => !(value > 0))) {
    return "numerically unstable: some coefficient has no information at the estimate";
  }
  const scaled = Matrix.zeros(size, size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const denominator = Math.sqrt((diagonal[i] ?? 1) * (diagonal[j] ?? 1));
      scaled.set(i, j, information.get(i, j) / denominator);
    }
  }
  const decomposition = new EigenvalueDecomposition(scaled, { assumeSymmetric: true });
  const largest = Math.max(...decomposition.realEigenvalues);
  const involved = new Set<number>();
  decomposition.realEigenvalues.forEach((eigenvalue, index) => {
    if (eigenvalue > INFORMATION_TOLERANCE * largest) return;
    decomposition.eigenvectorMatrix.getColumn(index).forEach((weight, column) => {
      if (Math.abs(weight) > NULL_VECTOR_WEIGHT) involved.add(column);
    });
  });
  if (involved.size === 0) return undefined;
  const names = [...involved].sort((left, right) => left - right).map((i) => featureNames[i]);
  return (
    `numerically unstable: at the estimate the coefficients ${names.join(", ")} cannot be told ` +
    "apart (the rows that separate them have fitted probabilities of almost exactly 0 or 1), " +
    "so their standard errors would be meaningless"
  );
}

/**
 * Quasi-complete separation visible in one 0/1 column: if every row where the column is 1 has
 * the same outcome, moving its coefficient towards ±infinity always raises the likelihood.
 */
export function findSeparatedIndicator(
  design: number[][],
  outcomes: Array<0 | 1>,
  featureNames: string[],
): string | undefined {
  for (const [column, name] of featureNames.entries()) {
    const values = design.map((row) => row[column] ?? 0);
    if (!values.every((value) => value === 0 || value === 1)) continue;
    const selected = outcomes.filter((_, row) => values[row] === 1);
    const first = selected[0];
    if (first === undefined || !selected.every((outcome) => outcome === first)) continue;
    if (selected.length === outcomes.length) {
      return (
        `separation: the outcome is ${first} in every row (all ${outcomes.length}), so no ` +
        "odds ratio can be estimated"
      );
    }
    return (
      `separation: the outcome is ${first} in all ${selected.length} rows with ${name}, so its ` +
      `odds ratio cannot be estimated (the estimate diverges to ${first === 1 ? "+" : "-"}` +
      "infinity); merge or drop that level or combination, or use a penalised (Firth) fit"
    );
  }
  return undefined;
}

/**
 * Separation found after the fit, which catches combinations that no single column shows.
 * Where the maximum-likelihood estimate does not exist, Newton's method walks off along a
 * direction d with x_i'd = 0 on the rows it can still fit and (2y_i - 1) x_i'd >= 0 on the rest,
 * whose fitted probabilities reach 0 or 1; it may even stop there, because those rows' weights
 * vanish. So: take the rows with a fitted probability within about 1e-8 of 0 or 1, project the
 * estimates onto the null space of the other rows, and check the sign condition. If it holds,
 * the data are separated (Albert & Anderson 1984): an exact certificate, not a guess. If it does
 * not, the extreme rows are real and the fit stands.
 */
export function findSeparation(
  design: number[][],
  outcomes: Array<0 | 1>,
  featureNames: string[],
  estimates: number[],
): string | undefined {
  const linearPredictors = design.map((row) => dot(row, estimates));
  const extreme = design.flatMap((_, index) =>
    Math.abs(linearPredictors[index] ?? 0) > PERFECT_PREDICTION ? [index] : [],
  );
  if (extreme.length === 0) return undefined;
  const extremeSet = new Set(extreme);
  const direction = projectOntoNullSpace(
    design.filter((_, index) => !extremeSet.has(index)),
    estimates,
  );
  const margins = design.map(
    (row, index) => (outcomes[index] === 1 ? 1 : -1) * dot(row, direction),
  );
  const scale = Math.max(...margins.map(Math.abs));
  const slack = CERTIFICATE_TOLERANCE * scale;
  const separates =
    scale > 0 &&
    margins.every((margin, index) =>
      extremeSet.has(index) ? margin >= -slack : Math.abs(margin) <= slack,
    );
  if (!separates) return undefined;
  const separated = extreme.filter((index) => (margins[index] ?? 0) > slack);
  const largest = Math.max(...direction.map(Math.abs));
  const diverging = featureNames.filter(
    (_, column) => Math.abs(direction[column] ?? 0) > CERTIFICATE_TOLERANCE * largest,
  );
  const ones = separated.filter((index) => outcomes[index] === 1).length;
  const outcomeText =
    ones === 0
      ? "always 0"
      : ones === separated.length
        ? "always 1"
        : `${ones} with outcome 1, ${separated.length - ones} with 0`;
  return (
    `separation: the outcome is perfectly predicted (${outcomeText}) ` +
    `${describeRows(design, featureNames, separated)}; the estimates for ${diverging.join(", ")} ` +
    "diverge, so their odds ratios cannot be estimated. Merge or drop the level or combination " +
    "with an all-0 or all-1 outcome, or use a penalised (Firth) fit"
  );
}

/** The part of `vector` that `rows` map to zero (all of it when there are no rows). */
function projectOntoNullSpace(rows: number[][], vector: number[]): number[] {
  if (rows.length === 0) return vector;
  const size = vector.length;
  const norms = Array.from({ length: size }, (_, column) =>
    Math.sqrt(rows.reduce((sum, row) => sum + (row[column] ?? 0) ** 2, 0)),
  );
  // Gram matrix of the column-normalised rows; its null space is theirs, rescaled.
  const gram = Matrix.zeros(size, size);
  for (const row of rows) {
    const scaled = row.map((value, column) => value / ((norms[column] ?? 0) || 1));
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        gram.set(i, j, gram.get(i, j) + (scaled[i] ?? 0) * (scaled[j] ?? 0));
      }
    }
  }
  const decomposition = new EigenvalueDecomposition(gram, { assumeSymmetric: true });
  const largest = Math.max(...decomposition.realEigenvalues);
  // In scaled coordinates u = D v (D = diag(norms)); project D·vector there, then scale back.
  const scaledVector = vector.map((value, column) => value * ((norms[column] ?? 0) || 1));
  const projection = new Array<number>(size).fill(0);
  decomposition.realEigenvalues.forEach((eigenvalue, index) => {
    if (eigenvalue > NULL_EIGENVALUE * largest) return;
    const eigenvector = decomposition.eigenvectorMatrix.getColumn(index);
    const weight = dot(eigenvector, scaledVector);
    eigenvector.forEach((value, column) => {
      projection[column] = (projection[column] ?? 0) + weight * value;
    });
  });
  return projection.map((value, column) => value / ((norms[column] ?? 0) || 1));
}

function dot(left: number[], right: number[]): number {
  return left.reduce((sum, value, index) => sum + value * (right[index] ?? 0), 0);
}

/**
 * Names a set of rows by 0/1 columns when they pin it down exactly ("in the 60 rows where
 * arm=rebuttal, arm=refusal are 0"), else just counts it.
 */
function describeRows(design: number[][], featureNames: string[], rows: number[]): string {
  if (rows.length === design.length) return `in all ${rows.length} rows`;
  const selected = new Set(rows);
  const fixed = new Map<number, number>();
  featureNames.forEach((_, column) => {
    const first = design[rows[0] ?? 0]?.[column];
    const constantOverSelected = rows.every((index) => design[index]?.[column] === first);
    const constantOverAll = design.every((row) => row[column] === first);
    if ((first === 0 || first === 1) && constantOverSelected && !constantOverAll) {
      fixed.set(column, first);
    }
  });
  const matches = (conditions: Map<number, number>) =>
    design.every(
      (row, index) =>
        [...conditions].every(([column, value]) => row[column] === value) === selected.has(index),
    );
  if (!matches(fixed)) return `in ${rows.length} of the ${design.length} rows`;
  // Drop conditions that the others imply, last columns (interactions) first.
  for (const column of [...fixed.keys()].reverse()) {
    const value = fixed.get(column) ?? 0;
    fixed.delete(column);
    if (!matches(fixed)) fixed.set(column, value);
  }
  const names = (value: number) =>
    [...fixed]
      .filter(([, fixedValue]) => fixedValue === value)
      .sort(([left], [right]) => left - right)
      .map(([column]) => featureNames[column]);
  const clauses = [1, 0].flatMap((value) => {
    const columns = names(value);
    if (columns.length === 0) return [];
    return [`${columns.join(", ")} ${columns.length === 1 ? "is" : "are"} ${value}`];
  });
  return `in the ${rows.length} rows where ${clauses.join(" and ")}`;
}
