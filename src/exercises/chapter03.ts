/**
 * Chapter 3's exercises: the scaled dot-product score written from its equation, a key that wins
 * on dot product yet is not the nearest, and the divisor that gives unit-variance scores when
 * queries and keys have different spreads.
 */

import {
  defineExercise,
  judgeFunction,
  judgeNumber,
  judgeNumbers,
  right,
  wrong,
} from "../exercise";
import type { Exercise, Judgement } from "../exercise";
import { scaledDotScore } from "../attention";
import { createRandom } from "../random";
import { randomMatrix } from "../ops";
import { fmt, fmtList } from "../format";
import { Matrix, isMatrix, matrix } from "../tensor";

/** The query of exercise 3.2, printed in the notebook. */
export const RANKING_QUERY: readonly number[] = [1, 0];

/** The key exercise 3.2's answer must beat on dot product while lying further from the query. */
export const RANKING_KEY: readonly number[] = [0.8, 0.6];

/** Exercise 3.3: the size dK and the standard deviations of the query and key entries. */
export const SCORE_SPREAD = { dK: 64, queryStd: 2, keyStd: 1 } as const;

/** Judges a score matrix: a Matrix of the expected shape with the expected entries. */
function judgeScores(result: unknown, expected: Matrix): Judgement {
  if (!isMatrix(result)) return wrong("Expected a Matrix of scores.");
  const [n, m] = expected.shape;
  if (result.rows !== n || result.cols !== m) {
    return wrong(
      `Expected scores of shape [${n}, ${m}] (queries × keys); got [${result.shape.join(", ")}].`,
    );
  }
  return judgeNumbers(result, expected);
}

/** "1 query", "3 queries". */
const count = (k: number, one: string, many: string) => `${k} ${k === 1 ? one : many}`;

const seeded = createRandom(31);
const seededQueries = randomMatrix(seeded, 3, 9);
const seededKeys = randomMatrix(seeded, 5, 9);

const scoreCases = [
  {
    queries: matrix([[1, 1, 1, 1]]),
    keys: matrix([
      [1, 1, 1, 1],
      [1, 0, 0, 0],
    ]),
  },
  { queries: seededQueries, keys: seededKeys },
  { queries: matrix([[2], [-1]]), keys: matrix([[3], [0.5], [-2]]) },
].map(({ queries, keys }) => {
  const sets = `${count(queries.rows, "query", "queries")} and ${count(keys.rows, "key", "keys")}`;
  return {
    args: [queries, keys],
    label: `${sets} of size ${queries.cols}`,
    check: (result: unknown) => judgeScores(result, scaledDotScore(queries, keys)),
  };
});

/** Reads a two-number key from a `number[]` or a 1×2 Matrix; null for anything else. */
function readKey(answer: unknown): number[] | null {
  const values = isMatrix(answer) && answer.rows === 1 ? Array.from(answer.data) : answer;
  if (!Array.isArray(values) || values.length !== RANKING_QUERY.length) return null;
  return values.every((x) => typeof x === "number" && Number.isFinite(x)) ? values : null;
}

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
const distance = (a: readonly number[], b: readonly number[]) =>
  Math.sqrt(a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0));

export const chapter03: readonly Exercise[] = [
  defineExercise({
    id: "3.1",
    title: "the scaled dot-product score",
    hint:
      "build it from the chapter's equation with matmul, transpose and scale; check which " +
      "size the square root is taken of, and that row i, column j pairs query i with key j.",
    judge: (answer) => judgeFunction(answer, scoreCases),
  }),
  defineExercise({
    id: "3.2",
    title: "a key that wins on dot product but is not the nearest",
    hint:
      "write qᵀk and ‖q − k‖² for a key k = c·u with u a unit vector: how does the length c " +
      "enter each of them?",
    judge: (answer) => {
      const key = readKey(answer);
      if (key === null) {
        return wrong(`Expected a key of ${RANKING_QUERY.length} finite numbers, e.g. [0.5, 0.5].`);
      }
      const q = RANKING_QUERY;
      const k = RANKING_KEY;
      if (!Number.isFinite(dot(q, key)) || !Number.isFinite(distance(q, key))) {
        return wrong("Your key is so long that qᵀk or ‖q − k‖ overflows; keep its entries modest.");
      }
      const facts =
        `Your key has qᵀk = ${fmt(dot(q, key), 3)} and ‖q − k‖ = ${fmt(distance(q, key), 3)}; ` +
        `the key ${fmtList(k, 1)} has ${fmt(dot(q, k), 3)} and ${fmt(distance(q, k), 3)}.`;
      if (!(dot(q, key) > dot(q, k))) return wrong(`${facts} It does not win on dot product.`);
      if (!(distance(q, key) > distance(q, k))) {
        return wrong(`${facts} It wins on dot product, but it is also the nearer one.`);
      }
      return right(facts);
    },
  }),
  defineExercise({
    id: "3.3",
    title: "the divisor for unit-variance scores",
    hint:
      "the variance of a sum of independent terms is the sum of their variances, and the " +
      "variance of a product of two independent zero-mean numbers is the product of their " +
      "variances. Or measure it: createRandom, randomMatrix and variance are in the library.",
    // A measured answer from a few thousand samples is within 2% of the exact one.
    judge: (answer) =>
      judgeNumber(
        answer,
        Math.sqrt(SCORE_SPREAD.dK) * SCORE_SPREAD.queryStd * SCORE_SPREAD.keyStd,
        0.02,
      ),
  }),
];
