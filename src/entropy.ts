/**
 * Shannon entropy, perplexity and maximum entropy: how spread out an attention distribution is.
 *
 * Implements H(p) = −Σ_i p_i log p_i (Shannon, "A Mathematical Theory of Communication", Bell
 * System Technical Journal 27, 1948, §6; Cover & Thomas, "Elements of Information Theory", 2nd
 * ed., 2006, Eq. 2.1) with the convention 0·log 0 = 0, the limit of p·log p as p → 0. Entropy is
 * in nats unless a base is given (base 2 gives bits). A row of attention weights with entropy near
 * 0 looks at one key; one near log m spreads its attention evenly over all m keys.
 */

import {
  checkArray,
  checkFiniteNumber,
  checkOptions,
  checkPositiveInteger,
  kindOf,
  showNumber,
} from "./check";
import { Matrix, checkMatrix } from "./tensor";

/** How far from 1 the sum of a distribution may be: float64 sums of a few hundred terms. */
const SUM_TOLERANCE = 1e-9;

/** What {@link rowEntropies} suggests for a row that is not a distribution. */
const ROW_FIX = "rows must be attention weights (softmax output) or normalized rows";

/**
 * 2^−64, the exact scale {@link normalize} falls back on when a plain sum overflows: it leaves
 * room for 2^64 entries as large as the largest float64.
 */
const OVERFLOW_SCALE = 2 ** -64;

/** Options of {@link entropy}, {@link maxEntropy} and the other entropies. */
export interface EntropyOptions {
  /**
   * Base of the logarithm: finite and > 1. Default e (nats); 2 gives bits. A base in (0, 1) has
   * a negative logarithm and would flip the sign of every entropy, so it is rejected.
   */
  base?: number;
}

const ENTROPY_OPTIONS = ["base"] as const;

/**
 * The Shannon entropy of a probability distribution.
 *
 * H(p) = −Σ_i p_i log_b p_i, with 0·log 0 = 0
 *
 * @param p a `number[]` of length ≥ 1: finite, non-negative, summing to 1 within 1e-9.
 * @param options `base` of the logarithm (default e, giving nats).
 * @returns H(p) ≥ 0, at most log_b(p.length).
 * @example
 * entropy([0.5, 0.5]); // 0.6931471805599453 (log 2 nats)
 * entropy([0.5, 0.5], { base: 2 }); // 1 (bit)
 * entropy([1, 0, 0]); // 0: all the mass on one outcome
 */
export function entropy(p: readonly number[], options: EntropyOptions = {}): number {
  checkOptions("entropy", options, ENTROPY_OPTIONS);
  const logBase = checkBase("entropy", options.base);
  return entropyOfList("entropy", p) / logBase;
}

/**
 * Scales non-negative numbers so that they sum to 1.
 *
 * normalize(x)_i = x_i / Σ_j x_j
 *
 * Entries near the largest float64 are fine: when their sum overflows, every entry is first
 * scaled by 2^−64, which is exact, so the shares come out as if the sum had not overflowed.
 *
 * @param xs a `number[]`: finite, non-negative, with a sum > 0.
 * @returns a new `number[]` of the same length summing to 1.
 * @example
 * normalize([1, 1, 2]); // [0.25, 0.25, 0.5]
 * normalize([1.7e308, 1.7e308]); // [0.5, 0.5], though 1.7e308 + 1.7e308 = Infinity
 */
export function normalize(xs: readonly number[]): number[] {
  checkArray("normalize", "xs", xs);
  const { scale, total } = checkNonNegative("normalize", "xs", xs, (k) => `[${k}]`);
  return xs.map((x) => (x * scale) / total);
}

/**
 * The perplexity of a distribution: the number of equally likely outcomes with the same entropy.
 *
 * PP(p) = exp(H(p)) = b^(H_b(p)) for any base b
 *
 * @param p a distribution, as for {@link entropy}.
 * @returns a number in [1, p.length].
 * @example perplexity([0.25, 0.25, 0.25, 0.25]); // 4 (up to rounding)
 */
export function perplexity(p: readonly number[]): number {
  return Math.exp(entropyOfList("perplexity", p));
}

/**
 * The largest entropy any distribution over n outcomes can have, reached by the uniform one.
 *
 * H_max(n) = log_b n
 *
 * @param n the number of outcomes (an integer ≥ 1), e.g. the number of keys m.
 * @param options `base` of the logarithm (default e).
 * @returns log_b n.
 * @example maxEntropy(8, { base: 2 }); // 3
 */
export function maxEntropy(n: number, options: EntropyOptions = {}): number {
  checkOptions("maxEntropy", options, ENTROPY_OPTIONS);
  const logBase = checkBase("maxEntropy", options.base);
  checkPositiveInteger("maxEntropy", "n", n);
  return Math.log(n) / logBase;
}

/**
 * Scales a non-negative Matrix so that all its entries together sum to 1: a joint distribution
 * over (row, column) pairs, e.g. over (query, key) pairs of an attention map.
 *
 * P[i][j] = M[i][j] / Σ_k Σ_l M[k][l]
 *
 * As in {@link normalize}, a sum that overflows is handled by an exact scaling by 2^−64.
 *
 * @param m a Matrix of shape [n, m] with non-negative entries and a sum > 0.
 * @returns a new Matrix of shape [n, m] whose entries sum to 1.
 * @example normalizeMatrix(matrix([[1, 1], [1, 2]])).toArray(); // [[0.2, 0.2], [0.2, 0.4]]
 */
export function normalizeMatrix(m: Matrix): Matrix {
  checkMatrix("normalizeMatrix", "m", m);
  const at = (k: number): string => `[${Math.floor(k / m.cols)}, ${k % m.cols}]`;
  const { scale, total } = checkNonNegative("normalizeMatrix", "m", m.data, at);
  const out = new Float64Array(m.data.length);
  for (let k = 0; k < out.length; k++) out[k] = (m.data[k] * scale) / total;
  return new Matrix(out, m.rows, m.cols);
}

/**
 * The entropy of a joint distribution held in a Matrix (all entries together sum to 1).
 *
 * H(P) = −Σ_i Σ_j P[i][j] log_b P[i][j], with 0·log 0 = 0
 *
 * @param p a Matrix of shape [n, m]: non-negative, all entries summing to 1 within 1e-9.
 * @param options `base` of the logarithm (default e).
 * @returns H(P), between 0 and log_b(n·m).
 * @example jointEntropy(matrix([[0.25, 0.25], [0.25, 0.25]]), { base: 2 }); // 2
 */
export function jointEntropy(p: Matrix, options: EntropyOptions = {}): number {
  checkOptions("jointEntropy", options, ENTROPY_OPTIONS);
  const logBase = checkBase("jointEntropy", options.base);
  checkMatrix("jointEntropy", "p", p);
  const at = (k: number): string => `p[${Math.floor(k / p.cols)}, ${k % p.cols}]`;
  checkDistribution("jointEntropy", "p", p.data, at, "call normalizeMatrix(p) first");
  return entropyOf(p.data, 0, p.data.length) / logBase;
}

/**
 * The entropy of each row of a row-stochastic Matrix, e.g. of each query's attention weights.
 *
 * h_i = −Σ_j W[i][j] log_b W[i][j], with 0·log 0 = 0
 *
 * A fully masked row (all zeros) is not a distribution, so it throws rather than reporting 0.
 *
 * @param weights a Matrix of shape [n, m] whose rows each sum to 1 within 1e-9.
 * @param options `base` of the logarithm (default e).
 * @returns a `number[]` of length n.
 * @example rowEntropies(matrix([[0.5, 0.5], [1, 0]]), { base: 2 }); // [1, 0]
 */
export function rowEntropies(weights: Matrix, options: EntropyOptions = {}): number[] {
  checkOptions("rowEntropies", options, ENTROPY_OPTIONS);
  const logBase = checkBase("rowEntropies", options.base);
  checkMatrix("rowEntropies", "weights", weights);
  const [n, m] = weights.shape;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const row = weights.data.subarray(i * m, (i + 1) * m);
    const at = (j: number): string => `weights[${i}, ${j}]`;
    checkDistribution("rowEntropies", `weights row ${i}`, row, at, ROW_FIX);
    out[i] = entropyOf(weights.data, i * m, m) / logBase;
  }
  return out;
}

/** The entropy in nats of a `number[]` distribution, with checks that name `fn`. */
function entropyOfList(fn: string, p: readonly number[]): number {
  checkArray(fn, "p", p);
  checkDistribution(fn, "p", p, (k) => `p[${k}]`, "call normalize(p) first");
  return entropyOf(p, 0, p.length);
}

/** −Σ p log p over `p[offset … offset + length)` in nats, skipping zeros (0·log 0 = 0). */
function entropyOf(p: ArrayLike<number>, offset: number, length: number): number {
  let h = 0;
  for (let k = offset; k < offset + length; k++) {
    const pk = p[k];
    if (pk > 0) h -= pk * Math.log(pk);
  }
  // Why the clamp: an entry a rounding error above 1 (allowed by the tolerance) gives a term a
  // rounding error below 0; entropy itself is never negative.
  return Math.max(h, 0);
}

/** Validates a logarithm base and returns ln(base); the default base e gives 1. */
function checkBase(fn: string, base: unknown): number {
  if (base === undefined) return 1;
  checkFiniteNumber(fn, "base", base);
  if (!(base > 1)) {
    // Why not any base ≠ 1: log_b x = ln x / ln b, and ln b < 0 for b in (0, 1), so such a base
    // turns every entropy negative, which no reader of an entropy expects.
    const why =
      base > 0 && base < 1
        ? "; a base in (0, 1) has a negative logarithm and would flip the sign of the entropy"
        : "";
    throw new RangeError(`${fn}: base must be > 1; got ${showNumber(base)}${why}`);
  }
  return Math.log(base);
}

/**
 * Throws unless every entry is a finite number ≥ 0 and their sum is > 0; returns the sum, and the
 * scale to apply to each entry before dividing by it: 1, or 2^−64 when the plain sum overflows.
 * `at(k)` writes the index of entry k for messages, e.g. `[3]` or `[1, 2]`.
 */
function checkNonNegative(
  fn: string,
  argName: string,
  values: ArrayLike<number>,
  at: (k: number) => string,
): { scale: number; total: number } {
  let total = 0;
  for (let k = 0; k < values.length; k++) {
    checkEntry(fn, (j) => `${argName}${at(j)}`, k, values[k], "expected a number >= 0");
    total += values[k];
  }
  if (!(total > 0)) {
    throw new RangeError(`${fn}: ${argName} must have a sum > 0 to be normalised; got ${total}`);
  }
  if (total < Infinity) return { scale: 1, total };
  // Why a power of two: scaling by 2^−64 only changes exponents, so it is exact (an entry small
  // enough to lose bits has a share that underflows to 0 anyway), and the sum can no longer
  // overflow.
  let scaled = 0;
  for (let k = 0; k < values.length; k++) scaled += values[k] * OVERFLOW_SCALE;
  return { scale: OVERFLOW_SCALE, total: scaled };
}

/**
 * Throws unless `p` is a probability distribution: non-empty, finite, non-negative, summing to 1
 * within {@link SUM_TOLERANCE}. `at(k)` names entry k in full, e.g. `p[3]` or `weights[1, 2]`;
 * `fix` tells the reader how to get a distribution.
 */
function checkDistribution(
  fn: string,
  argName: string,
  p: ArrayLike<number>,
  at: (k: number) => string,
  fix: string,
): void {
  if (p.length === 0) {
    throw new RangeError(`${fn}: ${argName} is empty; expected at least one probability`);
  }
  let total = 0;
  for (let k = 0; k < p.length; k++) {
    checkEntry(fn, at, k, p[k], "probabilities must be >= 0");
    total += p[k];
  }
  if (Math.abs(total - 1) > SUM_TOLERANCE) {
    throw new RangeError(
      `${fn}: ${argName} must sum to 1 (within ${SUM_TOLERANCE}); got sum ${total}; ${fix}`,
    );
  }
}

/**
 * Throws unless entry k, `x`, is a finite number ≥ 0; `at(k)` names it (built only on failure),
 * and `rule` ends the message for a negative entry.
 */
function checkEntry(
  fn: string,
  at: (k: number) => string,
  k: number,
  x: unknown,
  rule: string,
): void {
  if (typeof x === "number" && x >= 0 && x < Infinity) return;
  if (typeof x !== "number") {
    throw new TypeError(`${fn}: ${at(k)} must be a number; got ${kindOf(x)}`);
  }
  if (!Number.isFinite(x)) {
    throw new RangeError(`${fn}: ${at(k)} is ${showNumber(x)}; expected a finite number`);
  }
  throw new RangeError(`${fn}: ${at(k)} is ${showNumber(x)}; ${rule}`);
}
