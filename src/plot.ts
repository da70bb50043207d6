/**
 * Course figures: Observable Plot charts rendered to HTML/SVG strings with a jsdom document, for
 * a notebook cell to show with `tslab.display.html(...)`.
 *
 * Built on Observable Plot (Observable, Inc., https://observablehq.com/plot/), which draws into any
 * DOM `document`; on Node that document comes from jsdom. The helpers here depend on the library
 * (the formatter) and never the other way round (STYLE.md, "Modules"). Every figure must have a
 * title, and the same input always gives the same string, so committed notebook outputs only
 * change when a figure does.
 *
 * NOTE: Plot paints continuous colour legends on a canvas, which jsdom does not provide, so
 * `heatmap` draws its colour ramp from Plot rect marks instead, and `renderPlot` reports a
 * continuous `legend: true` as not supported.
 */

import { createHash } from "node:crypto";
import * as Plot from "@observablehq/plot";
import { JSDOM, VirtualConsole } from "jsdom";
import {
  checkArray,
  checkFiniteNumber,
  checkGrid,
  checkInteger,
  checkLabels,
  checkObject,
  checkOptions,
  kindOf,
} from "./check";
import { fmt } from "./format";
import { Matrix } from "./tensor";

/**
 * Observable Plot itself, re-exported so that a notebook can build marks for {@link renderPlot}
 * and {@link lineChart} from the same copy the helpers render with.
 *
 * @example renderPlot({ title: "Weights", marks: [Plot.barY([0.2, 0.8])] });
 */
export { Plot };

/** Options of {@link renderPlot}: Observable Plot's options, with a title that is required. */
export type RenderPlotOptions = Omit<Plot.PlotOptions, "title" | "document"> & {
  /** The figure title, shown above the chart; a non-empty string. */
  title: string;
};

/**
 * Renders an Observable Plot figure to an HTML string: a `<figure>` holding the title and the SVG.
 *
 * renderPlot(options) = Plot.plot({ ...options, document }).outerHTML
 *
 * @param options any `Plot.plot` options (marks, scales, sizes) plus a non-empty `title`.
 * @returns the figure's HTML, identical for identical options.
 * @example
 * const html = renderPlot({
 *   title: "Softmax of [1, 2, 3]",
 *   marks: [Plot.barY(softmax([1, 2, 3]))],
 * });
 * tslab.display.html(html);
 */
export function renderPlot(options: RenderPlotOptions): string {
  // NOTE: any key is allowed: the options go to Plot.plot, whose option set is Plot's to define.
  checkObject("renderPlot", "options", options);
  checkTitle("renderPlot", options?.title);
  return serialize(draw("renderPlot", options));
}

/** Options of {@link heatmap}. */
export interface HeatmapOptions {
  /** The values, shape [n, m]: row i is drawn as the i-th row from the top. */
  values: Matrix | readonly (readonly number[])[];
  /** n labels, one per row (e.g. the query tokens); duplicates are fine. */
  rowLabels: readonly string[];
  /** m labels, one per column (e.g. the key tokens); duplicates are fine. */
  columnLabels: readonly string[];
  /** The figure title. */
  title: string;
  /** Label of the horizontal (column) axis, e.g. "source token (key)". */
  xLabel: string;
  /** Label of the vertical (row) axis, e.g. "target token (query)". */
  yLabel: string;
  /** Label of the colour ramp, e.g. "attention weight". */
  colorLabel: string;
  /** Digits after the point in the cell text, 0 to 20 (default 2); hover text uses 4. */
  digits?: number;
  /**
   * Values mapped to the lightest and darkest colour: exactly [lo, hi] with lo < hi (default: the
   * smallest and largest value).
   */
  colorDomain?: readonly [number, number];
  /** Side of one cell in pixels (default 40). */
  cellSize?: number;
  /**
   * Whether each cell shows its value as text (default true); false suits grids too fine to
   * read, whose values stay in the hover text.
   */
  showValues?: boolean;
  /**
   * The colour scheme: "blues" (default, light to dark, for values such as weights) or "rdbu"
   * (red through white to blue, for signed values; centre colorDomain on 0 to put white at 0).
   */
  scheme?: "blues" | "rdbu";
}

const HEATMAP_OPTIONS = [
  "values",
  "rowLabels",
  "columnLabels",
  "title",
  "xLabel",
  "yLabel",
  "colorLabel",
  "digits",
  "colorDomain",
  "cellSize",
  "showValues",
  "scheme",
] as const;

/**
 * Draws a matrix as a grid of coloured cells, each labelled with its value, e.g. attention
 * weights with queries as rows and keys as columns.
 *
 * cell (i, j) has colour c(values[i][j]), text fmt(values[i][j], digits) and hover text
 * "rowLabels[i] → columnLabels[j]: fmt(values[i][j])"
 *
 * @param options the values, shape [n, m], n row labels, m column labels, the title, the axis
 *   labels and the colour label; optionally `digits`, `colorDomain`, `cellSize`, `showValues`
 *   and `scheme`.
 * @returns the figure's HTML: title, colour ramp, and the grid.
 * @example
 * const html = heatmap({
 *   values: [[0.55, 0.45], [0.1, 0.9]],
 *   rowLabels: ["R", "E"],
 *   columnLabels: ["x", "y"],
 *   title: "Attention weights",
 *   xLabel: "key",
 *   yLabel: "query",
 *   colorLabel: "weight",
 * });
 * tslab.display.html(html);
 */
export function heatmap(options: HeatmapOptions): string {
  const fn = "heatmap";
  checkOptions(fn, options, HEATMAP_OPTIONS);
  if (options === undefined) throw new TypeError(`${fn}: options must be an object; got undefined`);
  checkTitle(fn, options.title);
  // A Matrix holds finite numbers by construction; nested arrays are checked here.
  if (!(options.values instanceof Matrix)) checkGrid(fn, options.values, "values");
  const values = options.values instanceof Matrix ? options.values.toArray() : options.values;
  const n = values.length;
  const m = values[0].length;
  const rowLabels = checkLabels(fn, "rowLabels", options.rowLabels, n, "row of values");
  const columnLabels = checkLabels(fn, "columnLabels", options.columnLabels, m, "column of values");
  const xLabel = checkText(fn, "xLabel", options.xLabel);
  const yLabel = checkText(fn, "yLabel", options.yLabel);
  const colorLabel = checkText(fn, "colorLabel", options.colorLabel);
  const digits = checkDigits(fn, options.digits, 2);
  const cellSize = options.cellSize ?? 40;
  checkFiniteNumber(fn, "cellSize", cellSize);
  if (cellSize <= 0) throw new RangeError(`${fn}: cellSize must be > 0; got ${cellSize}`);
  const [lo, hi] = colorDomain(fn, values, options.colorDomain);
  const showValues = options.showValues ?? true;
  if (typeof showValues !== "boolean") {
    throw new TypeError(`${fn}: showValues must be a boolean; got ${kindOf(showValues)}`);
  }
  const scheme = options.scheme ?? "blues";
  if (scheme !== "blues" && scheme !== "rdbu") {
    throw new RangeError(`${fn}: scheme must be "blues" or "rdbu"; got ${JSON.stringify(scheme)}`);
  }
  // Why: dark text on a dark cell would be unreadable. Blues darkens towards hi; RdBu darkens
  // towards both ends and is pale in the middle.
  const dark = (t: number): boolean => (scheme === "blues" ? t > 0.55 : Math.abs(t - 0.5) > 0.3);

  // 1. Cells: one datum per entry. Rows and columns are placed by index, not by label, so that a
  //    sentence with a repeated token still gets one row per token.
  const cells = values.flatMap((row, i) =>
    row.map((value, j) => ({
      i,
      j,
      value,
      text: fmt(value, digits),
      hover: `${rowLabels[i]} → ${columnLabels[j]}: ${fmt(value)}`,
      ink: dark((value - lo) / (hi - lo)) ? "white" : "black",
    })),
  );
  const color = { type: "linear", scheme, domain: [lo, hi], clamp: true } as const;

  // 2. The grid, sized so that cells are square and long row labels fit.
  const longestRowLabel = Math.max(...rowLabels.map((label) => label.length));
  const marginLeft = 36 + 7 * longestRowLabel;
  const marginTop = 44;
  const marginBottom = 8;
  const marginRight = 8;
  const grid = draw(fn, {
    title: options.title,
    width: marginLeft + m * cellSize + marginRight,
    height: marginTop + n * cellSize + marginBottom,
    marginLeft,
    marginTop,
    marginBottom,
    marginRight,
    x: {
      domain: columnLabels.map((_, j) => j),
      tickFormat: (j: number) => columnLabels[j],
      axis: "top",
      label: xLabel,
      padding: 0,
    },
    y: {
      domain: rowLabels.map((_, i) => i),
      tickFormat: (i: number) => rowLabels[i],
      label: yLabel,
      padding: 0,
    },
    color,
    marks: [
      Plot.cell(cells, { x: "j", y: "i", fill: "value", title: "hover", inset: 1 }),
      showValues
        ? Plot.text(cells, { x: "j", y: "i", text: "text", fill: { value: "ink", scale: null } })
        : null,
    ],
  });

  // 3. The colour ramp: 64 adjacent slices on an axis labelled with the colour label.
  const steps = 64;
  const slices = Array.from({ length: steps }, (_, k) => ({
    x1: lo + ((hi - lo) * k) / steps,
    x2: lo + ((hi - lo) * (k + 1)) / steps,
    middle: lo + ((hi - lo) * (k + 0.5)) / steps,
  }));
  // The tall bottom margin puts the colour label on its own line below the tick labels.
  const ramp = draw(fn, {
    width: 240,
    height: 56,
    marginLeft: 12,
    marginRight: 12,
    marginTop: 8,
    marginBottom: 36,
    x: {
      domain: [lo, hi],
      label: colorLabel,
      labelAnchor: "left",
      labelArrow: "none",
      labelOffset: 32,
      ticks: 4,
    },
    y: { axis: null },
    color,
    marks: [Plot.rect(slices, { x1: "x1", x2: "x2", fill: "middle" })],
  });
  ramp.setAttribute("aria-label", `${colorLabel} legend`);
  grid.insertBefore(ramp, grid.querySelector("svg"));
  return serialize(grid);
}

/** One line of a {@link lineChart}. */
export interface LineSeries {
  /** The name shown in the legend and hover text; unique within a chart. */
  name: string;
  /** The points [x, y], drawn joined in the given order. */
  points: readonly (readonly [number, number])[];
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  /** One or more series; a legend appears when there are several. */
  series: readonly LineSeries[];
  /** The figure title. */
  title: string;
  /** Label of the horizontal axis. */
  xLabel: string;
  /** Label of the vertical axis. */
  yLabel: string;
  /** Scale of the horizontal axis (default "linear"); "log" needs x > 0. */
  xType?: "linear" | "log";
  /** Scale of the vertical axis (default "linear"); "log" needs y > 0. */
  yType?: "linear" | "log";
  /** Extra Plot marks drawn on top, e.g. `Plot.ruleY([Math.log(8)])` for a limit. */
  marks?: readonly Plot.Markish[];
  /** Fixed vertical extent, exactly [lo, hi] with lo < hi, e.g. [0, 1] for an accuracy. */
  yDomain?: readonly [number, number];
  /** Digits after the point in hover text (default 4). */
  digits?: number;
}

const LINE_CHART_OPTIONS = [
  "series",
  "title",
  "xLabel",
  "yLabel",
  "xType",
  "yType",
  "marks",
  "yDomain",
  "digits",
] as const;

/**
 * Draws one or more series as lines with a dot at each point, hover text on each dot, and a
 * legend when there are several series.
 *
 * series s is the polyline through its points (x_k, y_k), k = 0, 1, …
 *
 * A log axis labels its ticks as plain numbers (0.01, 0.1, 1, 10, 1,000), not with Plot's SI
 * prefixes ("10m" for 0.01 reads like ten metres).
 *
 * @param options the series, the title, the axis labels; optionally axis types, extra marks, a
 *   fixed y extent and the hover digits.
 * @returns the figure's HTML.
 * @example
 * const html = lineChart({
 *   series: [{ name: "entropy", points: [[0.5, 0.2], [1, 0.8], [2, 1.3]] }],
 *   title: "Entropy of softmax(x / T)",
 *   xLabel: "temperature T",
 *   yLabel: "entropy (nats)",
 *   xType: "log",
 *   marks: [Plot.ruleY([Math.log(4)], { strokeDasharray: "4 2" })],
 * });
 * tslab.display.html(html);
 */
export function lineChart(options: LineChartOptions): string {
  const fn = "lineChart";
  checkOptions(fn, options, LINE_CHART_OPTIONS);
  if (options === undefined) throw new TypeError(`${fn}: options must be an object; got undefined`);
  checkTitle(fn, options.title);
  const xLabel = checkText(fn, "xLabel", options.xLabel);
  const yLabel = checkText(fn, "yLabel", options.yLabel);
  const xType = checkScaleType(fn, "xType", options.xType);
  const yType = checkScaleType(fn, "yType", options.yType);
  const digits = checkDigits(fn, options.digits, 4);
  const extra = options.marks ?? [];
  checkArray(fn, "marks", extra);
  const rows = checkSeries(fn, options.series, xType, yType, digits);
  const names = options.series.map((s) => s.name);
  const several = names.length > 1;

  const yDomain =
    options.yDomain === undefined ? undefined : checkInterval(fn, "yDomain", options.yDomain);

  const stroke = several ? "series" : "currentColor";
  // Why: smaller dots keep a dense series (a sweep of a hundred points) readable as a line, while
  // every point keeps its hover text.
  const longest = Math.max(...options.series.map((s) => s.points.length));
  const radius = longest > 40 ? 1.5 : 2.5;
  const figure = draw(fn, {
    title: options.title,
    grid: true,
    // Why: room for five-digit tick labels such as "24,000", which Plot's default margin clips.
    marginLeft: 56,
    x: { type: xType, label: xLabel, tickFormat: xType === "log" ? plainNumber : undefined },
    y: {
      type: yType,
      label: yLabel,
      domain: yDomain,
      tickFormat: yType === "log" ? plainNumber : undefined,
    },
    color: several ? { type: "categorical", domain: names, legend: true } : undefined,
    marks: [
      Plot.line(rows, { x: "x", y: "y", z: "series", stroke }),
      Plot.dot(rows, { x: "x", y: "y", fill: stroke, r: radius, title: "hover" }),
      ...extra,
    ],
  });
  return serialize(figure);
}

/** One jsdom document shared by all figures; Plot only creates detached elements in it. */
let sharedDocument: Document | undefined;

/**
 * The jsdom document. Its virtual console forwards nothing, so that the library never prints
 * (STYLE.md, "Logging").
 */
function getDocument(): Document {
  sharedDocument ??= new JSDOM("", { virtualConsole: new VirtualConsole() }).window.document;
  return sharedDocument;
}

/** Runs Plot.plot with the jsdom document and turns a canvas failure into a clear error. */
function draw(fn: string, options: Plot.PlotOptions): Element {
  try {
    return Plot.plot({ ...options, document: getDocument() }) as unknown as Element;
  } catch (error) {
    // Plot's continuous colour legend asks jsdom for a 2D canvas context, gets null, and fails
    // setting its fillStyle.
    if (error instanceof TypeError && /fillStyle/.test(error.message)) {
      throw new Error(
        `not supported yet: ${fn}: continuous colour legends (Plot draws them on a canvas, ` +
          "which jsdom lacks); use heatmap(), whose ramp is drawn with rect marks",
      );
    }
    throw error;
  }
}

/**
 * The figure's HTML with Plot's counter-based ids (clip paths, markers, patterns) renamed after a
 * hash of the figure itself. Plot numbers these ids from a counter shared by all figures, so the
 * same figure drawn twice would differ; the hash keeps it identical, yet distinct from other
 * figures on the same page.
 */
function serialize(element: Element): string {
  const html = element.outerHTML;
  const ids = new Map<string, string>();
  const placeholder = "spotlight-########-";
  const numbered = html.replace(/\bplot-(clip|marker|pattern)-\d+\b/g, (id, kind: string) => {
    if (!ids.has(id)) ids.set(id, `${placeholder}${kind}-${ids.size + 1}`);
    return ids.get(id) as string;
  });
  if (ids.size === 0) return html;
  const hash = createHash("sha256").update(numbered).digest("hex").slice(0, 8);
  return numbered.split(placeholder).join(`spotlight-${hash}-`);
}

/** Throws a TypeError unless the title is a non-empty string: every course figure has one. */
function checkTitle(fn: string, title: unknown): void {
  if (typeof title !== "string" || title.trim() === "") {
    throw new TypeError(
      `${fn}: title must be a non-empty string (every course figure has a title); ` +
        `got ${typeof title === "string" ? JSON.stringify(title) : kindOf(title)}`,
    );
  }
}

/** Throws a TypeError unless `value` is a string; returns it. */
function checkText(fn: string, argName: string, value: unknown): string {
  if (typeof value !== "string") {
    throw new TypeError(`${fn}: ${argName} must be a string; got ${kindOf(value)}`);
  }
  return value;
}

/** Validates the digits option (an integer in [0, 20], as `fmt` accepts) or supplies a default. */
function checkDigits(fn: string, digits: unknown, fallback: number): number {
  if (digits === undefined) return fallback;
  checkInteger(fn, "digits", digits, 0);
  if (digits > 20) throw new RangeError(`${fn}: digits must be <= 20; got ${digits}`);
  return digits;
}

/** Validates an axis type: "linear" (the default) or "log". */
function checkScaleType(fn: string, argName: string, type: unknown): "linear" | "log" {
  if (type === undefined) return "linear";
  if (type !== "linear" && type !== "log") {
    throw new RangeError(
      `${fn}: ${argName} must be "linear" or "log"; got ${JSON.stringify(type)}`,
    );
  }
  return type;
}

/** The colour domain: the option if given, else the data's extent, widened if it is one value. */
function colorDomain(
  fn: string,
  values: readonly (readonly number[])[],
  domain: unknown,
): [number, number] {
  if (domain !== undefined) return checkInterval(fn, "colorDomain", domain);
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of values) {
    for (const value of row) {
      lo = Math.min(lo, value);
      hi = Math.max(hi, value);
    }
  }
  // Why: a constant matrix (e.g. uniform attention) has an empty extent; centre it in a unit
  // range so every cell gets the middle colour instead of a division by zero.
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}

/** Validates an extent given as exactly two finite numbers [lo, hi] with lo < hi. */
function checkInterval(fn: string, argName: string, value: unknown): [number, number] {
  checkArray(fn, argName, value);
  if (value.length !== 2) {
    throw new RangeError(
      `${fn}: ${argName} must be [lo, hi], exactly two numbers; got ${value.length} entries`,
    );
  }
  const [lo, hi] = value;
  checkFiniteNumber(fn, `${argName}[0]`, lo);
  checkFiniteNumber(fn, `${argName}[1]`, hi);
  if (!(lo < hi)) {
    throw new RangeError(`${fn}: ${argName} must be [lo, hi] with lo < hi; got [${lo}, ${hi}]`);
  }
  return [lo, hi];
}

/**
 * Writes a tick value of a log axis as a plain decimal: 0.01, 0.5, 20, 1,000 (commas between
 * thousands), never in exponent form and never with an SI prefix.
 *
 * Which ticks get a label is still decided by the log scale's own tick format (d3-scale), which
 * Plot calls with this function: it writes "" for the crowded ticks between powers of ten and
 * hands the others to this function.
 */
function plainNumber(x: number): string {
  // Why 12 significant digits: tick values are k·10^e computed in float64, e.g. 3 × 0.1 =
  // 0.30000000000000004; rounding to 12 digits gives back the decimal the tick stands for.
  const [mantissa, exponentText] = Number(x.toPrecision(12)).toExponential().split("e");
  const sign = mantissa.startsWith("-") ? "-" : "";
  const digits = mantissa.replace("-", "").replace(".", ""); // d₀d₁d₂… with the point after d₀
  const exponent = Number(exponentText);
  let whole: string;
  let fraction: string;
  if (exponent < 0) {
    whole = "0";
    fraction = "0".repeat(-exponent - 1) + digits;
  } else {
    whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
    fraction = digits.slice(exponent + 1);
  }
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ",");
  return sign + grouped + (fraction === "" ? "" : `.${fraction}`);
}

/** A point of a line chart as Plot reads it. */
interface LineRow {
  series: string;
  x: number;
  y: number;
  hover: string;
}

/** Validates the series and flattens them into one row per point. */
function checkSeries(
  fn: string,
  series: unknown,
  xType: "linear" | "log",
  yType: "linear" | "log",
  digits: number,
): LineRow[] {
  checkArray(fn, "series", series);
  if (series.length === 0) throw new RangeError(`${fn}: series is empty; expected at least one`);
  const seen = new Set<string>();
  const rows: LineRow[] = [];
  series.forEach((s, k) => {
    const at = `series[${k}]`;
    checkOptions(fn, s, ["name", "points"], at);
    if (s === undefined) throw new TypeError(`${fn}: ${at} must be an object; got undefined`);
    const { name, points } = s as { name?: unknown; points?: unknown };
    if (typeof name !== "string" || name === "") {
      throw new TypeError(`${fn}: ${at}.name must be a non-empty string; got ${kindOf(name)}`);
    }
    if (seen.has(name))
      throw new RangeError(`${fn}: ${at}.name ${JSON.stringify(name)} is used twice`);
    seen.add(name);
    checkArray(fn, `${at}.points`, points);
    if (points.length === 0)
      throw new RangeError(`${fn}: ${at} (${JSON.stringify(name)}) has no points`);
    points.forEach((point, p) => {
      const where = `${at}.points[${p}]`;
      checkArray(fn, where, point);
      if (point.length !== 2) {
        throw new RangeError(`${fn}: ${where} must be [x, y]; got ${point.length} entries`);
      }
      const [x, y] = point;
      checkFiniteNumber(fn, `${where}[0]`, x);
      checkFiniteNumber(fn, `${where}[1]`, y);
      if (xType === "log" && x <= 0) {
        throw new RangeError(`${fn}: ${where} has x = ${x}; a log x axis needs x > 0`);
      }
      if (yType === "log" && y <= 0) {
        throw new RangeError(`${fn}: ${where} has y = ${y}; a log y axis needs y > 0`);
      }
      // Integers (lengths, steps) print whole; other x values get the chosen digits.
      const xText = Number.isInteger(x) ? fmt(x, 0) : fmt(x, digits);
      rows.push({ series: name, x, y, hover: `${name}: x = ${xText}, y = ${fmt(y, digits)}` });
    });
  });
  return rows;
}
