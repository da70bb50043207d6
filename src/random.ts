/**
 * A seeded pseudo-random generator, so that every figure and number in the course can be
 * reproduced bit for bit.
 *
 * One algorithm: xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 47(4), 2021), a 128-bit state with 32-bit outputs, period 2^128 − 1.
 * Its four state words are filled from the seed by a SplitMix-style sequence (Steele, Lea &
 * Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014): a Weyl sequence with
 * step 0x9e3779b9 (2^32/φ) passed through the lowbias32 integer hash (C. Wellons, "Prospecting
 * for hash functions", 2018). Normal samples use the Box–Muller transform (Box & Muller, Ann.
 * Math. Statist. 29(2), 1958).
 *
 * NOTE: written for this project rather than taken from the `pure-rand` package: the whole
 * algorithm is a dozen lines the course can show, it needs no dependency, and the regression
 * fixture in test/random.test.ts pins its output.
 */

import { checkArray, checkFiniteNumber, checkInteger, kindOf, showNumber } from "./check";

/** A seeded source of random numbers; see {@link createRandom}. */
export interface Random {
  /** The seed this generator was created with. */
  readonly seed: number;
  /** The next raw 32-bit output of xoshiro128**, an integer in [0, 2^32). */
  uint32(): number;
  /** A uniform sample in [0, 1) carrying 53 random bits (every float64 multiple of 2^−53). */
  uniform(): number;
  /**
   * A sample from 𝒩(mean, std²) by Box–Muller; `std` must be finite and ≥ 0, and small enough
   * that |mean| + 8.6·std is finite (no draw lies further than 8.58·std from the mean).
   */
  normal(mean?: number, std?: number): number;
  /** A uniform integer in [lo, hi): `lo` inclusive, `hi` exclusive, hi − lo ≤ 2^32. */
  int(lo: number, hi: number): number;
  /** A shuffled copy of `xs` (Fisher–Yates); `xs` itself is left alone. */
  shuffle<T>(xs: readonly T[]): T[];
  /** A uniformly random ordering of 0, 1, …, n − 1. */
  permutation(n: number): number[];
}

const TWO_POW_32 = 2 ** 32;
const TWO_POW_26 = 2 ** 26;
const TWO_POW_53 = 2 ** 53;

/**
 * How many standard deviations a draw of `normal` can lie from its mean, rounded up: Box–Muller
 * scales by √(−2·ln u) with u ≥ 2^−53, at most √(106·ln 2) ≈ 8.5717.
 */
const MAX_NORMAL_RADIUS = 8.6;

/**
 * Throws unless `mean` and `std` are finite, `std` ≥ 0, and no draw of 𝒩(mean, std²) can
 * overflow: |mean| + 8.6·std ≤ the largest float64. Shared by `normal` and `randomMatrix`.
 *
 * Why a bound on the parameters rather than a check of each draw: whether one draw overflows
 * depends on the seed, and a call that fails for one seed and not another hides its cause.
 *
 * @param fn the public function being called, e.g. `"randomMatrix"`.
 * @param mean the mean received.
 * @param std the standard deviation received.
 * @example checkNormalParameters("normal", 0, 1); // passes
 */
export function checkNormalParameters(fn: string, mean: unknown, std: unknown): void {
  checkFiniteNumber(fn, "mean", mean);
  checkFiniteNumber(fn, "std", std);
  if (std < 0) throw new RangeError(`${fn}: std must be >= 0; got ${showNumber(std)}`);
  if (!Number.isFinite(Math.abs(mean) + MAX_NORMAL_RADIUS * std)) {
    throw new RangeError(
      `${fn}: mean ${mean} and std ${std} would let a draw overflow to ±Infinity; expected ` +
        `|mean| + ${MAX_NORMAL_RADIUS}·std <= ${Number.MAX_VALUE}`,
    );
  }
}

/**
 * Creates a seeded generator; the same seed always yields the same sequence of draws.
 *
 * x_{t+1} = xoshiro128**(x_t), x_0 = splitmix32(seed)
 *
 * @param seed any safe integer; negative seeds and seeds ≥ 2^32 are fine, and distinct seeds
 *   give distinct generator states.
 * @returns a {@link Random} whose methods can be passed around detached (`const { normal } = rng`).
 * @example
 * const rng = createRandom(42);
 * rng.uniform(); // a number in [0, 1)
 * rng.normal(0, 0.1); // a small weight
 */
export function createRandom(seed: number): Random {
  checkInteger("createRandom", "seed", seed);

  // 1. Seed: split the seed into 32-bit halves and fill the four state words from a SplitMix
  //    sequence, the high half entering the Weyl sequence after the first word. The hash is a
  //    bijection, so s0 determines the low half and then s1 the high half: distinct seeds give
  //    distinct states. It sends only 0 to 0, and consecutive Weyl steps differ, so at most one
  //    of s1, s2 is zero and the state is never the all-zero state that xoshiro must avoid.
  const low = seed >>> 0;
  const high = Math.floor(seed / TWO_POW_32) >>> 0;
  let weyl = low;
  const nextSeedWord = (): number => {
    weyl = (weyl + 0x9e3779b9) >>> 0;
    return lowbias32(weyl);
  };
  let s0 = nextSeedWord();
  weyl = (weyl ^ lowbias32(high)) >>> 0;
  let s1 = nextSeedWord();
  let s2 = nextSeedWord();
  let s3 = nextSeedWord();

  // 2. Generate: one step of xoshiro128**. The output scrambler (×5, rotate 7, ×9) is applied to
  //    s1 before the linear update; Math.imul keeps products in 32-bit integer arithmetic.
  const uint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };

  // Why two words: one 32-bit output cannot fill a float64's 53-bit mantissa, so take the top
  // 27 bits of one word and the top 26 of the next, giving k / 2^53 for a uniform k < 2^53.
  const uniform = (): number => {
    const hi27 = uint32() >>> 5;
    const lo26 = uint32() >>> 6;
    return (hi27 * TWO_POW_26 + lo26) / TWO_POW_53;
  };

  // NOTE: Box–Muller yields two normals per pair of uniforms; we use the cosine one and drop the
  // sine one. Caching it would halve the cost, but then a draw's value would depend on whether
  // the previous call was normal() or uniform(), and every call would no longer consume exactly
  // four words of the stream.
  const normal = (mean = 0, std = 1): number => {
    checkNormalParameters("normal", mean, std);
    // 1 − u lies in (0, 1], so the logarithm is finite.
    const u1 = 1 - uniform();
    const u2 = uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    return mean + std * radius * Math.cos(2 * Math.PI * u2);
  };

  // Why rejection: `x % span` on a 32-bit word favours small remainders unless span divides
  // 2^32; redrawing the words at or above the largest multiple of span removes that bias.
  const int = (lo: number, hi: number): number => {
    checkInteger("int", "lo", lo);
    checkInteger("int", "hi", hi);
    const span = hi - lo;
    if (span <= 0) throw new RangeError(`int: hi must be greater than lo; got lo ${lo}, hi ${hi}`);
    if (span > TWO_POW_32) {
      throw new RangeError(`int: hi - lo must be at most 2^32; got ${span}`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % span);
    let x = uint32();
    while (x >= limit) x = uint32();
    return lo + (x % span);
  };

  const shuffle = <T>(xs: readonly T[]): T[] => {
    checkArray("shuffle", "xs", xs);
    const out = xs.slice();
    // Fisher–Yates (Durstenfeld's in-place form): position i takes a uniform pick from 0..i.
    for (let i = out.length - 1; i > 0; i--) {
      const j = int(0, i + 1);
      const swap = out[i];
      out[i] = out[j];
      out[j] = swap;
    }
    return out;
  };

  const permutation = (n: number): number[] => {
    checkInteger("permutation", "n", n, 0);
    return shuffle(Array.from({ length: n }, (_, i) => i));
  };

  return { seed, uint32, uniform, normal, int, shuffle, permutation };
}

/** Rotates a 32-bit word left by k bits. */
function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Wellons' lowbias32: a bijective 32-bit hash (xorshift-multiply, twice) with low bias. */
function lowbias32(x: number): number {
  let z = x >>> 0;
  z ^= z >>> 16;
  z = Math.imul(z, 0x7feb352d);
  z ^= z >>> 15;
  z = Math.imul(z, 0x846ca68b);
  z ^= z >>> 16;
  return z >>> 0;
}

/**
 * Throws a TypeError unless `rng` is a generator from {@link createRandom} (or anything with the
 * same methods), naming the function and the argument.
 *
 * @example checkRandom("Seq2Seq", "rng", createRandom(1)); // passes
 */
export function checkRandom(fn: string, argName: string, rng: unknown): asserts rng is Random {
  const methods = ["uniform", "normal", "int", "permutation"] as const;
  const ok =
    typeof rng === "object" &&
    rng !== null &&
    methods.every((m) => typeof (rng as Record<string, unknown>)[m] === "function");
  if (!ok) {
    throw new TypeError(
      `${fn}: ${argName} must be a seeded generator from createRandom(seed); got ${kindOf(rng)}`,
    );
  }
}
