import { expect } from "chai";
import * as math from "mathjs";
import { createRandom } from "../src/random";
import { Matrix, matrix, identity } from "../src/tensor";
import {
  add,
  addRowVector,
  columnSums,
  hadamard,
  map,
  matmul,
  randomMatrix,
  rowSums,
  scale,
  sub,
  sum,
  transpose,
} from "../src/ops";
import { expectClose } from "./support/close";

/** A seeded random matrix with entries in [-1, 1). */
function seeded(seed: number, rows: number, cols: number): Matrix {
  const rng = createRandom(seed);
  return matrix(
    Array.from({ length: rows }, () => Array.from({ length: cols }, () => 2 * rng.uniform() - 1)),
  );
}

describe("matmul", () => {
  it("multiplies a small hand-computed case", () => {
    const a = matrix([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = matrix([
      [7, 8],
      [9, 10],
      [11, 12],
    ]);
    expect(matmul(a, b).toArray()).to.deep.equal([
      [58, 64],
      [139, 154],
    ]);
  });

  it("multiplies 1×1 matrices", () => {
    expect(matmul(matrix([[3]]), matrix([[4]])).toArray()).to.deep.equal([[12]]);
  });

  it("gives a 1×1 inner product for a row times a column", () => {
    expect(matmul(matrix([[1, 2]]), matrix([[3], [4]])).toArray()).to.deep.equal([[11]]);
  });

  it("agrees with mathjs.multiply on seeded random matrices", () => {
    for (const [n, k, m, seed] of [
      [1, 1, 1, 1],
      [3, 5, 2, 2],
      [7, 1, 4, 3],
      [16, 9, 11, 4],
    ]) {
      const a = seeded(seed, n, k);
      const b = seeded(seed + 100, k, m);
      const oracle = math.multiply(a.toArray(), b.toArray()) as number[][];
      expectClose(matmul(a, b), oracle, { rtol: 1e-12, atol: 1e-14 });
    }
  });

  it("adds each entry's terms in the textbook order, bit for bit", () => {
    const a = seeded(5, 6, 13);
    const b = seeded(6, 13, 4);
    const out = matmul(a, b);
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 4; j++) {
        let s = 0;
        for (let p = 0; p < 13; p++) s += a.get(i, p) * b.get(p, j);
        expect(out.get(i, j)).to.equal(s);
      }
    }
  });

  it("leaves A unchanged when multiplied by the identity", () => {
    const a = seeded(7, 3, 4);
    expect(matmul(a, identity(4)).toArray()).to.deep.equal(a.toArray());
  });

  it("leaves its inputs alone", () => {
    const a = matrix([[1, 2]]);
    const b = matrix([[3], [4]]);
    matmul(a, b);
    expect([a.toArray(), b.toArray()]).to.deep.equal([[[1, 2]], [[3], [4]]]);
  });

  it("names both shapes when the inner dimensions differ", () => {
    expect(() => matmul(matrix([[1, 2, 3]]), matrix([[1], [2]]))).to.throw(
      RangeError,
      /^matmul: a and b must share the inner dimension .*; got a \[1, 3\], b \[2, 1\]$/,
    );
  });

  it("rejects nested arrays with a TypeError", () => {
    expect(() => matmul([[1]] as unknown as Matrix, matrix([[1]]))).to.throw(
      TypeError,
      /^matmul: a must be a Matrix; got array$/,
    );
  });

  it("rejects a product that overflows, naming the entry and its row and column", () => {
    expect(() =>
      matmul(
        matrix([[1, 1e200]]),
        matrix([
          [1, 1],
          [1, 1e200],
        ]),
      ),
    ).to.throw(
      RangeError,
      /^matmul: the result overflowed to Infinity at \[0, 1\] \(row 0 of a · column 1 of b\);/,
    );
  });

  it("rejects a NaN from two products that overflow with opposite signs (∞ − ∞)", () => {
    expect(() => matmul(matrix([[1e200, 1e200]]), matrix([[1e200], [-1e200]]))).to.throw(
      RangeError,
      /^matmul: the result is NaN at \[0, 0\] \(row 0 of a · column 0 of b\)/,
    );
  });

  it("keeps a large sum that stays finite (1e308 + -1e308)", () => {
    expect(matmul(matrix([[1e308, 1e308]]), matrix([[1], [-1]])).toArray()).to.deep.equal([[0]]);
  });
});

describe("transpose", () => {
  it("swaps rows and columns", () => {
    expect(
      transpose(
        matrix([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ).toArray(),
    ).to.deep.equal([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });

  it("agrees with mathjs.transpose", () => {
    const a = seeded(8, 5, 3);
    expect(transpose(a).toArray()).to.deep.equal(math.transpose(a.toArray()));
  });

  it("is its own inverse", () => {
    const a = seeded(9, 4, 7);
    expect(transpose(transpose(a)).toArray()).to.deep.equal(a.toArray());
  });

  it("turns (AB)ᵀ into BᵀAᵀ", () => {
    const a = seeded(10, 3, 4);
    const b = seeded(11, 4, 2);
    expectClose(transpose(matmul(a, b)), matmul(transpose(b), transpose(a)));
  });
});

describe("add, sub and hadamard", () => {
  const a = matrix([
    [1, 2],
    [3, 4],
  ]);
  const b = matrix([
    [10, 20],
    [30, 40],
  ]);

  it("add sums entry by entry", () => {
    expect(add(a, b).toArray()).to.deep.equal([
      [11, 22],
      [33, 44],
    ]);
  });

  it("sub subtracts entry by entry", () => {
    expect(sub(b, a).toArray()).to.deep.equal([
      [9, 18],
      [27, 36],
    ]);
  });

  it("hadamard multiplies entry by entry", () => {
    expect(hadamard(a, b).toArray()).to.deep.equal([
      [10, 40],
      [90, 160],
    ]);
  });

  it("a − b + b gives back a", () => {
    const x = seeded(12, 3, 3);
    const y = seeded(13, 3, 3);
    expectClose(add(sub(x, y), y), x);
  });

  it("add rejects a sum that overflows, naming both entries", () => {
    const big = matrix([[1, 1e308]]);
    expect(() => add(big, big)).to.throw(
      RangeError,
      /^add: the result overflowed to Infinity at \[0, 1\] \(a\[0, 1\] = 1e\+308, b\[0, 1\] =/,
    );
  });

  it("sub rejects a difference that overflows to -Infinity", () => {
    expect(() => sub(matrix([[-1e308]]), matrix([[1e308]]))).to.throw(
      RangeError,
      /^sub: the result overflowed to -Infinity at \[0, 0\]/,
    );
  });

  it("sub of a matrix and itself is 0, even at the largest float64", () => {
    const a = matrix([[Number.MAX_VALUE, -Number.MAX_VALUE]]);
    expect(sub(a, a).toArray()).to.deep.equal([[0, 0]]);
  });

  it("hadamard rejects a product that overflows", () => {
    expect(() => hadamard(matrix([[1e200]]), matrix([[1e200]]))).to.throw(
      RangeError,
      /^hadamard: the result overflowed to Infinity at \[0, 0\]/,
    );
  });

  it("name both shapes when they differ", () => {
    const c = matrix([[1, 2, 3]]);
    expect(() => add(a, c)).to.throw(
      RangeError,
      /^add: a and b must have the same shape; got a \[2, 2\], b \[1, 3\]$/,
    );
    expect(() => sub(a, c)).to.throw(RangeError, /^sub: a and b must have the same shape/);
    expect(() => hadamard(a, c)).to.throw(
      RangeError,
      /^hadamard: a and b must have the same shape/,
    );
  });
});

describe("scale", () => {
  it("multiplies every entry by the number", () => {
    expect(scale(matrix([[1, -2]]), 0.5).toArray()).to.deep.equal([[0.5, -1]]);
  });

  it("rejects a non-finite factor", () => {
    expect(() => scale(matrix([[1]]), NaN)).to.throw(
      RangeError,
      /^scale: s must be finite; got NaN$/,
    );
  });

  it("rejects a result that overflows, naming the entry, its value and s", () => {
    expect(() => scale(matrix([[1e308]]), 10)).to.throw(
      RangeError,
      /^scale: the result overflowed to Infinity at \[0, 0\] \(a\[0, 0\] = 1e\+308, s = 10\);/,
    );
  });

  it("underflows quietly to 0, which is finite", () => {
    expect(scale(matrix([[1e-300]]), 1e-300).toArray()).to.deep.equal([[0]]);
  });
});

describe("map", () => {
  it("applies the function to every entry with its row and column", () => {
    const out = map(
      matrix([
        [1, 2],
        [3, 4],
      ]),
      (x, i, j) => x * 10 + i * 100 + j * 1000,
    );
    expect(out.toArray()).to.deep.equal([
      [10, 1020],
      [130, 1140],
    ]);
  });

  it("rejects a function that returns a non-number", () => {
    const bad = (() => "x") as unknown as (x: number) => number;
    expect(() => map(matrix([[1]]), bad)).to.throw(
      TypeError,
      /^map: f must return a number; got string at \[0, 0\]$/,
    );
  });

  it("rejects a function that returns NaN, naming the entry and its input", () => {
    expect(() => map(matrix([[1]]), () => NaN)).to.throw(
      RangeError,
      /^map: f returned NaN at \[0, 0\] \(a\[0, 0\] = 1\); expected a finite number$/,
    );
  });

  it("rejects a function that overflows to Infinity", () => {
    expect(() => map(matrix([[2, 1000]]), Math.exp)).to.throw(
      RangeError,
      /^map: f returned Infinity at \[0, 1\] \(a\[0, 1\] = 1000\)/,
    );
  });
});

describe("addRowVector", () => {
  it("adds the vector to every row", () => {
    expect(
      addRowVector(
        matrix([
          [1, 2],
          [3, 4],
        ]),
        [10, 20],
      ).toArray(),
    ).to.deep.equal([
      [11, 22],
      [13, 24],
    ]);
  });

  it("rejects a vector whose length is not the column count", () => {
    expect(() => addRowVector(matrix([[1, 2]]), [1, 2, 3])).to.throw(
      RangeError,
      /^addRowVector: v must have length 2 \(the columns of a\); got length 3$/,
    );
  });

  it("names a NaN entry of the vector", () => {
    expect(() => addRowVector(matrix([[1, 2]]), [1, NaN])).to.throw(
      RangeError,
      /^addRowVector: v\[1\] is NaN/,
    );
  });

  it("rejects a sum that overflows, naming the entry of a and of v", () => {
    expect(() => addRowVector(matrix([[1, 1e308]]), [0, 1e308])).to.throw(
      RangeError,
      /^addRowVector: the result overflowed to Infinity at \[0, 1\] \(a\[0, 1\] = 1e\+308, v\[1\]/,
    );
  });
});

describe("rowSums, columnSums and sum", () => {
  const m = matrix([
    [1, 2, 3],
    [4, 5, 6],
  ]);

  it("rowSums gives one total per row", () => {
    expect(rowSums(m)).to.deep.equal([6, 15]);
  });

  it("columnSums gives one total per column", () => {
    expect(columnSums(m)).to.deep.equal([5, 7, 9]);
  });

  it("sum adds every entry", () => {
    expect(sum(m)).to.equal(21);
  });

  it("all three reject a total that overflows instead of returning Infinity", () => {
    const big = matrix([
      [1e308, 1e308],
      [1, 1e308],
    ]);
    expect(() => rowSums(big)).to.throw(
      RangeError,
      /^rowSums: the result overflowed to Infinity at \[0\] \(the sum of row 0 of a\);/,
    );
    expect(() => columnSums(big)).to.throw(
      RangeError,
      /^columnSums: the result overflowed to Infinity at \[1\] \(the sum of column 1 of a\);/,
    );
    expect(() => sum(big)).to.throw(
      RangeError,
      /^sum: the result overflowed to Infinity \(the sum of every entry of a\); expected a finite/,
    );
  });

  it("all three agree with mathjs.sum on a seeded matrix", () => {
    const x = seeded(14, 6, 5);
    expectClose(sum(x), math.sum(x.toArray()) as number);
    expectClose(
      rowSums(x),
      x.toArray().map((row) => math.sum(row)),
    );
    expectClose(
      columnSums(x),
      math.transpose(x.toArray()).map((col) => math.sum(col)),
    );
  });
});

describe("randomMatrix", () => {
  it("has the requested shape", () => {
    expect(randomMatrix(createRandom(1), 3, 5).shape).to.deep.equal([3, 5]);
  });

  it("draws rng.normal(mean, std) in row-major order", () => {
    const rng = createRandom(2);
    const expected = Array.from({ length: 6 }, () => rng.normal(1, 0.5));
    expect(
      Array.from(randomMatrix(createRandom(2), 2, 3, { mean: 1, std: 0.5 }).data),
    ).to.deep.equal(expected);
  });

  it("is reproducible from the seed", () => {
    const a = randomMatrix(createRandom(3), 4, 4, { std: 0.1 });
    const b = randomMatrix(createRandom(3), 4, 4, { std: 0.1 });
    expect(a.toArray()).to.deep.equal(b.toArray());
  });

  it("has about the requested standard deviation", () => {
    const m = randomMatrix(createRandom(4), 100, 100, { std: 0.2 });
    const values = Array.from(m.data);
    expect(math.mean(values)).to.be.closeTo(0, 0.01);
    expect(math.std(values) as unknown as number).to.be.closeTo(0.2, 0.01);
  });

  it("rejects a negative std", () => {
    expect(() => randomMatrix(createRandom(1), 2, 2, { std: -1 })).to.throw(
      RangeError,
      /^randomMatrix: std must be >= 0; got -1$/,
    );
  });

  it("rejects something that is not a generator", () => {
    expect(() => randomMatrix(42 as never, 2, 2)).to.throw(
      TypeError,
      /^randomMatrix: rng must come from createRandom; got number$/,
    );
  });

  it("rejects a std so large that a draw could overflow, for every seed alike", () => {
    expect(() => randomMatrix(createRandom(1), 1, 4, { std: 1e308 })).to.throw(
      RangeError,
      /^randomMatrix: mean 0 and std 1e\+308 would let a draw overflow to ±Infinity; expected \|m/,
    );
    expect(() => randomMatrix(createRandom(1), 1, 1, { mean: -1.7e308, std: 1e307 })).to.throw(
      RangeError,
      /^randomMatrix: mean -1\.7e\+308 and std 1e\+307 would let a draw overflow/,
    );
    expect(
      randomMatrix(createRandom(1), 1, 4, { std: 1e306 }).data.every(Number.isFinite),
    ).to.equal(true);
  });

  it("checks what a generator that is not from createRandom returns", () => {
    const fake = { normal: () => Infinity } as never;
    expect(() => randomMatrix(fake, 1, 2)).to.throw(
      RangeError,
      /^randomMatrix: the result overflowed to Infinity at \[0, 0\] \(mean = 0, std = 1\)/,
    );
  });

  it("rejects a misspelt option, naming the options it knows", () => {
    const options = { sd: 0.1 } as unknown as { std: number };
    expect(() => randomMatrix(createRandom(1), 2, 2, options)).to.throw(
      TypeError,
      /^randomMatrix: unknown option "sd"; expected one of mean, std$/,
    );
  });
});
