/**
 * Mulberry32 (T. Ettinger): a small seeded generator of uniform draws in [0, 1), so a bootstrap
 * with the same seed replays exactly on every platform. Statistical use only, never for secrets.
 */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A binomial draw as a sum of Bernoulli draws: exact, and O(trials), fine for bootstrap sizes. */
export function drawBinomial(uniform: () => number, trials: number, probability: number): number {
  let successes = 0;
  for (let trial = 0; trial < trials; trial++) {
    if (uniform() < probability) successes++;
  }
  return successes;
}
