/**
 * The course's exercises, one list per chapter, and the two calls a notebook makes:
 * {@link check} prints a verdict; {@link verdict} returns it (the tests use it).
 */

import { exerciseRegistry, judgeExercise } from "../exercise";
import type { Exercise, Verdict } from "../exercise";
import { chapter01 } from "./chapter01";
import { chapter02 } from "./chapter02";
import { chapter03 } from "./chapter03";
import { chapter04 } from "./chapter04";
import { chapter05 } from "./chapter05";
import { chapter06 } from "./chapter06";

const registry = exerciseRegistry(chapter01, chapter02, chapter03, chapter04, chapter05, chapter06);

/** Every exercise of the course, in chapter order. */
export function listExercises(): Exercise[] {
  return [...registry.values()];
}

function findExercise(fn: string, id: unknown): Exercise {
  const exercise = typeof id === "string" ? registry.get(id) : undefined;
  if (exercise === undefined) {
    const known = [...registry.keys()].join(", ");
    throw new RangeError(`${fn}: no exercise ${JSON.stringify(id)}; the exercises are ${known}`);
  }
  return exercise;
}

/**
 * Judges an answer to one exercise and returns the verdict without printing it.
 *
 * @param id the exercise, e.g. `"2.1"`; an unknown id is the one thing that throws (a RangeError
 *   listing the known ids), since it is a typo in the notebook rather than a wrong answer.
 * @param answer the answer, of any kind; `undefined` means "not answered yet".
 * @returns `{ id, title, status, text }` with status "correct", "incorrect" or "unanswered".
 * @example verdict("2.1", 4).status; // "correct"
 */
export function verdict(id: string, answer: unknown): Verdict {
  return judgeExercise(findExercise("verdict", id), answer);
}

/**
 * Checks an answer to one exercise and prints the verdict with a hint, e.g.
 * `Exercise 2.1 (entropy in bits): not answered yet. Hint: …`. Never throws because of the
 * answer, so a chapter with open exercises still runs top to bottom.
 *
 * NOTE: the one library function that prints: printing the verdict is its whole job.
 *
 * @param id the exercise, e.g. `"2.1"`.
 * @param answer the answer; leave it `undefined` until you have one.
 * @example check("2.1", entropy(Array(16).fill(1 / 16), { base: 2 }));
 */
export function check(id: string, answer: unknown): void {
  console.log(verdict(id, answer).text);
}
