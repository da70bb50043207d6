import { expect } from "chai";
import { attentionGraph } from "../src/plot-graph";
import type { AttentionGraphOptions } from "../src/plot-graph";
import { matrix } from "../src/tensor";

const options: AttentionGraphOptions = {
  weights: [
    [0.1, 0.6, 0.3],
    [0.5, 0.5, 0],
    [0.2, 0.3, 0.5],
  ],
  labels: ["it", "model", "it"],
  title: "Who looks at whom",
};

/** Counts the occurrences of `needle` in `text`. */
function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** The SVG group of the mark whose aria-description is given. */
function group(html: string, label: string): string {
  const start = html.indexOf(`aria-description="${label}"`);
  expect(start, `no ${label} group`).to.be.above(-1);
  return html.slice(start, html.indexOf("</g>", start));
}

describe("attentionGraph", () => {
  const html = attentionGraph(options);

  it("renders the title, the SVG and a caption saying how to read it", () => {
    expect(html).to.match(/^<figure/);
    expect(html).to.include("<h2>Who looks at whom</h2>");
    expect(html).to.include("<svg");
    expect(html).to.include("<figcaption>An arrow i → j: token i (the query) attends to token j");
  });

  it("draws one arrow per non-zero weight off the diagonal, with its weight as hover text", () => {
    const edges = group(html, "attention edge");
    expect(count(edges, "<path")).to.equal(5); // six off-diagonal weights, one of them 0
    expect(edges).to.include("<title>it → model: 0.6000</title>");
    expect(edges).to.include("<title>model → it: 0.5000</title>");
    expect(edges).to.not.include("model → it: 0.0000");
  });

  it("makes an arrow's width proportional to its weight, heaviest drawn last", () => {
    const widths = [...group(html, "attention edge").matchAll(/stroke-width="([\d.]+)"/g)].map(
      (m) => Number(m[1]),
    );
    expect(widths).to.deep.equal([2, 3, 3, 5, 6]); // 10 px per unit weight, sorted
  });

  it("draws a ring for each token's weight on itself", () => {
    const rings = group(html, "self-attention ring");
    expect(count(rings, "<circle")).to.equal(3);
    expect(rings).to.include("<title>model → model: 0.5000</title>");
  });

  it("labels every token, repeated labels included, anchored away from the circle", () => {
    expect(count(html, 'aria-description="token label"')).to.equal(3); // start, middle, end
    expect(count(html, ">it</text>")).to.equal(2);
    expect(count(html, ">model</text>")).to.equal(1);
    expect(group(html, "token label")).to.include('text-anchor="start"');
  });

  it("shows a width legend for weights 0.1, 0.5 and 1", () => {
    expect(html).to.include(">attention weight</text>");
    for (const text of ["0.1", "0.5", "1.0"]) expect(html).to.include(`>${text}</text>`);
  });

  it("leaves out the weights at or below minWeight", () => {
    const sparse = attentionGraph({ ...options, minWeight: 0.25 });
    expect(count(group(sparse, "attention edge"), "<path")).to.equal(4);
    expect(count(group(sparse, "self-attention ring"), "<circle")).to.equal(2);
  });

  it("draws a single token as a ring only", () => {
    const single = attentionGraph({ weights: [[1]], labels: ["alone"], title: "One token" });
    expect(single).to.include("<title>alone → alone: 1.0000</title>");
    expect(single).to.not.include('aria-description="attention edge"');
  });

  it("gives the same string for the same input, and for a Matrix", () => {
    expect(attentionGraph(options)).to.equal(html);
    const values = options.weights as number[][];
    expect(attentionGraph({ ...options, weights: matrix(values) })).to.equal(html);
  });

  it("rejects weights that are not square", () => {
    expect(() => attentionGraph({ ...options, weights: [[0.5, 0.5]], labels: ["a"] })).to.throw(
      RangeError,
      /^attentionGraph: weights must be square \[n, n\] .*; got \[1, 2\]$/,
    );
  });

  it("rejects a weight outside [0, 1], naming it", () => {
    const weights = [
      [0.5, 1.5],
      [0.5, 0.5],
    ];
    expect(() => attentionGraph({ ...options, weights, labels: ["a", "b"] })).to.throw(
      RangeError,
      /^attentionGraph: weights\[0\]\[1\] must be in \[0, 1\] \(an attention weight\); got 1\.5$/,
    );
  });

  it("rejects a label count that does not match, and a NaN weight", () => {
    expect(() => attentionGraph({ ...options, labels: ["a"] })).to.throw(
      RangeError,
      /^attentionGraph: labels must have one label per row of weights \(3\); got 1$/,
    );
    const weights = [[NaN]];
    expect(() => attentionGraph({ ...options, weights, labels: ["a"] })).to.throw(
      RangeError,
      /^attentionGraph: weights\[0\]\[0\] is NaN; expected finite$/,
    );
  });

  it("rejects a bad minWeight, maxWidth or size, and a missing title", () => {
    expect(() => attentionGraph({ ...options, minWeight: 1 })).to.throw(
      RangeError,
      /^attentionGraph: minWeight must be in \[0, 1\); got 1$/,
    );
    expect(() => attentionGraph({ ...options, maxWidth: 0 })).to.throw(
      RangeError,
      /^attentionGraph: maxWidth must be > 0; got 0$/,
    );
    expect(() => attentionGraph({ ...options, size: 50 })).to.throw(
      RangeError,
      /^attentionGraph: size must be >= 200 pixels; got 50$/,
    );
    expect(() => attentionGraph({ ...options, title: "" })).to.throw(
      TypeError,
      /^renderPlot: title must be a non-empty string/,
    );
  });

  it("rejects a misspelt option instead of ignoring it", () => {
    const misspelt = { ...options, minweight: 0.2 } as unknown as AttentionGraphOptions;
    expect(() => attentionGraph(misspelt)).to.throw(
      TypeError,
      /^attentionGraph: unknown option "minweight"; expected one of weights, /,
    );
  });
});
