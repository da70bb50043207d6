/**
 * Attention over whole sentences drawn as rows of tokens: each cell holds a word and its weight,
 * coloured by the weight, so that a few sentences of different words can be read side by side.
 *
 * The grid of {@link heatmap} shares one label per column, which suits a query × key matrix;
 * sentences of a classifier's test set have different words at each position, so here every
 * cell carries its own word. Built with Observable Plot marks (cell, text) through
 * {@link renderPlot}, so the figure is deterministic like every other course figure.
 */

import {
  checkArray,
  checkFiniteNumber,
  checkInteger,
  checkLabels,
  checkNumberArray,
  checkObject,
  checkOptions,
  kindOf,
} from "./check";
import { fmt } from "./format";
import { Plot, renderPlot } from "./plot";

/** One row of a {@link tokenHeatmap}: a sequence and one weight for each of its tokens. */
export interface TokenRow {
  /** Shown left of the row, e.g. "label 1, ◆ at 4". */
  label: string;
  /** The tokens as text, in order; repeated words are fine. */
  tokens: readonly string[];
  /** One finite weight per token, e.g. the attention weights of the sequence. */
  weights: readonly number[];
}

/** Options of {@link tokenHeatmap}. */
export interface TokenHeatmapOptions {
  /** One or more rows; they may differ in length. */
  rows: readonly TokenRow[];
  /** The figure title. */
  title: string;
  /** Label of the horizontal axis, e.g. "position in the sentence". */
  xLabel: string;
  /** Label of the vertical axis, e.g. "test sentence". */
  yLabel: string;
  /** What the weights are, e.g. "attention weight"; named in the caption. */
  colorLabel: string;
  /** Digits of the weight written under each token, 0 to 20 (default 2); hover text uses 4. */
  digits?: number;
  /**
   * Weights mapped to the lightest and darkest colour: exactly [lo, hi] with lo < hi (default
   * [0, 1], the range of attention weights, so that figures of different models compare).
   */
  colorDomain?: readonly [number, number];
  /** Width of one cell in pixels, > 0 (default 56). */
  cellWidth?: number;
}

const TOKEN_HEATMAP_OPTIONS = [
  "rows",
  "title",
  "xLabel",
  "yLabel",
  "colorLabel",
  "digits",
  "colorDomain",
  "cellWidth",
] as const;

/** Height of one row in pixels: two lines of text, the word and its weight. */
const CELL_HEIGHT = 40;

/**
 * Draws sequences as rows of cells, one per token: the cell shows the token and its weight, and
 * its colour grows darker with the weight.
 *
 * cell (r, t) has colour c(weights_r[t]), text "tokens_r[t]" over fmt(weights_r[t], digits), and
 * hover text "label_r, position t: tokens_r[t] = fmt(weights_r[t])"
 *
 * Positions count from 0, as token indices do in code. There is no colour ramp (jsdom has no
 * canvas for Plot's continuous legends): the weight is written in every cell, and a caption says
 * what the colour shows.
 *
 * @param options the rows, the title, the axis labels and the colour label; optionally `digits`,
 *   `colorDomain` and `cellWidth`.
 * @returns the figure's HTML: title, grid and caption.
 * @example
 * const html = tokenHeatmap({
 *   rows: [{ label: "first", tokens: ["good", "◆", "scan"], weights: [0.1, 0.8, 0.1] }],
 *   title: "Where the classifier looks",
 *   xLabel: "position in the sentence",
 *   yLabel: "sentence",
 *   colorLabel: "attention weight",
 * });
 * tslab.display.html(html);
 */
export function tokenHeatmap(options: TokenHeatmapOptions): string {
  const fn = "tokenHeatmap";
  checkOptions(fn, options, TOKEN_HEATMAP_OPTIONS);
  if (options === undefined) throw new TypeError(`${fn}: options must be an object; got undefined`);
  if (typeof options.title !== "string" || options.title.trim() === "") {
    const got = options.title;
    throw new TypeError(
      `${fn}: title must be a non-empty string (every course figure has a title); ` +
        `got ${typeof got === "string" ? JSON.stringify(got) : kindOf(got)}`,
    );
  }
  const rows = checkRows(fn, options.rows);
  const [xLabel, yLabel, colorLabel] = (["xLabel", "yLabel", "colorLabel"] as const).map((key) => {
    const text = options[key];
    if (typeof text !== "string") {
      throw new TypeError(`${fn}: ${key} must be a string; got ${kindOf(text)}`);
    }
    return text;
  });
  const digits = options.digits ?? 2;
  checkInteger(fn, "digits", digits, 0);
  if (digits > 20) throw new RangeError(`${fn}: digits must be <= 20; got ${digits}`);
  const [lo, hi] = checkDomain(fn, options.colorDomain ?? [0, 1]);
  const cellWidth = options.cellWidth ?? 56;
  checkFiniteNumber(fn, "cellWidth", cellWidth);
  if (cellWidth <= 0) throw new RangeError(`${fn}: cellWidth must be > 0; got ${cellWidth}`);

  // 1. Cells: one datum per token, placed by row index and position, not by label, so that two
  //    rows with the same label (or a word repeated in a row) still get cells of their own.
  const cells = rows.flatMap((row, r) =>
    row.tokens.map((token, t) => {
      const weight = row.weights[t];
      return {
        r,
        t,
        weight,
        text: `${token}\n${fmt(weight, digits)}`,
        hover: `${row.label}, position ${t}: ${token} = ${fmt(weight)}`,
        // Why: dark text on a dark cell would be unreadable; Blues darkens towards hi.
        ink: (weight - lo) / (hi - lo) > 0.55 ? "white" : "black",
      };
    }),
  );

  // 2. The grid, sized so that the longest row and the longest row label fit.
  const longest = Math.max(...rows.map((row) => row.tokens.length));
  const marginLeft = 36 + 7 * Math.max(...rows.map((row) => row.label.length));
  const [marginTop, marginRight, marginBottom] = [44, 8, 8];
  return renderPlot({
    title: options.title,
    caption:
      `Colour and the number under each token: ${colorLabel} ` +
      `(lightest ${fmt(lo, digits)}, darkest ${fmt(hi, digits)}). Hover over a cell for 4 digits.`,
    width: marginLeft + longest * cellWidth + marginRight,
    height: marginTop + rows.length * CELL_HEIGHT + marginBottom,
    marginLeft,
    marginTop,
    marginRight,
    marginBottom,
    x: {
      domain: Array.from({ length: longest }, (_, t) => t),
      axis: "top",
      label: xLabel,
      padding: 0,
    },
    y: {
      domain: rows.map((_, r) => r),
      tickFormat: (r: number) => rows[r].label,
      label: yLabel,
      padding: 0,
    },
    color: { type: "linear", scheme: "blues", domain: [lo, hi], clamp: true },
    marks: [
      Plot.cell(cells, { x: "t", y: "r", fill: "weight", title: "hover", inset: 1 }),
      Plot.text(cells, {
        x: "t",
        y: "r",
        text: "text",
        fontSize: 11,
        fill: { value: "ink", scale: null },
      }),
    ],
  });
}

/** A non-empty list of rows, each with a string label and one finite weight per string token. */
function checkRows(fn: string, rows: unknown): readonly TokenRow[] {
  checkArray(fn, "rows", rows);
  if (rows.length === 0) throw new RangeError(`${fn}: rows is empty; expected at least one row`);
  rows.forEach((row, r) => {
    const name = `rows[${r}]`;
    checkObject(fn, name, row);
    if (row === undefined) throw new TypeError(`${fn}: ${name} must be an object; got undefined`);
    checkOptions(fn, row, ["label", "tokens", "weights"], name);
    const { label, tokens, weights } = row as Partial<TokenRow>;
    if (typeof label !== "string") {
      throw new TypeError(`${fn}: ${name}.label must be a string; got ${kindOf(label)}`);
    }
    checkArray(fn, `${name}.tokens`, tokens);
    if (tokens.length === 0) {
      throw new RangeError(`${fn}: ${name}.tokens is empty; expected at least one token`);
    }
    checkLabels(fn, `${name}.tokens`, tokens, tokens.length, "token");
    checkNumberArray(fn, `${name}.weights`, weights);
    if (weights.length !== tokens.length) {
      throw new RangeError(
        `${fn}: ${name}.weights must have one weight per token (${tokens.length}); ` +
          `got ${weights.length}`,
      );
    }
  });
  return rows as readonly TokenRow[];
}

/** Validates the colour domain: exactly two finite numbers [lo, hi] with lo < hi. */
function checkDomain(fn: string, domain: unknown): [number, number] {
  checkArray(fn, "colorDomain", domain);
  if (domain.length !== 2) {
    throw new RangeError(
      `${fn}: colorDomain must be [lo, hi], exactly two numbers; got ${domain.length} entries`,
    );
  }
  const [lo, hi] = domain;
  checkFiniteNumber(fn, "colorDomain[0]", lo);
  checkFiniteNumber(fn, "colorDomain[1]", hi);
  if (!(lo < hi)) {
    throw new RangeError(`${fn}: colorDomain must be [lo, hi] with lo < hi; got [${lo}, ${hi}]`);
  }
  return [lo, hi];
}
