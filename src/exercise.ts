/**
 * Exercises a learner answers in code, and the checkers that judge the answers.
 *
 * Each chapter ends with a few exercises. The notebook leaves an answer as `undefined` (or a
 * function that returns `undefined`); the learner fills it in and runs {@link check}, which
 * prints one line: the exercise, a verdict, and a hint when the answer is not right yet. A checker
 * never throws at the learner: an unanswered exercise, an answer of the wrong kind and an answer
 * function that throws all become verdicts, so a chapter with open exercises still runs from top
 * to bottom. The same checkers judge the course's solutions in the tests (`solutions/`), which is
 * how we know each one accepts a right answer and rejects the wrong ones we thought of.
 *
 * The chapters' exercises live in `src/exercises/`, one file per chapter, and are registered in
 * `src/exercises/index.ts`.
 */

import { kindOf, showNumber } from "./check";
import { Matrix, isMatrix } from "./tensor";

/** What a checker decided about one answer. */
export type Judgement =
  | { readonly status: "correct"; readonly message?: string }
  | { readonly status: "incorrect"; readonly message: string }
  | { readonly status: "unanswered" };

/** One exercise: an id such as `"3.2"`, a short title, a hint, and the checker itself. */
export interface Exercise {
  /** `"<chapter>.<number>"`, e.g. `"3.2"`. */
  readonly id: string;
  /** A few words, e.g. `"rank keys by distance"`. */
  readonly title: string;
  /** Shown with every verdict that is not "correct": a nudge, never the answer. */
  readonly hint: string;
  /**
   * Judges an answer of any kind. May throw; {@link verdict} turns a throw into an "incorrect"
   * verdict that quotes the error.
   */
  readonly judge: (answer: unknown) => Judgement;
}

/** The verdict on one answer, as {@link verdict} returns it and {@link check} prints it. */
export interface Verdict {
  readonly id: string;
  readonly title: string;
  readonly status: Judgement["status"];
  /** The printed line, e.g. `"Exercise 2.1 (uniform entropy): correct."`. */
  readonly text: string;
}

/** A right answer. */
export function right(message?: string): Judgement {
  return message === undefined ? { status: "correct" } : { status: "correct", message };
}

/** A wrong answer, with a reason that tells the learner what is off without giving the answer. */
export function wrong(message: string): Judgement {
  return { status: "incorrect", message };
}

/** No answer yet. */
export function unanswered(): Judgement {
  return { status: "unanswered" };
}

const ID_PATTERN = /^[1-9][0-9]*\.[1-9][0-9]*$/;

/**
 * Validates and freezes an exercise definition.
 *
 * @param exercise the id (`"<chapter>.<number>"`), title, hint and checker.
 * @returns the same exercise, frozen.
 * @example
 * defineExercise({ id: "2.1", title: "ln 8", hint: "maxEntropy", judge: (a) => judgeNumber(a, Math.log(8)) });
 */
export function defineExercise(exercise: Exercise): Exercise {
  if (typeof exercise !== "object" || exercise === null) {
    throw new TypeError(`defineExercise: exercise must be an object; got ${kindOf(exercise)}`);
  }
  if (typeof exercise.id !== "string" || !ID_PATTERN.test(exercise.id)) {
    throw new RangeError(
      `defineExercise: id must look like "3.2" (chapter.number); got ${JSON.stringify(exercise.id)}`,
    );
  }
  for (const key of ["title", "hint"] as const) {
    if (typeof exercise[key] !== "string" || exercise[key].trim() === "") {
      throw new TypeError(`defineExercise: ${exercise.id} needs a non-empty ${key}`);
    }
  }
  if (typeof exercise.judge !== "function") {
    throw new TypeError(`defineExercise: ${exercise.id} needs a judge function`);
  }
  return Object.freeze({ ...exercise });
}

/**
 * Builds a registry from exercise lists, refusing two exercises with one id.
 *
 * @param lists the chapters' exercise lists.
 * @returns a map from id to exercise, in the order given.
 */
export function exerciseRegistry(
  ...lists: readonly (readonly Exercise[])[]
): Map<string, Exercise> {
  const registry = new Map<string, Exercise>();
  for (const exercise of lists.flat()) {
    if (registry.has(exercise.id)) {
      throw new RangeError(`exerciseRegistry: two exercises have the id ${exercise.id}`);
    }
    registry.set(exercise.id, exercise);
  }
  return registry;
}

/**
 * Judges an answer against one exercise and words the verdict. Never throws because of the
 * answer: a checker that throws (for example on an answer of an unexpected shape) yields an
 * "incorrect" verdict quoting the error.
 *
 * @param exercise the exercise.
 * @param answer the learner's answer, of any kind; `undefined` means "not answered yet".
 * @returns the verdict and the line {@link check} prints.
 */
export function judgeExercise(exercise: Exercise, answer: unknown): Verdict {
  let judgement: Judgement;
  if (answer === undefined) {
    judgement = unanswered();
  } else {
    try {
      judgement = exercise.judge(answer);
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      judgement = wrong(`checking it raised ${reason}`);
    }
  }

  const head = `Exercise ${exercise.id} (${exercise.title})`;
  let text: string;
  if (judgement.status === "correct") {
    text = `${head}: correct.${judgement.message === undefined ? "" : " " + judgement.message}`;
  } else if (judgement.status === "unanswered") {
    text = `${head}: not answered yet. Hint: ${exercise.hint}`;
  } else {
    text = `${head}: not yet. ${judgement.message} Hint: ${exercise.hint}`;
  }
  return { id: exercise.id, title: exercise.title, status: judgement.status, text };
}

// ---------------------------------------------------------------------------------------------
// Building blocks for checkers. Each takes the answer as `unknown` and returns a Judgement, so a
// checker reads as a short list of expectations.

/**
 * Shows a learner's number in a verdict: all its digits when that is short, else 8 significant
 * digits, so that 1.0000001 is not shown as "1.0000" and 1e308 not as 309 digits.
 */
export function showAnswer(x: number): string {
  const text = showNumber(x);
  return text.length <= 12 ? text : x.toPrecision(8);
}

/** Default tolerance for numeric answers: relative 1e-6, with an absolute floor of 1e-9. */
export const ANSWER_TOLERANCE = 1e-6;

function near(actual: number, expected: number, tolerance: number): boolean {
  return Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)) + 1e-9;
}

/**
 * Judges a number: right when within `tolerance` (relative, with an absolute floor) of
 * `expected`.
 *
 * @param answer the learner's answer.
 * @param expected the right value.
 * @param tolerance relative tolerance (default {@link ANSWER_TOLERANCE}).
 * @example judgeNumber(Math.log(8), 2.0794415); // correct
 */
export function judgeNumber(
  answer: unknown,
  expected: number,
  tolerance = ANSWER_TOLERANCE,
): Judgement {
  if (typeof answer !== "number") {
    return wrong(`Expected a number; got ${kindOf(answer)}.`);
  }
  if (!Number.isFinite(answer)) return wrong(`Expected a finite number; got ${answer}.`);
  return near(answer, expected, tolerance)
    ? right()
    : wrong(
        `${showAnswer(answer)} is not it (checked to a relative ${tolerance.toExponential(0)}).`,
      );
}

/**
 * Judges a list of numbers (or a Matrix, read row by row) entry by entry against `expected`.
 *
 * @param answer the learner's answer: `number[]`, `number[][]` or a Matrix.
 * @param expected the right values, flat or nested the same way.
 * @param tolerance relative tolerance per entry.
 */
export function judgeNumbers(
  answer: unknown,
  expected: readonly number[] | readonly (readonly number[])[] | Matrix,
  tolerance = ANSWER_TOLERANCE,
): Judgement {
  const want = flatten(expected);
  let got: number[] | null;
  try {
    got = isMatrix(answer) ? Array.from(answer.data) : flattenUnknown(answer);
  } catch {
    got = null;
  }
  if (got === null) return wrong(`Expected a list of numbers or a Matrix; got ${kindOf(answer)}.`);
  if (got.length !== want.length) {
    return wrong(`Expected ${want.length} numbers; got ${got.length}.`);
  }
  const index = got.findIndex((x, i) => !Number.isFinite(x) || !near(x, want[i], tolerance));
  return index < 0
    ? right()
    : wrong(`Entry ${index} (counting from 0) is ${showAnswer(got[index])}, which is not it.`);
}

function flatten(values: readonly number[] | readonly (readonly number[])[] | Matrix): number[] {
  if (isMatrix(values)) return Array.from(values.data);
  return (values as readonly (number | readonly number[])[]).flatMap((v) =>
    typeof v === "number" ? [v] : [...v],
  );
}

function flattenUnknown(answer: unknown): number[] | null {
  if (!Array.isArray(answer)) return null;
  const out: number[] = [];
  for (const item of answer) {
    if (typeof item === "number") out.push(item);
    else if (Array.isArray(item) && item.every((x) => typeof x === "number")) out.push(...item);
    else return null;
  }
  return out;
}

/**
 * Judges a function by calling it on test cases. An answer function that returns `undefined` on
 * the first case counts as not answered yet (the notebook's template returns `undefined`); one
 * that throws is wrong, and the verdict quotes its error.
 *
 * @param answer the learner's function.
 * @param cases argument lists with a judge for each result.
 * @example
 * judgeFunction(answer, [{ args: [[1, 2]], check: (r) => judgeNumber(r, 3), label: "[1, 2]" }]);
 */
export function judgeFunction(
  answer: unknown,
  cases: readonly {
    readonly args: readonly unknown[];
    readonly check: (result: unknown) => Judgement;
    /** How the case is named in a verdict, e.g. "n = 4". */
    readonly label: string;
  }[],
): Judgement {
  if (typeof answer !== "function") return wrong(`Expected a function; got ${kindOf(answer)}.`);
  for (const [k, testCase] of cases.entries()) {
    let result: unknown;
    try {
      result = (answer as (...args: unknown[]) => unknown)(...testCase.args);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return wrong(`For ${testCase.label} your function threw: ${reason}.`);
    }
    if (result === undefined) {
      return k === 0
        ? unanswered()
        : wrong(`For ${testCase.label} your function returned undefined.`);
    }
    const judgement = testCase.check(result);
    if (judgement.status === "incorrect") {
      return wrong(`For ${testCase.label}: ${judgement.message}`);
    }
    if (judgement.status === "unanswered") return judgement;
  }
  return right();
}
