/**
 * A small seeded PRNG (mulberry32) and the sampling helpers the generator needs. Never Math.random: the same seed
 * must give byte-identical data on every machine. Each table draws from its own stream (seed + label), so a change
 * to one table's generator does not shift every other table's numbers.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Index drawn from a cumulative-weights table (see cumulative()). */
  weighted(cumulativeWeights: Float64Array): number;
  /** Poisson-distributed count with mean lambda (normal approximation for large means). */
  poisson(lambda: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
}

export function hash32(text: string): number {
  // FNV-1a, then a murmur-style finalizer for better bit mixing.
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function createRng(seed: number, label: string): Rng {
  let state = hash32(`${seed}:${label}`);
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => {
    const u = 1 - next();
    const v = next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  return {
    next,
    normal,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    weighted: (cumulativeWeights) => {
      const total = cumulativeWeights[cumulativeWeights.length - 1] ?? 0;
      const target = next() * total;
      let lo = 0;
      let hi = cumulativeWeights.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((cumulativeWeights[mid] ?? 0) > target) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    },
    poisson: (lambda) => {
      if (lambda <= 0) return 0;
      if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal()));
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = next();
      while (p > limit) {
        k++;
        p *= next();
      }
      return k;
    },
  };
}

export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    out[i] = sum;
  });
  return out;
}

/** Money is computed in integer cents and emitted as a number with at most two decimals. */
export function centsToAmount(cents: number): number {
  return Math.round(cents) / 100;
}
