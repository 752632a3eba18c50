/**
 * The fuzzer's random numbers: a seeded 32-bit generator (mulberry32), so a seed names a guest
 * exactly — same seed, same guest, same verdict — and streams derived from a seed and an index
 * (mixSeed) are independent of each other and of the order in which they are used.
 */

const UINT32 = 0x1_0000_0000;

/** A 32-bit hash of two numbers (the finalizer of MurmurHash3 over their mix): derives a
 *  case's seed from the run's seed and its index, a guest's from its case's. */
export function mixSeed(a: number, b: number): number {
  let h = (Math.imul(a >>> 0, 0x9e37_79b1) ^ (b >>> 0)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85eb_ca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2_ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export class Rng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** The next 32 random bits, unsigned. */
  word(): number {
    this.state = (this.state + 0x6d2b_79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.word() / UINT32) * n);
  }

  /** An integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.word() / UINT32 < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from nothing');
    return items[this.below(items.length)] as T;
  }

  /** A new generator whose stream depends only on this one's seed and `salt`. */
  fork(salt: number): Rng {
    return new Rng(mixSeed(this.seed, salt));
  }
}
