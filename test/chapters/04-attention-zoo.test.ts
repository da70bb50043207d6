// Fact spec of chapter 4 (first part): the parameter counts and the break-even size, read from
// the executed chapter and checked against mathjs's exact fractions.
import { expect } from "chai";
import { fraction, format } from "mathjs";
import { executedCourse } from "../support/course";
import { htmlOutputs, Notebook, taggedOutput } from "../support/notebook-check";

describe("chapter 4: a zoo of attention mechanisms", function () {
  this.timeout(15 * 60_000);
  let chapter: Notebook;
  before(() => {
    chapter = executedCourse().executed("04-attention-zoo");
  });

  it("counts 193·d_a additive against 8192 bilinear parameters for d_s = 64, d_h = 128", () => {
    const lines = taggedOutput(chapter, "fact-counts").trim().split("\n");
    expect(lines).to.have.length(6);
    for (const line of lines) {
      const [, dAttn, additive, bilinear] = line
        .match(/d_a = +(\d+): additive +(\d+), bilinear (\d+)/)!
        .map(Number);
      expect(additive, line).to.equal((64 + 128 + 1) * dAttn);
      expect(bilinear, line).to.equal(64 * 128);
      expect(line).to.match(additive < bilinear ? /has fewer$/ : /has more$/);
    }
  });

  it("finds the break-even size 8192/193 ≈ 42.45 as an exact fraction", () => {
    const text = taggedOutput(chapter, "fact-break-even");
    const oracle = fraction(64 * 128, 64 + 128 + 1);
    expect(text).to.match(
      new RegExp(`exact +d_a\\* = ${format(oracle, { fraction: "ratio" })}\\n`),
    );
    expect(text).to.include("exact      d_a* = 8192/193");
    expect(text).to.include("decimal    d_a* ≈ 42.45");
  });

  it("tabulates the break-even for other sizes, each as d_s·d_h / (d_s + d_h + 1)", () => {
    const rows = taggedOutput(chapter, "fact-size-table").trim().split("\n").slice(1);
    expect(rows.length).to.be.at.least(4);
    for (const row of rows) {
      const [ds, dh, bilinear, exact, approx] = row.trim().split(/\s+/);
      const oracle = fraction(Number(ds) * Number(dh), Number(ds) + Number(dh) + 1);
      expect(Number(bilinear), row).to.equal(Number(ds) * Number(dh));
      expect(exact, row).to.equal(format(oracle, { fraction: "ratio" }));
      expect(Number(approx), row).to.be.closeTo(Number(oracle.valueOf()), 0.005);
    }
  });

  it("plots both counts against d_a with the break-even marked", () => {
    const html = htmlOutputs(chapter);
    expect(html).to.match(/<svg/);
    expect(html).to.include("Parameters of additive and bilinear attention");
    expect(html).to.include("break-even d_a = 8192/193 ≈ 42.45");
    expect(html).to.include("trainable parameters (count)");
  });
});
