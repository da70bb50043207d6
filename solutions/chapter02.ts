// Solutions to chapter 2's exercises. The tests run every right answer and every wrong one
// through the same checkers the notebook calls (test/exercises.test.ts).
import { entropy, normalize, normalizeMatrix, matrix, softmax } from "../src";
import type { Solution } from "./solution";

const scores = [2, 1, 0, -1];

/** Bisection on the temperature: entropy rises with T. */
function temperatureFor(target: number): number {
  let low = 0.01;
  let high = 100;
  for (let step = 0; step < 60; step += 1) {
    const mid = Math.sqrt(low * high);
    if (entropy(softmax(scores, { temperature: mid })) < target) low = mid;
    else high = mid;
  }
  return Math.sqrt(low * high);
}

const pairs = matrix([
  [0.02, 0.05, 0.03, 0.04],
  [0.1, 0.08, 0.55, 0.12],
  [0.01, 0.03, 0.02, 0.05],
]);

export const chapter02Solutions: Solution[] = [
  {
    id: "2.1",
    right: () => entropy(Array(16).fill(1 / 16), { base: 2 }),
    wrong: [() => entropy(Array(16).fill(1 / 16)), () => "4", () => NaN],
  },
  {
    id: "2.2",
    right: () => temperatureFor(0.5),
    wrong: [() => 1, () => 0, () => -1, () => Infinity],
  },
  {
    id: "2.3",
    right: () => normalize(pairs.row(1))[2],
    wrong: [
      // the raw weight
      () => 0.55,
      // normalised over the whole matrix instead of over the row
      () => normalizeMatrix(pairs).get(1, 2),
      () => [0.55 / 0.85],
    ],
  },
];
