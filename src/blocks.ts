/**
 * Matrices assembled from blocks: side by side, and along a diagonal.
 *
 * Multi-head attention slices its projections into one block of columns per head (Vaswani et
 * al., "Attention Is All You Need", 2017, §3.2.2); these two functions build such projections by
 * hand, e.g. a model input that is a token's features followed by its positional encoding, and a
 * query projection whose first head reads only the features and whose second head reads only the
 * position. Both return a new Matrix and leave their blocks alone.
 */

import { checkArray, formatShape } from "./check";
import { Matrix, checkMatrix } from "./tensor";

/**
 * Puts matrices with the same number of rows side by side.
 *
 * [A | B | …], row i = A[i] followed by B[i], …
 *
 * @param parts one or more matrices of shapes [n, c_1], [n, c_2], …
 * @returns a new Matrix of shape [n, c_1 + c_2 + …].
 * @example concatColumns(matrix([[1], [2]]), matrix([[3, 4], [5, 6]])).toArray();
 * // [[1, 3, 4], [2, 5, 6]]
 */
export function concatColumns(...parts: Matrix[]): Matrix {
  const fn = "concatColumns";
  checkParts(fn, parts);
  const n = parts[0].rows;
  parts.forEach((part, k) => {
    if (part.rows !== n) {
      throw new RangeError(
        `${fn}: every part must have the rows of parts[0] (${n}); ` +
          `got parts[${k}] ${formatShape(part.shape)}`,
      );
    }
  });
  const cols = parts.reduce((total, part) => total + part.cols, 0);

  const out = new Float64Array(n * cols); // (n, c_1 + c_2 + …)
  let offset = 0;
  for (const part of parts) {
    for (let i = 0; i < n; i++) {
      out.set(part.data.subarray(i * part.cols, (i + 1) * part.cols), i * cols + offset);
    }
    offset += part.cols;
  }
  return new Matrix(out, n, cols);
}

/**
 * Places matrices along a diagonal, with zeros everywhere else; the blocks need not be square.
 *
 * blockDiagonal(A, B) = [[A, 0], [0, B]]
 *
 * Applied as X·W to X = [X_1 | X_2], the result is [X_1·A | X_2·B]: each block of columns of the
 * output reads only its own block of columns of the input.
 *
 * @param blocks one or more matrices of shapes [r_1, c_1], [r_2, c_2], …
 * @returns a new Matrix of shape [r_1 + r_2 + …, c_1 + c_2 + …].
 * @example blockDiagonal(matrix([[1, 2]]), matrix([[3]])).toArray(); // [[1, 2, 0], [0, 0, 3]]
 */
export function blockDiagonal(...blocks: Matrix[]): Matrix {
  const fn = "blockDiagonal";
  checkParts(fn, blocks);
  const rows = blocks.reduce((total, block) => total + block.rows, 0);
  const cols = blocks.reduce((total, block) => total + block.cols, 0);

  const out = new Float64Array(rows * cols); // (r_1 + r_2 + …, c_1 + c_2 + …), zeros off the blocks
  let rowOffset = 0;
  let colOffset = 0;
  for (const block of blocks) {
    for (let i = 0; i < block.rows; i++) {
      const from = block.data.subarray(i * block.cols, (i + 1) * block.cols);
      out.set(from, (rowOffset + i) * cols + colOffset);
    }
    rowOffset += block.rows;
    colOffset += block.cols;
  }
  return new Matrix(out, rows, cols);
}

/** Throws unless `parts` is a non-empty list of matrices. */
function checkParts(fn: string, parts: unknown): asserts parts is Matrix[] {
  checkArray(fn, "parts", parts);
  if (parts.length === 0) throw new RangeError(`${fn}: expected at least one matrix; got none`);
  parts.forEach((part, k) => checkMatrix(fn, `parts[${k}]`, part));
}
