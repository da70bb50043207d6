/**
 * Summary statistics of a list of measurements: mean, sample variance and median, for the
 * course's small experiments (e.g. the variance of qᵀk against d_k in chapter 3).
 *
 * The variance is the unbiased sample variance with Bessel's correction, computed in two passes
 * (mean first, then the squared deviations), which keeps its accuracy when the values sit far
 * from 0 (Chan, Golub & LeVeque, "Algorithms for Computing the Sample Variance", The American
 * Statistician 37, 1983).
 */

import { checkNumberArray, checkResult } from "./check";

/**
 * The arithmetic mean of a list.
 *
 * mean(x) = (1/n) Σ_i x_i
 *
 * @param xs a `number[]` of length n ≥ 1, every entry finite.
 * @returns the mean.
 * @example mean([1, 2, 3, 4]); // 2.5
 */
export function mean(xs: readonly number[]): number {
  checkList("mean", xs, 1);
  return meanOf(xs);
}

/**
 * The unbiased sample variance of a list.
 *
 * s² = (1/(n − 1)) Σ_i (x_i − x̄)², x̄ = mean(x)
 *
 * @param xs a `number[]` of length n ≥ 2 (one value has no spread to estimate), every entry finite.
 * @returns s² ≥ 0.
 * @example variance([1, 2, 3, 4]); // 1.6666… = 5/3
 */
export function variance(xs: readonly number[]): number {
  checkList("variance", xs, 2);
  const centre = meanOf(xs);
  let total = 0;
  for (const x of xs) total += (x - centre) * (x - centre);
  const result = total / (xs.length - 1);
  checkResult("variance", [result], undefined, () => "the squared deviations overflow");
  return result;
}

/**
 * The median of a list: the middle value once sorted, or the mean of the two middle values when
 * the length is even.
 *
 * median(x) = x_(⌈n/2⌉) for odd n, (x_(n/2) + x_(n/2+1)) / 2 for even n, x_(k) the k-th smallest
 *
 * @param xs a `number[]` of length n ≥ 1, every entry finite; it is not reordered.
 * @returns the median.
 * @example median([3, 1, 4, 1, 5]); // 3
 */
export function median(xs: readonly number[]): number {
  checkList("median", xs, 1);
  const sorted = [...xs].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  // Why halve each value before adding: the sum of two values near the largest float64 overflows.
  return sorted.length % 2 === 1 ? sorted[middle] : sorted[middle - 1] / 2 + sorted[middle] / 2;
}

/** Checks a list of finite numbers with at least `least` entries. */
function checkList(fn: string, xs: unknown, least: number): asserts xs is readonly number[] {
  checkNumberArray(fn, "xs", xs);
  if (xs.length < least) {
    const has = xs.length === 1 ? "1 value" : `${xs.length} values`;
    const needs = least === 1 ? "at least one value" : `at least ${least} values`;
    throw new RangeError(`${fn}: xs has ${has}; expected ${needs}`);
  }
}

/** The mean; when the plain sum overflows, the values are divided by n before they are added. */
function meanOf(xs: readonly number[]): number {
  const n = xs.length;
  let total = 0;
  for (const x of xs) total += x;
  if (Number.isFinite(total)) return total / n;
  // Why a second pass: values near the float64 limit overflow the sum, though their mean, which
  // lies between the smallest and the largest value, is finite.
  total = 0;
  for (const x of xs) total += x / n;
  return total;
}
