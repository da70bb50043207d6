// Solutions to chapter 3's exercises. The tests run every right answer and every wrong one
// through the same checkers the notebook calls (test/exercises.test.ts).
import {
  createRandom,
  dotScore,
  matmul,
  randomMatrix,
  rowSums,
  hadamard,
  scale,
  transpose,
  variance,
} from "../src";
import type { Matrix } from "../src";
import type { Solution } from "./solution";

/** The score from its equation: Q·Kᵀ / √dK. */
const scaledScore = (queries: Matrix, keys: Matrix): Matrix =>
  scale(matmul(queries, transpose(keys)), 1 / Math.sqrt(queries.cols));

/**
 * The divisor measured instead of derived: the standard deviation of qᵀk over many random pairs.
 * The checker's tolerance lets it pass; test/chapters/03-query-key-value.test.ts checks that.
 */
export function measuredDivisor(): number {
  const rng = createRandom(5);
  const queries = randomMatrix(rng, 20000, 64, { std: 2 });
  const keys = randomMatrix(rng, 20000, 64, { std: 1 });
  return Math.sqrt(variance(rowSums(hadamard(queries, keys))));
}

export const chapter03Solutions: Solution[] = [
  {
    id: "3.1",
    right: () => scaledScore,
    wrong: [
      // no scale at all
      () => dotScore,
      // divided by dK instead of its root
      () => (q: Matrix, k: Matrix) => scale(matmul(q, transpose(k)), 1 / q.cols),
      // divided by the root of the number of keys
      () => (q: Matrix, k: Matrix) => scale(matmul(q, transpose(k)), 1 / Math.sqrt(k.rows)),
      // keys against queries: the transposed scores
      () => (q: Matrix, k: Matrix) => scaledScore(k, q),
      // nested arrays instead of a Matrix
      () => (q: Matrix, k: Matrix) => scaledScore(q, k).toArray(),
      () => () => {
        throw new Error("not done");
      },
    ],
  },
  {
    id: "3.2",
    right: () => [3, 0],
    wrong: [
      // nearer as well as higher
      () => [1, 0],
      // the same key: no strict win
      () => [0.8, 0.6],
      // another key of length 1 cannot win and be further away
      () => [0.6, 0.8],
      () => [3, 0, 0],
      () => "3, 0",
      () => [NaN, 0],
    ],
  },
  {
    id: "3.3",
    right: () => 16,
    wrong: [() => 8, () => 64, () => 256, () => 4, () => NaN],
  },
];
