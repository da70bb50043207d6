// The one closeness assertion of the unit tests (STYLE.md, "Tests"): compares numbers, lists,
// nested lists and matrices entry by entry with |actual − expected| ≤ atol + rtol·|expected|
// (the rule numpy.isclose uses), and on failure reports the first index that differs with both
// values, so a failing test says where to look.

import { assert } from "chai";
import { Matrix } from "../../src/tensor";

/** Tolerances of {@link expectClose}. */
export interface CloseOptions {
  /** Relative tolerance (default 1e-9). */
  rtol?: number;
  /** Absolute tolerance (default 1e-12), for entries whose expected value is near 0. */
  atol?: number;
}

/** What {@link expectClose} compares. */
export type Numeric =
  | number
  | readonly number[]
  | readonly (readonly number[])[]
  | Float64Array
  | Matrix;

/** A value flattened for comparison: its shape and its entries, row-major. */
interface Flat {
  shape: number[];
  values: ArrayLike<number>;
}

/**
 * Asserts that `actual` is close to `expected` entry by entry.
 *
 * |a − e| ≤ atol + rtol·|e| for every entry; NaN is never close; ±∞ is close only to itself
 *
 * @param actual a number, number[], number[][], Float64Array or Matrix.
 * @param expected the same kind of value with the same shape (a Matrix and a number[][] of the
 *   same shape compare fine).
 * @param options `rtol` (default 1e-9) and `atol` (default 1e-12).
 * @example expectClose(softmax([0, 0]), [0.5, 0.5]);
 */
export function expectClose(actual: Numeric, expected: Numeric, options: CloseOptions = {}): void {
  const rtol = options.rtol ?? 1e-9;
  const atol = options.atol ?? 1e-12;
  const a = flatten(actual, "actual");
  const e = flatten(expected, "expected");
  if (a.shape.join(",") !== e.shape.join(",")) {
    const show = (shape: number[]) => `[${shape.join(", ")}]`;
    assert.fail(`expectClose: shapes differ; actual ${show(a.shape)}, expected ${show(e.shape)}`);
  }
  for (let k = 0; k < e.values.length; k++) {
    const x = a.values[k];
    const y = e.values[k];
    const tol = atol + rtol * Math.abs(y);
    // Why the finiteness test: with y = ±∞ the tolerance is ∞ itself and would accept anything.
    const close = x === y || (Number.isFinite(y) && Math.abs(x - y) <= tol);
    if (!close) {
      assert.fail(
        `expectClose: first difference at ${indexOf(k, e.shape)}: actual ${x}, expected ${y} ` +
          `(|diff| ${Math.abs(x - y)} > tol ${tol})`,
      );
    }
  }
}

/** Reads any supported value into a shape and a flat list of entries. */
function flatten(value: Numeric, name: string): Flat {
  if (typeof value === "number") return { shape: [], values: [value] };
  if (value instanceof Matrix) return { shape: [value.rows, value.cols], values: value.data };
  if (value instanceof Float64Array) return { shape: [value.length], values: value };
  if (!Array.isArray(value)) assert.fail(`expectClose: ${name} is not a number, list or Matrix`);
  if (value.length === 0 || !Array.isArray(value[0])) {
    value.forEach((x, k) => {
      if (typeof x !== "number") assert.fail(`expectClose: ${name}[${k}] is not a number`);
    });
    return { shape: [value.length], values: value as readonly number[] };
  }
  const rows = value as readonly (readonly number[])[];
  const cols = rows[0].length;
  rows.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== cols) {
      assert.fail(`expectClose: ${name} is ragged; row ${i} differs in length from row 0`);
    }
  });
  return { shape: [rows.length, cols], values: rows.flat() };
}

/** Writes flat index k as `[k]` or `[i, j]` for the given shape. */
function indexOf(k: number, shape: readonly number[]): string {
  if (shape.length === 0) return "the value";
  if (shape.length === 1) return `[${k}]`;
  return `[${Math.floor(k / shape[1])}, ${k % shape[1]}]`;
}
