import { expect } from "chai";
import { parse } from "mathjs";
import { flopFormulas, SCORE_KINDS, scoreFlops, timePerCall } from "../src/cost";

describe("scoreFlops", () => {
  const sizes = { n: 3, m: 5, dQuery: 4, dKey: 4, dAttn: 2 };

  it("counts 2·n·m·d_h for the dot score: a multiply and an add per entry of each product", () => {
    expect(scoreFlops("dot", sizes)).to.equal(2 * 3 * 5 * 4);
  });

  it("adds one division per score for the scaled dot score", () => {
    expect(scoreFlops("scaledDot", sizes)).to.equal(2 * 3 * 5 * 4 + 3 * 5);
  });

  it("adds the projection Q·W to the dot products for the bilinear score", () => {
    const wide = { n: 3, m: 5, dQuery: 6, dKey: 4 };
    expect(scoreFlops("bilinear", wide)).to.equal(2 * 3 * 6 * 4 + 2 * 3 * 5 * 4);
  });

  it("counts both projections and four operations per pair and hidden unit for additive", () => {
    // 2·n·d_s·d_a + 2·m·d_h·d_a + 4·n·m·d_a
    expect(scoreFlops("additive", sizes)).to.equal(2 * 3 * 4 * 2 + 2 * 5 * 4 * 2 + 4 * 3 * 5 * 2);
  });

  it("counts one query and one key of size 1", () => {
    const one = { n: 1, m: 1, dQuery: 1, dKey: 1, dAttn: 1 };
    expect(SCORE_KINDS.map((kind) => scoreFlops(kind, one))).to.deep.equal([2, 3, 4, 8]);
  });

  it("gives exact integers for large sizes", () => {
    const big = { n: 4096, m: 4096, dQuery: 1024, dKey: 1024, dAttn: 1024 };
    const count = scoreFlops("additive", big);
    expect(Number.isSafeInteger(count)).to.equal(true);
    expect(count).to.equal(2 * 4096 * 1024 * 1024 * 2 + 4 * 4096 * 4096 * 1024);
  });

  it("refuses the dot scores for queries and keys of different sizes", () => {
    expect(() => scoreFlops("dot", { n: 1, m: 1, dQuery: 2, dKey: 3 })).to.throw(
      RangeError,
      /^scoreFlops: the dot score needs dQuery = dKey; got dQuery 2, dKey 3$/,
    );
  });

  it("asks for dAttn for the additive score only", () => {
    expect(() => scoreFlops("additive", { n: 1, m: 1, dQuery: 2, dKey: 2 })).to.throw(
      RangeError,
      /^scoreFlops: the additive score needs sizes\.dAttn/,
    );
    expect(scoreFlops("dot", { n: 1, m: 1, dQuery: 2, dKey: 2 })).to.equal(4);
  });

  it("rejects an unknown kind, a misspelt size and a size that is not a positive integer", () => {
    expect(() => scoreFlops("cosine" as never, sizes)).to.throw(
      RangeError,
      /^scoreFlops: kind must be one of dot, scaledDot, bilinear, additive; got cosine$/,
    );
    expect(() => scoreFlops("dot", { ...sizes, dk: 4 } as never)).to.throw(
      TypeError,
      /^scoreFlops: unknown key "dk" in sizes/,
    );
    expect(() => scoreFlops("dot", { ...sizes, n: 0 })).to.throw(
      RangeError,
      /^scoreFlops: sizes\.n must be an integer >= 1; got 0$/,
    );
    expect(() => scoreFlops("dot", null as never)).to.throw(TypeError, /^scoreFlops: sizes must/);
  });

  it("refuses counts past 2^53, which would not be exact", () => {
    const huge = { n: 2 ** 20, m: 2 ** 20, dQuery: 2 ** 20, dKey: 2 ** 20 };
    expect(() => scoreFlops("dot", huge)).to.throw(
      RangeError,
      /^scoreFlops: the count exceeds 2\^53/,
    );
  });
});

describe("flopFormulas", () => {
  it("evaluates to scoreFlops for every kind", () => {
    const sizes = { n: 7, m: 3, dQuery: 5, dKey: 5, dAttn: 4 };
    const scope = { n: 7, m: 3, d_s: 5, d_h: 5, d_a: 4 };
    const formulas = flopFormulas();
    for (const kind of SCORE_KINDS) {
      expect(formulas[kind].node.evaluate(scope), kind).to.equal(scoreFlops(kind, sizes));
      expect(parse(formulas[kind].expression).evaluate(scope), kind).to.equal(
        scoreFlops(kind, sizes),
      );
    }
  });

  it("renders LaTeX with subscripted sizes", () => {
    const { dot, additive } = flopFormulas();
    expect(dot.tex).to.equal("2\\cdot n\\cdot m\\cdot d_{h}");
    expect(dot.tex).not.to.include("mathrm");
    expect(additive.tex).to.include("d_{a}");
    expect(additive.tex).not.to.include("d\\_");
  });
});

describe("timePerCall", () => {
  it("returns a positive time in µs that grows with the work done", () => {
    const work = (size: number) => () => {
      let total = 0;
      for (let k = 0; k < size; k++) total += Math.sqrt(k);
      return total;
    };
    const small = timePerCall(work(1_000), { rounds: 3, minRoundMs: 5 });
    const large = timePerCall(work(100_000), { rounds: 3, minRoundMs: 5 });
    expect(small).to.be.above(0);
    expect(large).to.be.above(small);
  });

  it("calls the function more than once per round for a fast function", () => {
    let calls = 0;
    timePerCall(() => calls++, { rounds: 1, minRoundMs: 1 });
    expect(calls).to.be.above(2);
  });

  it("rejects a non-function, a misspelt option and rounds or durations out of range", () => {
    expect(() => timePerCall(3 as never)).to.throw(
      TypeError,
      /^timePerCall: fn must be a function to call; got number$/,
    );
    expect(() => timePerCall(() => 0, { round: 3 } as never)).to.throw(
      TypeError,
      /^timePerCall: unknown option "round"/,
    );
    expect(() => timePerCall(() => 0, { rounds: 0 })).to.throw(
      RangeError,
      /^timePerCall: rounds must be an integer >= 1; got 0$/,
    );
    expect(() => timePerCall(() => 0, { minRoundMs: 0 })).to.throw(
      RangeError,
      /^timePerCall: minRoundMs must be > 0; got 0$/,
    );
  });
});
