/**
 * The softmax, its temperature, masks, and the log-sum-exp.
 *
 * softmax turns scores into attention weights (Bahdanau, Cho & Bengio, "Neural Machine
 * Translation by Jointly Learning to Align and Translate", 2015, Eq. 6; Vaswani et al., 2017,
 * Eq. 1). Both are computed stably by the max-shift identity softmax(x) = softmax(x − c) and
 * log Σ exp x = c + log Σ exp(x − c) with c = max x (see Goodfellow, Bengio & Courville, "Deep
 * Learning", 2016, §4.1).
 *
 * Masks follow the README's conventions: `true` means "this query may see this key". A masked entry is selected
 * out, never filled with a large negative number, so its value cannot reach the result (in a
 * `number[]`, not even a NaN). In a `number[]` a score of −∞ means the same as a mask: weight
 * exactly 0; a Matrix holds finite numbers only, so a Matrix of scores uses the mask for that.
 */

import {
  checkArray,
  checkBooleans,
  checkFiniteNumber,
  checkLength,
  checkMask,
  checkOptions,
  checkPositiveInteger,
  kindOf,
  showNumber,
} from "./check";
import { Matrix } from "./tensor";

/** Options of {@link softmax}; `M` is the mask type (`boolean[]` or `boolean[][]`). */
export interface SoftmaxOptions<M> {
  /**
   * T in softmax(x / T): finite and > 0 (default 1). T > 1 flattens the weights towards uniform,
   * T < 1 sharpens them towards the arg max.
   */
  temperature?: number;
  /** Which entries may receive weight: `true` = may attend. Same shape as the scores. */
  mask?: M;
}

const SOFTMAX_OPTIONS = ["temperature", "mask"] as const;

/**
 * Turns scores into weights that are non-negative and sum to 1, row by row on a Matrix.
 *
 * softmax(x)_j = exp(x_j / T) / Σ_{k unmasked} exp(x_k / T) for unmasked j, and 0 for masked j
 *
 * A row with no unmasked entry (fully masked, or all −∞) gets all zeros instead of 0/0 = NaN:
 * a query that may see no key takes no weight from any key, and one NaN would otherwise spread
 * through every later product.
 *
 * @param x scores: a `number[]` of length m, whose entries must be finite or −∞ (unless
 *   masked), or a Matrix of shape [n, m] (softmax per row; a Matrix is always finite).
 * @param options `temperature` (finite, > 0) and `mask` (`boolean[]` of length m, or
 *   `boolean[][]` of shape [n, m]).
 * @returns weights of the same shape and kind as `x`.
 * @example
 * softmax([1, 2, 3]); // [0.0900…, 0.2447…, 0.6652…]
 * softmax([1, 2, 3], { mask: [true, true, false] }); // [0.2689…, 0.7310…, 0]
 * softmax(matrix([[0, 0], [0, 1000]])).toArray(); // [[0.5, 0.5], [0, 1]]
 */
export function softmax(
  x: readonly number[],
  options?: SoftmaxOptions<readonly boolean[]>,
): number[];
export function softmax(
  x: Matrix,
  options?: SoftmaxOptions<readonly (readonly boolean[])[]>,
): Matrix;
export function softmax(
  x: readonly number[] | Matrix,
  options: SoftmaxOptions<readonly boolean[] | readonly (readonly boolean[])[]> = {},
): number[] | Matrix {
  checkOptions("softmax", options, SOFTMAX_OPTIONS);
  const temperature = checkTemperature(options.temperature);

  if (x instanceof Matrix) {
    const [n, m] = x.shape;
    const mask = options.mask;
    if (mask !== undefined) checkMask("softmax", "mask", mask, x.shape, "x");
    const out = new Float64Array(n * m);
    for (let i = 0; i < n; i++) {
      const maskRow = mask === undefined ? undefined : (mask[i] as readonly boolean[]);
      softmaxRow(x.data, i * m, m, maskRow, temperature, out, (j) => `x[${i}, ${j}]`);
    }
    return new Matrix(out, n, m);
  }

  if (!Array.isArray(x)) {
    throw new TypeError(`softmax: x must be a number[] or a Matrix; got ${kindOf(x)}`);
  }
  const mask = options.mask;
  if (mask !== undefined) {
    checkArray("softmax", "mask", mask);
    checkLength("softmax", "mask", mask.length, x.length, "the length of x");
    checkBooleans("softmax", "mask", mask);
  }
  const out = new Float64Array(x.length);
  const maskRow = mask as readonly boolean[] | undefined;
  softmaxRow(x, 0, x.length, maskRow, temperature, out, (j) => `x[${j}]`);
  return Array.from(out);
}

/**
 * The log of a sum of exponentials, computed without overflow or underflow.
 *
 * logSumExp(x) = c + log Σ_j exp(x_j − c), c = max_j x_j
 *
 * Entries may be −∞ (the log of a zero probability) and contribute nothing; if every entry is −∞
 * the result is −∞ = log 0. An empty list throws rather than returning −∞, because a silent −∞
 * would turn a later loss into NaN far from its cause.
 *
 * @param xs a non-empty `number[]` of finite numbers or −∞.
 * @returns a number (finite, or −∞ when every entry is −∞).
 * @example
 * logSumExp([0, 0]); // 0.6931471805599453 = log 2
 * logSumExp([1000, 1000]); // 1000.6931471805599, where Math.log(2 * Math.exp(1000)) = Infinity
 */
export function logSumExp(xs: readonly number[]): number {
  checkArray("logSumExp", "xs", xs);
  if (xs.length === 0) throw new RangeError("logSumExp: xs is empty; expected at least one entry");
  checkScores("logSumExp", xs, 0, xs.length, undefined, (j) => `xs[${j}]`);

  let max = -Infinity;
  for (const x of xs) if (x > max) max = x;
  if (max === -Infinity) return -Infinity;

  // Why the shift: every exp(x_j − c) lies in (0, 1], so nothing overflows, and the largest
  // term is exactly 1, so the sum cannot underflow to 0 and the logarithm stays finite.
  let total = 0;
  for (const x of xs) total += Math.exp(x - max);
  return max + Math.log(total);
}

/**
 * The causal (autoregressive) mask: query i may see keys 0 … i and nothing after it.
 *
 * mask[i][j] = (j ≤ i)
 *
 * @param n number of queries (≥ 1).
 * @param m number of keys (≥ 1, default n). Query i sees keys j ≤ i whatever m is, so with
 *   m > n the last keys are seen by no query.
 * @returns a new `boolean[][]` of shape [n, m].
 * @example causalMask(3); // [[true, false, false], [true, true, false], [true, true, true]]
 */
export function causalMask(n: number, m: number = n): boolean[][] {
  checkPositiveInteger("causalMask", "n", n);
  checkPositiveInteger("causalMask", "m", m);
  return Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => j <= i));
}

/** Validates `options.temperature` and returns it (default 1). */
function checkTemperature(temperature: unknown): number {
  if (temperature === undefined) return 1;
  checkFiniteNumber("softmax", "temperature", temperature);
  if (temperature <= 0) {
    throw new RangeError(`softmax: temperature must be > 0; got ${showNumber(temperature)}`);
  }
  return temperature;
}

/**
 * Throws unless every unmasked score in `xs[offset … offset + length)` is a finite number or −∞,
 * naming the bad entry through `at`.
 */
function checkScores(
  fn: string,
  xs: ArrayLike<unknown>,
  offset: number,
  length: number,
  mask: readonly boolean[] | undefined,
  at: (j: number) => string,
): void {
  for (let j = 0; j < length; j++) {
    if (mask !== undefined && !mask[j]) continue;
    const x = xs[offset + j];
    if (typeof x !== "number") {
      throw new TypeError(`${fn}: ${at(j)} must be a number; got ${kindOf(x)}`);
    }
    if (Number.isNaN(x) || x === Infinity) {
      throw new RangeError(
        `${fn}: ${at(j)} is ${showNumber(x)}; expected a finite number or -Infinity`,
      );
    }
  }
}

/** Softmax of one row `xs[offset … offset + length)` into `out` at the same offset. */
function softmaxRow(
  xs: ArrayLike<number>,
  offset: number,
  length: number,
  mask: readonly boolean[] | undefined,
  temperature: number,
  out: Float64Array,
  at: (j: number) => string,
): void {
  checkScores("softmax", xs, offset, length, mask, at);
  const visible = (j: number): boolean =>
    (mask === undefined || mask[j]) && xs[offset + j] > -Infinity;

  // 1. Shift: the largest visible score. None visible means a fully masked row: leave zeros.
  let max = -Infinity;
  for (let j = 0; j < length; j++) if (visible(j) && xs[offset + j] > max) max = xs[offset + j];
  if (max === -Infinity) return;

  // 2. Exponentiate. Why (x − max) / T rather than x / T − max / T: the difference is ≤ 0 before
  //    the division, so a tiny T sends it towards −∞ (weight 0) instead of overflowing x / T to
  //    +∞ and producing ∞ − ∞ = NaN. The largest term is exp(0) = 1, so the sum is ≥ 1.
  let total = 0;
  for (let j = 0; j < length; j++) {
    if (!visible(j)) continue;
    const e = Math.exp((xs[offset + j] - max) / temperature);
    out[offset + j] = e;
    total += e;
  }

  // 3. Normalise. Masked entries were never written, so they stay exactly 0.
  for (let j = 0; j < length; j++) if (visible(j)) out[offset + j] /= total;
}
