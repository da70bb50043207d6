import { expect } from "chai";
import {
  add,
  backward,
  batchedMix,
  batchedScores,
  concat,
  constant,
  crossEntropy,
  exp,
  gatherRows,
  gruStep,
  log,
  logSoftmaxRows,
  matmul,
  mean,
  mul,
  numericGradient,
  parameter,
  relu,
  transpose,
  reshape,
  scale,
  sigmoid,
  sliceCols,
  sliceRows,
  softmaxRows,
  sub,
  sum,
  tanh,
  Var,
  zeroGrad,
} from "../src/autodiff";
import { createRandom } from "../src/random";
import { fromFlat, matrix, Matrix } from "../src/tensor";
import { randomMatrix } from "../src/ops";
import { expectClose } from "./support/close";
import { expectGradientsMatch } from "./support/gradcheck";

const rng = createRandom(7);
const randomParam = (rows: number, cols: number, name: string, std = 1) =>
  parameter(randomMatrix(rng, rows, cols, { std }), name);

/**
 * A scalar that depends on every entry of `v` with a different weight, so that a gradient that
 * lands in the wrong entry cannot pass: Σ_ij v_ij · r_ij for a fixed random r.
 */
function probe(v: Var): Var {
  const weights = constant(randomMatrix(createRandom(99), v.value.rows, v.value.cols));
  return sum(mul(v, weights));
}

describe("autodiff primitives agree with central differences", () => {
  it("matmul", () => {
    const a = randomParam(3, 4, "a");
    const b = randomParam(4, 2, "b");
    expectGradientsMatch(() => probe(matmul(a, b)), [a, b]);
  });

  it("add, same shape and with a broadcast bias row", () => {
    const a = randomParam(3, 4, "a");
    const b = randomParam(3, 4, "b");
    const bias = randomParam(1, 4, "bias");
    expectGradientsMatch(() => probe(add(add(a, b), bias)), [a, b, bias]);
  });

  it("sub", () => {
    const a = randomParam(2, 3, "a");
    const b = randomParam(2, 3, "b");
    expectGradientsMatch(() => probe(sub(a, b)), [a, b]);
  });

  it("mul, same shape and with a broadcast column", () => {
    const a = randomParam(3, 4, "a");
    const b = randomParam(3, 4, "b");
    const gate = randomParam(3, 1, "gate");
    expectGradientsMatch(() => probe(mul(mul(a, b), gate)), [a, b, gate]);
  });

  it("scale, sum and mean", () => {
    const a = randomParam(3, 3, "a");
    expectGradientsMatch(() => add(mean(mul(a, a)), scale(probe(a), 0.5)), [a]);
  });

  it("tanh, sigmoid and exp", () => {
    const a = randomParam(3, 4, "a");
    expectGradientsMatch(() => probe(tanh(a)), [a]);
    expectGradientsMatch(() => probe(sigmoid(a)), [a]);
    expectGradientsMatch(() => probe(exp(a)), [a]);
  });

  it("log on positive inputs", () => {
    const a = parameter(fromFlat([0.5, 1, 2, 3.5, 0.1, 7], 2, 3), "a");
    expectGradientsMatch(() => probe(log(a)), [a]);
  });

  it("relu away from its kink", () => {
    const a = parameter(fromFlat([0.5, -1, 2, -3.5, 0.1, 7], 2, 3), "a");
    expectGradientsMatch(() => probe(relu(a)), [a]);
  });

  it("softmaxRows, with and without a mask", () => {
    const a = randomParam(3, 5, "a", 2);
    const mask = [
      [true, true, false, true, true],
      [false, true, true, true, false],
      [true, true, true, true, true],
    ];
    expectGradientsMatch(() => probe(softmaxRows(a)), [a]);
    expectGradientsMatch(() => probe(softmaxRows(a, mask)), [a]);
  });

  it("logSoftmaxRows", () => {
    const a = randomParam(3, 5, "a", 2);
    expectGradientsMatch(() => probe(logSoftmaxRows(a)), [a]);
  });

  it("crossEntropy, padding rows ignored", () => {
    const logits = randomParam(4, 5, "logits", 2);
    expectGradientsMatch(() => crossEntropy(logits, [1, 4, -1, 0]), [logits]);
  });

  it("concat along rows and along columns", () => {
    const a = randomParam(2, 3, "a");
    const b = randomParam(2, 2, "b");
    const c = randomParam(1, 3, "c");
    expectGradientsMatch(() => probe(concat([a, b], "cols")), [a, b]);
    expectGradientsMatch(() => probe(concat([a, c], "rows")), [a, c]);
  });

  it("sliceRows and sliceCols", () => {
    const a = randomParam(4, 5, "a");
    expectGradientsMatch(() => probe(sliceCols(sliceRows(a, 1, 3), 2, 5)), [a]);
  });

  it("gatherRows with repeated indices", () => {
    const table = randomParam(5, 3, "table");
    expectGradientsMatch(() => probe(gatherRows(table, [4, 1, 4, 0])), [table]);
  });

  it("transpose and reshape", () => {
    const a = randomParam(2, 3, "a");
    expectGradientsMatch(() => probe(reshape(transpose(a), 1, 6)), [a]);
  });

  it("batchedScores and batchedMix", () => {
    const queries = randomParam(2, 3, "queries");
    const keys = randomParam(8, 3, "keys");
    const values = randomParam(8, 2, "values");
    const attention = () => batchedMix(softmaxRows(batchedScores(queries, keys)), values);
    expectGradientsMatch(() => probe(attention()), [queries, keys, values]);
  });

  it("batchedScores and batchedMix with the queries of three steps at once", () => {
    const queries = randomParam(6, 3, "queries"); // 3 steps of B = 2, time-major
    const keys = randomParam(8, 3, "keys"); // 4 source steps of B = 2
    const values = randomParam(8, 2, "values");
    const attention = () => batchedMix(softmaxRows(batchedScores(queries, keys, 2)), values, 2);
    expectGradientsMatch(() => probe(attention()), [queries, keys, values]);
  });
});

describe("batched attention over several steps at once", () => {
  it("gives each step's rows exactly what one call per step gives", () => {
    const B = 2;
    const queries = randomParam(3 * B, 3, "queries");
    const keys = randomParam(4 * B, 3, "keys");
    const values = randomParam(4 * B, 2, "values");
    const all = batchedMix(softmaxRows(batchedScores(queries, keys, B)), values, B);
    for (let t = 0; t < 3; t++) {
      const q = sliceRows(queries, t * B, (t + 1) * B);
      const one = batchedMix(softmaxRows(batchedScores(q, keys)), values);
      expectClose(sliceRows(all, t * B, (t + 1) * B).value, one.value, { rtol: 0, atol: 0 });
    }
  });

  it("names the function when the rows are not whole steps of B examples", () => {
    const queries = randomParam(5, 3, "queries");
    const keys = randomParam(8, 3, "keys");
    expect(() => batchedScores(queries, keys, 2)).to.throw(
      RangeError,
      /^batchedScores: the 5 query rows must be a whole number of steps of B = 2 examples$/,
    );
  });
});

describe("gruStep", () => {
  const B = 3;
  const H = 4;
  const make = () => ({
    gi: randomParam(B, 3 * H, "gi"),
    h: randomParam(B, H, "h"),
    wHidden: randomParam(H, 3 * H, "wHidden", 0.5),
    bHidden: randomParam(1, 3 * H, "bHidden"),
  });

  /** The same step composed from plain primitives, in PyTorch's gate order (r, z, n). */
  function composed(gi: Var, h: Var, wHidden: Var, bHidden: Var): Var {
    const gh = add(matmul(h, wHidden), bHidden);
    const r = sigmoid(add(sliceCols(gi, 0, H), sliceCols(gh, 0, H)));
    const z = sigmoid(add(sliceCols(gi, H, 2 * H), sliceCols(gh, H, 2 * H)));
    const n = tanh(add(sliceCols(gi, 2 * H, 3 * H), mul(r, sliceCols(gh, 2 * H, 3 * H))));
    return add(n, mul(z, sub(h, n)));
  }

  it("agrees with central differences for all four inputs", () => {
    const { gi, h, wHidden, bHidden } = make();
    expectGradientsMatch(() => probe(gruStep(gi, h, wHidden, bHidden)), [gi, h, wHidden, bHidden]);
  });

  it("gives the value and the gradients of the composed GRU step", () => {
    const { gi, h, wHidden, bHidden } = make();
    const params = [gi, h, wHidden, bHidden];
    const fused = gruStep(gi, h, wHidden, bHidden);
    backward(probe(fused));
    const fusedGrads = params.map((p) => p.gradMatrix());
    zeroGrad(params);
    const plain = composed(gi, h, wHidden, bHidden);
    backward(probe(plain));
    expectClose(fused.value, plain.value, { rtol: 0, atol: 1e-15 });
    params.forEach((p, k) => expectClose(fusedGrads[k], p.gradMatrix(), { rtol: 0, atol: 1e-14 }));
  });

  it("keeps the state (up to rounding) when the update gate saturates at 1", () => {
    const { h, wHidden } = make();
    const gi = constant(
      matrix(
        Array.from({ length: B }, () => [
          ...Array(H).fill(0),
          ...Array(H).fill(800),
          ...Array(H).fill(0),
        ]),
      ),
    );
    const bHidden = constant(new Matrix(new Float64Array(3 * H), 1, 3 * H));
    expectClose(gruStep(gi, h, wHidden, bHidden).value, h.value, { rtol: 0, atol: 1e-15 });
  });

  it("names the argument whose shape is wrong", () => {
    const { gi, h, wHidden } = make();
    const bias = randomParam(1, 3 * H + 1, "b");
    expect(() => gruStep(gi, h, wHidden, bias)).to.throw(
      RangeError,
      /^gruStep: bHidden must have shape \[1, 12\] for h \[3, 4\]; got \[1, 13\]$/,
    );
    expect(() => gruStep(h, h, wHidden, bias)).to.throw(
      RangeError,
      /^gruStep: gi must have shape \[3, 12\]/,
    );
    expect(() => gruStep(gi, "h" as never, wHidden, bias)).to.throw(
      TypeError,
      /^gruStep: h must be a Var/,
    );
  });
});

describe("backward", () => {
  it("accumulates the gradient of a value used twice", () => {
    const x = parameter(matrix([[3]]), "x");
    backward(add(mul(x, x), x)); // d(x² + x)/dx = 2x + 1 = 7
    expect(Array.from(x.grad!)).to.deep.equal([7]);
  });

  it("adds to existing gradients until they are reset", () => {
    const x = parameter(matrix([[2]]), "x");
    backward(mul(x, x));
    backward(mul(x, x));
    expect(Array.from(x.grad!)).to.deep.equal([8]);
    zeroGrad([x]);
    expect(x.grad).to.equal(undefined);
    backward(mul(x, x));
    expect(Array.from(x.grad!)).to.deep.equal([4]);
  });

  it("handles a graph deeper than the call stack allows for recursion", () => {
    const x = parameter(matrix([[1]]), "x");
    let y: Var = x;
    for (let k = 0; k < 20_000; k++) y = scale(y, 1);
    backward(y);
    expect(Array.from(x.grad!)).to.deep.equal([1]);
  });

  it("keeps no gradient for constants", () => {
    const x = parameter(matrix([[1, 2]]), "x");
    const c = constant(matrix([[3, 4]]));
    backward(sum(mul(x, c)));
    expect(c.grad).to.equal(undefined);
    expectClose(Array.from(x.grad!), [3, 4]);
  });

  it("rejects a loss that is not 1×1", () => {
    const x = parameter(matrix([[1, 2]]), "x");
    expect(() => backward(x)).to.throw(RangeError, /^backward: loss must be 1×1; got \[1, 2\]/);
  });

  it("rejects a loss that depends on no parameter", () => {
    expect(() => backward(sum(constant(matrix([[1]]))))).to.throw(
      RangeError,
      /does not depend on any parameter/,
    );
  });
});

describe("primitive forward values and errors", () => {
  it("softmaxRows gives a fully masked row zeros, not NaN", () => {
    const p = softmaxRows(constant(matrix([[1, 2]])), [[false, false]]);
    expect(p.value.toArray()).to.deep.equal([[0, 0]]);
  });

  it("softmaxRows does not overflow on [1000, 1001]", () => {
    const p = softmaxRows(constant(matrix([[1000, 1001]])));
    const e = Math.exp(1);
    expectClose(p.value.toArray(), [[1 / (1 + e), e / (1 + e)]]);
  });

  it("crossEntropy of uniform logits is ln(classes)", () => {
    const loss = crossEntropy(constant(matrix([[0, 0, 0, 0]])), [2]);
    expectClose(loss.value.data[0], Math.log(4));
  });

  it("sigmoid is finite far out in both tails", () => {
    const s = sigmoid(constant(matrix([[-800, 800]])));
    expect(s.value.toArray()).to.deep.equal([[0, 1]]);
  });

  it("matmul names both shapes when the inner dimensions differ", () => {
    const a = constant(new Matrix(new Float64Array(6), 2, 3));
    const b = constant(new Matrix(new Float64Array(8), 4, 2));
    expect(() => matmul(a, b)).to.throw(RangeError, /^matmul: .*got a \[2, 3\], b \[4, 2\]$/);
  });

  it("log rejects a non-positive entry instead of returning NaN", () => {
    expect(() => log(constant(matrix([[1, -2]])))).to.throw(RangeError, /^log: a\[0, 1\] is -2/);
  });

  it("crossEntropy rejects a target outside the classes", () => {
    const logits = constant(matrix([[0, 0]]));
    expect(() => crossEntropy(logits, [2])).to.throw(RangeError, /targets\[0\] is 2/);
  });

  it("gatherRows rejects an index past the table", () => {
    const table = constant(matrix([[1], [2]]));
    expect(() => gatherRows(table, [0, 2])).to.throw(
      RangeError,
      /indices\[1\] is 2; the table has 2 rows/,
    );
  });

  it("refuses a plain Matrix where a Var is needed", () => {
    expect(() => tanh(matrix([[1]]) as unknown as Var)).to.throw(
      TypeError,
      /^tanh: a must be a Var/,
    );
  });
});

describe("primitive overflow", () => {
  it("matmul names itself and the entry when a product overflows", () => {
    const w = parameter(matrix([[1, 1e200]]), "w");
    expect(() => matmul(constant(matrix([[1e200]])), w)).to.throw(
      RangeError,
      /^matmul: the result overflowed to Infinity at \[0, 1\]; expected a finite number$/,
    );
  });

  it("exp names itself instead of returning Infinity", () => {
    expect(() => exp(constant(matrix([[1, 710]])))).to.throw(
      RangeError,
      /^exp: the result overflowed to Infinity at \[0, 1\]/,
    );
  });

  it("add, sub, mul, scale and sum name themselves", () => {
    const big = constant(matrix([[1e308]]));
    const negative = constant(matrix([[-1e308]]));
    expect(() => add(big, big)).to.throw(RangeError, /^add: the result overflowed to Infinity/);
    expect(() => sub(negative, big)).to.throw(
      RangeError,
      /^sub: the result overflowed to -Infinity/,
    );
    expect(() => mul(big, big)).to.throw(RangeError, /^mul: the result overflowed to Infinity/);
    expect(() => scale(big, 10)).to.throw(RangeError, /^scale: the result overflowed to Infinity/);
    const row = constant(matrix([[1e308, 1e308]]));
    expect(() => sum(row)).to.throw(
      RangeError,
      /^sum: the result overflowed to Infinity at \[0, 0\]/,
    );
  });

  it("leaves a finite forward pass alone at the edge of float64", () => {
    const edge = constant(matrix([[Number.MAX_VALUE, -Number.MAX_VALUE]]));
    expect(sum(edge).value.toArray()).to.deep.equal([[0]]);
  });
});

describe("numericGradient", () => {
  const theta = parameter(matrix([[1, 2]]), "theta");
  const loss = (): Var => sum(mul(theta, theta));

  it("estimates the gradient by central differences", () => {
    expectClose(Array.from(numericGradient(loss, theta)), [2, 4], { rtol: 1e-8 });
  });

  it("rejects a misspelt option and a step that is not > 0", () => {
    const options = { h: 1e-3 } as unknown as { step: number };
    expect(() => numericGradient(loss, theta, options)).to.throw(
      TypeError,
      /^numericGradient: unknown option "h"; expected one of step$/,
    );
    expect(() => numericGradient(loss, theta, { step: 0 })).to.throw(
      RangeError,
      /^numericGradient: step must be > 0; got 0$/,
    );
    expect(() => numericGradient(loss, theta, { step: NaN })).to.throw(
      RangeError,
      /^numericGradient: step must be finite; got NaN$/,
    );
  });
});
