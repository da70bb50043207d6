import { expect } from "chai";
import {
  checkFinite,
  checkGrid,
  checkInner,
  checkInteger,
  checkMask,
  checkOptions,
  checkSameShape,
  checkShared,
  formatShape,
  kindOf,
  showNumber,
} from "../src/check";
import { zeros } from "../src/tensor";

describe("formatShape", () => {
  it("writes a shape as in every error message", () => {
    expect(formatShape([4, 8])).to.equal("[4, 8]");
  });
});

describe("kindOf", () => {
  it("names arrays, null, primitives and class instances", () => {
    expect([[], null, undefined, "s", 1, zeros(1, 1), {}].map(kindOf)).to.deep.equal([
      "array",
      "null",
      "undefined",
      "string",
      "number",
      "Matrix",
      "Object",
    ]);
  });
});

describe("showNumber", () => {
  it("keeps the sign of -0", () => {
    expect(showNumber(-0)).to.equal("-0");
    expect(showNumber(NaN)).to.equal("NaN");
  });
});

describe("checkShared", () => {
  it("names the function, both arguments, the shared size and both shapes", () => {
    expect(() => checkShared("attend", "queries", [4, 8], 1, "keys", [6, 16], 1, "dK")).to.throw(
      RangeError,
      /^attend: queries and keys must share dK; got queries \[4, 8\], keys \[6, 16\]$/,
    );
  });

  it("passes when the chosen axes agree", () => {
    expect(() => checkShared("attend", "keys", [6, 8], 0, "values", [6, 3], 0, "m")).to.not.throw();
  });
});

describe("checkInner", () => {
  it("names the shared dimension when given", () => {
    expect(() => checkInner("bilinearScore", "queries", [2, 3], "w", [4, 5], "dQuery")).to.throw(
      RangeError,
      /^bilinearScore: queries and w must share dQuery \(columns of queries, rows of w\); /,
    );
  });
});

describe("checkSameShape", () => {
  it("passes equal shapes and rejects different ones", () => {
    expect(() => checkSameShape("add", "a", [2, 3], "b", [2, 3])).to.not.throw();
    expect(() => checkSameShape("add", "a", [2, 3], "b", [3, 2])).to.throw(
      RangeError,
      /\[2, 3\].*\[3, 2\]/,
    );
  });
});

describe("checkInteger", () => {
  it("rejects unsafe integers, which a float64 cannot count exactly", () => {
    expect(() => checkInteger("f", "n", 2 ** 53)).to.throw(
      RangeError,
      /^f: n must be an integer; got/,
    );
  });
});

describe("checkFinite", () => {
  it("names a flat index, or [i, j] when given the column count", () => {
    expect(() => checkFinite("f", "xs", [1, NaN])).to.throw(RangeError, /^f: xs\[1\] is NaN/);
    expect(() => checkFinite("f", "m", [1, 2, 3, -Infinity], 2)).to.throw(
      RangeError,
      /^f: m\[1, 1\] is -Infinity; expected a finite number$/,
    );
  });
});

describe("checkGrid", () => {
  it("returns the shape of a rectangular grid", () => {
    expect(
      checkGrid("f", [
        [1, 2, 3],
        [4, 5, 6],
      ]),
    ).to.deep.equal([2, 3]);
  });
});

describe("checkMask", () => {
  it("passes a boolean grid of the right shape", () => {
    expect(() => checkMask("attend", "mask", [[true, false]], [1, 2], "the scores")).to.not.throw();
  });

  it("rejects non-boolean entries with a TypeError naming the row", () => {
    expect(() => checkMask("attend", "mask", [[true, 0]], [1, 2], "the scores")).to.throw(
      TypeError,
      /^attend: mask\[0\]\[1\] must be a boolean; got number$/,
    );
  });
});

describe("checkOptions", () => {
  it("accepts undefined and objects, and rejects anything else", () => {
    expect(() => checkOptions("f", undefined)).to.not.throw();
    expect(() => checkOptions("f", {})).to.not.throw();
    expect(() => checkOptions("f", 2)).to.throw(
      TypeError,
      /^f: options must be an object; got number$/,
    );
    expect(() => checkOptions("f", null)).to.throw(TypeError, /got null$/);
  });
});
