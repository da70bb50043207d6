import { expect } from "chai";
import { fraction } from "mathjs";
import { attentionParameters, breakEvenAttentionSize, parameterFormulas } from "../src/params";

describe("attentionParameters", () => {
  it("counts W_q, W_k and v for additive, W for bilinear, nothing for dot", () => {
    // additive: 4·3 + 5·3 + 3 = 30; bilinear: 4·5 = 20.
    expect(attentionParameters(4, 5, 3)).to.deep.equal({
      additive: 30,
      bilinear: 20,
      dot: 0,
      dotDefined: false,
    });
  });

  it("marks the dot score defined only when dQuery = dKey", () => {
    expect(attentionParameters(8, 8, 2).dotDefined).to.equal(true);
    expect(attentionParameters(8, 16, 2).dotDefined).to.equal(false);
  });

  it("counts 1×1×1 sizes", () => {
    expect(attentionParameters(1, 1, 1)).to.deep.equal({
      additive: 3,
      bilinear: 1,
      dot: 0,
      dotDefined: true,
    });
  });

  it("grows additive linearly in dAttn", () => {
    const a = attentionParameters(64, 128, 10).additive;
    const b = attentionParameters(64, 128, 11).additive;
    expect(b - a).to.equal(64 + 128 + 1);
  });

  it("rejects sizes that are not positive integers", () => {
    expect(() => attentionParameters(0, 4, 4)).to.throw(
      RangeError,
      /^attentionParameters: dQuery must be an integer >= 1; got 0$/,
    );
    expect(() => attentionParameters(4, 2.5, 4)).to.throw(
      RangeError,
      /^attentionParameters: dKey must be an integer; got 2\.5$/,
    );
    expect(() => attentionParameters(4, 4, "8" as unknown as number)).to.throw(
      TypeError,
      /^attentionParameters: dAttn must be a number; got string$/,
    );
  });
});

describe("breakEvenAttentionSize", () => {
  it("is exactly 8192/193 for d_s = 64, d_h = 128", () => {
    const f = breakEvenAttentionSize(64, 128);
    expect(f.equals(fraction(8192, 193))).to.equal(true);
    expect([f.n, f.d]).to.deep.equal([8192n, 193n]);
    expect(f.valueOf()).to.be.closeTo(42.4456, 1e-4);
  });

  it("makes the additive and bilinear counts equal, in exact arithmetic", () => {
    for (const [dQuery, dKey] of [
      [64, 128],
      [1, 1],
      [3, 7],
      [256, 512],
      [100, 1],
    ]) {
      const dAttn = breakEvenAttentionSize(dQuery, dKey);
      const additive = fraction(dQuery).mul(dAttn).add(fraction(dKey).mul(dAttn)).add(dAttn);
      expect(additive.equals(fraction(dQuery * dKey)), `${dQuery}, ${dKey}`).to.equal(true);
    }
  });

  it("separates the sizes where additive is cheaper from those where bilinear is", () => {
    // 8192/193 ≈ 42.45: at d_a = 42 additive has fewer parameters, at 43 more.
    expect(attentionParameters(64, 128, 42).additive).to.be.below(8192);
    expect(attentionParameters(64, 128, 43).additive).to.be.above(8192);
  });

  it("is an integer when d_s + d_h + 1 divides d_s·d_h", () => {
    // 2·3 / (2 + 3 + 1) = 1.
    const f = breakEvenAttentionSize(2, 3);
    expect([f.n, f.d]).to.deep.equal([1n, 1n]);
  });

  it("rejects sizes that are not positive integers", () => {
    expect(() => breakEvenAttentionSize(64, -1)).to.throw(
      RangeError,
      /^breakEvenAttentionSize: dKey must be an integer >= 1; got -1$/,
    );
  });
});

describe("parameterFormulas", () => {
  const formulas = parameterFormulas();

  it("evaluate to the counts of attentionParameters", () => {
    for (const [d_s, d_h, d_a] of [
      [4, 5, 3],
      [64, 128, 42],
      [1, 1, 1],
    ]) {
      const counts = attentionParameters(d_s, d_h, d_a);
      const scope = { d_s, d_h, d_a };
      expect(formulas.additive.node.evaluate(scope)).to.equal(counts.additive);
      expect(formulas.bilinear.node.evaluate(scope)).to.equal(counts.bilinear);
      expect(formulas.dot.node.evaluate(scope)).to.equal(counts.dot);
    }
  });

  it("evaluate the break-even to the value of the exact fraction", () => {
    expect(formulas.breakEven.node.evaluate({ d_s: 64, d_h: 128 })).to.equal(8192 / 193);
  });

  it("render as LaTeX with subscripted symbols", () => {
    expect(formulas.additive.tex).to.equal("d_{s}\\cdot d_{a}+ d_{h}\\cdot d_{a}+ d_{a}");
    expect(formulas.bilinear.tex).to.equal("d_{s}\\cdot d_{h}");
    expect(formulas.breakEven.tex).to.equal("\\frac{ d_{s}\\cdot d_{h}}{ d_{s}+ d_{h}+1}");
  });

  it("keep their mathjs source text", () => {
    expect(formulas.breakEven.expression).to.equal("d_s * d_h / (d_s + d_h + 1)");
  });
});
