import { expect } from "chai";
import { matrix } from "../src/tensor";
import { heatmap, lineChart, Plot, renderPlot } from "../src/plot";
import type { HeatmapOptions, LineChartOptions } from "../src/plot";

const heatmapOptions: HeatmapOptions = {
  values: [
    [0.55, 0.3, 0.15],
    [0.1, 0.8, 0.1],
  ],
  rowLabels: ["R", "E"],
  columnLabels: ["E", "x", "E"],
  title: "Attention of each output letter",
  xLabel: "input letter (key)",
  yLabel: "output letter (query)",
  colorLabel: "attention weight",
};

const lineOptions: LineChartOptions = {
  series: [
    {
      name: "with attention",
      points: [
        [10, 0.95],
        [20, 0.9],
        [30, 0.88],
      ],
    },
    {
      name: "bottleneck",
      points: [
        [10, 0.9],
        [20, 0.6],
        [30, 0.35],
      ],
    },
  ],
  title: "Accuracy by sentence length",
  xLabel: "sentence length",
  yLabel: "accuracy",
};

/** Counts the occurrences of `needle` in `text`. */
function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** The non-empty tick labels of the axis whose `aria-label` is given, in order. */
function tickLabels(html: string, axis: "x-axis tick label" | "y-axis tick label"): string[] {
  const start = html.indexOf(`aria-label="${axis}"`);
  expect(start, `no ${axis} group`).to.be.above(-1);
  const group = html.slice(start, html.indexOf("</g>", start));
  return [...group.matchAll(/<text[^>]*>([^<]*)<\/text>/g)]
    .map((m) => m[1])
    .filter((t) => t !== "");
}

/** A plain decimal: digits with commas between thousands, and an optional fraction. */
const PLAIN_NUMBER = /^\d{1,3}(,\d{3})*(\.\d+)?$/;

/** Points (x, x) for x = 10^(lo + k/10), k = 0 … 10·(hi − lo): a sweep over whole decades. */
function decades(lo: number, hi: number): [number, number][] {
  return Array.from({ length: 10 * (hi - lo) + 1 }, (_, k) => {
    const x = 10 ** (lo + k / 10);
    return [x, x];
  });
}

describe("renderPlot", () => {
  const options = { title: "Three weights", marks: [Plot.barY([0.2, 0.5, 0.3])] };

  it("renders a figure with an SVG and the title", () => {
    const html = renderPlot(options);
    expect(html).to.match(/^<figure/);
    expect(html).to.include("<svg");
    expect(html).to.include("<h2>Three weights</h2>");
  });

  it("gives the same string for the same input", () => {
    expect(renderPlot(options)).to.equal(renderPlot(options));
  });

  it("gives the same string for a clipped figure drawn twice, despite Plot's id counter", () => {
    const clipped = {
      title: "Clipped",
      marks: [
        Plot.line(
          [
            [0, 0],
            [1, 1],
          ],
          { clip: true },
        ),
      ],
    };
    const first = renderPlot(clipped);
    renderPlot({ title: "Another", marks: [Plot.dot([[0, 0]], { clip: true })] });
    const second = renderPlot(clipped);
    expect(first).to.include('clip-path="url(#spotlight-');
    expect(second).to.equal(first);
  });

  it("escapes markup in the title", () => {
    expect(renderPlot({ ...options, title: "a < b & c" })).to.include("<h2>a &lt; b &amp; c</h2>");
  });

  it("rejects a missing title with a TypeError", () => {
    const untitled = { marks: options.marks } as unknown as Parameters<typeof renderPlot>[0];
    expect(() => renderPlot(untitled)).to.throw(
      TypeError,
      /^renderPlot: title must be a non-empty string \(every course figure has a title\)/,
    );
  });

  it("rejects an empty title", () => {
    expect(() => renderPlot({ ...options, title: " " })).to.throw(
      TypeError,
      /^renderPlot: title .*; got " "$/,
    );
  });

  it("passes any of Plot's own options through", () => {
    expect(() =>
      renderPlot({ title: "T", marks: [Plot.barY([1, 2])], marginLeft: 50, style: "color: red" }),
    ).to.not.throw();
  });

  it("reports a continuous colour legend as not supported yet", () => {
    const legend = {
      title: "Legend",
      color: { legend: true },
      marks: [Plot.cell([{ x: "a", y: "b", v: 1 }], { x: "x", y: "y", fill: "v" })],
    };
    expect(() => renderPlot(legend)).to.throw(
      /^not supported yet: renderPlot: continuous colour legends/,
    );
  });
});

describe("heatmap", () => {
  const html = heatmap(heatmapOptions);

  it("renders the title, the axis labels and the colour label", () => {
    expect(html).to.include("<svg");
    expect(html).to.include("<h2>Attention of each output letter</h2>");
    expect(html).to.include("input letter (key)");
    expect(html).to.include("output letter (query)");
    expect(html).to.include("attention weight");
  });

  it("draws one cell per entry with hover text naming row, column and value", () => {
    expect(html).to.include("<title>R → E: 0.5500</title>");
    expect(html).to.include("<title>E → x: 0.8000</title>");
    expect(count(html, "<title>")).to.equal(6);
  });

  it("writes each value in its cell with the requested digits", () => {
    expect(html).to.include(">0.55</text>");
    expect(heatmap({ ...heatmapOptions, digits: 3 })).to.include(">0.550</text>");
  });

  it("keeps a column for each repeated label", () => {
    expect(html).to.include("<title>R → E: 0.1500</title>");
  });

  it("draws a colour ramp from rect marks", () => {
    expect(html).to.include('aria-label="attention weight legend"');
  });

  it("writes white text on dark cells and black text on light ones", () => {
    expect(html).to.match(/<text [^>]*fill="white">0\.80<\/text>/);
    expect(html).to.match(/<text [^>]*fill="black">0\.10<\/text>/);
  });

  it("gives the same string for the same input", () => {
    expect(heatmap(heatmapOptions)).to.equal(html);
  });

  it("draws a Matrix like the same nested arrays", () => {
    const values = heatmapOptions.values as number[][];
    expect(heatmap({ ...heatmapOptions, values: matrix(values) })).to.equal(html);
  });

  it("draws a constant matrix without failing", () => {
    const uniform = heatmap({
      ...heatmapOptions,
      values: [
        [0.25, 0.25, 0.25],
        [0.25, 0.25, 0.25],
      ],
    });
    expect(uniform).to.include("<title>R → E: 0.2500</title>");
  });

  it("rejects ragged values, naming the row", () => {
    expect(() =>
      heatmap({
        ...heatmapOptions,
        values: [
          [0.5, 0.5, 0],
          [1, 0],
        ],
      }),
    ).to.throw(RangeError, /^heatmap: values row 1 has 2 entries; expected 3 like row 0$/);
  });

  it("rejects a column label count that does not match", () => {
    expect(() => heatmap({ ...heatmapOptions, columnLabels: ["a", "b"] })).to.throw(
      RangeError,
      /^heatmap: columnLabels must have one label per column of values \(3\); got 2$/,
    );
  });

  it("rejects a row label count that does not match", () => {
    expect(() => heatmap({ ...heatmapOptions, rowLabels: ["R"] })).to.throw(
      RangeError,
      /^heatmap: rowLabels must have one label per row of values \(2\); got 1$/,
    );
  });

  it("rejects a missing title", () => {
    expect(() => heatmap({ ...heatmapOptions, title: "" })).to.throw(
      TypeError,
      /^heatmap: title must be a non-empty string/,
    );
  });

  it("rejects a NaN value, naming its position", () => {
    expect(() =>
      heatmap({
        ...heatmapOptions,
        values: [
          [0, 0, NaN],
          [0, 0, 0],
        ],
      }),
    ).to.throw(RangeError, /^heatmap: values\[0\]\[2\] is NaN/);
  });

  it("rejects an empty colour domain", () => {
    expect(() => heatmap({ ...heatmapOptions, colorDomain: [1, 1] })).to.throw(
      RangeError,
      /^heatmap: colorDomain must be \[lo, hi\] with lo < hi; got \[1, 1\]$/,
    );
  });

  it("rejects a colour domain that is not exactly two numbers", () => {
    const three = [0, 0.5, 1] as unknown as [number, number];
    expect(() => heatmap({ ...heatmapOptions, colorDomain: three })).to.throw(
      RangeError,
      /^heatmap: colorDomain must be \[lo, hi\], exactly two numbers; got 3 entries$/,
    );
    const one = [0] as unknown as [number, number];
    expect(() => heatmap({ ...heatmapOptions, colorDomain: one })).to.throw(
      RangeError,
      /^heatmap: colorDomain must be \[lo, hi\], exactly two numbers; got 1 entries$/,
    );
  });

  it("rejects a misspelt option instead of ignoring it", () => {
    const options = { ...heatmapOptions, colourDomain: [0, 1] } as unknown as HeatmapOptions;
    expect(() => heatmap(options)).to.throw(
      TypeError,
      /^heatmap: unknown option "colourDomain"; expected one of values, rowLabels, .*scheme$/,
    );
  });

  it("leaves the values out of the cells with showValues: false, keeping the hover text", () => {
    const bare = heatmap({ ...heatmapOptions, showValues: false });
    expect(bare).to.not.include(">0.55</text>");
    expect(bare).to.include("<title>R → E: 0.5500</title>");
    expect(count(bare, "<title>")).to.equal(6);
  });

  it("draws signed values with the red–blue scheme, white text at both dark ends", () => {
    const signedOptions: HeatmapOptions = {
      ...heatmapOptions,
      values: [
        [-1, 0, 1],
        [0.5, -0.5, 0],
      ],
      colorDomain: [-1, 1],
      scheme: "rdbu",
    };
    const signed = heatmap(signedOptions);
    expect(signed).to.match(/<text [^>]*fill="white">-1\.00<\/text>/);
    expect(signed).to.match(/<text [^>]*fill="white">1\.00<\/text>/);
    expect(signed).to.match(/<text [^>]*fill="black">0\.00<\/text>/);
    expect(signed).to.not.equal(heatmap({ ...signedOptions, scheme: "blues" }));
  });

  it("rejects an unknown scheme and a showValues that is not a boolean", () => {
    const scheme = { ...heatmapOptions, scheme: "viridis" } as unknown as HeatmapOptions;
    expect(() => heatmap(scheme)).to.throw(
      RangeError,
      /^heatmap: scheme must be "blues" or "rdbu"; got "viridis"$/,
    );
    const show = { ...heatmapOptions, showValues: "no" } as unknown as HeatmapOptions;
    expect(() => heatmap(show)).to.throw(
      TypeError,
      /^heatmap: showValues must be a boolean; got string$/,
    );
  });
});

describe("lineChart", () => {
  const html = lineChart(lineOptions);

  it("renders the title and the axis labels", () => {
    expect(html).to.include("<svg");
    expect(html).to.include("<h2>Accuracy by sentence length</h2>");
    expect(html).to.include("sentence length");
    expect(html).to.include("accuracy");
  });

  it("shows a legend with every series name when there are several", () => {
    expect(html).to.include("swatches");
    expect(html).to.include("with attention</span>");
    expect(html).to.include("bottleneck</span>");
  });

  it("shows no legend for a single series", () => {
    const single = lineChart({ ...lineOptions, series: [lineOptions.series[0]] });
    expect(single).to.not.include("swatches");
  });

  it("puts a dot with hover text on every point", () => {
    expect(html).to.include("<title>bottleneck: x = 30, y = 0.3500</title>");
    expect(count(html, "<circle")).to.equal(6);
  });

  it("draws extra marks on top", () => {
    const withRule = lineChart({
      ...lineOptions,
      marks: [Plot.ruleY([1], { strokeDasharray: "4 2" })],
    });
    expect(withRule).to.include('stroke-dasharray="4 2"');
  });

  it("gives the same string for the same input", () => {
    expect(lineChart(lineOptions)).to.equal(html);
  });

  it("draws a log axis for positive values", () => {
    const log = lineChart({ ...lineOptions, xType: "log" });
    expect(log).to.not.equal(html);
    expect(log).to.include("<svg");
  });

  it("labels log-axis ticks as plain numbers, not with SI prefixes (10m, 100m)", () => {
    const series = [{ name: "a", points: decades(-2, 2) }];
    const log = lineChart({ ...lineOptions, series, xType: "log", yType: "log" });
    expect(tickLabels(log, "x-axis tick label")).to.deep.equal(["0.01", "0.1", "1", "10", "100"]);
    // The taller y axis has room for more labels (Plot's choice); each is a plain number too.
    const y = tickLabels(log, "y-axis tick label");
    expect(y).to.include.members(["0.01", "0.1", "1", "10", "100"]);
    for (const label of y) expect(label).to.match(PLAIN_NUMBER);
    expect(log).to.not.match(/>\d+m</);
  });

  it("labels large and small log-axis ticks in full (10,000 and 0.000001)", () => {
    const up = lineChart({
      ...lineOptions,
      series: [{ name: "a", points: decades(0, 4) }],
      xType: "log",
    });
    const labels = ["1", "10", "100", "1,000", "10,000"];
    expect(tickLabels(up, "x-axis tick label")).to.deep.equal(labels);
    const down = lineChart({
      ...lineOptions,
      series: [{ name: "a", points: decades(-6, -2) }],
      xType: "log",
    });
    const small = ["0.000001", "0.00001", "0.0001", "0.001", "0.01"];
    expect(tickLabels(down, "x-axis tick label")).to.deep.equal(small);
  });

  it("labels every tick of a short log axis, without float noise (0.2, 0.3)", () => {
    const series = [
      {
        name: "a",
        points: [
          [0.1, 1],
          [0.5, 2],
        ] as [number, number][],
      },
    ];
    const short = lineChart({ ...lineOptions, series, xType: "log" });
    expect(tickLabels(short, "x-axis tick label")).to.deep.equal([
      "0.1",
      "0.2",
      "0.3",
      "0.4",
      "0.5",
    ]);
  });

  it("keeps Plot's default labels on a linear axis", () => {
    expect(tickLabels(html, "y-axis tick label")).to.include("0.40");
  });

  it("rejects a y domain that is not exactly two numbers", () => {
    const three = [0, 0.5, 1] as unknown as [number, number];
    expect(() => lineChart({ ...lineOptions, yDomain: three })).to.throw(
      RangeError,
      /^lineChart: yDomain must be \[lo, hi\], exactly two numbers; got 3 entries$/,
    );
  });

  it("rejects a misspelt option, and an unknown key in a series", () => {
    const options = { ...lineOptions, xtype: "log" } as unknown as LineChartOptions;
    expect(() => lineChart(options)).to.throw(
      TypeError,
      /^lineChart: unknown option "xtype"; expected one of series, title, .*, yDomain, digits$/,
    );
    const series = [
      { name: "a", points: [[1, 1]], colour: "red" },
    ] as unknown as LineChartOptions["series"];
    expect(() => lineChart({ ...lineOptions, series })).to.throw(
      TypeError,
      /^lineChart: unknown key "colour" in series\[0\]; expected one of name, points$/,
    );
  });

  it("rejects a non-positive value on a log axis, naming the point", () => {
    const bad = {
      ...lineOptions,
      yType: "log" as const,
      series: [{ name: "a", points: [[1, 0]] as [number, number][] }],
    };
    expect(() => lineChart(bad)).to.throw(
      RangeError,
      /^lineChart: series\[0\]\.points\[0\] has y = 0; a log y axis needs y > 0$/,
    );
  });

  it("rejects two series with the same name", () => {
    const twice = { ...lineOptions, series: [lineOptions.series[0], lineOptions.series[0]] };
    expect(() => lineChart(twice)).to.throw(
      RangeError,
      /^lineChart: series\[1\]\.name "with attention" is used twice$/,
    );
  });

  it("rejects a point that is not a pair", () => {
    const bad = {
      ...lineOptions,
      series: [{ name: "a", points: [[1, 2, 3]] as unknown as [number, number][] }],
    };
    expect(() => lineChart(bad)).to.throw(
      RangeError,
      /^lineChart: series\[0\]\.points\[0\] must be \[x, y\]; got 3 entries$/,
    );
  });

  it("rejects an empty list of series", () => {
    expect(() => lineChart({ ...lineOptions, series: [] })).to.throw(
      RangeError,
      /^lineChart: series is empty/,
    );
  });

  it("rejects a missing title", () => {
    const untitled = { ...lineOptions, title: undefined } as unknown as LineChartOptions;
    expect(() => lineChart(untitled)).to.throw(
      TypeError,
      /^lineChart: title must be a non-empty string/,
    );
  });
});
