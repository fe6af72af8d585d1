export function assertCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
}

/** `context` names the group in error messages when a caller validates more than one. */
export function assertProportionCounts(successes: number, trials: number, context = ""): void {
  const prefix = context === "" ? "" : `${context}: `;
  assertCount(`${prefix}trials`, trials);
  assertCount(`${prefix}successes`, successes);
  if (successes > trials) {
    throw new RangeError(`${prefix}successes (${successes}) cannot exceed trials (${trials})`);
  }
}

export function assertConfidenceLevel(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`confidence must be strictly between 0 and 1, got ${confidence}`);
  }
}

/** For rates, significance levels and powers, where 0 and 1 make the formulas degenerate. */
export function assertOpenProbability(name: string, value: number): void {
  if (!(value > 0 && value < 1)) {
    throw new RangeError(`${name} must be strictly between 0 and 1, got ${value}`);
  }
}
