/**
 * Seeded randomness for the automatic session generator, so that `--seed`
 * replays the same fleet behaviour. pure-rand (the generator fast-check uses)
 * supplies the algorithm; this module only gives it a small, convenient face.
 */
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

export interface Rng {
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
}

export function seededRng(seed: number): Rng {
  const gen = xoroshiro128plus(seed | 0);
  return {
    float: () => uniformFloat64(gen),
    int: (min, max) => uniformInt(gen, Math.ceil(min), Math.floor(max)),
    between: (min, max) => min + uniformFloat64(gen) * (max - min),
  };
}

/**
 * A well-mixed 32-bit seed for one stream (a charger's connector) of a run's
 * seed, so that neighbouring chargers do not get correlated sequences.
 */
export function deriveSeed(seed: number, ...path: number[]): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const n of path) {
    h = Math.imul(h ^ (n >>> 0), 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
  }
  return h | 0;
}
