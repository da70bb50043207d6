// Solutions to chapter 4's exercises. The tests run every right answer and every wrong one
// through the same checkers the notebook calls (test/exercises.test.ts).
import { breakEvenAttentionSize, matrix } from "../src";
import type { AdditiveWeights } from "../src";
import type { Solution } from "./solution";

/**
 * Two tanh steps in t − u − shift, at ±δ, subtracted: tanh(c(t − u − shift) + cδ) −
 * tanh(c(t − u − shift) − cδ) peaks at t = u + shift. Rows of wQuery and wKey are the features
 * (time, 1); columns the two units.
 */
function bump(c: number, delta: number, shift: number): AdditiveWeights {
  return {
    wQuery: matrix([
      [-c, -c],
      [c * (delta - shift), c * (-delta - shift)],
    ]),
    wKey: matrix([
      [c, c],
      [0, 0],
    ]),
    v: [1, -1],
  };
}

export const chapter04Solutions: Solution[] = [
  {
    id: "4.1",
    right: () => Math.floor(Number(breakEvenAttentionSize(32, 96).valueOf())),
    wrong: [
      // the break-even itself, 3072/129 ≈ 23.81
      () => Number(breakEvenAttentionSize(32, 96).valueOf()),
      // rounded up: heavier than the bilinear matrix
      () => 24,
      // lighter, but not the largest
      () => 16,
      () => "23",
      () => 0,
    ],
  },
  {
    id: "4.2",
    right: () => bump(10, 0.1, 0.1),
    wrong: [
      // the chapter's bump, unshifted: each query picks its own time
      () => bump(10, 0.1, 0),
      // shifted the wrong way: one step earlier
      () => bump(10, 0.1, -0.1),
      // one unit: a step, so every query prefers one end
      () => ({ wQuery: matrix([[-10], [1]]), wKey: matrix([[10], [0]]), v: [1] }),
      // the bump upside down: each query prefers the farthest time
      () => ({ ...bump(10, 0.1, 0.1), v: [-1, 1] }),
      // saturated: at c = 10^4 the tanh steps are flat at ±1 and neighbours tie with the peak
      () => bump(1e4, 0.5, 0.1),
      // weights for a key of size 1: the constant feature is missing
      () => ({ wQuery: matrix([[-10, -10]]), wKey: matrix([[10, 10]]), v: [1, -1] }),
      // v of the wrong length
      () => ({ ...bump(10, 0.1, 0.1), v: [1, -1, 0] }),
      // nested arrays instead of Matrices
      () => ({
        wQuery: [
          [-10, -10],
          [0, -2],
        ],
        wKey: [
          [10, 10],
          [0, 0],
        ],
        v: [1, -1],
      }),
      () => 42,
    ],
  },
  {
    id: "4.3",
    right: () => (sentences: number, words: number, read: number) => sentences + read * words,
    wrong: [
      // attention over every word
      () => (sentences: number, words: number) => sentences * words,
      // the sentence scores forgotten
      () => (_sentences: number, words: number, read: number) => read * words,
      // every sentence's words scored anyway
      () => (sentences: number, words: number, read: number) =>
        sentences + read + sentences * words,
      () => () => "115",
    ],
  },
];
