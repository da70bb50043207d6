// Checks a backward pass against central differences: for every parameter of a scalar function,
// the analytic gradient from backward() and the numeric one from numericGradient() must agree to
// a relative error under 1e-6 (float64), measured over the whole gradient as
// ‖analytic − numeric‖ / max(‖analytic‖, ‖numeric‖, 1e-12).
import { expect } from "chai";
import { backward, numericGradient, Var, zeroGrad } from "../../src/autodiff";

export function relativeError(a: Float64Array, b: Float64Array): number {
  let diff = 0;
  let na = 0;
  let nb = 0;
  for (let k = 0; k < a.length; k++) {
    diff += (a[k] - b[k]) ** 2;
    na += a[k] ** 2;
    nb += b[k] ** 2;
  }
  return Math.sqrt(diff) / Math.max(Math.sqrt(na), Math.sqrt(nb), 1e-12);
}

/**
 * Asserts that backward() through `loss` matches central differences for every parameter.
 *
 * @param step the difference step h. The default 1e-5 suits gradients of order 1; for a whole
 *   model, where some gradients are of order 1e-5 (attention at initialisation), rounding in
 *   f(θ ± h), about 1e-16·|f|/h, would swamp them, and h = 1e-4 keeps both errors small.
 */
export function expectGradientsMatch(
  loss: () => Var,
  params: Var[],
  tolerance = 1e-6,
  step = 1e-5,
): void {
  zeroGrad(params);
  backward(loss());
  for (const [k, param] of params.entries()) {
    const analytic = param.grad ?? new Float64Array(param.value.data.length);
    const numeric = numericGradient(loss, param, { step });
    const error = relativeError(analytic, numeric);
    const label = param.name ?? `params[${k}]`;
    expect(error, `${label}: relative error ${error.toExponential(2)}`).to.be.below(tolerance);
    const norm = Math.hypot(...numeric);
    expect(norm, `${label}: the check is vacuous, the gradient is zero`).to.be.above(0);
  }
}
