import { expect } from "chai";
import { blockDiagonal, concatColumns } from "../src/blocks";
import { matmul } from "../src/ops";
import { createRandom } from "../src/random";
import { randomMatrix } from "../src/ops";
import { Matrix, matrix } from "../src/tensor";
import { expectClose } from "./support/close";

describe("concatColumns", () => {
  it("puts the parts side by side, row by row", () => {
    const joined = concatColumns(
      matrix([[1], [2]]),
      matrix([
        [3, 4],
        [5, 6],
      ]),
    );
    expect(joined.toArray()).to.deep.equal([
      [1, 3, 4],
      [2, 5, 6],
    ]);
  });

  it("returns a copy of a single part", () => {
    const part = matrix([[1, 2]]);
    const joined = concatColumns(part);
    expect(joined.toArray()).to.deep.equal([[1, 2]]);
    expect(joined.data).to.not.equal(part.data);
  });

  it("joins 1×1 parts into a row", () => {
    expect(concatColumns(matrix([[1]]), matrix([[2]]), matrix([[3]])).toArray()).to.deep.equal([
      [1, 2, 3],
    ]);
  });

  it("leaves its parts alone", () => {
    const a = matrix([[1, 2]]);
    concatColumns(a, matrix([[3]]));
    expect(a.toArray()).to.deep.equal([[1, 2]]);
  });

  it("rejects parts with different numbers of rows, naming the part", () => {
    expect(() => concatColumns(matrix([[1], [2]]), matrix([[3]]))).to.throw(
      RangeError,
      /^concatColumns: every part must have the rows of parts\[0\] \(2\); got parts\[1\] \[1, 1\]$/,
    );
  });

  it("rejects no parts, and a part that is not a Matrix", () => {
    expect(() => concatColumns()).to.throw(RangeError, /^concatColumns: expected at least one/);
    const bad = [matrix([[1]]), [[2]]] as unknown as Matrix[];
    expect(() => concatColumns(...bad)).to.throw(
      TypeError,
      /^concatColumns: parts\[1\] must be a Matrix; got array$/,
    );
  });
});

describe("blockDiagonal", () => {
  it("places rectangular blocks on the diagonal with zeros elsewhere", () => {
    expect(blockDiagonal(matrix([[1, 2]]), matrix([[3], [4]])).toArray()).to.deep.equal([
      [1, 2, 0],
      [0, 0, 3],
      [0, 0, 4],
    ]);
  });

  it("makes each block of output columns read only its own block of input columns", () => {
    const rng = createRandom(5);
    const [x1, x2] = [randomMatrix(rng, 4, 3), randomMatrix(rng, 4, 2)];
    const [a, b] = [randomMatrix(rng, 3, 5), randomMatrix(rng, 2, 1)];
    const out = matmul(concatColumns(x1, x2), blockDiagonal(a, b));
    expectClose(out, concatColumns(matmul(x1, a), matmul(x2, b)));
  });

  it("returns a copy of a single block", () => {
    const block = matrix([[7]]);
    const single = blockDiagonal(block);
    expect(single.toArray()).to.deep.equal([[7]]);
    expect(single.data).to.not.equal(block.data);
  });

  it("rejects no blocks, and a block that is not a Matrix", () => {
    expect(() => blockDiagonal()).to.throw(RangeError, /^blockDiagonal: expected at least one/);
    const bad = [3] as unknown as Matrix[];
    expect(() => blockDiagonal(...bad)).to.throw(
      TypeError,
      /^blockDiagonal: parts\[0\] must be a Matrix; got number$/,
    );
  });
});
