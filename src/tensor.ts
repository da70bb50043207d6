/**
 * The Matrix: a flat, row-major Float64Array with a readonly shape [rows, cols].
 *
 * Everything in the course is a matrix of row vectors (README, "Glossary of symbols"): n queries form a
 * Matrix of shape [n, dK], and a projection weight of shape [dIn, dOut] is applied as X·W. Entry
 * (i, j) lives at data[i·cols + j]. Nested arrays appear only at the edges (`matrix()` in,
 * `toArray()` out).
 *
 * A Matrix holds finite numbers only. `matrix()` and `fromFlat()` name a bad entry of their input;
 * every operation whose arithmetic can overflow checks its result and names itself (e.g.
 * `scale: the result overflowed to Infinity at [0, 0] …`); and the constructor rejects NaN and ±∞
 * as the last line of defence. So a NaN or an Infinity never travels from one step to the next,
 * and a masked row can never hide one.
 */

import {
  checkFinite,
  checkGrid,
  checkInteger,
  checkPositiveInteger,
  checkResult,
  firstNonFinite,
  kindOf,
  showNumber,
} from "./check";

/**
 * The data array that {@link resultMatrix} has just scanned, so that the constructor it calls
 * next need not scan it a second time. Consumed (reset) by the very next construction.
 */
let scanned: Float64Array | undefined;

/**
 * A dense float64 matrix stored row-major in one flat array.
 *
 * M ∈ ℝ^(rows×cols), M[i][j] = data[i·cols + j]
 *
 * Treat `data` as read-only: every operation in the library returns a new Matrix and leaves its
 * inputs alone. The constructor takes ownership of `data` without copying; use {@link fromFlat}
 * to copy from a plain array. Every entry must be finite: NaN or ±∞ throws a RangeError naming
 * the entry `[i, j]`.
 *
 * @example
 * const m = new Matrix(new Float64Array([1, 2, 3, 4, 5, 6]), 2, 3);
 * m.shape; // [2, 3]
 * m.get(1, 0); // 4
 */
export class Matrix {
  /** The shape `[rows, cols]`. */
  readonly shape: readonly [number, number];
  /** Number of rows (for a set of queries: n). */
  readonly rows: number;
  /** Number of columns (for a set of queries: dK). */
  readonly cols: number;
  /** The entries, row-major: entry (i, j) is `data[i * cols + j]`. */
  readonly data: Float64Array;

  constructor(data: Float64Array, rows: number, cols: number) {
    // NOTE: read and reset first, so that the mark can never outlive this one construction.
    const alreadyScanned = data === scanned;
    scanned = undefined;
    if (!(data instanceof Float64Array)) {
      throw new TypeError(`Matrix: data must be a Float64Array; got ${kindOf(data)}`);
    }
    checkPositiveInteger("Matrix", "rows", rows);
    checkPositiveInteger("Matrix", "cols", cols);
    if (data.length !== rows * cols) {
      throw new RangeError(
        `Matrix: data must have rows * cols = ${rows * cols} entries for shape ` +
          `[${rows}, ${cols}]; got ${data.length}`,
      );
    }
    const bad = alreadyScanned ? -1 : firstNonFinite(data);
    if (bad >= 0) {
      const [i, j] = [Math.floor(bad / cols), bad % cols];
      throw new RangeError(
        `Matrix: data[${i}, ${j}] is ${showNumber(data[bad])}; expected a finite number ` +
          "(a Matrix holds finite numbers only)",
      );
    }
    this.data = data;
    this.rows = rows;
    this.cols = cols;
    this.shape = Object.freeze([rows, cols] as const);
  }

  /**
   * Reads one entry.
   *
   * get(i, j) = M[i][j]
   *
   * @param i row index in [0, rows).
   * @param j column index in [0, cols).
   * @returns the entry.
   * @example matrix([[1, 2], [3, 4]]).get(1, 0); // 3
   */
  get(i: number, j: number): number {
    checkIndex("Matrix.get", "i", i, this.rows);
    checkIndex("Matrix.get", "j", j, this.cols);
    return this.data[i * this.cols + j];
  }

  /**
   * Copies one row out as a plain array.
   *
   * row(i) = M[i][·], of length cols
   *
   * @param i row index in [0, rows).
   * @returns a new `number[]` of length cols.
   * @example matrix([[1, 2], [3, 4]]).row(1); // [3, 4]
   */
  row(i: number): number[] {
    checkIndex("Matrix.row", "i", i, this.rows);
    return Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols));
  }

  /**
   * Copies one column out as a plain array.
   *
   * column(j) = M[·][j], of length rows
   *
   * @param j column index in [0, cols).
   * @returns a new `number[]` of length rows.
   * @example matrix([[1, 2], [3, 4]]).column(1); // [2, 4]
   */
  column(j: number): number[] {
    checkIndex("Matrix.column", "j", j, this.cols);
    const out = new Array<number>(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = this.data[i * this.cols + j];
    return out;
  }

  /**
   * Copies the matrix out as nested arrays, one inner array per row.
   *
   * toArray()[i][j] = M[i][j]
   *
   * @returns a new `number[][]` of shape [rows, cols].
   * @example matrix([[1, 2], [3, 4]]).toArray(); // [[1, 2], [3, 4]]
   */
  toArray(): number[][] {
    const out = new Array<number[]>(this.rows);
    for (let i = 0; i < this.rows; i++) {
      out[i] = Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols));
    }
    return out;
  }
}

/**
 * Builds a Matrix from nested arrays, one inner array per row.
 *
 * M[i][j] = rows[i][j]
 *
 * @param rows a non-empty rectangular `number[][]` of finite numbers, shape [r, c].
 * @returns a new Matrix of shape [r, c].
 * @example
 * const queries = matrix([[1, 0], [0, 1], [1, 1]]);
 * queries.shape; // [3, 2]
 */
export function matrix(rows: readonly (readonly number[])[]): Matrix {
  const [r, c] = checkGrid("matrix", rows);
  const data = new Float64Array(r * c);
  for (let i = 0; i < r; i++) data.set(rows[i], i * c);
  return new Matrix(data, r, c);
}

/**
 * Builds a Matrix by copying a flat row-major list.
 *
 * M[i][j] = data[i·cols + j]
 *
 * @param data `rows * cols` finite numbers, row-major.
 * @param rows number of rows (≥ 1).
 * @param cols number of columns (≥ 1).
 * @returns a new Matrix of shape [rows, cols].
 * @example fromFlat([1, 2, 3, 4, 5, 6], 2, 3).toArray(); // [[1, 2, 3], [4, 5, 6]]
 */
export function fromFlat(data: ArrayLike<number>, rows: number, cols: number): Matrix {
  checkPositiveInteger("fromFlat", "rows", rows);
  checkPositiveInteger("fromFlat", "cols", cols);
  if (data === null || typeof data !== "object" || typeof data.length !== "number") {
    throw new TypeError(`fromFlat: data must be an array of numbers; got ${kindOf(data)}`);
  }
  if (data.length !== rows * cols) {
    throw new RangeError(
      `fromFlat: data must have rows * cols = ${rows * cols} entries; got ${data.length}`,
    );
  }
  checkFinite("fromFlat", "data", data, cols);
  return new Matrix(Float64Array.from(data), rows, cols);
}

/**
 * Wraps an operation's freshly computed output in a Matrix after checking it with `checkResult`,
 * so that NaN or ±∞ is reported in the operation's own words (e.g. `scale: the result overflowed
 * to Infinity at [0, 0] (a[0, 0] = 1e308, s = 10)`) rather than by the constructor. The one scan
 * of `checkResult` stands in for the constructor's. Takes ownership of `data`. For the library's
 * operations; not part of the public face.
 *
 * M = data as [rows, cols], every entry finite
 *
 * @param fn the public function being called.
 * @param data the output, row-major, `rows * cols` entries.
 * @param rows number of rows.
 * @param cols number of columns.
 * @param cause optional: the inputs behind entry (i, j), built only if the check fails.
 * @param what what the output is (default "the result").
 * @returns a new Matrix of shape [rows, cols].
 * @example resultMatrix("scale", Float64Array.of(2, 4), 1, 2); // [[2, 4]]
 */
export function resultMatrix(
  fn: string,
  data: Float64Array,
  rows: number,
  cols: number,
  cause?: (i: number, j: number) => string,
  what?: string,
): Matrix {
  checkResult(fn, data, cols, cause, what);
  scanned = data;
  return new Matrix(data, rows, cols);
}

/**
 * Allocates the zeroed storage of a rows × cols matrix, or throws a RangeError naming the
 * function and the size when the runtime cannot (V8 refuses typed arrays beyond about 2^32
 * entries, and memory may run out well before that).
 *
 * @param fn the public function allocating, for the message.
 * @example allocate("zeros", 2, 3).length; // 6
 */
export function allocate(fn: string, rows: number, cols: number): Float64Array {
  try {
    return new Float64Array(rows * cols);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new RangeError(
      `${fn}: cannot allocate a [${rows}, ${cols}] matrix (${rows * cols} entries, ` +
        `${((rows * cols * 8) / 2 ** 30).toFixed(1)} GiB of float64)`,
    );
  }
}

/**
 * Builds a Matrix of zeros.
 *
 * M = 0 ∈ ℝ^(rows×cols)
 *
 * @param rows number of rows (≥ 1).
 * @param cols number of columns (≥ 1).
 * @returns a new Matrix of shape [rows, cols].
 * @example zeros(2, 3).toArray(); // [[0, 0, 0], [0, 0, 0]]
 */
export function zeros(rows: number, cols: number): Matrix {
  checkPositiveInteger("zeros", "rows", rows);
  checkPositiveInteger("zeros", "cols", cols);
  return new Matrix(allocate("zeros", rows, cols), rows, cols);
}

/**
 * Builds the n×n identity matrix.
 *
 * I[i][j] = 1 if i = j, else 0
 *
 * @param n the size (≥ 1).
 * @returns a new Matrix of shape [n, n].
 * @example identity(2).toArray(); // [[1, 0], [0, 1]]
 */
export function identity(n: number): Matrix {
  checkPositiveInteger("identity", "n", n);
  const data = allocate("identity", n, n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return new Matrix(data, n, n);
}

/**
 * Copies a Matrix out as nested arrays; the function form of `m.toArray()`.
 *
 * toArray(M)[i][j] = M[i][j]
 *
 * @param m a Matrix of shape [r, c].
 * @returns a new `number[][]` of shape [r, c].
 * @example toArray(identity(2)); // [[1, 0], [0, 1]]
 */
export function toArray(m: Matrix): number[][] {
  checkMatrix("toArray", "m", m);
  return m.toArray();
}

/**
 * Tells whether a value is a Matrix.
 *
 * @param value anything.
 * @returns true for a Matrix.
 * @example isMatrix(zeros(1, 1)); // true
 */
export function isMatrix(value: unknown): value is Matrix {
  return value instanceof Matrix;
}

/**
 * Throws a TypeError unless `value` is a Matrix; the kind check every operation starts with.
 *
 * @param fn the public function being called.
 * @param argName the argument.
 * @param value the value received.
 * @example checkMatrix("matmul", "a", zeros(2, 2)); // passes
 */
export function checkMatrix(fn: string, argName: string, value: unknown): asserts value is Matrix {
  if (!(value instanceof Matrix)) {
    throw new TypeError(`${fn}: ${argName} must be a Matrix; got ${kindOf(value)}`);
  }
}

/** Throws a RangeError unless `index` is an integer in [0, size). */
function checkIndex(fn: string, argName: string, index: number, size: number): void {
  checkInteger(fn, argName, index, 0);
  if (index >= size) {
    throw new RangeError(`${fn}: ${argName} must be < ${size}; got ${index}`);
  }
}
