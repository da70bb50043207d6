/**
 * The linear map that moves a sinusoidal positional encoding by a fixed number of positions.
 *
 * Vaswani et al. ("Attention Is All You Need", 2017, §3.5) chose sinusoids because "for any fixed
 * offset k, PE_{pos+k} can be represented as a linear function of PE_pos". This module builds that
 * function as a matrix, so the course can check the claim and use it: a query projection that
 * applies the shift by −1 asks every position for its predecessor, which is how a head of
 * multi-head attention can learn to look at the previous token.
 */

import { checkFiniteNumber, checkPositiveInteger } from "./check";
import { Matrix } from "./tensor";

/**
 * The matrix R_k that shifts every row of `sinusoidalPositions(·, dModel)` by `offset` positions.
 *
 * PE[pos]·R_k = PE[pos + k]; R_k is block diagonal, one 2×2 rotation per sine–cosine pair:
 * [[cos(k·ω_i), −sin(k·ω_i)], [sin(k·ω_i), cos(k·ω_i)]], ω_i = 1 / 10000^(2i/d_model)
 *
 * Why it works: sin(a + b) = sin a·cos b + cos a·sin b and cos(a + b) = cos a·cos b − sin a·sin b,
 * with a = pos·ω_i and b = k·ω_i; the rotation does not depend on pos, so one matrix serves every
 * position. R_0 is the identity and R_k·R_j = R_(k+j).
 *
 * @param dModel number of columns of the encodings; even, since a lone sine column (odd dModel)
 *   has no cosine partner and cannot be shifted linearly.
 * @param offset the shift k in positions, any finite number (negative looks back, and fractions
 *   are fine since the encodings are defined between positions too).
 * @returns a new Matrix of shape [dModel, dModel].
 * @example
 * const positions = sinusoidalPositions(8, 16);
 * matmul(positions, sinusoidalShift(16, 3)).row(2); // ≈ positions.row(5)
 */
export function sinusoidalShift(dModel: number, offset: number): Matrix {
  const fn = "sinusoidalShift";
  checkPositiveInteger(fn, "dModel", dModel);
  if (dModel % 2 !== 0) {
    throw new RangeError(
      `${fn}: dModel must be even (each sine column needs its cosine partner); got ${dModel}`,
    );
  }
  checkFiniteNumber(fn, "offset", offset);

  const out = new Float64Array(dModel * dModel); // (dModel, dModel), zeros off the 2×2 blocks
  for (let twoI = 0; twoI < dModel; twoI += 2) {
    // The same frequency as column 2i of sinusoidalPositions, computed the same way.
    const angle = offset / Math.pow(10000, twoI / dModel);
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    const sinRow = twoI * dModel; // row 2i: how the sine column feeds the pair
    const cosRow = (twoI + 1) * dModel; // row 2i + 1: how the cosine column feeds it
    out[sinRow + twoI] = cos;
    out[sinRow + twoI + 1] = -sin;
    out[cosRow + twoI] = sin;
    out[cosRow + twoI + 1] = cos;
  }
  return new Matrix(out, dModel, dModel);
}
