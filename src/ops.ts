/**
 * Matrix operations: product, transpose, element-wise arithmetic, bias broadcast, reductions and
 * seeded random initialisation.
 *
 * These are the linear-algebra steps of every attention equation in the course, e.g. the scores
 * Q·Kᵀ and the mix A·V of scaled dot-product attention (Vaswani et al., "Attention Is All You
 * Need", 2017, Eq. 1). Every operation returns a new Matrix and leaves its inputs alone; shapes
 * are checked through src/check.ts.
 *
 * Every operation whose arithmetic can overflow (a product, a sum, a scaling, a user's function)
 * checks its result (`checkResult`, or `resultMatrix` for a Matrix) and throws a RangeError
 * naming itself, the entry and the inputs behind it, e.g. `scale: the result overflowed to
 * Infinity at [0, 0] (a[0, 0] = 1e308, s = 10)`, instead of returning a NaN or an Infinity that
 * would travel on.
 */

import {
  checkFiniteNumber,
  checkInner,
  checkLength,
  checkNumberArray,
  checkOptions,
  checkPositiveInteger,
  checkResult,
  checkSameShape,
  kindOf,
  showNumber,
} from "./check";
import { type Random, checkNormalParameters } from "./random";
import { Matrix, allocate, checkMatrix, resultMatrix } from "./tensor";

/**
 * Multiplies two matrices.
 *
 * C = A·B, C[i][j] = Σ_k A[i][k]·B[k][j]
 *
 * @param a shape (n, k).
 * @param b shape (k, m).
 * @returns a new Matrix of shape (n, m).
 * @example matmul(matrix([[1, 2]]), matrix([[3], [4]])).toArray(); // [[11]]
 */
export function matmul(a: Matrix, b: Matrix): Matrix {
  checkMatrix("matmul", "a", a);
  checkMatrix("matmul", "b", b);
  return multiply("matmul", "a", a, "b", b, "the result");
}

/**
 * The body of {@link matmul}, for library functions that multiply inside (multi-head attention's
 * projections, the bilinear score) and must name themselves and their arguments in a shape or
 * overflow error. Not part of the public face.
 *
 * C = A·B
 *
 * @param fn the public function being called.
 * @param aName the left operand's name, e.g. `"x"`.
 * @param a a Matrix of shape (n, k).
 * @param bName the right operand's name, e.g. `"wQuery"`.
 * @param b a Matrix of shape (k, m).
 * @param what what the product is, for an overflow message, e.g. `"x·wQuery"`.
 * @returns a new Matrix of shape (n, m).
 * @example multiply("multiHeadAttention", "x", x, "wQuery", wQuery, "x·wQuery");
 */
export function multiply(
  fn: string,
  aName: string,
  a: Matrix,
  bName: string,
  b: Matrix,
  what: string,
): Matrix {
  checkInner(fn, aName, a.shape, bName, b.shape);
  const [n, k] = a.shape;
  const m = b.cols;
  const x = a.data;
  const y = b.data;
  const out = new Float64Array(n * m); // (n, k)·(k, m) → (n, m)

  // Why i-k-j: the inner loop walks one row of b and one row of out, both contiguous in memory,
  // instead of striding down a column of b as the textbook i-j-k order does. Each out[i][j] still
  // adds its k terms in the order 0, 1, …, k − 1, so the result is bit-identical to i-j-k.
  for (let i = 0; i < n; i++) {
    const outRow = i * m;
    for (let p = 0; p < k; p++) {
      const aip = x[i * k + p];
      const bRow = p * m;
      for (let j = 0; j < m; j++) out[outRow + j] += aip * y[bRow + j];
    }
  }
  // A NaN here means two products overflowed with opposite signs (∞ − ∞).
  const cause = (i: number, j: number): string => `row ${i} of ${aName} · column ${j} of ${bName}`;
  return resultMatrix(fn, out, n, m, cause, what);
}

/**
 * Swaps rows and columns.
 *
 * Aᵀ[j][i] = A[i][j]
 *
 * @param a shape (n, m).
 * @returns a new Matrix of shape (m, n).
 * @example transpose(matrix([[1, 2, 3]])).toArray(); // [[1], [2], [3]]
 */
export function transpose(a: Matrix): Matrix {
  checkMatrix("transpose", "a", a);
  const [n, m] = a.shape;
  const out = new Float64Array(m * n); // (n, m) → (m, n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) out[j * n + i] = a.data[i * m + j];
  }
  return new Matrix(out, m, n);
}

/**
 * Adds two matrices entry by entry.
 *
 * C[i][j] = A[i][j] + B[i][j]
 *
 * @param a shape (n, m).
 * @param b shape (n, m).
 * @returns a new Matrix of shape (n, m).
 * @example add(matrix([[1, 2]]), matrix([[10, 20]])).toArray(); // [[11, 22]]
 */
export function add(a: Matrix, b: Matrix): Matrix {
  return zipWith("add", a, b, (x, y) => x + y);
}

/**
 * Subtracts the second matrix from the first entry by entry.
 *
 * C[i][j] = A[i][j] − B[i][j]
 *
 * @param a shape (n, m).
 * @param b shape (n, m).
 * @returns a new Matrix of shape (n, m).
 * @example sub(matrix([[5, 5]]), matrix([[1, 2]])).toArray(); // [[4, 3]]
 */
export function sub(a: Matrix, b: Matrix): Matrix {
  return zipWith("sub", a, b, (x, y) => x - y);
}

/**
 * Multiplies two matrices entry by entry (the Hadamard product).
 *
 * C = A ⊙ B, C[i][j] = A[i][j]·B[i][j]
 *
 * @param a shape (n, m).
 * @param b shape (n, m).
 * @returns a new Matrix of shape (n, m).
 * @example hadamard(matrix([[1, 2]]), matrix([[3, 4]])).toArray(); // [[3, 8]]
 */
export function hadamard(a: Matrix, b: Matrix): Matrix {
  return zipWith("hadamard", a, b, (x, y) => x * y);
}

/**
 * Multiplies every entry by one number.
 *
 * C = s·A
 *
 * @param a shape (n, m).
 * @param s a finite number, e.g. 1/√dK.
 * @returns a new Matrix of shape (n, m).
 * @example scale(matrix([[1, 2]]), 0.5).toArray(); // [[0.5, 1]]
 */
export function scale(a: Matrix, s: number): Matrix {
  checkMatrix("scale", "a", a);
  checkFiniteNumber("scale", "s", s);
  const out = new Float64Array(a.data.length);
  for (let k = 0; k < out.length; k++) out[k] = a.data[k] * s;
  const cause = (i: number, j: number): string => `${entry("a", a, i, j)}, s = ${showNumber(s)}`;
  return resultMatrix("scale", out, a.rows, a.cols, cause);
}

/**
 * Applies a function to every entry.
 *
 * C[i][j] = f(A[i][j], i, j)
 *
 * @param a shape (n, m).
 * @param f called with the entry and its row and column; must return a finite number.
 * @returns a new Matrix of shape (n, m).
 * @example map(matrix([[0, 1]]), Math.tanh).get(0, 1); // 0.7615941559557649
 */
export function map(a: Matrix, f: (value: number, i: number, j: number) => number): Matrix {
  checkMatrix("map", "a", a);
  if (typeof f !== "function") throw new TypeError(`map: f must be a function; got ${kindOf(f)}`);
  const [n, m] = a.shape;
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const value = f(a.data[i * m + j], i, j);
      if (typeof value !== "number") {
        throw new TypeError(`map: f must return a number; got ${kindOf(value)} at [${i}, ${j}]`);
      }
      if (!Number.isFinite(value)) {
        throw new RangeError(
          `map: f returned ${showNumber(value)} at [${i}, ${j}] (${entry("a", a, i, j)}); ` +
            "expected a finite number",
        );
      }
      out[i * m + j] = value;
    }
  }
  return new Matrix(out, n, m);
}

/**
 * Adds one row vector to every row: the bias broadcast of a linear layer X·W + b.
 *
 * C[i][j] = A[i][j] + v[j]
 *
 * @param a shape (n, m).
 * @param v a `number[]` of length m.
 * @returns a new Matrix of shape (n, m).
 * @example addRowVector(matrix([[1, 2], [3, 4]]), [10, 20]).toArray(); // [[11, 22], [13, 24]]
 */
export function addRowVector(a: Matrix, v: readonly number[]): Matrix {
  checkMatrix("addRowVector", "a", a);
  checkNumberArray("addRowVector", "v", v);
  checkLength("addRowVector", "v", v.length, a.cols, "the columns of a");
  const [n, m] = a.shape;
  const out = new Float64Array(n * m); // (n, m) + (m) → (n, m)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) out[i * m + j] = a.data[i * m + j] + v[j];
  }
  const cause = (i: number, j: number): string => `${entry("a", a, i, j)}, v[${j}] = ${v[j]}`;
  return resultMatrix("addRowVector", out, n, m, cause);
}

/**
 * Sums each row: one total per row, e.g. to check that attention weights sum to 1 per query.
 *
 * r[i] = Σ_j A[i][j]
 *
 * @param a shape (n, m).
 * @returns a `number[]` of length n.
 * @example rowSums(matrix([[1, 2], [3, 4]])); // [3, 7]
 */
export function rowSums(a: Matrix): number[] {
  checkMatrix("rowSums", "a", a);
  const [n, m] = a.shape;
  const out = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) out[i] += a.data[i * m + j];
  }
  checkResult("rowSums", out, undefined, (i) => `the sum of row ${i} of a`);
  return out;
}

/**
 * Sums each column: one total per column, e.g. how much attention each key receives.
 *
 * c[j] = Σ_i A[i][j]
 *
 * @param a shape (n, m).
 * @returns a `number[]` of length m.
 * @example columnSums(matrix([[1, 2], [3, 4]])); // [4, 6]
 */
export function columnSums(a: Matrix): number[] {
  checkMatrix("columnSums", "a", a);
  const [n, m] = a.shape;
  const out = new Array<number>(m).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) out[j] += a.data[i * m + j];
  }
  checkResult("columnSums", out, undefined, (j) => `the sum of column ${j} of a`);
  return out;
}

/**
 * Sums every entry.
 *
 * s = Σ_i Σ_j A[i][j]
 *
 * @param a shape (n, m).
 * @returns the total.
 * @example sum(matrix([[1, 2], [3, 4]])); // 10
 */
export function sum(a: Matrix): number {
  checkMatrix("sum", "a", a);
  let total = 0;
  for (let k = 0; k < a.data.length; k++) total += a.data[k];
  checkResult("sum", [total], undefined, () => "the sum of every entry of a");
  return total;
}

/** Options of {@link randomMatrix}. */
export interface RandomMatrixOptions {
  /** Mean of the normal distribution (default 0). */
  mean?: number;
  /**
   * Standard deviation, finite and ≥ 0 (default 1), small enough that |mean| + 8.6·std stays
   * finite (no draw lies further than 8.58 standard deviations from the mean).
   */
  std?: number;
}

const RANDOM_MATRIX_OPTIONS = ["mean", "std"] as const;

/**
 * Fills a matrix with independent normal samples from a seeded generator, row by row.
 *
 * M[i][j] ~ 𝒩(mean, std²), drawn in row-major order
 *
 * @param rng a generator from `createRandom`.
 * @param rows number of rows (≥ 1).
 * @param cols number of columns (≥ 1).
 * @param options `mean` (default 0) and `std` (default 1).
 * @returns a new Matrix of shape (rows, cols).
 * @example
 * const wQuery = randomMatrix(createRandom(7), 8, 4, { std: 1 / Math.sqrt(8) });
 * wQuery.shape; // [8, 4]
 */
export function randomMatrix(
  rng: Random,
  rows: number,
  cols: number,
  options: RandomMatrixOptions = {},
): Matrix {
  if (rng === null || typeof rng !== "object" || typeof rng.normal !== "function") {
    throw new TypeError(`randomMatrix: rng must come from createRandom; got ${kindOf(rng)}`);
  }
  checkPositiveInteger("randomMatrix", "rows", rows);
  checkPositiveInteger("randomMatrix", "cols", cols);
  checkOptions("randomMatrix", options, RANDOM_MATRIX_OPTIONS);
  const mean = options.mean ?? 0;
  const std = options.std ?? 1;
  // Checked here, before any draw, so that the message names randomMatrix rather than normal.
  checkNormalParameters("randomMatrix", mean, std);
  const out = allocate("randomMatrix", rows, cols);
  for (let k = 0; k < out.length; k++) out[k] = rng.normal(mean, std);
  return resultMatrix("randomMatrix", out, rows, cols, () => `mean = ${mean}, std = ${std}`);
}

/** Shared body of the element-wise binary operations: checks, then one pass over both arrays. */
function zipWith(fn: string, a: Matrix, b: Matrix, f: (x: number, y: number) => number): Matrix {
  checkMatrix(fn, "a", a);
  checkMatrix(fn, "b", b);
  checkSameShape(fn, "a", a.shape, "b", b.shape);
  const out = new Float64Array(a.data.length);
  for (let k = 0; k < out.length; k++) out[k] = f(a.data[k], b.data[k]);
  const cause = (i: number, j: number): string => `${entry("a", a, i, j)}, ${entry("b", b, i, j)}`;
  return resultMatrix(fn, out, a.rows, a.cols, cause);
}

/** Names an entry and its value for a message, e.g. `a[0, 1] = 1e308`. */
function entry(name: string, m: Matrix, i: number, j: number): string {
  return `${name}[${i}, ${j}] = ${m.data[i * m.cols + j]}`;
}
