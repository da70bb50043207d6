import { expect } from "chai";
import * as math from "mathjs";
import { createRandom } from "../src/random";
import { mean, median, variance } from "../src/stats";
import { expectClose } from "./support/close";

describe("mean", () => {
  it("matches a hand-computed case", () => {
    expect(mean([1, 2, 3, 4])).to.equal(2.5);
  });

  it("agrees with mathjs on seeded values", () => {
    const rng = createRandom(21);
    const xs = Array.from({ length: 101 }, () => rng.normal(3, 2));
    expectClose(mean(xs), math.mean(xs), { rtol: 1e-13 });
  });

  it("is the value itself for size 1", () => {
    expect(mean([-7.5])).to.equal(-7.5);
  });

  it("stays finite when the plain sum overflows", () => {
    expect(mean([1.5e308, 1.5e308])).to.equal(1.5e308);
  });

  it("refuses an empty list, NaN and other kinds", () => {
    expect(() => mean([])).to.throw(RangeError, /^mean: xs has 0 values; expected at least one/);
    expect(() => mean([1, NaN])).to.throw(RangeError, /^mean: xs\[1\] is NaN/);
    expect(() => mean("12" as unknown as number[])).to.throw(
      TypeError,
      /^mean: xs must be an array/,
    );
  });
});

describe("variance", () => {
  it("is the unbiased sample variance (divides by n − 1)", () => {
    expectClose(variance([1, 2, 3, 4]), 5 / 3);
  });

  it("agrees with mathjs (unbiased) on seeded values", () => {
    const rng = createRandom(22);
    const xs = Array.from({ length: 200 }, () => rng.normal(-1, 5));
    expectClose(variance(xs), math.variance(xs) as unknown as number, { rtol: 1e-12 });
  });

  it("keeps its accuracy for values far from 0 (two passes, no cancellation)", () => {
    expect(variance([1e9 + 1, 1e9 + 2, 1e9 + 3])).to.equal(1);
  });

  it("is 0 for equal values", () => {
    expect(variance([4, 4, 4])).to.equal(0);
  });

  it("refuses a single value, which has no spread to estimate", () => {
    expect(() => variance([1])).to.throw(
      RangeError,
      /^variance: xs has 1 value; expected at least 2 values/,
    );
  });

  it("throws, naming itself, when the squared deviations overflow", () => {
    expect(() => variance([-1e200, 1e200])).to.throw(
      RangeError,
      /^variance: the result overflowed/,
    );
  });
});

describe("median", () => {
  it("is the middle value for an odd length and the mean of the two middle ones for an even", () => {
    expect(median([3, 1, 4, 1, 5])).to.equal(3);
    expect(median([4, 1, 3, 2])).to.equal(2.5);
  });

  it("agrees with mathjs on seeded values", () => {
    const rng = createRandom(23);
    for (const n of [1, 2, 9, 10]) {
      const xs = Array.from({ length: n }, () => rng.normal(0, 1));
      expect(median(xs), `n = ${n}`).to.equal(math.median(xs));
    }
  });

  it("leaves its input in order", () => {
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).to.deep.equal([3, 1, 2]);
  });

  it("stays finite for two values near the float64 limit", () => {
    expect(median([1.5e308, 1.7e308])).to.equal(1.6e308);
  });

  it("refuses an empty list", () => {
    expect(() => median([])).to.throw(RangeError, /^median: xs has 0 values/);
  });
});
