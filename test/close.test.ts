// Tests of the test helper test/support/close.ts: a closeness check that passed everything would
// make every other test in the suite vacuous.

import { expect } from "chai";
import { matrix } from "../src/tensor";
import { expectClose } from "./support/close";

describe("expectClose", () => {
  it("passes values within the tolerance", () => {
    expectClose(0.1 + 0.2, 0.3);
    expectClose([1, 2], [1 + 1e-12, 2]);
    expectClose(matrix([[1, 2]]), [[1, 2]]);
  });

  it("reports the first index that differs with both values", () => {
    expect(() => expectClose([1, 2, 3], [1, 2.5, 4])).to.throw(
      /^expectClose: first difference at \[1\]: actual 2, expected 2\.5 /,
    );
    expect(() =>
      expectClose(
        matrix([
          [1, 2],
          [3, 4],
        ]),
        [
          [1, 2],
          [3, 5],
        ],
      ),
    ).to.throw(/^expectClose: first difference at \[1, 1\]: actual 4, expected 5 /);
  });

  it("fails on different shapes", () => {
    expect(() => expectClose([1, 2], [[1, 2]])).to.throw(
      /^expectClose: shapes differ; actual \[2\], expected \[1, 2\]$/,
    );
  });

  it("never counts NaN as close, not even to NaN", () => {
    expect(() => expectClose(NaN, NaN)).to.throw(
      /first difference at the value: actual NaN, expected NaN/,
    );
  });

  it("counts an infinity as close only to itself", () => {
    expectClose(-Infinity, -Infinity);
    expect(() => expectClose(Infinity, -Infinity)).to.throw(/actual Infinity, expected -Infinity/);
  });

  it("honours looser tolerances", () => {
    expectClose(1.001, 1, { rtol: 1e-2 });
    expectClose(1e-6, 0, { atol: 1e-5 });
    expect(() => expectClose(1e-6, 0)).to.throw(/first difference/);
  });
});
