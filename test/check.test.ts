import { expect } from "chai";
import {
  checkFinite,
  checkGrid,
  checkInner,
  checkInteger,
  checkMask,
  checkObject,
  checkOptions,
  checkResult,
  checkSameShape,
  checkShared,
  firstNonFinite,
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
  it("rejects unsafe integers, which a float64 cannot count exactly, saying 'safe'", () => {
    expect(() => checkInteger("f", "n", 2 ** 53)).to.throw(
      RangeError,
      /^f: n must be a safe integer \(\|n\| <= 2\^53 - 1\); got 9007199254740992$/,
    );
    expect(() => checkInteger("f", "n", -(2 ** 60))).to.throw(RangeError, /must be a safe integer/);
    expect(() => checkInteger("f", "n", 2 ** 53 - 1)).to.not.throw();
  });

  it("rejects a fraction as not an integer", () => {
    expect(() => checkInteger("f", "n", 1.5)).to.throw(
      RangeError,
      /^f: n must be an integer; got 1\.5$/,
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

describe("checkObject", () => {
  it("accepts undefined and any plain object, and rejects anything else", () => {
    expect(() => checkObject("f", "options", undefined)).to.not.throw();
    expect(() => checkObject("f", "options", { anything: 1 })).to.not.throw();
    expect(() => checkObject("f", "options", [1])).to.throw(
      TypeError,
      /^f: options must be an object; got array$/,
    );
  });
});

describe("checkOptions", () => {
  it("accepts undefined and objects, and rejects anything else", () => {
    expect(() => checkOptions("f", undefined, ["a"])).to.not.throw();
    expect(() => checkOptions("f", {}, ["a"])).to.not.throw();
    expect(() => checkOptions("f", { a: 1 }, ["a"])).to.not.throw();
    expect(() => checkOptions("f", 2, ["a"])).to.throw(
      TypeError,
      /^f: options must be an object; got number$/,
    );
    expect(() => checkOptions("f", null, ["a"])).to.throw(TypeError, /got null$/);
  });

  it("rejects an unknown key, naming it and the keys allowed", () => {
    expect(() => checkOptions("softmax", { temprature: 100 }, ["temperature", "mask"])).to.throw(
      TypeError,
      /^softmax: unknown option "temprature"; expected one of temperature, mask$/,
    );
  });

  it("names the argument when it is not called options", () => {
    expect(() => checkOptions("f", { nme: "x" }, ["name", "points"], "series[0]")).to.throw(
      TypeError,
      /^f: unknown key "nme" in series\[0\]; expected one of name, points$/,
    );
  });
});

describe("firstNonFinite", () => {
  it("finds the first NaN or ±Infinity, or returns -1", () => {
    expect(firstNonFinite([1, 2, 3])).to.equal(-1);
    expect(firstNonFinite([])).to.equal(-1);
    expect(firstNonFinite(Float64Array.of(0, -Infinity, NaN))).to.equal(1);
    expect(firstNonFinite([Number.MAX_VALUE, NaN])).to.equal(1);
  });
});

describe("checkResult", () => {
  it("passes a finite result", () => {
    expect(() => checkResult("f", Float64Array.of(1, -Number.MAX_VALUE), 2)).to.not.throw();
  });

  it("names the op, the entry [i, j], what happened and the cause", () => {
    expect(() => checkResult("scale", [1, 2, 3, Infinity], 2, () => "s = 10")).to.throw(
      RangeError,
      /^scale: the result overflowed to Infinity at \[1, 1\] \(s = 10\); expected a finite number$/,
    );
    expect(() => checkResult("f", [NaN], 1, undefined, "x·w")).to.throw(
      RangeError,
      /^f: x·w is NaN at \[0, 0\]; expected a finite number$/,
    );
  });

  it("names entry [k] of a list, and no entry of a single number", () => {
    expect(() => checkResult("rowSums", [1, -Infinity], undefined, (k) => `row ${k}`)).to.throw(
      RangeError,
      /^rowSums: the result overflowed to -Infinity at \[1\] \(row 1\); expected a finite number$/,
    );
    expect(() => checkResult("sum", [Infinity], undefined)).to.throw(
      RangeError,
      /^sum: the result overflowed to Infinity; expected a finite number$/,
    );
  });
});
