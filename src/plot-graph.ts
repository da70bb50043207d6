/**
 * Self-attention drawn as a graph: the tokens are nodes on a circle, and each attention weight is
 * an arrow whose width is the weight.
 *
 * In self-attention every token attends to every token of the same sequence, so the weight matrix
 * A [n, n] is the adjacency matrix of a fully connected, directed, weighted graph, and the output
 * row i = Σ_j A_ij·v_j is one round of message passing over it (the view behind graph attention
 * networks: Veličković et al., "Graph Attention Networks", ICLR 2018). Built with Observable Plot
 * marks (arrow, dot, link, text) through {@link renderPlot}, so the figure is deterministic like
 * every other course figure.
 */

import {
  checkFiniteNumber,
  checkGrid,
  checkInteger,
  checkLabels,
  checkOptions,
  showNumber,
} from "./check";
import { fmt } from "./format";
import { Plot, renderPlot } from "./plot";
import { Matrix } from "./tensor";

/** Options of {@link attentionGraph}. */
export interface AttentionGraphOptions {
  /** The attention weights, shape [n, n], each in [0, 1]: row i is where token i looks. */
  weights: Matrix | readonly (readonly number[])[];
  /** n token labels, placed clockwise from the top; duplicates are fine. */
  labels: readonly string[];
  /** The figure title. */
  title: string;
  /** Only weights above this are drawn, in [0, 1) (default 0: every non-zero weight). */
  minWeight?: number;
  /** Width in pixels of an edge of weight 1, > 0 (default 10). */
  maxWidth?: number;
  /** Width and height of the circle's square in pixels, ≥ 200 (default 480). */
  size?: number;
  /** Digits after the point in hover text, 0 to 20 (default 4). */
  digits?: number;
}

const GRAPH_OPTIONS = [
  "weights",
  "labels",
  "title",
  "minWeight",
  "maxWidth",
  "size",
  "digits",
] as const;

/** The caption every graph carries: how to read arrows and rings. */
const CAPTION =
  "An arrow i → j: token i (the query) attends to token j (the key); its width is the weight. " +
  "A ring around a token: the weight on itself. Hover over an arrow or a ring for its weight.";

/** The thinnest edge drawn, in pixels, so that a faint weight stays visible as a hairline. */
const MIN_STROKE = 0.6;

/** Radius of a token's dot, in pixels. */
const NODE_RADIUS = 7;

/**
 * Draws self-attention weights as a directed graph on a circle: an arrow from token i to token j
 * for each weight A_ij above `minWeight`, with width proportional to A_ij, a ring around token i
 * for A_ii, and each token's arrows in its own colour.
 *
 * edge i → j for A_ij > minWeight, width max(0.6, maxWidth·A_ij) px, hover "label_i → label_j: A_ij"
 *
 * The arrows of a pair i → j and j → i bend to opposite sides, so both stay visible; the heaviest
 * arrows are drawn last, on top. A legend below the circle shows the width of weights 0.1, 0.5
 * and 1.
 *
 * @param options the weights [n, n] with entries in [0, 1], n labels and the title; optionally
 *   `minWeight`, `maxWidth`, `size` and `digits`.
 * @returns the figure's HTML: title, graph, width legend and a caption saying how to read it.
 * @example
 * const { weights } = attend(x, x, x);
 * tslab.display.html(
 *   attentionGraph({ weights, labels: ["the", "cat", "sat"], title: "Who looks at whom" }),
 * );
 */
export function attentionGraph(options: AttentionGraphOptions): string {
  const fn = "attentionGraph";
  checkOptions(fn, options, GRAPH_OPTIONS);
  if (options === undefined) throw new TypeError(`${fn}: options must be an object; got undefined`);
  const weights = checkWeights(fn, options.weights);
  const n = weights.length;
  const labels = checkLabels(fn, "labels", options.labels, n, "row of weights");
  const minWeight = options.minWeight ?? 0;
  checkFiniteNumber(fn, "minWeight", minWeight);
  if (minWeight < 0 || minWeight >= 1) {
    throw new RangeError(`${fn}: minWeight must be in [0, 1); got ${showNumber(minWeight)}`);
  }
  const maxWidth = options.maxWidth ?? 10;
  checkFiniteNumber(fn, "maxWidth", maxWidth);
  if (maxWidth <= 0) throw new RangeError(`${fn}: maxWidth must be > 0; got ${maxWidth}`);
  const size = options.size ?? 480;
  checkFiniteNumber(fn, "size", size);
  if (size < 200) throw new RangeError(`${fn}: size must be >= 200 pixels; got ${size}`);
  const digits = options.digits ?? 4;
  checkInteger(fn, "digits", digits, 0);
  if (digits > 20) throw new RangeError(`${fn}: digits must be <= 20; got ${digits}`);
  const width = (weight: number): number => Math.max(MIN_STROKE, maxWidth * weight);

  // 1. Nodes: token k sits at angle 2πk/n, clockwise from the top of a unit circle.
  const nodes = labels.map((label, k) => {
    const angle = (2 * Math.PI * k) / n;
    const x = Math.sin(angle);
    const y = Math.cos(angle);
    // Labels sit outside the circle, anchored away from it so long words do not cross it.
    const anchor = x > 0.2 ? "start" : x < -0.2 ? "end" : "middle";
    return {
      k,
      label,
      x,
      y,
      labelX: 1.2 * x,
      labelY: 1.2 * y,
      anchor,
      hover: `token ${k}: ${label}`,
    };
  });

  // 2. Edges: one arrow per weight above minWeight off the diagonal, lightest first, so the
  //    heaviest are drawn on top. The sort is stable, so equal weights keep their order.
  const edges = weights
    .flatMap((row, i) =>
      row
        .map((weight, j) => ({ i, j, weight }))
        .filter(({ j, weight }) => j !== i && weight > minWeight),
    )
    .sort((a, b) => a.weight - b.weight)
    .map(({ i, j, weight }) => ({
      i,
      x1: nodes[i].x,
      y1: nodes[i].y,
      x2: nodes[j].x,
      y2: nodes[j].y,
      width: width(weight),
      hover: `${labels[i]} → ${labels[j]}: ${fmt(weight, digits)}`,
    }));

  // 3. Rings: a token's weight on itself, drawn around its dot.
  const rings = nodes
    .filter(({ k }) => weights[k][k] > minWeight)
    .map(({ k, x, y }) => ({
      k,
      x,
      y,
      width: width(weights[k][k]),
      radius: NODE_RADIUS + 3 + width(weights[k][k]) / 2,
      hover: `${labels[k]} → ${labels[k]}: ${fmt(weights[k][k], digits)}`,
    }));

  // 4. The legend: three sample edges below the circle, in the same units as the graph.
  const legendY = -1.45;
  const samples = [0.1, 0.5, 1].map((weight, s) => ({
    x1: -0.55 + 0.62 * s,
    x2: -0.25 + 0.62 * s,
    y: legendY,
    width: width(weight),
    text: fmt(weight, 1),
  }));

  // The x and y scales share one unit (pixels per unit length), so the circle stays round.
  const [xLo, xHi] = [-1.6, 1.6];
  const [yLo, yHi] = [-1.6, 1.35];
  const unit = size / (xHi - xLo);
  const color = {
    type: "categorical",
    domain: nodes.map(({ k }) => k),
    scheme: "tableau10",
  } as const;
  return renderPlot({
    title: options.title,
    caption: CAPTION,
    width: size,
    height: Math.round(unit * (yHi - yLo)),
    margin: 0,
    x: { domain: [xLo, xHi], axis: null },
    y: { domain: [yLo, yHi], axis: null },
    color,
    // Ring radii are pixels already, not values for Plot's default square-root radius scale.
    r: { type: "identity" },
    marks: [
      Plot.arrow(edges, {
        x1: "x1",
        y1: "y1",
        x2: "x2",
        y2: "y2",
        stroke: "i",
        strokeWidth: "width",
        strokeOpacity: 0.75,
        bend: true,
        headLength: 5,
        insetStart: NODE_RADIUS + 2,
        insetEnd: NODE_RADIUS + 4,
        title: "hover",
        ariaDescription: "attention edge",
      }),
      Plot.dot(rings, {
        x: "x",
        y: "y",
        r: "radius",
        stroke: "k",
        strokeWidth: "width",
        strokeOpacity: 0.75,
        fill: "none",
        title: "hover",
        ariaDescription: "self-attention ring",
      }),
      Plot.dot(nodes, {
        x: "x",
        y: "y",
        r: NODE_RADIUS,
        fill: "k",
        stroke: "white",
        title: "hover",
        ariaDescription: "token",
      }),
      // One text mark per anchor: Plot takes textAnchor as a constant, not a channel.
      ...(["start", "middle", "end"] as const).map((anchor) =>
        Plot.text(
          nodes.filter((node) => node.anchor === anchor),
          {
            x: "labelX",
            y: "labelY",
            text: "label",
            textAnchor: anchor,
            fontSize: 13,
            ariaDescription: "token label",
          },
        ),
      ),
      Plot.text([{ x: -0.62, y: legendY }], {
        x: "x",
        y: "y",
        text: () => "attention weight",
        textAnchor: "end",
        fontSize: 11,
        ariaDescription: "legend",
      }),
      Plot.link(samples, {
        x1: "x1",
        x2: "x2",
        y1: "y",
        y2: "y",
        strokeWidth: "width",
        stroke: "gray",
        ariaDescription: "legend",
      }),
      Plot.text(samples, {
        x: "x2",
        y: "y",
        text: "text",
        dx: 6,
        textAnchor: "start",
        fontSize: 11,
        ariaDescription: "legend",
      }),
    ],
  });
}

/** Validates the weights: a square grid (or Matrix) of numbers in [0, 1]; returns the rows. */
function checkWeights(fn: string, weights: unknown): readonly (readonly number[])[] {
  if (!(weights instanceof Matrix)) checkGrid(fn, weights, "weights");
  const rows =
    weights instanceof Matrix ? weights.toArray() : (weights as readonly (readonly number[])[]);
  const n = rows.length;
  const cols = rows[0].length;
  if (cols !== n) {
    throw new RangeError(
      `${fn}: weights must be square [n, n] (self-attention: the tokens attend to themselves); ` +
        `got [${n}, ${cols}]`,
    );
  }
  rows.forEach((row, i) =>
    row.forEach((weight, j) => {
      if (weight < 0 || weight > 1) {
        throw new RangeError(
          `${fn}: weights[${i}][${j}] must be in [0, 1] (an attention weight); ` +
            `got ${showNumber(weight)}`,
        );
      }
    }),
  );
  return rows;
}
