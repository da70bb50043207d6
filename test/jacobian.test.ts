import { expect } from "chai";
import * as math from "mathjs";
import { backward, parameter, sliceCols, softmaxRows, sum } from "../src/autodiff";
import { createRandom } from "../src/random";
import { softmaxJacobian, softmaxJacobianNorm } from "../src/jacobian";
import { softmax } from "../src/softmax";
import { matrix } from "../src/tensor";
import { expectClose } from "./support/close";

/** Row i of ∂softmax/∂s from the autodiff: the gradient of p_i with respect to the scores. */
function autodiffJacobian(scores: readonly number[]): number[][] {
  const m = scores.length;
  return Array.from({ length: m }, (_, i) => {
    const s = parameter(matrix([[...scores]]));
    backward(sum(sliceCols(softmaxRows(s), i, i + 1)));
    return Array.from(s.grad as Float64Array);
  });
}

/** ∂softmax/∂s by central differences, column j from perturbing s_j. */
function numericJacobian(scores: readonly number[], h = 1e-5): number[][] {
  const m = scores.length;
  const out = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  for (let j = 0; j < m; j++) {
    const plus = softmax(scores.map((s, k) => (k === j ? s + h : s)));
    const minus = softmax(scores.map((s, k) => (k === j ? s - h : s)));
    for (let i = 0; i < m; i++) out[i][j] = (plus[i] - minus[i]) / (2 * h);
  }
  return out;
}

const big = math.create(math.all, { number: "BigNumber", precision: 64 });

/** ‖J‖_F from softmax scores in 64-digit arithmetic, straight from J = diag(p) − p·pᵀ. */
function normOracle(scores: readonly number[]): number {
  const exps = scores.map((s) => big.bignumber(s).exp());
  const total = exps.reduce((a, e) => a.plus(e), big.bignumber(0));
  const p = exps.map((e) => e.div(total));
  let squares = big.bignumber(0);
  p.forEach((pi, i) =>
    p.forEach((pj, j) => {
      const entry = i === j ? pi.minus(pi.times(pi)) : pi.times(pj).neg();
      squares = squares.plus(entry.times(entry));
    }),
  );
  return squares.sqrt().toNumber();
}

describe("softmaxJacobian", () => {
  const rng = createRandom(11);
  const scores = Array.from({ length: 6 }, () => rng.normal(0, 2));
  const p = softmax(scores);

  it("agrees with the autodiff's softmax backward, row by row", () => {
    expectClose(softmaxJacobian(p), autodiffJacobian(scores), { rtol: 1e-12, atol: 1e-15 });
  });

  it("agrees with central differences of softmax", () => {
    expectClose(softmaxJacobian(p), numericJacobian(scores), { rtol: 1e-6, atol: 1e-9 });
  });

  it("is symmetric, with rows that sum to 0", () => {
    const j = softmaxJacobian(p).toArray();
    expectClose(
      j,
      j[0].map((_, c) => j.map((row) => row[c])),
    );
    expectClose(
      j.map((row) => row.reduce((a, b) => a + b, 0)),
      new Array(6).fill(0),
      { atol: 1e-15 },
    );
  });

  it("is I/m − 1/m² for uniform weights", () => {
    const m = 4;
    const expected = Array.from({ length: m }, (_, i) =>
      Array.from({ length: m }, (_, j) => (i === j ? 1 / m : 0) - 1 / (m * m)),
    );
    expectClose(softmaxJacobian(new Array(m).fill(1 / m)), expected);
  });

  it("is all zeros for one-hot weights: a saturated softmax passes no gradient", () => {
    expect(Array.from(softmaxJacobian([0, 1, 0]).data).every((x) => x === 0)).to.equal(true);
  });

  it("is [[0]] for size 1", () => {
    expect(softmaxJacobian([1]).toArray()).to.deep.equal([[0]]);
  });

  it("keeps the diagonal's relative accuracy next to a one-hot (underflow of 1 − p)", () => {
    // p = softmax([0, −50]): 1 − p_0 rounds to 0 in float64, yet ∂p_0/∂s_0 = p_0·p_1 ≈ e^−50.
    const weights = softmax([0, -50]);
    expectClose(softmaxJacobian(weights).get(0, 0), weights[0] * weights[1], { rtol: 1e-15 });
    expect(softmaxJacobian(weights).get(0, 0)).to.be.greaterThan(0);
  });

  it("refuses weights that do not sum to 1, negative weights, NaN and other kinds", () => {
    expect(() => softmaxJacobian([0.5, 0.6])).to.throw(
      RangeError,
      /^softmaxJacobian: weights must sum to 1 \(a softmax output\); got a sum of 1\.1/,
    );
    expect(() => softmaxJacobian([1.5, -0.5])).to.throw(
      RangeError,
      /^softmaxJacobian: weights\[1\] is -0\.5; expected weights ≥ 0/,
    );
    expect(() => softmaxJacobian([NaN, 1])).to.throw(RangeError, /weights\[0\] is NaN/);
    expect(() => softmaxJacobian([])).to.throw(RangeError, /weights is empty/);
    expect(() => softmaxJacobian("0.5" as unknown as number[])).to.throw(
      TypeError,
      /^softmaxJacobian: weights must be an array; got string/,
    );
  });
});

describe("softmaxJacobianNorm", () => {
  it("is the root of the sum of the Jacobian's squared entries", () => {
    const rng = createRandom(12);
    for (let trial = 0; trial < 5; trial++) {
      const p = softmax(Array.from({ length: 9 }, () => rng.normal(0, 3)));
      const entries = Array.from(softmaxJacobian(p).data);
      const frobenius = Math.sqrt(entries.reduce((a, x) => a + x * x, 0));
      expectClose(softmaxJacobianNorm(p), frobenius, { rtol: 1e-12 });
    }
  });

  it("agrees with a 64-digit oracle on seeded scores", () => {
    const rng = createRandom(13);
    const scores = Array.from({ length: 16 }, () => rng.normal(0, 4));
    expectClose(softmaxJacobianNorm(softmax(scores)), normOracle(scores), { rtol: 1e-12 });
  });

  it("is √(m − 1)/m for uniform weights and 1/2 for two equal weights", () => {
    expectClose(softmaxJacobianNorm(new Array(16).fill(1 / 16)), Math.sqrt(15) / 16);
    expectClose(softmaxJacobianNorm([0.5, 0.5]), 0.5);
  });

  it("is 0 for one-hot weights and for size 1", () => {
    expect(softmaxJacobianNorm([0, 0, 1])).to.equal(0);
    expect(softmaxJacobianNorm([1])).to.equal(0);
  });

  it("stays accurate next to a one-hot, where expanded formulas cancel to noise", () => {
    const scores = [0, -30, -35, -40];
    expectClose(softmaxJacobianNorm(softmax(scores)), normOracle(scores), { rtol: 1e-12 });
  });

  it("refuses weights that are not a distribution", () => {
    expect(() => softmaxJacobianNorm([0.2, 0.2])).to.throw(
      RangeError,
      /^softmaxJacobianNorm: weights must sum to 1/,
    );
  });
});
