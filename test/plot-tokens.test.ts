import { expect } from "chai";
import { tokenHeatmap } from "../src/plot-tokens";
import type { TokenHeatmapOptions } from "../src/plot-tokens";

const options: TokenHeatmapOptions = {
  rows: [
    { label: "marked", tokens: ["good", "◆", "good"], weights: [0.05, 0.9, 0.05] },
    { label: "plain", tokens: ["bad", "scan"], weights: [0.75, 0.25] },
  ],
  title: "Where the classifier looks",
  xLabel: "position in the sentence",
  yLabel: "sentence",
  colorLabel: "attention weight",
};

/** Counts the occurrences of `needle` in `text`. */
function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe("tokenHeatmap", () => {
  const html = tokenHeatmap(options);

  it("renders the title, the SVG, the axis labels and a caption naming the colour", () => {
    expect(html).to.match(/^<figure/);
    expect(html).to.include("<h2>Where the classifier looks</h2>");
    expect(html).to.include("<svg");
    expect(html).to.include("position in the sentence");
    expect(html).to.include("<figcaption>Colour and the number under each token: attention weight");
  });

  it("draws one cell per token, rows of different lengths and repeated words included", () => {
    expect(count(html, "<rect")).to.equal(5);
    expect(html).to.include("<title>marked, position 0: good = 0.0500</title>");
    expect(html).to.include("<title>marked, position 2: good = 0.0500</title>");
    expect(html).to.include("<title>plain, position 1: scan = 0.2500</title>");
  });

  it("writes each token over its weight, in white on the darkest cells", () => {
    expect(html).to.match(/>◆<\/tspan><tspan[^>]*>0\.90</);
    expect(html).to.match(/fill="white"[^>]*>(?:<title>[^<]*<\/title>)?<tspan[^>]*>◆/);
    expect(html).to.match(/fill="black"[^>]*>(?:<title>[^<]*<\/title>)?<tspan[^>]*>scan/);
  });

  it("labels the rows and the positions from 0", () => {
    expect(html).to.include(">marked<");
    expect(html).to.include(">plain<");
    expect(html).to.match(/>0<\/text>/);
    expect(html).to.match(/>2<\/text>/);
  });

  it("gives the same string for the same input", () => {
    expect(tokenHeatmap(options)).to.equal(html);
  });

  it("uses the given digits and colour domain", () => {
    const wide = tokenHeatmap({ ...options, digits: 3, colorDomain: [0, 2] });
    expect(wide).to.match(/>0\.900</);
    expect(wide).to.include("(lightest 0.000, darkest 2.000)");
  });

  it("refuses a row whose weights do not match its tokens", () => {
    const rows = [{ label: "short", tokens: ["a", "b"], weights: [1] }];
    expect(() => tokenHeatmap({ ...options, rows })).to.throw(
      RangeError,
      /^tokenHeatmap: rows\[0\]\.weights must have one weight per token \(2\); got 1$/,
    );
  });

  it("refuses no rows, an empty row and a NaN weight", () => {
    expect(() => tokenHeatmap({ ...options, rows: [] })).to.throw(
      RangeError,
      /^tokenHeatmap: rows is empty/,
    );
    expect(() =>
      tokenHeatmap({ ...options, rows: [{ label: "none", tokens: [], weights: [] }] }),
    ).to.throw(RangeError, /^tokenHeatmap: rows\[0\]\.tokens is empty/);
    expect(() =>
      tokenHeatmap({ ...options, rows: [{ label: "nan", tokens: ["a"], weights: [NaN] }] }),
    ).to.throw(RangeError, /^tokenHeatmap: rows\[0\]\.weights\[0\] is NaN; expected a finite/);
  });

  it("refuses tokens that are not strings and a misspelt key in a row", () => {
    const numbers = [{ label: "ids", tokens: [3, 4] as unknown as string[], weights: [0.5, 0.5] }];
    expect(() => tokenHeatmap({ ...options, rows: numbers })).to.throw(
      TypeError,
      /^tokenHeatmap: rows\[0\]\.tokens\[0\] must be a string; got number$/,
    );
    const misspelt = [{ label: "x", tokens: ["a"], weights: [1], weight: [1] }];
    expect(() => tokenHeatmap({ ...options, rows: misspelt as never })).to.throw(
      TypeError,
      /^tokenHeatmap: unknown key "weight" in rows\[0\]/,
    );
  });

  it("refuses an empty colour domain and a missing title", () => {
    expect(() => tokenHeatmap({ ...options, colorDomain: [1, 1] })).to.throw(
      RangeError,
      /^tokenHeatmap: colorDomain must be \[lo, hi\] with lo < hi; got \[1, 1\]$/,
    );
    expect(() => tokenHeatmap({ ...options, title: "" })).to.throw(
      TypeError,
      /^tokenHeatmap: title must be a non-empty string/,
    );
  });
});
