/**
 * The Jacobian of the softmax: how much each attention weight moves when each score does, and
 * its size, the measure chapter 3 uses to show why dot products are divided by √d_k.
 *
 * For p = softmax(s), ∂p_i/∂s_j = p_i(δ_ij − p_j), i.e. J = diag(p) − p·pᵀ (Bishop, "Pattern
 * Recognition and Machine Learning", 2006, Eq. 4.106). J depends on the weights only, not on the
 * scores that produced them. When p is one-hot, every entry of J is 0: the softmax has saturated,
 * and training can no longer move its scores (Vaswani et al., "Attention Is All You Need", 2017,
 * §3.2.1, footnote 4, on large dot products).
 */

import { checkArray, checkNumberArray, showNumber } from "./check";
import { Matrix, resultMatrix } from "./tensor";

/** How far from 1 the weights may sum: float64 sums of a few hundred softmax outputs. */
const SUM_TOLERANCE = 1e-9;

/**
 * The Jacobian of the softmax at the weights p = softmax(s).
 *
 * J[i][j] = ∂p_i/∂s_j = p_i(δ_ij − p_j), i.e. J = diag(p) − p·pᵀ
 *
 * J is symmetric, and its rows and columns sum to 0 (adding a constant to every score changes
 * nothing). A gradient g = ∂L/∂p of any loss reaches the scores as ∂L/∂s = J·g.
 *
 * @param weights p, a `number[]` of length m ≥ 1: non-negative, summing to 1 within 1e-9
 *   (a softmax output).
 * @returns J, a Matrix of shape [m, m].
 * @example softmaxJacobian([0.5, 0.5]).toArray(); // [[0.25, -0.25], [-0.25, 0.25]]
 */
export function softmaxJacobian(weights: readonly number[]): Matrix {
  const p = checkWeights("softmaxJacobian", weights);
  const m = p.length;
  const rest = othersSums(p);
  const out = new Float64Array(m * m); // (m) → (m, m)
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      // Why p_i·Σ_{l≠i} p_l and not p_i(1 − p_i): near a one-hot p, 1 − p_i rounds to 0 (or to
      // noise of 1e-16) long before the other weights are that small.
      out[i * m + j] = i === j ? p[i] * rest[i] : -p[i] * p[j];
    }
  }
  return resultMatrix("softmaxJacobian", out, m, m);
}

/**
 * The size of the softmax's Jacobian at p = softmax(s): its Frobenius norm, the root of the sum
 * of its squared entries.
 *
 * ‖J‖_F = √(Σ_ij J_ij²) = √(Σ_i p_i²(1 − p_i)² + Σ_i p_i² Σ_{j≠i} p_j²)
 *
 * It is (m − 1)^½ / m for the uniform weights over m keys, 1/2 for two keys sharing all the
 * weight, and 0 for one-hot weights. For a gradient g with independent unit-variance entries,
 * E‖J·g‖² = ‖J‖_F², so ‖J‖_F is the typical size of the gradient that gets through the softmax.
 *
 * @param weights p, a `number[]` of length m ≥ 1: non-negative, summing to 1 within 1e-9.
 * @returns ‖J‖_F ≥ 0.
 * @example softmaxJacobianNorm([0.25, 0.25, 0.25, 0.25]); // 0.4330… = √3 / 4
 */
export function softmaxJacobianNorm(weights: readonly number[]): number {
  const p = checkWeights("softmaxJacobianNorm", weights);
  const m = p.length;
  const rest = othersSums(p);
  const restOfSquares = othersSums(p.map((x) => x * x));

  // Every term is ≥ 0, so nothing cancels: a nearly one-hot p, whose norm is as small as its
  // small weights, keeps its relative accuracy (the expanded Σp² − 2Σp³ + (Σp²)² would not).
  let total = 0;
  for (let i = 0; i < m; i++) {
    const diagonal = p[i] * rest[i];
    total += diagonal * diagonal + p[i] * p[i] * restOfSquares[i];
  }
  return Math.sqrt(total);
}

/** Checks that `weights` is a distribution; returns it typed. */
function checkWeights(fn: string, weights: unknown): readonly number[] {
  checkArray(fn, "weights", weights);
  if (weights.length === 0) {
    throw new RangeError(`${fn}: weights is empty; expected at least one weight`);
  }
  checkNumberArray(fn, "weights", weights);
  const k = weights.findIndex((x) => x < 0);
  if (k >= 0) {
    throw new RangeError(
      `${fn}: weights[${k}] is ${showNumber(weights[k])}; expected weights ≥ 0 (a softmax output)`,
    );
  }
  const total = weights.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > SUM_TOLERANCE) {
    throw new RangeError(
      `${fn}: weights must sum to 1 (a softmax output); got a sum of ${showNumber(total)}`,
    );
  }
  return weights;
}

/** For each i, Σ_{j≠i} x_j, from prefix and suffix sums so that no large term is subtracted. */
function othersSums(x: readonly number[]): number[] {
  const m = x.length;
  const before = new Array<number>(m).fill(0);
  const after = new Array<number>(m).fill(0);
  for (let i = 1; i < m; i++) before[i] = before[i - 1] + x[i - 1];
  for (let i = m - 2; i >= 0; i--) after[i] = after[i + 1] + x[i + 1];
  return before.map((b, i) => b + after[i]);
}
