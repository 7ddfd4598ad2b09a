/**
 * Seeded choices over the seed generator's PRNG (mulberry32): the same seed gives the same sequence of choices, so
 * a failing chaos run can be replayed with `--seed`. Timing on a busy machine still varies, so a replay repeats the
 * plan, not every interleaving.
 */
import { prng } from '../../couch-config/seed';

export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export function createPrng(seed: number): Prng {
  const next = prng(seed);
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick(items) {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    chance: (p) => next() < p,
  };
}
