import { expect } from "chai";
import { fraction } from "mathjs";
import { matrix } from "../src/tensor";
import { breakEvenAttentionSize } from "../src/params";
import { fmt, fmtFraction, fmtList, fmtMatrix } from "../src/format";

describe("fmt", () => {
  it("prints four digits after the point by default", () => {
    expect(fmt(0.55)).to.equal("0.5500");
    expect(fmt(42.445595854922)).to.equal("42.4456");
  });

  it("prints the requested number of digits", () => {
    expect(fmt(Math.PI, 2)).to.equal("3.14");
    expect(fmt(Math.PI, 0)).to.equal("3");
  });

  it("prints -0 as 0.0000", () => {
    expect(fmt(-0)).to.equal("0.0000");
  });

  it("drops the sign of a negative number that rounds to zero", () => {
    expect(fmt(-0.00001)).to.equal("0.0000");
    expect(fmt(-0.4, 0)).to.equal("0");
  });

  it("keeps the sign of a negative number that does not round to zero", () => {
    expect(fmt(-0.5)).to.equal("-0.5000");
  });

  it("prints 1e21 and beyond in fixed form, where toFixed switches to 1e+21", () => {
    expect(fmt(1e21)).to.equal("1000000000000000000000.0000");
    expect(fmt(-1e22, 2)).to.equal("-10000000000000000000000.00");
    expect(fmt(1e21, 0)).to.equal("1000000000000000000000");
    // 2^70 is exact in float64, and every digit of it is printed.
    expect(fmt(2 ** 70, 1)).to.equal("1180591620717411303424.0");
  });

  it("prints the largest float64 with all 309 of its integer digits", () => {
    const text = fmt(Number.MAX_VALUE, 0);
    expect(text).to.have.length(309);
    expect(text).to.match(/^17976931348623157\d{292}$/);
  });

  it("prints just below 1e21 through toFixed, as before", () => {
    expect(fmt(999999999999999900000, 1)).to.equal("999999999999999868928.0");
  });

  it("prints Infinity and -Infinity as words", () => {
    expect(fmt(Infinity)).to.equal("Infinity");
    expect(fmt(-Infinity)).to.equal("-Infinity");
  });

  it("rejects NaN, naming fmt", () => {
    expect(() => fmt(NaN)).to.throw(RangeError, /^fmt: x is NaN/);
  });

  it("rejects a non-number with a TypeError", () => {
    expect(() => fmt("1" as unknown as number)).to.throw(
      TypeError,
      /^fmt: x must be a number; got string$/,
    );
  });

  it("rejects digits outside 0 … 20", () => {
    expect(() => fmt(1, -1)).to.throw(RangeError, /^fmt: digits must be an integer >= 0; got -1$/);
    expect(() => fmt(1, 21)).to.throw(RangeError, /^fmt: digits must be <= 20; got 21$/);
    expect(() => fmt(1, 1.5)).to.throw(RangeError, /^fmt: digits must be an integer; got 1\.5$/);
  });
});

describe("fmtList", () => {
  it("prints a bracketed, comma-separated list", () => {
    expect(fmtList([0.1, 0.2])).to.equal("[0.1000, 0.2000]");
  });

  it("passes the digits on", () => {
    expect(fmtList([1, -0.25], 1)).to.equal("[1.0, -0.3]");
  });

  it("prints an empty list as []", () => {
    expect(fmtList([])).to.equal("[]");
  });

  it("names the index of a NaN entry", () => {
    expect(() => fmtList([1, NaN])).to.throw(RangeError, /^fmtList: xs\[1\] is NaN/);
  });
});

describe("fmtMatrix", () => {
  it("aligns a labelled table", () => {
    const text = fmtMatrix(
      [
        [0.9, 0.1],
        [0.25, 0.75],
      ],
      2,
      { rowLabels: ["R", "E"], colLabels: ["x", "y"] },
    );
    expect(text).to.equal(["      x     y", "R  0.90  0.10", "E  0.25  0.75"].join("\n"));
  });

  it("widens a column to its longest label or entry", () => {
    const text = fmtMatrix(
      matrix([
        [1, -10],
        [2, 3],
      ]),
      1,
      { colLabels: ["first", "b"] },
    );
    expect(text).to.equal(["first      b", "  1.0  -10.0", "  2.0    3.0"].join("\n"));
  });

  it("pads row labels to the longest one", () => {
    const text = fmtMatrix([[1], [2]], 0, { rowLabels: ["a", "long"] });
    expect(text).to.equal(["a     1", "long  2"].join("\n"));
  });

  it("prints a Matrix and nested arrays alike", () => {
    const rows = [
      [0.5, 0.25],
      [1, 0],
    ];
    expect(fmtMatrix(matrix(rows))).to.equal(fmtMatrix(rows));
  });

  it("prints a 1×1 matrix", () => {
    expect(fmtMatrix([[1]])).to.equal("1.0000");
  });

  it("rejects a label count that does not match", () => {
    expect(() => fmtMatrix([[1, 2]], 2, { colLabels: ["a"] })).to.throw(
      RangeError,
      /^fmtMatrix: colLabels must have one label per column \(2\); got 1$/,
    );
  });

  it("rejects ragged rows", () => {
    expect(() => fmtMatrix([[1, 2], [3]])).to.throw(
      RangeError,
      /^fmtMatrix: m row 1 has 1 entries; expected 2/,
    );
  });

  it("rejects labels that are not strings", () => {
    expect(() => fmtMatrix([[1]], 2, { rowLabels: [1 as unknown as string] })).to.throw(
      TypeError,
      /^fmtMatrix: rowLabels\[0\] must be a string; got number$/,
    );
  });

  it("rejects a misspelt option instead of ignoring it", () => {
    const options = { columnLabels: ["x"] } as unknown as { colLabels: string[] };
    expect(() => fmtMatrix([[1]], 2, options)).to.throw(
      TypeError,
      /^fmtMatrix: unknown option "columnLabels"; expected one of rowLabels, colLabels$/,
    );
  });
});

describe("fmtFraction", () => {
  it("prints numerator/denominator", () => {
    expect(fmtFraction(breakEvenAttentionSize(64, 128))).to.equal("8192/193");
  });

  it("prints an integer without a denominator", () => {
    expect(fmtFraction(fraction(10, 2))).to.equal("5");
  });

  it("prints the sign of a negative fraction in front", () => {
    expect(fmtFraction(fraction(-3, 4))).to.equal("-3/4");
  });

  it("prints zero as 0", () => {
    expect(fmtFraction(fraction(0))).to.equal("0");
  });

  it("rejects a plain number with a TypeError", () => {
    expect(() => fmtFraction(0.5 as never)).to.throw(
      TypeError,
      /^fmtFraction: f must be a mathjs Fraction; got number$/,
    );
  });
});
