/**
 * Chapter 5's exercises: the dot product of two positional encodings a fixed distance apart, a
 * local-window mask written from its rule, and the parameter count of multi-head attention.
 */

import { defineExercise, judgeFunction, judgeNumber, right, wrong } from "../exercise";
import type { Exercise, Judgement } from "../exercise";
import { sinusoidalPositions } from "../attention";
import { kindOf } from "../check";
import { fmt } from "../format";

/** Exercise 5.1: the encoding size and the two positions whose encodings are multiplied. */
export const ENCODING_PAIR = { dModel: 16, first: 3, second: 10 } as const;

/** Exercise 5.3: the sizes of the multi-head layer whose parameters are counted. */
export const MULTI_HEAD_SIZES = { dModel: 512, heads: 8 } as const;

/** PE(first)·PE(second) for exercise 5.1, from the library's encodings. */
function encodingDot(): number {
  const { dModel, first, second } = ENCODING_PAIR;
  const positions = sinusoidalPositions(second + 1, dModel);
  const a = positions.row(first);
  const b = positions.row(second);
  return a.reduce((total, x, c) => total + x * b[c], 0);
}

/** The window mask of exercise 5.2: query i may see key j when |i − j| ≤ w. */
function windowMask(n: number, w: number): boolean[][] {
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => Math.abs(i - j) <= w),
  );
}

/** Judges a mask: an n × n grid of booleans equal to the expected one, naming the first miss. */
function judgeMask(result: unknown, expected: readonly (readonly boolean[])[]): Judgement {
  const n = expected.length;
  if (!Array.isArray(result) || result.length !== n) {
    const got = Array.isArray(result) ? `${result.length} rows` : kindOf(result);
    return wrong(`Expected ${n} rows of booleans (one per query); got ${got}.`);
  }
  for (let i = 0; i < n; i++) {
    const row: unknown = result[i];
    if (!Array.isArray(row) || row.length !== n) {
      return wrong(`Row ${i} must hold ${n} booleans (one per key).`);
    }
    for (let j = 0; j < n; j++) {
      if (typeof row[j] !== "boolean") {
        return wrong(`Entry [${i}][${j}] must be true or false; got ${kindOf(row[j])}.`);
      }
      if (row[j] !== expected[i][j]) {
        const should = expected[i][j] ? "see" : "not see";
        return wrong(`Query ${i} should ${should} key ${j}.`);
      }
    }
  }
  return right();
}

export const chapter05: readonly Exercise[] = [
  defineExercise({
    id: "5.1",
    title: "two encodings seven apart",
    hint:
      "take rows 3 and 10 of sinusoidalPositions(11, 16) and add up the products of their " +
      "entries; the chapter's formula with k = 7 gives the same number.",
    judge: (answer) => judgeNumber(answer, encodingDot()),
  }),
  defineExercise({
    id: "5.2",
    title: "a local window mask",
    hint:
      "row i, column j is true exactly when key j lies at most w positions from query i, on " +
      "either side; Array.from({ length: n }, (_, i) => …) builds the rows.",
    judge: (answer) =>
      judgeFunction(
        answer,
        [
          [5, 1],
          [4, 0],
          [6, 2],
          [3, 5],
          [1, 0],
        ].map(([n, w]) => ({
          args: [n, w],
          check: (result: unknown) => judgeMask(result, windowMask(n, w)),
          label: `n = ${n}, w = ${w}`,
        })),
      ),
  }),
  defineExercise({
    id: "5.3",
    title: "parameters of multi-head attention",
    hint:
      "count the entries of the four projections wQuery, wKey, wValue and wOut for dModel = 512, " +
      "with heads · dHead = dModel; does the number of heads appear in the total?",
    judge: (answer) => {
      const { dModel, heads } = MULTI_HEAD_SIZES;
      const count = 4 * dModel * dModel;
      const judgement = judgeNumber(answer, count);
      if (judgement.status !== "correct") return judgement;
      return right(
        `${fmt(count, 0)} parameters, as many as one head of width ${dModel}: splitting into ` +
          `${heads} heads divides the projections, it does not add to them.`,
      );
    },
  }),
];
