/**
 * The one number formatter of the course: every number a notebook prints goes through here.
 *
 * STYLE.md ("Notebooks") asks for printed numbers with a fixed number of digits, so that outputs
 * stay byte-stable across Node versions. `Number.prototype.toFixed` is specified digit for digit
 * by ECMA-262 (§21.1.3.3, Number.prototype.toFixed), and a fixed number of digits hides the
 * last-bit differences a runtime's Math.exp or Math.log may introduce, where `String(x)` would
 * print all seventeen significant digits. Matrices are laid out as plain aligned text.
 */

import type { Fraction } from "mathjs";
import {
  checkArray,
  checkGrid,
  checkInteger,
  checkLabels,
  checkNumber,
  checkOptions,
  kindOf,
} from "./check";
import { Matrix } from "./tensor";

/**
 * Prints a number with a fixed number of digits after the point.
 *
 * fmt(x, d) = x.toFixed(d), with "-0.0000" written "0.0000" and ±∞ written "Infinity"/"-Infinity"
 *
 * Numbers of magnitude 10^21 and above are printed in the same fixed form (all their integer
 * digits, then d zeros), where toFixed would switch to exponent form ("1e+21").
 *
 * NaN throws: a NaN in a printed result means an earlier step went wrong, and printing it would
 * bake the failure into a committed notebook output.
 *
 * @param x any number except NaN.
 * @param digits digits after the point, an integer in [0, 20] (default 4).
 * @returns the text, e.g. `"0.5500"`.
 * @example
 * fmt(0.55); // "0.5500"
 * fmt(-0.00001); // "0.0000"
 * fmt(8192 / 193, 2); // "42.45"
 * fmt(1e21, 1); // "1000000000000000000000.0"
 */
export function fmt(x: number, digits = 4): string {
  checkNumber("fmt", "x", x);
  checkDigits("fmt", digits);
  if (Number.isNaN(x)) {
    throw new RangeError("fmt: x is NaN; expected a number (a NaN means an earlier step failed)");
  }
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  // Why BigInt: toFixed hands numbers ≥ 10^21 to ToString, which writes "1e+21" (ECMA-262,
  // Number.prototype.toFixed, step 10). Every float64 that large is an integer, so BigInt holds
  // its exact value and writes all of its digits.
  if (Math.abs(x) >= 1e21) {
    return BigInt(x).toString() + (digits > 0 ? "." + "0".repeat(digits) : "");
  }
  const text = x.toFixed(digits);
  // Why: toFixed keeps the sign of -0 and of negatives that round to zero ("-0.0000"), which
  // would make a column of zeros flicker between two spellings.
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

/**
 * Prints a list of numbers through {@link fmt}, in brackets.
 *
 * fmtList([x_1, …, x_n], d) = "[" + fmt(x_1, d) + ", " + … + "]"
 *
 * @param xs a `number[]` (no NaN).
 * @param digits digits after the point (default 4).
 * @returns the text, e.g. `"[0.1000, 0.2000]"`.
 * @example fmtList([0.1, 0.2]); // "[0.1000, 0.2000]"
 */
export function fmtList(xs: readonly number[], digits = 4): string {
  checkArray("fmtList", "xs", xs);
  checkDigits("fmtList", digits);
  return `[${xs.map((x, k) => cell("fmtList", `xs[${k}]`, x, digits)).join(", ")}]`;
}

/** Options of {@link fmtMatrix}. */
export interface FmtMatrixOptions {
  /** One label per row, printed left-aligned before the row (e.g. the query tokens). */
  rowLabels?: readonly string[];
  /** One label per column, printed right-aligned above the column (e.g. the key tokens). */
  colLabels?: readonly string[];
}

const FMT_MATRIX_OPTIONS = ["rowLabels", "colLabels"] as const;

/**
 * Prints a matrix as an aligned text table, numbers through {@link fmt}.
 *
 * cell (i, j) = fmt(M[i][j], d), right-aligned in a column as wide as its widest entry or label
 *
 * @param m a Matrix or a rectangular `number[][]` of shape [n, m] (no NaN).
 * @param digits digits after the point (default 4).
 * @param options `rowLabels` (length n) and `colLabels` (length m).
 * @returns lines joined by "\n", columns separated by two spaces, no trailing spaces.
 * @example
 * fmtMatrix([[0.9, 0.1], [0.25, 0.75]], 2, { rowLabels: ["R", "E"], colLabels: ["x", "y"] });
 * // "      x     y\n" +
 * // "R  0.90  0.10\n" +
 * // "E  0.25  0.75"
 */
export function fmtMatrix(
  m: Matrix | readonly (readonly number[])[],
  digits = 4,
  options: FmtMatrixOptions = {},
): string {
  checkDigits("fmtMatrix", digits);
  checkOptions("fmtMatrix", options, FMT_MATRIX_OPTIONS);
  if (!(m instanceof Matrix)) checkGrid("fmtMatrix", m, "m");
  const rows = m instanceof Matrix ? m.toArray() : m;
  const n = rows.length;
  const cols = rows[0].length;
  const rowLabels =
    options.rowLabels && checkLabels("fmtMatrix", "rowLabels", options.rowLabels, n, "row");
  const colLabels =
    options.colLabels && checkLabels("fmtMatrix", "colLabels", options.colLabels, cols, "column");

  // 1. Format every cell, then size each column to its widest cell or label.
  const cells = rows.map((row, i) =>
    row.map((x, j) => cell("fmtMatrix", `m[${i}, ${j}]`, x, digits)),
  );
  const widths = Array.from({ length: cols }, (_, j) =>
    Math.max(colLabels?.[j].length ?? 0, ...cells.map((row) => row[j].length)),
  );
  const labelWidth = rowLabels === undefined ? 0 : Math.max(...rowLabels.map((l) => l.length));

  // 2. Lay out: an optional header line, then one line per row.
  const line = (label: string | undefined, entries: readonly string[]): string => {
    const parts = entries.map((entry, j) => entry.padStart(widths[j]));
    if (label !== undefined) parts.unshift(label.padEnd(labelWidth));
    return parts.join("  ").trimEnd();
  };
  const lines = cells.map((row, i) => line(rowLabels?.[i], row));
  if (colLabels !== undefined) {
    // The header's label slot is blank, so the column labels sit above their columns.
    const blank = rowLabels === undefined ? undefined : "";
    lines.unshift(line(blank, colLabels));
  }
  return lines.join("\n");
}

/**
 * Prints an exact fraction as numerator/denominator in lowest terms, or as an integer.
 *
 * fmtFraction(p/q) = "p/q", or "p" when q = 1
 *
 * @param f a mathjs Fraction, e.g. from `breakEvenAttentionSize`.
 * @returns the text, e.g. `"8192/193"`.
 * @example fmtFraction(breakEvenAttentionSize(64, 128)); // "8192/193"
 */
export function fmtFraction(f: Fraction): string {
  const parts = f as unknown as { s?: unknown; n?: unknown; d?: unknown };
  if (
    f === null ||
    typeof f !== "object" ||
    typeof parts.s !== "bigint" ||
    typeof parts.n !== "bigint" ||
    typeof parts.d !== "bigint"
  ) {
    throw new TypeError(`fmtFraction: f must be a mathjs Fraction; got ${kindOf(f)}`);
  }
  // mathjs keeps fractions in lowest terms with n, d ≥ 0 and the sign in s.
  const sign = parts.s < 0n && parts.n !== 0n ? "-" : "";
  return parts.d === 1n ? `${sign}${parts.n}` : `${sign}${parts.n}/${parts.d}`;
}

/** Throws unless `digits` is an integer in [0, 20], the range every runtime's toFixed accepts. */
function checkDigits(fn: string, digits: unknown): void {
  checkInteger(fn, "digits", digits, 0);
  if (digits > 20) throw new RangeError(`${fn}: digits must be <= 20; got ${digits}`);
}

/** Formats one entry of a list or matrix, naming its position if it cannot be printed. */
function cell(fn: string, at: string, x: unknown, digits: number): string {
  checkNumber(fn, at, x);
  if (Number.isNaN(x)) throw new RangeError(`${fn}: ${at} is NaN; expected a number`);
  return fmt(x, digits);
}
