/**
 * Chapter 6's exercises: Kendall's τ_b written from its definition, leave-one-out importance by
 * total variation distance (the measurement of Jain & Wallace 2019), and the weight a watermark
 * gains when a bystander token is erased.
 */

import { defineExercise, judgeFunction, judgeNumber, judgeNumbers, wrong } from "../exercise";
import type { Exercise, Judgement } from "../exercise";
import { kendallTau, leaveOneOut } from "../explain";
import type { Predict } from "../explain";
import { createRandom } from "../random";
import { softmax } from "../softmax";

/** Exercise 6.3: the watermark's attention weight in a sentence of 12 tokens. */
export const WATERMARK_SHARE = 0.9;

/** Exercise 6.3: the number of tokens in the sentence, the watermark among them. */
export const SENTENCE_LENGTH = 12;

/** Judges a function's result: one finite number close to the expected one. */
const numberNear =
  (expected: number) =>
  (result: unknown): Judgement =>
    judgeNumber(result, expected, 1e-9);

// 6.1: pairs of score lists, with and without ties, and a seeded one of sentence length.
const seeded = createRandom(61);
const attentionLike = Array.from({ length: 12 }, () => Math.round(10 * seeded.uniform()) / 10);
const importanceLike = attentionLike.map((a) => Math.round(10 * (a + seeded.normal(0, 0.3))) / 10);

const tauCases: { a: number[]; b: number[]; label: string }[] = [
  { a: [1, 2, 3, 4], b: [10, 20, 30, 40], label: "two lists in the same order" },
  { a: [1, 2, 3, 4, 5], b: [5, 4, 3, 2, 1], label: "two lists in opposite orders" },
  { a: [1, 2, 3, 4], b: [1, 3, 2, 4], label: "one swapped pair, [1, 2, 3, 4] and [1, 3, 2, 4]" },
  { a: [1, 2, 2, 3], b: [1, 2, 3, 3], label: "ties in both lists, [1, 2, 2, 3] and [1, 2, 3, 3]" },
  { a: attentionLike, b: importanceLike, label: "12 scores with ties (a seeded case)" },
];

// 6.2: hand-made classifiers whose leave-one-out importances are easy to get subtly wrong.
/** Two classes; p(class 1) = σ(#1s − #2s + 2·[0 is present]): a token can push either way. */
const twoClasses: Predict = (sequences) =>
  sequences.map((s) => {
    const score =
      s.filter((t) => t === 1).length - s.filter((t) => t === 2).length + (s.includes(0) ? 2 : 0);
    const p = 1 / (1 + Math.exp(-score));
    return [1 - p, p];
  });

/** Three classes: softmax of how often tokens 0, 1 and 2 occur, divided by the length. */
const threeClasses: Predict = (sequences) =>
  sequences.map((s) => {
    const n = Math.max(1, s.length);
    return softmax([0, 1, 2].map((k) => (3 * s.filter((t) => t === k).length) / n));
  });

const importanceCases = [
  { predict: twoClasses, tokens: [1, 0, 2, 3, 1], label: "a two-class model on [1, 0, 2, 3, 1]" },
  {
    predict: threeClasses,
    tokens: [0, 1, 1, 2, 3],
    label: "a three-class model on [0, 1, 1, 2, 3]",
  },
  { predict: threeClasses, tokens: [2], label: "a three-class model on the one-token [2]" },
].map(({ predict, tokens, label }) => ({
  args: [predict, tokens],
  label,
  check: (result: unknown) =>
    judgeNumbers(result, leaveOneOut(predict, tokens, { measure: "tvd" })),
}));

export const chapter06: readonly Exercise[] = [
  defineExercise({
    id: "6.1",
    title: "Kendall's tau_b by counting pairs",
    hint:
      "visit every pair i < j once and compare the signs of a[j] − a[i] and b[j] − b[i]; a pair " +
      "tied in one list is neither concordant nor discordant, but it does change the denominator.",
    judge: (answer) =>
      judgeFunction(
        answer,
        tauCases.map(({ a, b, label }) => ({
          args: [a, b],
          label,
          check: numberNear(kendallTau(a, b)),
        })),
      ),
  }),
  defineExercise({
    id: "6.2",
    title: "leave-one-out importance by total variation distance",
    hint:
      "score the whole sequence and each copy with one token left out (the copy is one token " +
      "shorter); compare the two class distributions over all classes, without a sign.",
    judge: (answer) => judgeFunction(answer, importanceCases),
  }),
  defineExercise({
    id: "6.3",
    title: "the watermark's weight after erasing a bystander",
    hint:
      "erasing by removal leaves the other tokens' scores as they were; the softmax then shares " +
      "out 1 among the tokens that remain.",
    judge: (answer) => {
      const others = (1 - WATERMARK_SHARE) / (SENTENCE_LENGTH - 1);
      if (answer === WATERMARK_SHARE) {
        return wrong("That is the weight before the erasure; the weights must still sum to 1.");
      }
      return judgeNumber(answer, WATERMARK_SHARE / (1 - others));
    },
  }),
];
