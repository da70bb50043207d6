import { expect } from "chai";
import {
  Matrix,
  fromFlat,
  identity,
  isMatrix,
  matrix,
  resultMatrix,
  toArray,
  zeros,
} from "../src/tensor";

describe("Matrix", () => {
  it("stores entries row-major with a readonly shape", () => {
    const m = new Matrix(new Float64Array([1, 2, 3, 4, 5, 6]), 2, 3);
    expect(m.shape).to.deep.equal([2, 3]);
    expect([m.rows, m.cols]).to.deep.equal([2, 3]);
    expect(m.get(1, 0)).to.equal(4);
    expect(Object.isFrozen(m.shape)).to.equal(true);
  });

  it("rejects data whose length does not match the shape", () => {
    expect(() => new Matrix(new Float64Array(5), 2, 3)).to.throw(
      RangeError,
      /^Matrix: data must have rows \* cols = 6 entries for shape \[2, 3\]; got 5$/,
    );
  });

  it("rejects data that is not a Float64Array", () => {
    expect(() => new Matrix([1, 2] as unknown as Float64Array, 1, 2)).to.throw(
      TypeError,
      /^Matrix: data must be a Float64Array; got array$/,
    );
  });

  it("rejects zero rows", () => {
    expect(() => new Matrix(new Float64Array(0), 0, 3)).to.throw(
      RangeError,
      /^Matrix: rows must be an integer >= 1; got 0$/,
    );
  });

  it("rejects NaN, naming Matrix, the entry [i, j] and the value", () => {
    expect(() => new Matrix(new Float64Array([NaN]), 1, 1)).to.throw(
      RangeError,
      /^Matrix: data\[0, 0\] is NaN; expected a finite number \(a Matrix holds finite numbers/,
    );
  });

  it("rejects Infinity and -Infinity anywhere, naming the first", () => {
    expect(() => new Matrix(Float64Array.of(1, 2, 3, Infinity, -Infinity, 6), 2, 3)).to.throw(
      RangeError,
      /^Matrix: data\[1, 0\] is Infinity; expected a finite number/,
    );
    expect(() => new Matrix(Float64Array.of(0, -Infinity), 1, 2)).to.throw(
      RangeError,
      /^Matrix: data\[0, 1\] is -Infinity/,
    );
  });

  it("accepts the extremes of float64 (±MAX_VALUE, the smallest subnormal, -0)", () => {
    const data = Float64Array.of(Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, -0);
    expect(new Matrix(data, 2, 2).toArray()).to.deep.equal([
      [Number.MAX_VALUE, -Number.MAX_VALUE],
      [Number.MIN_VALUE, -0],
    ]);
  });
});

describe("resultMatrix", () => {
  it("wraps a finite result", () => {
    expect(resultMatrix("f", Float64Array.of(1, 2), 1, 2).toArray()).to.deep.equal([[1, 2]]);
  });

  it("names the operation, the entry and the cause of a non-finite result", () => {
    expect(() =>
      resultMatrix("scale", Float64Array.of(1, Infinity), 1, 2, () => "s = 10"),
    ).to.throw(
      RangeError,
      /^scale: the result overflowed to Infinity at \[0, 1\] \(s = 10\); expected a finite number$/,
    );
  });

  it("lets no later construction skip the constructor's own check", () => {
    const data = Float64Array.of(1, 2);
    resultMatrix("f", data, 1, 2);
    data[0] = NaN;
    expect(() => new Matrix(data, 1, 2)).to.throw(RangeError, /^Matrix: data\[0, 0\] is NaN/);
  });
});

describe("Matrix.get", () => {
  it("reads entry (i, j)", () => {
    expect(
      matrix([
        [1, 2],
        [3, 4],
      ]).get(0, 1),
    ).to.equal(2);
  });

  it("rejects an index out of range", () => {
    expect(() => matrix([[1, 2]]).get(1, 0)).to.throw(
      RangeError,
      /^Matrix\.get: i must be < 1; got 1$/,
    );
    expect(() => matrix([[1, 2]]).get(0, -1)).to.throw(
      RangeError,
      /^Matrix\.get: j must be an integer >= 0/,
    );
    const missing = matrix([[1, 2]]) as unknown as { get(i: number): number };
    expect(() => missing.get(0)).to.throw(
      TypeError,
      /^Matrix\.get: j must be a number; got undefined$/,
    );
  });
});

describe("Matrix.row and Matrix.column", () => {
  it("copy one row or column out as a plain array", () => {
    const m = matrix([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(m.row(1)).to.deep.equal([4, 5, 6]);
    expect(m.column(2)).to.deep.equal([3, 6]);
  });

  it("return copies that do not write back", () => {
    const m = matrix([[1, 2]]);
    m.row(0)[0] = 99;
    m.column(1)[0] = 99;
    expect(m.toArray()).to.deep.equal([[1, 2]]);
  });

  it("reject an index out of range", () => {
    expect(() => matrix([[1, 2]]).row(2)).to.throw(
      RangeError,
      /^Matrix\.row: i must be < 1; got 2$/,
    );
    expect(() => matrix([[1, 2]]).column(2)).to.throw(
      RangeError,
      /^Matrix\.column: j must be < 2; got 2$/,
    );
  });
});

describe("matrix", () => {
  it("builds a Matrix from nested arrays", () => {
    const m = matrix([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(m.shape).to.deep.equal([2, 3]);
    expect(Array.from(m.data)).to.deep.equal([1, 2, 3, 4, 5, 6]);
  });

  it("round-trips through toArray", () => {
    const rows = [
      [0.5, -1],
      [2, 3e-12],
      [7, 8],
    ];
    expect(matrix(rows).toArray()).to.deep.equal(rows);
  });

  it("builds a 1×1 matrix", () => {
    expect(matrix([[7]]).shape).to.deep.equal([1, 1]);
  });

  it("copies its input, so later edits to the arrays do not leak in", () => {
    const rows = [[1, 2]];
    const m = matrix(rows);
    rows[0][0] = 99;
    expect(m.get(0, 0)).to.equal(1);
  });

  it("names the ragged row and the expected length", () => {
    expect(() =>
      matrix([
        [1, 2, 3, 4],
        [1, 2, 3, 4],
        [1, 2, 3],
      ]),
    ).to.throw(RangeError, /^matrix: row 2 has 3 entries; expected 4 like row 0$/);
  });

  it("rejects an empty list of rows", () => {
    expect(() => matrix([])).to.throw(
      RangeError,
      /^matrix: rows is empty; expected at least one row$/,
    );
  });

  it("rejects an empty first row", () => {
    expect(() => matrix([[]])).to.throw(RangeError, /^matrix: row 0 is empty/);
  });

  it("names a NaN entry by its position", () => {
    expect(() =>
      matrix([
        [1, 2],
        [NaN, 4],
      ]),
    ).to.throw(RangeError, /^matrix: rows\[1\]\[0\] is NaN/);
  });

  it("rejects Infinity", () => {
    expect(() => matrix([[Infinity]])).to.throw(RangeError, /^matrix: rows\[0\]\[0\] is Infinity/);
  });

  it("rejects an entry that is not a number with a TypeError", () => {
    expect(() => matrix([[1, "2" as unknown as number]])).to.throw(
      TypeError,
      /^matrix: rows\[0\]\[1\] must be a number; got string$/,
    );
  });

  it("rejects a row that is not an array with a TypeError", () => {
    expect(() => matrix([[1], 2 as unknown as number[]])).to.throw(
      TypeError,
      /^matrix: row 1 must be an array; got number$/,
    );
  });

  it("rejects a non-array with a TypeError", () => {
    expect(() => matrix("abc" as unknown as number[][])).to.throw(
      TypeError,
      /^matrix: rows must be an array; got string$/,
    );
  });
});

describe("fromFlat", () => {
  it("reads a flat list row-major", () => {
    expect(fromFlat([1, 2, 3, 4, 5, 6], 2, 3).toArray()).to.deep.equal([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it("copies its input", () => {
    const data = new Float64Array([1, 2]);
    const m = fromFlat(data, 1, 2);
    data[0] = 99;
    expect(m.get(0, 0)).to.equal(1);
  });

  it("rejects a length that does not match the shape", () => {
    expect(() => fromFlat([1, 2, 3], 2, 2)).to.throw(
      RangeError,
      /^fromFlat: data must have rows \* cols = 4 entries; got 3$/,
    );
  });

  it("names a NaN entry by its row and column", () => {
    expect(() => fromFlat([1, 2, 3, NaN], 2, 2)).to.throw(
      RangeError,
      /^fromFlat: data\[1, 1\] is NaN/,
    );
  });

  it("rejects a fractional row count", () => {
    expect(() => fromFlat([1, 2], 1.5, 2)).to.throw(
      RangeError,
      /^fromFlat: rows must be an integer/,
    );
  });
});

describe("zeros", () => {
  it("builds a matrix of zeros of the given shape", () => {
    expect(zeros(2, 3).toArray()).to.deep.equal([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it("rejects an empty shape", () => {
    expect(() => zeros(2, 0)).to.throw(RangeError, /^zeros: cols must be an integer >= 1; got 0$/);
  });

  it("names itself and the size when the matrix is too large to allocate", () => {
    expect(() => zeros(1e6, 1e6)).to.throw(
      RangeError,
      /^zeros: cannot allocate a \[1000000, 1000000\] matrix \(1000000000000 entries, 7450\.6 GiB of float64\)$/,
    );
  });
});

describe("identity", () => {
  it("has ones on the diagonal and zeros elsewhere", () => {
    expect(identity(3).toArray()).to.deep.equal([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
  });
});

describe("toArray", () => {
  it("returns the same nested arrays as the method", () => {
    const m = matrix([
      [1, 2],
      [3, 4],
    ]);
    expect(toArray(m)).to.deep.equal(m.toArray());
  });

  it("rejects a non-Matrix with a TypeError", () => {
    expect(() => toArray([[1]] as unknown as Matrix)).to.throw(
      TypeError,
      /^toArray: m must be a Matrix; got array$/,
    );
  });
});

describe("isMatrix", () => {
  it("is true for a Matrix and false for nested arrays", () => {
    expect(isMatrix(zeros(1, 1))).to.equal(true);
    expect(isMatrix([[0]])).to.equal(false);
  });
});
