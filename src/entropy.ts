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
  checkFinite,
  checkFiniteNumber,
  checkOptions,
  checkPositiveInteger,
  showNumber,
} from "./check";
import { Matrix, checkMatrix } from "./tensor";

/** How far from 1 the sum of a distribution may be: float64 sums of a few hundred terms. */
const SUM_TOLERANCE = 1e-9;

/** What {@link rowEntropies} suggests for a row that is not a distribution. */
const ROW_FIX = "rows must be attention weights (softmax output) or normalized rows";

/** Options of {@link entropy}, {@link maxEntropy} and the other entropies. */
export interface EntropyOptions {
  /** Base of the logarithm: finite, > 0 and ≠ 1. Default e (nats); 2 gives bits. */
  base?: number;
}

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
  checkOptions("entropy", options);
  const logBase = checkBase("entropy", options.base);
  checkArray("entropy", "p", p);
  checkDistribution("entropy", "p", p, undefined, "call normalize(p) first");
  return entropyOf(p, 0, p.length) / logBase;
}

/**
 * Scales non-negative numbers so that they sum to 1.
 *
 * normalize(x)_i = x_i / Σ_j x_j
 *
 * @param xs a `number[]`: finite, non-negative, with a sum > 0.
 * @returns a new `number[]` of the same length summing to 1.
 * @example normalize([1, 1, 2]); // [0.25, 0.25, 0.5]
 */
export function normalize(xs: readonly number[]): number[] {
  checkArray("normalize", "xs", xs);
  const total = checkNonNegative("normalize", "xs", xs);
  return xs.map((x) => x / total);
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
  return Math.exp(entropy(p));
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
  checkOptions("maxEntropy", options);
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
 * @param m a Matrix of shape [n, m] with non-negative entries and a sum > 0.
 * @returns a new Matrix of shape [n, m] whose entries sum to 1.
 * @example normalizeMatrix(matrix([[1, 1], [1, 2]])).toArray(); // [[0.2, 0.2], [0.2, 0.4]]
 */
export function normalizeMatrix(m: Matrix): Matrix {
  checkMatrix("normalizeMatrix", "m", m);
  const total = checkNonNegative("normalizeMatrix", "m", m.data, m.cols);
  const out = new Float64Array(m.data.length);
  for (let k = 0; k < out.length; k++) out[k] = m.data[k] / total;
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
  checkOptions("jointEntropy", options);
  const logBase = checkBase("jointEntropy", options.base);
  checkMatrix("jointEntropy", "p", p);
  checkDistribution("jointEntropy", "p", p.data, p.cols, "call normalizeMatrix(p) first");
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
  checkOptions("rowEntropies", options);
  const logBase = checkBase("rowEntropies", options.base);
  checkMatrix("rowEntropies", "weights", weights);
  const [n, m] = weights.shape;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const row = weights.data.subarray(i * m, (i + 1) * m);
    checkDistribution("rowEntropies", `weights row ${i}`, row, undefined, ROW_FIX);
    out[i] = entropyOf(weights.data, i * m, m) / logBase;
  }
  return out;
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
  if (base <= 0 || base === 1) {
    throw new RangeError(`${fn}: base must be > 0 and != 1; got ${showNumber(base)}`);
  }
  return Math.log(base);
}

/** Throws unless the entries are finite and ≥ 0 with a positive sum; returns the sum. */
function checkNonNegative(
  fn: string,
  argName: string,
  values: ArrayLike<number>,
  cols?: number,
): number {
  checkFinite(fn, argName, values, cols);
  let total = 0;
  for (let k = 0; k < values.length; k++) {
    if (values[k] < 0) {
      const at = cols === undefined ? `[${k}]` : `[${Math.floor(k / cols)}, ${k % cols}]`;
      throw new RangeError(`${fn}: ${argName}${at} is ${values[k]}; expected a number >= 0`);
    }
    total += values[k];
  }
  if (!(total > 0)) {
    throw new RangeError(`${fn}: ${argName} must have a sum > 0 to be normalised; got ${total}`);
  }
  return total;
}

/**
 * Throws unless `p` is a probability distribution: non-empty, finite, non-negative, summing to 1
 * within {@link SUM_TOLERANCE}. `cols` switches the index in messages to `[i, j]`; `fix` tells
 * the reader how to get a distribution.
 */
function checkDistribution(
  fn: string,
  argName: string,
  p: ArrayLike<number>,
  cols: number | undefined,
  fix: string,
): void {
  if (p.length === 0) {
    throw new RangeError(`${fn}: ${argName} is empty; expected at least one probability`);
  }
  checkFinite(fn, argName, p, cols);
  let total = 0;
  for (let k = 0; k < p.length; k++) {
    if (p[k] < 0) {
      const at = cols === undefined ? `[${k}]` : `[${Math.floor(k / cols)}, ${k % cols}]`;
      throw new RangeError(`${fn}: ${argName}${at} is ${p[k]}; probabilities must be >= 0`);
    }
    total += p[k];
  }
  if (Math.abs(total - 1) > SUM_TOLERANCE) {
    throw new RangeError(
      `${fn}: ${argName} must sum to 1 (within ${SUM_TOLERANCE}); got sum ${total}; ${fix}`,
    );
  }
}
