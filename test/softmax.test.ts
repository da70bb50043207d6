import { expect } from "chai";
import * as math from "mathjs";
import { createRandom } from "../src/random";
import { Matrix, matrix } from "../src/tensor";
import { randomMatrix, rowSums } from "../src/ops";
import { causalMask, logSumExp, softmax } from "../src/softmax";
import { expectClose } from "./support/close";

// An independent oracle: mathjs BigNumbers with 64 significant digits evaluate the textbook
// formulas directly, with no max shift; exp(1000) is an ordinary number at that precision.
const big = math.create(math.all, { number: "BigNumber", precision: 64 });

function softmaxOracle(xs: readonly number[], temperature = 1): number[] {
  const exps = xs.map((x) => big.bignumber(x).div(temperature).exp());
  const total = exps.reduce((s, e) => s.plus(e), big.bignumber(0));
  return exps.map((e) => e.div(total).toNumber());
}

function logSumExpOracle(xs: readonly number[]): number {
  const total = xs.reduce((s, x) => s.plus(big.bignumber(x).exp()), big.bignumber(0));
  return total.ln().toNumber();
}

describe("softmax", () => {
  it("matches a hand-computed case", () => {
    const e = Math.E;
    const z = 1 + e + e * e;
    expectClose(softmax([0, 1, 2]), [1 / z, e / z, (e * e) / z]);
  });

  it("agrees with a 64-digit oracle on seeded scores", () => {
    const rng = createRandom(1);
    const xs = Array.from({ length: 12 }, () => rng.normal(0, 3));
    expectClose(softmax(xs), softmaxOracle(xs), { rtol: 1e-13 });
  });

  it("gives weights that sum to 1", () => {
    const rng = createRandom(2);
    const xs = Array.from({ length: 50 }, () => rng.normal(0, 10));
    expectClose(
      softmax(xs).reduce((s, w) => s + w, 0),
      1,
    );
  });

  it("gives the uniform distribution for equal scores", () => {
    expectClose(softmax([3, 3, 3, 3]), [0.25, 0.25, 0.25, 0.25]);
  });

  it("is unchanged by adding a constant to every score", () => {
    const xs = [0.3, -1.2, 2.5, 0];
    expectClose(softmax(xs.map((x) => x + 123.4)), softmax(xs), { rtol: 1e-12 });
  });

  it("does not overflow on large scores ([1000, 1001])", () => {
    const e = Math.E;
    expectClose(softmax([1000, 1001]), [1 / (1 + e), e / (1 + e)]);
  });

  it("does not underflow to 0/0 on very negative scores ([-1000, -1001])", () => {
    const e = Math.E;
    expectClose(softmax([-1000, -1001]), [e / (1 + e), 1 / (1 + e)]);
  });

  it("gives weight 1 to the only score (size 1)", () => {
    expect(softmax([-42])).to.deep.equal([1]);
  });

  it("returns [] for an empty input", () => {
    expect(softmax([])).to.deep.equal([]);
  });

  it("names the index of a NaN score", () => {
    expect(() => softmax([1, NaN, 3])).to.throw(
      RangeError,
      /^softmax: x\[1\] is NaN; expected a finite number or -Infinity$/,
    );
  });

  it("rejects +Infinity", () => {
    expect(() => softmax([1, Infinity])).to.throw(RangeError, /^softmax: x\[1\] is Infinity/);
  });

  it("gives weight exactly 0 to a score of -Infinity", () => {
    const w = softmax([0, -Infinity, 0]);
    expect(w[1]).to.equal(0);
    expectClose(w, [0.5, 0, 0.5]);
  });

  it("rejects a score that is not a number with a TypeError", () => {
    expect(() => softmax([1, "2" as unknown as number])).to.throw(
      TypeError,
      /^softmax: x\[1\] must be a number; got string$/,
    );
  });

  it("rejects an input that is neither a list nor a Matrix", () => {
    expect(() => softmax("1,2" as unknown as number[])).to.throw(
      TypeError,
      /^softmax: x must be a number\[\] or a Matrix; got string$/,
    );
  });

  it("leaves its input alone", () => {
    const xs = [1, 2, 3];
    softmax(xs);
    expect(xs).to.deep.equal([1, 2, 3]);
  });
});

describe("softmax on a Matrix", () => {
  it("normalises each row separately", () => {
    const x = matrix([
      [0, 1, 2],
      [5, 5, 5],
    ]);
    const w = softmax(x);
    expect(w).to.be.instanceOf(Matrix);
    expectClose(w.row(0), softmax([0, 1, 2]));
    expectClose(w.row(1), [1 / 3, 1 / 3, 1 / 3]);
  });

  it("gives rows that sum to 1", () => {
    const w = softmax(randomMatrix(createRandom(3), 8, 17, { std: 5 }));
    expectClose(rowSums(w), new Array(8).fill(1));
  });

  it("handles a 1×1 matrix", () => {
    expect(softmax(matrix([[7]])).toArray()).to.deep.equal([[1]]);
  });

  it("cannot be handed NaN or -Infinity: a Matrix holds finite numbers (use a mask)", () => {
    expect(() => new Matrix(new Float64Array([1, 2, NaN, 4]), 2, 2)).to.throw(
      RangeError,
      /^Matrix: data\[1, 0\] is NaN/,
    );
    expect(() => new Matrix(Float64Array.of(0, -Infinity), 1, 2)).to.throw(
      RangeError,
      /^Matrix: data\[0, 1\] is -Infinity/,
    );
  });
});

describe("softmax with a mask", () => {
  it("gives masked entries weight exactly 0", () => {
    const w = softmax([1, 2, 3], { mask: [true, false, true] });
    expect(w[1]).to.equal(0);
    const [p, q] = softmaxOracle([1, 3]);
    expectClose(w, [p, 0, q]);
  });

  it("makes the unmasked weights sum to 1", () => {
    const w = softmax([0.1, 0.2, 0.3, 0.4], { mask: [false, true, true, false] });
    expectClose(w[1] + w[2], 1);
  });

  it("ignores whatever the masked scores hold, even NaN or Infinity", () => {
    const a = softmax([1, 1000, 2], { mask: [true, false, true] });
    const b = softmax([1, NaN, 2], { mask: [true, false, true] });
    const c = softmax([1, Infinity, 2], { mask: [true, false, true] });
    expect(b).to.deep.equal(a);
    expect(c).to.deep.equal(a);
  });

  it("yields zeros, not NaN, for a fully masked list", () => {
    expect(softmax([1, 2, 3], { mask: [false, false, false] })).to.deep.equal([0, 0, 0]);
  });

  it("yields zeros, not NaN, for a list of -Infinity", () => {
    expect(softmax([-Infinity, -Infinity])).to.deep.equal([0, 0]);
  });

  it("yields a zero row for a fully masked row of a Matrix and leaves other rows alone", () => {
    const x = matrix([
      [1, 2],
      [3, 4],
    ]);
    const w = softmax(x, {
      mask: [
        [false, false],
        [true, true],
      ],
    });
    expect(w.row(0)).to.deep.equal([0, 0]);
    expectClose(w.row(1), softmax([3, 4]));
  });

  it("with a causal mask, gives query i weight only on keys 0 … i", () => {
    const w = softmax(randomMatrix(createRandom(4), 4, 4), { mask: causalMask(4) });
    for (let i = 0; i < 4; i++) {
      for (let j = i + 1; j < 4; j++) expect(w.get(i, j)).to.equal(0);
    }
    expectClose(rowSums(w), [1, 1, 1, 1]);
    expect(w.get(0, 0)).to.equal(1);
  });

  it("rejects a list mask of the wrong length", () => {
    expect(() => softmax([1, 2, 3], { mask: [true, false] })).to.throw(
      RangeError,
      /^softmax: mask must have length 3 \(the length of x\); got length 2$/,
    );
  });

  it("rejects a Matrix mask with the wrong number of rows", () => {
    expect(() =>
      softmax(
        matrix([
          [1, 2],
          [3, 4],
        ]),
        { mask: [[true, true]] },
      ),
    ).to.throw(RangeError, /^softmax: mask must have shape \[2, 2\] like x; got 1 rows$/);
  });

  it("rejects a ragged Matrix mask", () => {
    expect(() =>
      softmax(
        matrix([
          [1, 2],
          [3, 4],
        ]),
        { mask: [[true, true], [true]] },
      ),
    ).to.throw(
      RangeError,
      /^softmax: mask must have shape \[2, 2\] like x; got row 1 with 1 entries$/,
    );
  });

  it("rejects mask entries that are not booleans", () => {
    expect(() => softmax([1, 2], { mask: [1, 0] as unknown as boolean[] })).to.throw(
      TypeError,
      /^softmax: mask\[0\] must be a boolean; got number$/,
    );
  });
});

describe("softmax with a temperature", () => {
  const xs = [1, 2, 4];

  it("equals softmax(x / T)", () => {
    expectClose(softmax(xs, { temperature: 2 }), softmax(xs.map((x) => x / 2)));
    expectClose(softmax(xs, { temperature: 0.5 }), softmaxOracle(xs, 0.5), { rtol: 1e-13 });
  });

  it("is the plain softmax at T = 1", () => {
    expect(softmax(xs, { temperature: 1 })).to.deep.equal(softmax(xs));
  });

  it("flattens towards uniform as T grows", () => {
    expectClose(softmax(xs, { temperature: 1e9 }), [1 / 3, 1 / 3, 1 / 3], { rtol: 1e-8 });
  });

  it("sharpens to the arg max as T shrinks, without NaN", () => {
    expect(softmax(xs, { temperature: 1e-300 })).to.deep.equal([0, 0, 1]);
  });

  it("rejects T = 0, naming temperature and the value", () => {
    expect(() => softmax(xs, { temperature: 0 })).to.throw(
      RangeError,
      /^softmax: temperature must be > 0; got 0$/,
    );
  });

  it("rejects a negative T", () => {
    expect(() => softmax(xs, { temperature: -1 })).to.throw(RangeError, /temperature.*-1/);
  });

  it("rejects NaN and Infinity as T", () => {
    expect(() => softmax(xs, { temperature: NaN })).to.throw(
      RangeError,
      /^softmax: temperature must be finite; got NaN$/,
    );
    expect(() => softmax(xs, { temperature: Infinity })).to.throw(
      RangeError,
      /temperature.*Infinity/,
    );
  });

  it("rejects a T that is not a number with a TypeError", () => {
    expect(() => softmax(xs, { temperature: "2" as unknown as number })).to.throw(
      TypeError,
      /^softmax: temperature must be a number; got string$/,
    );
  });

  it("rejects a misspelt option instead of ignoring it", () => {
    const options = { temprature: 100 } as unknown as { temperature: number };
    expect(() => softmax([1, 2], options)).to.throw(
      TypeError,
      /^softmax: unknown option "temprature"; expected one of temperature, mask$/,
    );
    expect(() => softmax(matrix([[1, 2]]), options)).to.throw(TypeError, /unknown option/);
  });
});

describe("logSumExp", () => {
  it("gives log 2 for [0, 0]", () => {
    expect(logSumExp([0, 0])).to.equal(Math.LN2);
  });

  it("agrees with a 64-digit oracle on seeded inputs", () => {
    const rng = createRandom(5);
    const xs = Array.from({ length: 20 }, () => rng.normal(0, 4));
    expectClose(logSumExp(xs), logSumExpOracle(xs), { rtol: 1e-14 });
  });

  it("does not overflow on large inputs ([1000, 1000])", () => {
    expectClose(logSumExp([1000, 1000]), 1000 + Math.LN2);
  });

  it("does not underflow on very negative inputs ([-1000, -1001])", () => {
    expectClose(logSumExp([-1000, -1001]), logSumExpOracle([-1000, -1001]), { rtol: 1e-15 });
  });

  it("returns the entry itself for size 1", () => {
    expect(logSumExp([-3.5])).to.equal(-3.5);
  });

  it("ignores -Infinity entries (log 0)", () => {
    expect(logSumExp([0, -Infinity, 0])).to.equal(Math.LN2);
  });

  it("returns -Infinity when every entry is -Infinity", () => {
    expect(logSumExp([-Infinity, -Infinity])).to.equal(-Infinity);
  });

  it("satisfies softmax(x) = exp(x − logSumExp(x))", () => {
    const xs = [0.5, -2, 3, 1];
    const lse = logSumExp(xs);
    expectClose(
      softmax(xs),
      xs.map((x) => Math.exp(x - lse)),
      { rtol: 1e-14 },
    );
  });

  it("rejects an empty input", () => {
    expect(() => logSumExp([])).to.throw(
      RangeError,
      /^logSumExp: xs is empty; expected at least one entry$/,
    );
  });

  it("names the index of a NaN entry", () => {
    expect(() => logSumExp([0, 0, NaN])).to.throw(RangeError, /^logSumExp: xs\[2\] is NaN/);
  });

  it("rejects +Infinity", () => {
    expect(() => logSumExp([Infinity])).to.throw(RangeError, /^logSumExp: xs\[0\] is Infinity/);
  });
});

describe("causalMask", () => {
  it("lets query i see keys j ≤ i", () => {
    expect(causalMask(3)).to.deep.equal([
      [true, false, false],
      [true, true, false],
      [true, true, true],
    ]);
  });

  it("has shape [n, m] when m differs from n", () => {
    expect(causalMask(2, 4)).to.deep.equal([
      [true, false, false, false],
      [true, true, false, false],
    ]);
    expect(causalMask(3, 1)).to.deep.equal([[true], [true], [true]]);
  });

  it("is [[true]] for size 1", () => {
    expect(causalMask(1)).to.deep.equal([[true]]);
  });

  it("rejects n = 0", () => {
    expect(() => causalMask(0)).to.throw(
      RangeError,
      /^causalMask: n must be an integer >= 1; got 0$/,
    );
  });
});
