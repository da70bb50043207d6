import { expect } from "chai";
import { sinusoidalPositions } from "../src/attention";
import { matmul } from "../src/ops";
import { sinusoidalShift } from "../src/position-shift";
import { identity } from "../src/tensor";
import { expectClose } from "./support/close";

describe("sinusoidalShift", () => {
  it("moves every row of the encodings by the offset, forwards and backwards", () => {
    const positions = sinusoidalPositions(40, 16);
    for (const offset of [1, 3, 17, -1, -5]) {
      const shifted = matmul(positions, sinusoidalShift(16, offset));
      for (let pos = Math.max(0, -offset); pos < 40 && pos + offset < 40; pos++) {
        expectClose(shifted.row(pos), positions.row(pos + offset), { atol: 1e-12 });
      }
    }
  });

  it("matches the encoding formula at a fractional offset", () => {
    const dModel = 8;
    const shifted = matmul(sinusoidalPositions(3, dModel), sinusoidalShift(dModel, 0.5)).row(2);
    const expected = Array.from({ length: dModel }, (_, col) => {
      const angle = 2.5 / 10000 ** ((col - (col % 2)) / dModel);
      return col % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    });
    expectClose(shifted, expected, { atol: 1e-12 });
  });

  it("is the identity at offset 0", () => {
    expectClose(sinusoidalShift(6, 0), identity(6));
  });

  it("composes: R_k·R_j = R_(k+j)", () => {
    expectClose(matmul(sinusoidalShift(12, 2), sinusoidalShift(12, -7)), sinusoidalShift(12, -5), {
      atol: 1e-12,
    });
  });

  it("works for the smallest size, dModel = 2", () => {
    const r = sinusoidalShift(2, 1).toArray();
    expectClose(r, [
      [Math.cos(1), -Math.sin(1)],
      [Math.sin(1), Math.cos(1)],
    ]);
  });

  it("rejects an odd dModel, saying why", () => {
    expect(() => sinusoidalShift(5, 1)).to.throw(
      RangeError,
      /^sinusoidalShift: dModel must be even \(each sine column needs its cosine partner\); got 5$/,
    );
  });

  it("rejects a non-finite offset and a dModel that is not a positive integer", () => {
    expect(() => sinusoidalShift(4, NaN)).to.throw(RangeError, /^sinusoidalShift: offset/);
    expect(() => sinusoidalShift(4, Infinity)).to.throw(RangeError, /^sinusoidalShift: offset/);
    expect(() => sinusoidalShift(0, 1)).to.throw(RangeError, /^sinusoidalShift: dModel/);
    expect(() => sinusoidalShift(2.5, 1)).to.throw(RangeError, /^sinusoidalShift: dModel/);
  });
});
