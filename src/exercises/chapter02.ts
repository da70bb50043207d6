/**
 * Chapter 2's exercises: entropy in bits, a temperature that reaches a target entropy, and one
 * row of the protein pair matrix read as a distribution.
 */

import { defineExercise, showAnswer, judgeNumber, right, wrong } from "../exercise";
import type { Exercise } from "../exercise";
import { entropy } from "../entropy";
import { softmax } from "../softmax";
import { fmt } from "../format";

/** The scores of exercise 2.2, printed in the notebook. */
export const TEMPERATURE_SCORES: readonly number[] = [2, 1, 0, -1];

/** The entropy exercise 2.2 asks for, in nats. */
export const TARGET_ENTROPY = 0.5;

export const chapter02: readonly Exercise[] = [
  defineExercise({
    id: "2.1",
    title: "uniform entropy in bits",
    hint: "a uniform distribution over 16 inputs; entropy takes { base: 2 } for bits.",
    judge: (answer) => judgeNumber(answer, 4),
  }),
  defineExercise({
    id: "2.2",
    title: "a temperature for 0.5 nats",
    hint:
      "entropy grows with the temperature, so bisect: try T, compare " +
      "entropy(softmax(scores, { temperature: T })) with 0.5, and halve the interval.",
    judge: (answer) => {
      if (typeof answer !== "number" || !Number.isFinite(answer) || answer <= 0) {
        return wrong("Expected a temperature: a finite number above 0.");
      }
      const reached = entropy(softmax([...TEMPERATURE_SCORES], { temperature: answer }));
      return Math.abs(reached - TARGET_ENTROPY) <= 1e-3
        ? right(`At T = ${showAnswer(answer)} the entropy is ${fmt(reached, 4)} nats.`)
        : wrong(
            `At T = ${showAnswer(answer)} the entropy is ${fmt(reached, 4)} nats, not 0.5 (±0.001).`,
          );
    },
  }),
  defineExercise({
    id: "2.3",
    title: "arginine's attention to E, row by row",
    hint:
      "take row R alone: what do its four weights add up to, and what must a distribution's " +
      "weights add up to? (normalize works on a number[].)",
    // Row R of the protein matrix is [0.10, 0.08, 0.55, 0.12]: it sums to 0.85.
    judge: (answer) => judgeNumber(answer, 0.55 / 0.85, 1e-4),
  }),
];
