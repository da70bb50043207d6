/**
 * Chapter 1's exercises: the parameter count of a GRU cell as a formula, the token accuracy of a
 * translator that knows every word but not the word order, and a word order read off an
 * alignment.
 */

import {
  defineExercise,
  judgeFunction,
  judgeNumber,
  judgeNumbers,
  right,
  wrong,
} from "../exercise";
import type { Exercise } from "../exercise";
import { countParameters, GRUCell } from "../nn";
import { createRandom } from "../random";

/** The source sentence of exercise 1.2, as word ids of the chapter's toy language. */
export const WORD_ORDER_SENTENCE: readonly number[] = [4, 4, 9, 2, 7, 7, 1, 12, 5, 8, 3];

/**
 * Exercise 1.3: the attention of a decoder translating a six-word sentence into a language that
 * rotates every three words (a b c → b c a); row t is output word t, column s source word s.
 */
export const ROTATION_ALIGNMENT: readonly (readonly number[])[] = [
  [0.12, 0.71, 0.1, 0.04, 0.02, 0.01],
  [0.05, 0.2, 0.62, 0.08, 0.03, 0.02],
  [0.48, 0.09, 0.3, 0.07, 0.04, 0.02],
  [0.02, 0.04, 0.09, 0.14, 0.66, 0.05],
  [0.01, 0.02, 0.05, 0.08, 0.17, 0.67],
  [0.01, 0.02, 0.04, 0.52, 0.06, 0.35],
];

/** The reading of {@link ROTATION_ALIGNMENT}: output word t comes from source word order[t]. */
const ROTATION_ORDER = [1, 2, 0, 4, 5, 3];

/** The GRU sizes exercise 1.1's answer is tried on: the chapter's encoder and decoder, and more. */
const GRU_SIZES = [
  [16, 32],
  [80, 32],
  [1, 1],
  [3, 5],
  [64, 8],
] as const;

/** Token accuracy of the word-by-word translation: pairs of equal words, and an odd last word. */
function wordOrderAccuracy(sentence: readonly number[]): number {
  let right = sentence.length % 2;
  for (let t = 0; t + 1 < sentence.length; t += 2) {
    if (sentence[t] === sentence[t + 1]) right += 2;
  }
  return right / sentence.length;
}

export const chapter01: readonly Exercise[] = [
  defineExercise({
    id: "1.1",
    title: "parameters of a GRU cell",
    hint:
      "the GRUCell doc comment lists its weights and biases with their shapes; add up their " +
      "sizes, and test your formula on countParameters(bottleneckModel.encoder.cell).",
    judge: (answer) =>
      judgeFunction(
        answer,
        GRU_SIZES.map(([dIn, hidden]) => ({
          args: [dIn, hidden],
          label: `dIn = ${dIn}, hidden = ${hidden}`,
          check: (result: unknown) =>
            judgeNumber(result, countParameters(new GRUCell(createRandom(1), dIn, hidden))),
        })),
      ),
  }),
  defineExercise({
    id: "1.2",
    title: "a translator that ignores word order",
    hint:
      "build the word-by-word translation (task.translate([w]) translates the single word w), " +
      "then compare it position by position with task.translate(sentence).",
    judge: (answer) => {
      const expected = wordOrderAccuracy(WORD_ORDER_SENTENCE);
      const n = WORD_ORDER_SENTENCE.length;
      if (typeof answer === "number" && Number.isInteger(answer) && answer > 1) {
        return wrong(`${answer} looks like a count of words; the accuracy is a share of ${n}.`);
      }
      return judgeNumber(answer, expected);
    },
  }),
  defineExercise({
    id: "1.3",
    title: "a word order read off an alignment",
    hint:
      "each row is one output word being written; find where its light is brightest, and count " +
      "source words from 0.",
    judge: (answer) => {
      const judgement = judgeNumbers(answer, ROTATION_ORDER, 0);
      if (judgement.status !== "correct") return judgement;
      return right("For a b c the language writes b c a: the light starts on the second word.");
    },
  }),
];
