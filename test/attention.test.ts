import { expect } from "chai";
import * as math from "mathjs";
import { createRandom } from "../src/random";
import { Matrix, fromFlat, identity, matrix, zeros } from "../src/tensor";
import { add, map, matmul, randomMatrix, rowSums, scale, transpose } from "../src/ops";
import { causalMask, softmax } from "../src/softmax";
import {
  additiveScore,
  attend,
  bilinearScore,
  distanceScore,
  dotScore,
  multiHeadAttention,
  permuteRows,
  scaledDotScore,
  sinusoidalPositions,
} from "../src/attention";
import type { MultiHeadWeights, ScoreFunction } from "../src/attention";
import { expectClose } from "./support/close";

/** A seeded matrix of standard normal samples. */
function seeded(seed: number, rows: number, cols: number, std = 1): Matrix {
  return randomMatrix(createRandom(seed), rows, cols, { std });
}

/** The largest |a − b| over all entries of two matrices of the same shape. */
function maxDifference(a: Matrix, b: Matrix): number {
  let max = 0;
  for (let k = 0; k < a.data.length; k++) max = Math.max(max, Math.abs(a.data[k] - b.data[k]));
  return max;
}

/** Copies `a`, then overwrites the listed rows with `value`. */
function withRows(a: Matrix, rows: readonly number[], value: number): Matrix {
  const data = Float64Array.from(a.data);
  for (const i of rows) data.fill(value, i * a.cols, (i + 1) * a.cols);
  return new Matrix(data, a.rows, a.cols);
}

/** Columns start … start + width − 1 of `a`, written out independently of the library. */
function sliceColumns(a: Matrix, start: number, width: number): Matrix {
  return matrix(a.toArray().map((row) => row.slice(start, start + width)));
}

/** Side-by-side concatenation of matrices with the same number of rows. */
function concatColumns(parts: readonly Matrix[]): Matrix {
  const rows = parts[0].toArray().map((_, i) => parts.flatMap((p) => p.row(i)));
  return matrix(rows);
}

/** A regular expression matching exactly `message`, which may be split over lines with `+`. */
function exact(message: string): RegExp {
  return new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
}

const e = Math.E;

describe("dotScore", () => {
  it("matches a hand-computed 2×2 case", () => {
    const queries = matrix([
      [1, 2],
      [3, 4],
    ]);
    const keys = matrix([
      [5, 6],
      [7, 8],
    ]);
    // [1·5 + 2·6, 1·7 + 2·8], [3·5 + 4·6, 3·7 + 4·8]
    expect(dotScore(queries, keys).toArray()).to.deep.equal([
      [17, 23],
      [39, 53],
    ]);
  });

  it("is bit-identical to matmul(Q, transpose(K)) on seeded data", () => {
    const queries = seeded(1, 7, 9);
    const keys = seeded(2, 5, 9);
    const expected = matmul(queries, transpose(keys));
    expect(Array.from(dotScore(queries, keys).data)).to.deep.equal(Array.from(expected.data));
  });

  it("rejects queries and keys of different dK, naming both shapes", () => {
    expect(() => dotScore(seeded(1, 2, 3), seeded(2, 2, 4))).to.throw(
      RangeError,
      /^dotScore: queries and keys must share dK; got queries \[2, 3\], keys \[2, 4\]$/,
    );
  });

  it("rejects keys that are not a Matrix with a TypeError", () => {
    expect(() => dotScore(seeded(1, 2, 3), [[1, 2, 3]] as unknown as Matrix)).to.throw(
      TypeError,
      /^dotScore: keys must be a Matrix; got array$/,
    );
  });

  it("rejects a score that overflows (1e200 · 1e200), naming the pair", () => {
    expect(() =>
      dotScore(
        matrix([[1, 1e200]]),
        matrix([
          [1, 1],
          [1, 1e200],
        ]),
      ),
    ).to.throw(
      RangeError,
      exact(
        "dotScore: the result overflowed to Infinity at [0, 1] " +
          "(row 0 of queries · row 1 of keys); expected a finite number",
      ),
    );
  });
});

describe("scaledDotScore", () => {
  it("matches a hand-computed 2×2 case (dK = 4, √dK = 2)", () => {
    const queries = matrix([
      [1, 0, 0, 0],
      [1, 1, 1, 1],
    ]);
    const keys = matrix([
      [2, 0, 0, 0],
      [1, 1, 1, 1],
    ]);
    // dot scores [[2, 1], [2, 4]], halved
    expect(scaledDotScore(queries, keys).toArray()).to.deep.equal([
      [1, 0.5],
      [1, 2],
    ]);
  });

  it("equals dotScore / √dK", () => {
    const queries = seeded(3, 6, 10);
    const keys = seeded(4, 8, 10);
    expectClose(scaledDotScore(queries, keys), scale(dotScore(queries, keys), 1 / Math.sqrt(10)), {
      rtol: 1e-15,
    });
  });

  it("rejects queries and keys of different dK", () => {
    expect(() => scaledDotScore(seeded(1, 2, 3), seeded(2, 2, 5))).to.throw(
      RangeError,
      /^scaledDotScore: queries and keys must share dK/,
    );
  });
});

describe("distanceScore", () => {
  it("matches a hand-computed 2×2 case", () => {
    const queries = matrix([
      [0, 0],
      [1, 1],
    ]);
    const keys = matrix([
      [3, 4],
      [1, 0],
    ]);
    // −½‖q − k‖²: −½·25, −½·1; −½·(4 + 9), −½·1
    expect(distanceScore(queries, keys).toArray()).to.deep.equal([
      [-12.5, -0.5],
      [-6.5, -0.5],
    ]);
  });

  it("scores an exact match 0 (not −0) and every other key below 0", () => {
    const keys = seeded(5, 4, 3);
    const scores = distanceScore(matrix([keys.row(2)]), keys).row(0);
    expect(Object.is(scores[2], 0)).to.equal(true);
    for (const j of [0, 1, 3]) expect(scores[j]).to.be.below(0);
  });

  it("gives the same weights as dotScore when all keys have the same norm", () => {
    const rng = createRandom(6);
    const keys = matrix(
      Array.from({ length: 7 }, () => {
        const k = Array.from({ length: 5 }, () => rng.normal());
        const norm = Math.hypot(...k);
        return k.map((x) => (2 * x) / norm); // every key has norm 2
      }),
    );
    const queries = seeded(7, 4, 5);
    const values = seeded(8, 7, 3);
    const byDistance = attend(queries, keys, values, { score: distanceScore });
    const byDot = attend(queries, keys, values, { score: dotScore });
    expectClose(byDistance.weights, byDot.weights, { rtol: 1e-12 });
    expectClose(byDistance.output, byDot.output, { rtol: 1e-12 });
  });

  it("gives different weights from dotScore when key norms differ", () => {
    const queries = seeded(7, 4, 5);
    const keys = seeded(9, 7, 5, 2);
    const values = seeded(8, 7, 3);
    const byDistance = attend(queries, keys, values, { score: distanceScore });
    const byDot = attend(queries, keys, values, { score: dotScore });
    expect(maxDifference(byDistance.weights, byDot.weights)).to.be.above(0.01);
  });

  it("rejects queries and keys of different dK", () => {
    expect(() => distanceScore(seeded(1, 2, 3), seeded(2, 2, 2))).to.throw(
      RangeError,
      /^distanceScore: queries and keys must share dK; got queries \[2, 3\], keys \[2, 2\]$/,
    );
  });

  it("rejects a squared distance that overflows, naming the pair", () => {
    expect(() => distanceScore(matrix([[1e200]]), matrix([[0], [-1e200]]))).to.throw(
      RangeError,
      exact(
        "distanceScore: the result overflowed to -Infinity at [0, 0] " +
          "(‖queries row 0 − keys row 0‖²); expected a finite number",
      ),
    );
  });
});

describe("bilinearScore", () => {
  it("matches a hand-computed 2×2 case", () => {
    const w = matrix([
      [1, 2],
      [0, 1],
    ]);
    const queries = identity(2);
    const keys = matrix([
      [1, 1],
      [2, 0],
    ]);
    // q·W is a row of W: [1, 2] and [0, 1]; then the dot product with each key
    expect(bilinearScore(w)(queries, keys).toArray()).to.deep.equal([
      [3, 2],
      [1, 0],
    ]);
  });

  it("compares queries and keys of different sizes (dQuery = 1, dKey = 2)", () => {
    const score = bilinearScore(matrix([[1, 2]]));
    // q·W = [3, 6]; [3, 6]·[1, 1] = 9, [3, 6]·[0, 1] = 6
    expect(
      score(
        matrix([[3]]),
        matrix([
          [1, 1],
          [0, 1],
        ]),
      ).toArray(),
    ).to.deep.equal([[9, 6]]);
  });

  it("with W = I equals dotScore", () => {
    const queries = seeded(10, 5, 6);
    const keys = seeded(11, 4, 6);
    expectClose(bilinearScore(identity(6))(queries, keys), dotScore(queries, keys));
  });

  it("rejects a W of the wrong shape when applied, naming [dQuery, dKey]", () => {
    const score = bilinearScore(seeded(12, 4, 5));
    expect(() => score(seeded(1, 3, 4), seeded(2, 2, 6))).to.throw(
      RangeError,
      /^bilinearScore: w must have shape \[dQuery, dKey\] = \[4, 6\]; got \[4, 5\]$/,
    );
  });

  it("names itself, not matmul, when q·W overflows", () => {
    const score = bilinearScore(matrix([[1e200]]));
    expect(() => score(matrix([[1e200]]), matrix([[1]]))).to.throw(
      RangeError,
      exact(
        "bilinearScore: queries·w overflowed to Infinity at [0, 0] " +
          "(row 0 of queries · column 0 of w); expected a finite number",
      ),
    );
  });

  it("names itself when a score overflows", () => {
    const score = bilinearScore(matrix([[1]]));
    expect(() => score(matrix([[1e200]]), matrix([[-1e200]]))).to.throw(
      RangeError,
      exact(
        "bilinearScore: the result overflowed to -Infinity at [0, 0] " +
          "(row 0 of queries·w · row 0 of keys); expected a finite number",
      ),
    );
  });

  it("rejects a W that is not a Matrix with a TypeError", () => {
    expect(() => bilinearScore([[1]] as unknown as Matrix)).to.throw(
      TypeError,
      /^bilinearScore: w must be a Matrix; got array$/,
    );
  });

  it("keeps its own copy of W", () => {
    const w = identity(2);
    const score = bilinearScore(w);
    w.data[0] = 100;
    expect(score(identity(2), identity(2)).toArray()).to.deep.equal([
      [1, 0],
      [0, 1],
    ]);
  });
});

describe("additiveScore", () => {
  it("rejects a weight it does not know instead of ignoring it", () => {
    const w = identity(2);
    expect(() => additiveScore({ wQuery: w, wKey: w, v: [1, 1], b: 1 } as never)).to.throw(
      TypeError,
      /^additiveScore: unknown weight "b"; expected exactly wQuery, wKey, v$/,
    );
  });

  it("matches a hand-computed 1×2 case", () => {
    const score = additiveScore({ wQuery: matrix([[1]]), wKey: matrix([[1]]), v: [2] });
    // 2·tanh(0.5 + 0.5), 2·tanh(0.5 − 0.5)
    expectClose(score(matrix([[0.5]]), matrix([[0.5], [-0.5]])), [[2 * Math.tanh(1), 0]]);
  });

  it("matches a hand-computed 2×2 case with dAttn = 2", () => {
    const score = additiveScore({
      wQuery: identity(2),
      wKey: matrix([
        [1, 0],
        [0, -1],
      ]),
      v: [1, -1],
    });
    const queries = matrix([
      [1, 0],
      [0, 1],
    ]);
    const keys = matrix([
      [0, 1],
      [1, 1],
    ]);
    // k·W_k = [0, −1] and [1, −1]; score = tanh(h_0) − tanh(h_1), h = q·W_q + k·W_k
    const t = Math.tanh;
    expectClose(score(queries, keys), [
      [t(1) - t(-1), t(2) - t(-1)],
      [t(0) - t(0), t(1) - t(0)],
    ]);
  });

  it("agrees with vᵀ·tanh(q·W_q + k·W_k) evaluated pair by pair (dQuery ≠ dKey)", () => {
    const wQuery = seeded(13, 3, 4);
    const wKey = seeded(14, 5, 4);
    const rng = createRandom(15);
    const v = Array.from({ length: 4 }, () => rng.normal());
    const queries = seeded(16, 6, 3);
    const keys = seeded(17, 2, 5);
    const qw = math.multiply(queries.toArray(), wQuery.toArray()) as number[][];
    const kw = math.multiply(keys.toArray(), wKey.toArray()) as number[][];
    const expected = qw.map((q) =>
      kw.map((k) => v.reduce((s, va, a) => s + va * Math.tanh(q[a] + k[a]), 0)),
    );
    expectClose(additiveScore({ wQuery, wKey, v })(queries, keys), expected, { rtol: 1e-12 });
  });

  it("rejects wQuery and wKey of different dAttn when created", () => {
    expect(() =>
      additiveScore({ wQuery: seeded(1, 3, 4), wKey: seeded(2, 5, 2), v: [1, 1] }),
    ).to.throw(
      RangeError,
      /^additiveScore: wQuery and wKey must share dAttn; got wQuery \[3, 4\], wKey \[5, 2\]$/,
    );
  });

  it("rejects a v whose length is not dAttn when created", () => {
    expect(() =>
      additiveScore({ wQuery: seeded(1, 3, 4), wKey: seeded(2, 5, 4), v: [1, 2] }),
    ).to.throw(
      RangeError,
      /^additiveScore: v must have length 4 \(dAttn, the columns of wQuery\); got length 2$/,
    );
  });

  it("rejects a non-finite v when created", () => {
    expect(() =>
      additiveScore({ wQuery: seeded(1, 3, 2), wKey: seeded(2, 5, 2), v: [1, Infinity] }),
    ).to.throw(RangeError, /^additiveScore: v\[1\] is Infinity; expected a finite number$/);
  });

  it("rejects queries that do not fit wQuery when applied", () => {
    const score = additiveScore({ wQuery: seeded(1, 3, 2), wKey: seeded(2, 5, 2), v: [1, 1] });
    expect(() => score(seeded(3, 4, 4), seeded(4, 2, 5))).to.throw(
      RangeError,
      /^additiveScore: wQuery must have shape \[dQuery, dAttn\] = \[4, 2\]; got \[3, 2\]$/,
    );
  });

  it("rejects weights that are not an object with a TypeError", () => {
    expect(() => additiveScore(null as unknown as Parameters<typeof additiveScore>[0])).to.throw(
      TypeError,
      /^additiveScore: weights must be an object; got null$/,
    );
  });

  it("names itself when a score or a projection overflows", () => {
    const big = additiveScore({ wQuery: identity(2), wKey: identity(2), v: [1.7e308, 1.7e308] });
    expect(() => big(matrix([[1, 1]]), matrix([[1, 1]]))).to.throw(
      RangeError,
      exact(
        "additiveScore: the result overflowed to Infinity at [0, 0] " +
          "(vᵀ·tanh(…) for queries row 0, keys row 0); expected a finite number",
      ),
    );
    const score = additiveScore({ wQuery: matrix([[1e200]]), wKey: matrix([[1]]), v: [1] });
    expect(() => score(matrix([[1e200]]), matrix([[1]]))).to.throw(
      RangeError,
      exact(
        "additiveScore: queries·wQuery overflowed to Infinity at [0, 0] " +
          "(row 0 of queries · column 0 of wQuery); expected a finite number",
      ),
    );
  });
});

describe("attend", () => {
  it("matches a hand-computed case", () => {
    const { output, weights } = attend(
      matrix([[1, 0]]),
      matrix([
        [1, 0],
        [0, 1],
      ]),
      matrix([[10], [20]]),
    );
    // scores [1/√2, 0]; weights [a, 1 − a] with a = e^{1/√2} / (e^{1/√2} + 1)
    const a = Math.exp(Math.SQRT1_2) / (Math.exp(Math.SQRT1_2) + 1);
    expectClose(weights, [[a, 1 - a]]);
    expectClose(output, [[10 * a + 20 * (1 - a)]]);
  });

  it("agrees with mathjs (multiply, transpose, exp) on seeded data", () => {
    const [n, m, dK, dV] = [6, 9, 5, 4];
    const queries = seeded(20, n, dK);
    const keys = seeded(21, m, dK);
    const values = seeded(22, m, dV);
    const scores = math.multiply(
      math.multiply(queries.toArray(), math.transpose(keys.toArray())),
      1 / Math.sqrt(dK),
    ) as number[][];
    const exps = math.map(scores, math.exp) as number[][];
    const expectedWeights = exps.map((row) => math.divide(row, math.sum(row)) as number[]);
    const expectedOutput = math.multiply(expectedWeights, values.toArray()) as number[][];
    const { output, weights } = attend(queries, keys, values);
    expectClose(weights, expectedWeights, { rtol: 1e-12 });
    expectClose(output, expectedOutput, { rtol: 1e-12, atol: 1e-14 });
  });

  it("gives weights equal to softmax(scaledDotScore) and output equal to weights·V", () => {
    const queries = seeded(23, 5, 8);
    const keys = seeded(24, 11, 8);
    const values = seeded(25, 11, 3);
    const { output, weights } = attend(queries, keys, values);
    expectClose(weights, softmax(scaledDotScore(queries, keys)), { rtol: 1e-15 });
    expectClose(output, matmul(weights, values), { rtol: 1e-14, atol: 1e-15 });
  });

  it("gives rows of weights that sum to 1", () => {
    const { weights } = attend(seeded(26, 8, 4, 3), seeded(27, 13, 4, 3), seeded(28, 13, 2));
    expectClose(rowSums(weights), new Array(8).fill(1));
  });

  it("is unchanged by adding a constant to all scores of a row", () => {
    const queries = seeded(29, 4, 6);
    const keys = seeded(30, 7, 6);
    const values = seeded(31, 7, 5);
    // A bias that depends on the query only, like the −½‖q‖² of distanceScore.
    const biased: ScoreFunction = (q, k) => map(scaledDotScore(q, k), (s, i) => s + 100 * (i + 1));
    const plain = attend(queries, keys, values);
    const shifted = attend(queries, keys, values, { score: biased });
    expectClose(shifted.weights, plain.weights, { rtol: 1e-12 });
    expectClose(shifted.output, plain.output, { rtol: 1e-12, atol: 1e-14 });
  });

  it("uses a custom score function", () => {
    const weightsOfScore = { wQuery: seeded(32, 3, 4), wKey: seeded(33, 2, 4), v: [1, -1, 0.5, 2] };
    const score = additiveScore(weightsOfScore);
    const queries = seeded(34, 5, 3);
    const keys = seeded(35, 6, 2);
    const values = seeded(36, 6, 3);
    const { output, weights } = attend(queries, keys, values, { score });
    const expected = softmax(score(queries, keys));
    expectClose(weights, expected, { rtol: 1e-15 });
    expectClose(output, matmul(expected, values), { rtol: 1e-14, atol: 1e-15 });
  });

  it("gives masked weights exactly 0 and renormalises over the rest", () => {
    const queries = seeded(37, 3, 4);
    const keys = seeded(38, 4, 4);
    const values = seeded(39, 4, 2);
    const mask = [
      [true, false, true, true],
      [false, true, false, true],
      [true, true, true, false],
    ];
    const { weights } = attend(queries, keys, values, { mask });
    const expected = softmax(scaledDotScore(queries, keys), { mask });
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 4; j++) if (!mask[i][j]) expect(weights.get(i, j)).to.equal(0);
    }
    expectClose(weights, expected, { rtol: 1e-15 });
    expectClose(rowSums(weights), [1, 1, 1]);
  });

  it("with causal: true gives weights exactly 0 above the diagonal", () => {
    const { weights } = attend(seeded(40, 5, 3), seeded(41, 5, 3), seeded(42, 5, 2), {
      causal: true,
    });
    for (let i = 0; i < 5; i++) {
      for (let j = i + 1; j < 5; j++) expect(weights.get(i, j)).to.equal(0);
    }
    expect(weights.get(0, 0)).to.equal(1);
    expectClose(rowSums(weights), [1, 1, 1, 1, 1]);
  });

  it("with causal: true and m ≠ n follows causalMask(n, m)", () => {
    const queries = seeded(43, 3, 4);
    const keys = seeded(44, 5, 4);
    const values = seeded(45, 5, 2);
    const causal = attend(queries, keys, values, { causal: true });
    const masked = attend(queries, keys, values, { mask: causalMask(3, 5) });
    expect(Array.from(causal.weights.data)).to.deep.equal(Array.from(masked.weights.data));
    expect(Array.from(causal.output.data)).to.deep.equal(Array.from(masked.output.data));
  });

  it("combines mask and causal with AND", () => {
    const queries = seeded(46, 4, 3);
    const keys = seeded(47, 4, 3);
    const values = seeded(48, 4, 2);
    const mask = [
      [true, true, true, true],
      [false, true, true, true],
      [true, false, true, true],
      [true, true, true, false],
    ];
    const both = mask.map((row, i) => row.map((allowed, j) => allowed && j <= i));
    const combined = attend(queries, keys, values, { mask, causal: true });
    const explicit = attend(queries, keys, values, { mask: both });
    expect(Array.from(combined.weights.data)).to.deep.equal(Array.from(explicit.weights.data));
    expect(combined.weights.get(1, 0)).to.equal(0);
    expect(combined.weights.get(1, 1)).to.equal(1);
  });

  it("gives each query the result it gets alone, whatever its neighbours see", () => {
    // attend handles two queries per pass when they share keys; no row may notice.
    const [n, m] = [7, 9];
    const queries = seeded(110, n, 5);
    const keys = seeded(111, m, 5);
    const values = seeded(112, m, 3);
    const rng = createRandom(113);
    const masks = {
      none: undefined,
      causal: causalMask(n, m),
      padding: Array.from({ length: n }, () => [...new Array(6).fill(true), false, false, false]),
      random: Array.from({ length: n }, () => Array.from({ length: m }, () => rng.uniform() < 0.6)),
    };
    for (const mask of Object.values(masks)) {
      const together = attend(queries, keys, values, { mask });
      for (let i = 0; i < n; i++) {
        const alone = attend(matrix([queries.row(i)]), keys, values, {
          mask: mask === undefined ? undefined : [mask[i]],
        });
        expectClose(together.weights.row(i), alone.weights.row(0), { rtol: 1e-15 });
        expectClose(together.output.row(i), alone.output.row(0), { rtol: 1e-14, atol: 1e-15 });
      }
    }
  });

  it("gives the same result whatever a masked key or value row holds (1e300)", () => {
    const queries = seeded(49, 4, 6);
    const keys = seeded(50, 6, 6);
    const values = seeded(51, 6, 3);
    const mask = Array.from({ length: 4 }, () => [true, false, true, true, false, true]);
    // 1e300 in a key would overflow qᵀk to ±Infinity if the masked pairs were ever scored.
    const huge = attend(queries, withRows(keys, [1, 4], 1e300), withRows(values, [1, 4], 1e300), {
      mask,
    });
    const plain = attend(queries, keys, values, { mask });
    expect(Array.from(huge.weights.data)).to.deep.equal(Array.from(plain.weights.data));
    expect(Array.from(huge.output.data)).to.deep.equal(Array.from(plain.output.data));
    // …and equals attention over the allowed keys alone.
    const kept = [0, 2, 3, 5];
    const alone = attend(queries, permuteKeep(keys, kept), permuteKeep(values, kept));
    expectClose(huge.output, alone.output, { rtol: 1e-15, atol: 1e-16 });
  });

  it("gives the same result whatever a masked key row holds with a custom score (1e300)", () => {
    const queries = seeded(52, 3, 4);
    const keys = seeded(53, 5, 4);
    const values = seeded(54, 5, 2);
    const mask = Array.from({ length: 3 }, () => [true, true, false, true, true]);
    const score = bilinearScore(seeded(55, 4, 4));
    const huge = attend(queries, withRows(keys, [2], 1e300), withRows(values, [2], 1e300), {
      mask,
      score,
    });
    const plain = attend(queries, keys, values, { mask, score });
    expect(Array.from(huge.output.data)).to.deep.equal(Array.from(plain.output.data));
  });

  it("cannot be handed a NaN, masked or not: a Matrix holds finite numbers only", () => {
    expect(() => withRows(seeded(57, 3, 3), [0], NaN)).to.throw(
      RangeError,
      /^Matrix: data\[0, 0\] is NaN; expected a finite number/,
    );
  });

  it("does not overflow on large scores ([1000, 1001])", () => {
    const { output, weights } = attend(
      matrix([[1]]),
      matrix([[1000], [1001]]),
      matrix([[0], [1]]),
      {
        score: dotScore,
      },
    );
    expectClose(weights, [[1 / (1 + e), e / (1 + e)]]);
    expectClose(output, [[e / (1 + e)]]);
  });

  it("does not underflow to 0/0 on very negative scores ([-1000, -1001])", () => {
    const { weights } = attend(matrix([[1]]), matrix([[-1000], [-1001]]), matrix([[0], [1]]), {
      score: dotScore,
    });
    expectClose(weights, [[e / (1 + e), 1 / (1 + e)]]);
  });

  it("gives weight exactly 0 to keys whose scores underflow, and mixes only the others", () => {
    // exp(−1000) underflows to 0, so only key 3, last of the first block of four, survives.
    const keys = matrix([[0], [0], [0], [1000], [0], [0], [0], [0], [0]]);
    const values = seeded(114, 9, 3);
    for (const queries of [matrix([[1]]), matrix([[1], [1], [1]])]) {
      const { output, weights } = attend(queries, keys, values, { score: dotScore });
      for (let i = 0; i < queries.rows; i++) {
        expect(weights.row(i)).to.deep.equal([0, 0, 0, 1, 0, 0, 0, 0, 0]);
        expect(output.row(i)).to.deep.equal(values.row(3));
      }
    }
  });

  it("gives weight exactly 1 to the only key (n = m = 1)", () => {
    const { output, weights } = attend(matrix([[-3]]), matrix([[2]]), matrix([[7, -8]]));
    expect(weights.toArray()).to.deep.equal([[1]]);
    expect(output.toArray()).to.deep.equal([[7, -8]]);
  });

  it("yields a zero row, not NaN, for a query that may see no key", () => {
    const queries = seeded(59, 3, 2);
    const keys = seeded(60, 2, 2);
    const values = seeded(61, 2, 3);
    const mask = [
      [true, true],
      [false, false],
      [true, false],
    ];
    const { output, weights } = attend(queries, keys, values, { mask });
    expect(weights.row(1)).to.deep.equal([0, 0]);
    expect(output.row(1)).to.deep.equal([0, 0, 0]);
    expectClose(weights.row(0), softmax(scaledDotScore(queries, keys)).row(0), { rtol: 1e-15 });
    expect(weights.row(2)).to.deep.equal([1, 0]);
    expect(output.row(2)).to.deep.equal(values.row(0));
  });

  it("yields all zeros, not NaN, when everything is masked", () => {
    const mask = [
      [false, false, false],
      [false, false, false],
    ];
    const { output, weights } = attend(seeded(62, 2, 4), seeded(63, 3, 4), seeded(64, 3, 5), {
      mask,
    });
    expect(weights.data.every((w) => Object.is(w, 0))).to.equal(true);
    expect(output.data.every((x) => Object.is(x, 0))).to.equal(true);
  });

  it("rejects an output that overflows, naming attend and the entry", () => {
    // Eleven equal weights of 1/11 mixing values at the largest float64: the rounding of the
    // products and of the partial sums carries the total just past it, to Infinity.
    const m = 11;
    const values = fromFlat(new Array(m).fill(Number.MAX_VALUE), m, 1);
    expect(() => attend(zeros(1, 2), zeros(m, 2), values)).to.throw(
      RangeError,
      exact(
        "attend: the output overflowed to Infinity at [0, 0] " +
          "(row 0 of the weights · values); expected a finite number",
      ),
    );
  });

  it("rejects an empty input: no Matrix has 0 rows, and [] is not a Matrix", () => {
    expect(() => new Matrix(new Float64Array(0), 0, 2)).to.throw(RangeError);
    expect(() => attend([] as unknown as Matrix, seeded(1, 2, 2), seeded(2, 2, 2))).to.throw(
      TypeError,
      /^attend: queries must be a Matrix; got array$/,
    );
  });

  it("rejects a non-finite score at an allowed pair, naming the score and the pair", () => {
    const big = matrix([[1e200, 1e200]]);
    expect(() =>
      attend(
        big,
        matrix([
          [1, 1],
          [1e200, 1e200],
        ]),
        seeded(1, 2, 1),
      ),
    ).to.throw(
      RangeError,
      /^attend: score scaledDotScore gave Infinity for query 0, key 1; expected a finite number/,
    );
    // …but a pair that would overflow is never scored when it is masked.
    const mask = [[true, false]];
    const masked = [
      [1, 1],
      [1e200, 1e200],
    ];
    expect(() => attend(big, matrix(masked), seeded(1, 2, 1), { mask })).to.not.throw();
  });

  it("passes on the error of a custom score that produces NaN (no Matrix can hold it)", () => {
    const broken: ScoreFunction = (q, k) => map(dotScore(q, k), (s, i, j) => (j === 2 ? NaN : s));
    expect(() =>
      attend(seeded(2, 2, 3), seeded(3, 4, 3), seeded(4, 4, 1), { score: broken }),
    ).to.throw(RangeError, /^map: f returned NaN at \[0, 2\]/);
  });

  it("rejects a score that returns the wrong shape or no Matrix", () => {
    const wrong: ScoreFunction = (q) => dotScore(q, q);
    expect(() =>
      attend(seeded(1, 2, 3), seeded(2, 4, 3), seeded(3, 4, 1), { score: wrong }),
    ).to.throw(
      RangeError,
      /^attend: the score function wrong must return shape \[n, m\] = \[2, 4\]; got \[2, 2\]$/,
    );
    const nested = (() => [[1]]) as unknown as ScoreFunction;
    expect(() =>
      attend(seeded(1, 1, 3), seeded(2, 1, 3), seeded(3, 1, 1), { score: nested }),
    ).to.throw(TypeError, /^attend: the score function nested must return a Matrix; got array$/);
  });

  it("rejects queries and keys of different dK, naming both shapes", () => {
    expect(() => attend(seeded(1, 4, 8), seeded(2, 6, 16), seeded(3, 6, 2))).to.throw(
      RangeError,
      /^attend: queries and keys must share dK; got queries \[4, 8\], keys \[6, 16\]$/,
    );
  });

  it("rejects keys and values with different numbers of rows", () => {
    expect(() => attend(seeded(1, 2, 2), seeded(2, 3, 2), seeded(3, 4, 2))).to.throw(
      RangeError,
      exact(
        "attend: keys and values must share m (one value per key); " +
          "got keys [3, 2], values [4, 2]",
      ),
    );
  });

  it("rejects an unknown option, naming it", () => {
    const options = { temperature: 2 } as unknown as Parameters<typeof attend>[3];
    expect(() => attend(seeded(1, 2, 2), seeded(2, 2, 2), seeded(3, 2, 2), options)).to.throw(
      TypeError,
      /^attend: unknown option "temperature"; expected one of score, mask, causal$/,
    );
  });

  it("rejects a causal option that is not a boolean", () => {
    const options = { causal: "yes" } as unknown as Parameters<typeof attend>[3];
    expect(() => attend(seeded(1, 2, 2), seeded(2, 2, 2), seeded(3, 2, 2), options)).to.throw(
      TypeError,
      /^attend: causal must be a boolean; got string$/,
    );
  });

  it("rejects a score option that is not a function", () => {
    const options = { score: "dot" } as unknown as Parameters<typeof attend>[3];
    expect(() => attend(seeded(1, 2, 2), seeded(2, 2, 2), seeded(3, 2, 2), options)).to.throw(
      TypeError,
      /^attend: score must be a function \(queries, keys\) => Matrix; got string$/,
    );
  });

  it("rejects a mask of the wrong shape or kind", () => {
    const [q, k, v] = [seeded(1, 2, 2), seeded(2, 3, 2), seeded(3, 3, 2)];
    expect(() => attend(q, k, v, { mask: [[true, true, true]] })).to.throw(
      RangeError,
      /^attend: mask must have shape \[2, 3\] like the scores \[n, m\]; got 1 rows$/,
    );
    expect(() =>
      attend(q, k, v, {
        mask: [
          [true, true, true],
          [true, true],
        ],
      }),
    ).to.throw(
      RangeError,
      /^attend: mask must have shape \[2, 3\] like the scores \[n, m\]; got row 1 with 2 entries$/,
    );
    const ones = [
      [1, 1, 1],
      [1, 1, 1],
    ] as unknown as boolean[][];
    expect(() => attend(q, k, v, { mask: ones })).to.throw(
      TypeError,
      /^attend: mask\[0\]\[0\] must be a boolean; got number$/,
    );
  });

  it("rejects options that are not an object", () => {
    const options = 3 as unknown as Parameters<typeof attend>[3];
    expect(() => attend(seeded(1, 2, 2), seeded(2, 2, 2), seeded(3, 2, 2), options)).to.throw(
      TypeError,
      /^attend: options must be an object; got number$/,
    );
  });

  it("leaves its inputs alone", () => {
    const [q, k, v] = [seeded(1, 3, 2), seeded(2, 4, 2), seeded(3, 4, 2)];
    const before = [q, k, v].map((a) => Array.from(a.data));
    attend(q, k, v, { causal: true });
    expect([q, k, v].map((a) => Array.from(a.data))).to.deep.equal(before);
  });
});

/** Rows `kept` of `a`, in that order. */
function permuteKeep(a: Matrix, kept: readonly number[]): Matrix {
  return matrix(kept.map((i) => a.row(i)));
}

/** Seeded projections for multi-head attention, scaled by 1/√dIn so scores stay of order 1. */
function projections(
  seed: number,
  dModel: number,
  heads: number,
  dHead: number,
  dHeadV: number,
  dOut: number,
): MultiHeadWeights {
  const std = 1 / Math.sqrt(dModel);
  return {
    wQuery: seeded(seed, dModel, heads * dHead, std),
    wKey: seeded(seed + 1, dModel, heads * dHead, std),
    wValue: seeded(seed + 2, dModel, heads * dHeadV, std),
    wOut: seeded(seed + 3, heads * dHeadV, dOut, 1 / Math.sqrt(heads * dHeadV)),
  };
}

describe("multiHeadAttention", () => {
  it("rejects a weight it does not know instead of ignoring it", () => {
    const eye = identity(2);
    const weights = { wQuery: eye, wKey: eye, wValue: eye, wOut: eye, wQeury: eye };
    expect(() => multiHeadAttention(identity(2), weights as never, { heads: 1 })).to.throw(
      TypeError,
      /^multiHeadAttention: unknown weight "wQeury"; expected exactly wQuery, wKey, wValue, wOut$/,
    );
  });

  it("with one head and identity projections equals attend(x, x, x)", () => {
    const x = seeded(70, 6, 4);
    const eye = identity(4);
    const weights = { wQuery: eye, wKey: eye, wValue: eye, wOut: eye };
    const multi = multiHeadAttention(x, weights, { heads: 1 });
    const single = attend(x, x, x);
    expectClose(multi.output, single.output, { rtol: 1e-14, atol: 1e-15 });
    expect(multi.weights).to.have.length(1);
    expectClose(multi.weights[0], single.weights, { rtol: 1e-14 });
  });

  it("gives head h columns h·dHead … (h+1)·dHead − 1, concatenated in order before wOut", () => {
    const [n, dModel, heads, dHead, dHeadV, dOut] = [5, 6, 3, 2, 3, 4];
    const x = seeded(71, n, dModel);
    const w = projections(72, dModel, heads, dHead, dHeadV, dOut);
    const q = matmul(x, w.wQuery);
    const k = matmul(x, w.wKey);
    const v = matmul(x, w.wValue);
    const heads_ = Array.from({ length: heads }, (_, h) =>
      attend(
        sliceColumns(q, h * dHead, dHead),
        sliceColumns(k, h * dHead, dHead),
        sliceColumns(v, h * dHeadV, dHeadV),
      ),
    );
    const expected = matmul(concatColumns(heads_.map((r) => r.output)), w.wOut);
    const result = multiHeadAttention(x, w, { heads });
    expectClose(result.output, expected, { rtol: 1e-13, atol: 1e-15 });
    heads_.forEach((r, h) => expectClose(result.weights[h], r.weights, { rtol: 1e-13 }));
  });

  it("scales each head's scores by √dHead, not √dModel", () => {
    const x = seeded(73, 4, 4);
    const w = projections(74, 4, 2, 2, 2, 4);
    const { weights } = multiHeadAttention(x, w, { heads: 2 });
    const q0 = sliceColumns(matmul(x, w.wQuery), 0, 2);
    const k0 = sliceColumns(matmul(x, w.wKey), 0, 2);
    expectClose(weights[0], softmax(scale(dotScore(q0, k0), 1 / Math.sqrt(2))), { rtol: 1e-13 });
  });

  it("returns one [n, m] weight matrix per head, rows summing to 1", () => {
    const { output, weights } = multiHeadAttention(
      seeded(75, 7, 8),
      projections(76, 8, 4, 2, 3, 5),
      {
        heads: 4,
      },
    );
    expect(output.shape).to.deep.equal([7, 5]);
    expect(weights).to.have.length(4);
    for (const w of weights) {
      expect(w.shape).to.deep.equal([7, 7]);
      expectClose(rowSums(w), new Array(7).fill(1));
    }
  });

  it("is permutation equivariant without positions: permuting x permutes the output", () => {
    const x = seeded(77, 6, 8);
    const w = projections(78, 8, 2, 4, 4, 8);
    const order = createRandom(79).permutation(6);
    const permutedFirst = multiHeadAttention(permuteRows(x, order), w, { heads: 2 }).output;
    const permutedAfter = permuteRows(multiHeadAttention(x, w, { heads: 2 }).output, order);
    expectClose(permutedFirst, permutedAfter, { rtol: 0, atol: 1e-12 });
  });

  it("is no longer permutation equivariant once sinusoidal positions are added", () => {
    const x = seeded(77, 6, 8);
    const w = projections(78, 8, 2, 4, 4, 8);
    const order = createRandom(79).permutation(6);
    const positions = sinusoidalPositions(6, 8);
    const permutedFirst = multiHeadAttention(add(permuteRows(x, order), positions), w, {
      heads: 2,
    }).output;
    const permutedAfter = permuteRows(
      multiHeadAttention(add(x, positions), w, { heads: 2 }).output,
      order,
    );
    expect(maxDifference(permutedFirst, permutedAfter)).to.be.above(1e-3);
  });

  it("with causal: true gives every head weights exactly 0 above the diagonal", () => {
    const { weights } = multiHeadAttention(seeded(80, 5, 4), projections(81, 4, 2, 2, 2, 4), {
      heads: 2,
      causal: true,
    });
    for (const w of weights) {
      for (let i = 0; i < 5; i++) for (let j = i + 1; j < 5; j++) expect(w.get(i, j)).to.equal(0);
    }
  });

  it("with keysFrom attends from the rows of x to the rows of keysFrom", () => {
    const x = seeded(82, 3, 4);
    const source = seeded(83, 6, 5);
    const w: MultiHeadWeights = {
      wQuery: seeded(84, 4, 4, 0.5),
      wKey: seeded(85, 5, 4, 0.5),
      wValue: seeded(86, 5, 2, 0.5),
      wOut: seeded(87, 2, 3),
    };
    const { output, weights } = multiHeadAttention(x, w, { heads: 1, keysFrom: source });
    const single = attend(matmul(x, w.wQuery), matmul(source, w.wKey), matmul(source, w.wValue));
    expect(weights[0].shape).to.deep.equal([3, 6]);
    expectClose(weights[0], single.weights, { rtol: 1e-14 });
    expectClose(output, matmul(single.output, w.wOut), { rtol: 1e-13, atol: 1e-15 });
  });

  it("yields a zero output row for a query that may see no key", () => {
    const mask = [
      [true, true, false],
      [false, false, false],
      [true, true, true],
    ];
    const { output, weights } = multiHeadAttention(
      seeded(88, 3, 4),
      projections(89, 4, 2, 2, 2, 3),
      {
        heads: 2,
        mask,
      },
    );
    expect(output.row(1)).to.deep.equal([0, 0, 0]);
    for (const w of weights) expect(w.row(1)).to.deep.equal([0, 0, 0]);
  });

  it("rejects heads that is not a positive integer", () => {
    const w = projections(90, 4, 2, 2, 2, 4);
    expect(() => multiHeadAttention(seeded(1, 3, 4), w, { heads: 0 })).to.throw(
      RangeError,
      /^multiHeadAttention: heads must be an integer >= 1; got 0$/,
    );
    expect(() => multiHeadAttention(seeded(1, 3, 4), w, { heads: 1.5 })).to.throw(
      RangeError,
      /^multiHeadAttention: heads must be an integer; got 1.5$/,
    );
  });

  it("rejects a projection width that heads does not divide, naming the weight", () => {
    const w = projections(91, 4, 1, 6, 6, 4);
    expect(() => multiHeadAttention(seeded(1, 3, 4), w, { heads: 4 })).to.throw(
      RangeError,
      exact(
        "multiHeadAttention: wQuery must have heads·dHead columns, a multiple of heads = 4; " +
          "got wQuery [4, 6]",
      ),
    );
  });

  it("rejects weights whose shapes do not chain, naming the weights and shapes", () => {
    const w = projections(92, 4, 2, 2, 2, 4);
    expect(() => multiHeadAttention(seeded(1, 3, 5), w, { heads: 2 })).to.throw(
      RangeError,
      /^multiHeadAttention: x and wQuery must share dModel; got x \[3, 5\], wQuery \[4, 4\]$/,
    );
    expect(() =>
      multiHeadAttention(seeded(1, 3, 4), { ...w, wKey: seeded(2, 4, 6) }, { heads: 2 }),
    ).to.throw(
      RangeError,
      exact(
        "multiHeadAttention: wQuery and wKey must share heads·dHead; " +
          "got wQuery [4, 4], wKey [4, 6]",
      ),
    );
    expect(() =>
      multiHeadAttention(seeded(1, 3, 4), { ...w, wOut: seeded(3, 5, 4) }, { heads: 2 }),
    ).to.throw(
      RangeError,
      exact(
        "multiHeadAttention: wValue and wOut must share heads·dHeadV; " +
          "got wValue [4, 4], wOut [5, 4]",
      ),
    );
    expect(() =>
      multiHeadAttention(seeded(1, 3, 4), w, { heads: 2, keysFrom: seeded(4, 5, 3) }),
    ).to.throw(
      RangeError,
      exact(
        "multiHeadAttention: keysFrom and wKey must share the columns of keysFrom; " +
          "got keysFrom [5, 3], wKey [4, 4]",
      ),
    );
  });

  it("rejects a mask of the wrong shape, an unknown option and missing options", () => {
    const w = projections(93, 4, 2, 2, 2, 4);
    expect(() => multiHeadAttention(seeded(1, 3, 4), w, { heads: 2, mask: [[true]] })).to.throw(
      RangeError,
      exact(
        "multiHeadAttention: mask must have shape [3, 3] like the scores [n, m] " +
          "(x rows × x rows); got 1 rows",
      ),
    );
    const extra = { heads: 2, dropout: 0.1 } as unknown as Parameters<typeof multiHeadAttention>[2];
    expect(() => multiHeadAttention(seeded(1, 3, 4), w, extra)).to.throw(
      TypeError,
      exact(
        'multiHeadAttention: unknown option "dropout"; ' +
          "expected one of heads, mask, causal, keysFrom",
      ),
    );
    const none = undefined as unknown as Parameters<typeof multiHeadAttention>[2];
    expect(() => multiHeadAttention(seeded(1, 3, 4), w, none)).to.throw(
      TypeError,
      /^multiHeadAttention: options must be an object with heads; got undefined$/,
    );
  });

  it("names itself and the projection, not matmul, when a projection overflows", () => {
    const w = projections(94, 4, 2, 2, 2, 4);
    const huge = withRows(w.wQuery, [0, 1, 2, 3], 1e300);
    const x = map(seeded(1, 3, 4), () => 1e10);
    expect(() => multiHeadAttention(x, { ...w, wQuery: huge }, { heads: 2 })).to.throw(
      RangeError,
      exact(
        "multiHeadAttention: x·wQuery overflowed to Infinity at [0, 0] " +
          "(row 0 of x · column 0 of wQuery); expected a finite number",
      ),
    );
  });
});

describe("sinusoidalPositions", () => {
  it("puts sin in column 2i and cos in column 2i + 1 at hand-picked entries", () => {
    const pe = sinusoidalPositions(3, 4);
    // columns 0, 1 have frequency 1; columns 2, 3 have 1/10000^(2/4) = 1/100
    expectClose(pe.row(0), [0, 1, 0, 1]);
    expectClose(pe.row(1), [Math.sin(1), Math.cos(1), Math.sin(0.01), Math.cos(0.01)]);
    expectClose(pe.row(2), [Math.sin(2), Math.cos(2), Math.sin(0.02), Math.cos(0.02)]);
  });

  it("follows pos / 10000^(2i/dModel) in every column", () => {
    const [length, dModel] = [9, 10];
    const pe = sinusoidalPositions(length, dModel);
    for (let pos = 0; pos < length; pos++) {
      for (let i = 0; 2 * i < dModel; i++) {
        const angle = pos / 10000 ** ((2 * i) / dModel);
        expectClose(pe.get(pos, 2 * i), Math.sin(angle), { rtol: 1e-14, atol: 1e-15 });
        expectClose(pe.get(pos, 2 * i + 1), Math.cos(angle), { rtol: 1e-14, atol: 1e-15 });
      }
    }
  });

  it("handles an odd dModel, ending on a sine column", () => {
    const pe = sinusoidalPositions(2, 3);
    expect(pe.shape).to.deep.equal([2, 3]);
    // column 2 is sin(pos / 10000^(2/3))
    expectClose(pe.get(1, 2), Math.sin(1 / 10000 ** (2 / 3)));
  });

  it("has size 1 at length = dModel = 1: [[sin 0]]", () => {
    expect(sinusoidalPositions(1, 1).toArray()).to.deep.equal([[0]]);
  });

  it("rejects a length or dModel that is not a positive integer", () => {
    expect(() => sinusoidalPositions(0, 4)).to.throw(
      RangeError,
      /^sinusoidalPositions: length must be an integer >= 1; got 0$/,
    );
    expect(() => sinusoidalPositions(4, 2.5)).to.throw(
      RangeError,
      /^sinusoidalPositions: dModel must be an integer; got 2.5$/,
    );
  });
});

describe("permuteRows", () => {
  it("puts row permutation[k] of m at row k", () => {
    const m = matrix([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(permuteRows(m, [2, 0, 1]).toArray()).to.deep.equal([
      [5, 6],
      [1, 2],
      [3, 4],
    ]);
  });

  it("returns a new Matrix for the identity permutation", () => {
    const m = seeded(95, 3, 2);
    const same = permuteRows(m, [0, 1, 2]);
    expect(same).to.not.equal(m);
    expect(same.toArray()).to.deep.equal(m.toArray());
  });

  it("names the duplicate and the missing index", () => {
    expect(() => permuteRows(seeded(96, 3, 2), [1, 2, 1])).to.throw(
      RangeError,
      exact(
        "permuteRows: permutation must hold each of 0 … 2 once; " +
          "1 appears twice (at 0 and 2) and 0 is missing",
      ),
    );
  });

  it("rejects an index out of range, a wrong length and a non-integer", () => {
    const m = seeded(97, 3, 2);
    expect(() => permuteRows(m, [0, 1, 3])).to.throw(
      RangeError,
      /^permuteRows: permutation\[2\] must be < 3 \(the rows of m\); got 3$/,
    );
    expect(() => permuteRows(m, [0, 1])).to.throw(
      RangeError,
      /^permuteRows: permutation must have length 3 \(the rows of m\); got length 2$/,
    );
    expect(() => permuteRows(m, [0, 0.5, 1])).to.throw(
      RangeError,
      /^permuteRows: permutation\[1\] must be an integer; got 0.5$/,
    );
  });
});
