/**
 * Seeded draws from the normal, gamma and beta distributions, built on a `seededUniform` stream
 * so that every bootstrap and simulation that uses them replays exactly.
 *
 * - Standard normal: the Box-Muller transform, G. E. P. Box & M. E. Muller (1958), "A note on the
 *   generation of random normal deviates", Annals of Mathematical Statistics 29(2):610-611:
 *   Z = √(-2 ln U₁) cos(2π U₂) (the sine partner is discarded, so a draw needs no state).
 * - Gamma(shape, scale 1): G. Marsaglia & W. W. Tsang (2000), "A simple method for generating
 *   gamma variables", ACM Transactions on Mathematical Software 26(3):363-372. For shape ≥ 1,
 *   with d = shape - 1/3 and c = 1/√(9d), draw Z normal and U uniform, V = (1 + cZ)³, and accept
 *   dV when V > 0 and ln U < Z²/2 + d - dV + d ln V (the squeeze U < 1 - 0.0331 Z⁴ accepts most
 *   draws without a logarithm). For shape < 1, their boost: Gamma(a) = Gamma(a + 1) · U^(1/a).
 * - Beta(α, β) = X / (X + Y) with independent X ~ Gamma(α), Y ~ Gamma(β).
 *
 * Statistical use only, never for secrets.
 */

export function drawStandardNormal(uniform: () => number): number {
  // 1 - U lies in (0, 1], so the logarithm is finite.
  const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
  return radius * Math.cos(2 * Math.PI * uniform());
}

export function drawGamma(uniform: () => number, shape: number): number {
  if (!(shape > 0 && Number.isFinite(shape))) {
    throw new RangeError(`gamma shape must be positive and finite, got ${shape}`);
  }
  if (shape < 1) return drawGamma(uniform, shape + 1) * uniform() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = drawStandardNormal(uniform);
    const v = (1 + c * z) ** 3;
    if (v <= 0) continue;
    const u = uniform();
    if (u < 1 - 0.0331 * z ** 4) return d * v;
    if (Math.log(u) < (z * z) / 2 + d - d * v + d * Math.log(v)) return d * v;
  }
}

export function drawBeta(uniform: () => number, alpha: number, beta: number): number {
  const x = drawGamma(uniform, alpha);
  const y = drawGamma(uniform, beta);
  return x / (x + y);
}

/**
 * A draw from the Jeffreys posterior of a binomial proportion, Beta(successes + ½, failures + ½):
 * H. Jeffreys (1946), "An invariant form for the prior probability in estimation problems",
 * Proceedings of the Royal Society A 186(1007):453-461.
 */
export function drawJeffreysProportion(
  uniform: () => number,
  successes: number,
  trials: number,
): number {
  return drawBeta(uniform, successes + 0.5, trials - successes + 0.5);
}
