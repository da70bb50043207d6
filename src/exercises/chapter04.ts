/**
 * Chapter 4's exercises: the largest additive network lighter than a bilinear matrix, an additive
 * score built by hand that aligns each time with the next one on a line (which no multiplicative
 * score can), and the number of scores a hierarchical reading computes.
 */

import { additiveScore } from "../attention";
import type { AdditiveWeights } from "../attention";
import { encodeTime } from "../alignment";
import { kindOf, showNumber } from "../check";
import { defineExercise, judgeFunction, judgeNumber, right, wrong } from "../exercise";
import type { Exercise, Judgement } from "../exercise";
import { fmt } from "../format";
import { attentionParameters } from "../params";
import { isMatrix, matrix } from "../tensor";

/** Exercise 4.1: the sizes of the decoder state (query) and the encoder state (key). */
export const LIGHTER_SIZES = { dQuery: 32, dKey: 96 } as const;

/** Exercise 4.2: the keys' times 0, 0.1, …, 1, encoded as (t, 1). */
export const BUMP_KEY_TIMES: readonly number[] = Array.from({ length: 11 }, (_, k) => k / 10);

/** Exercise 4.2: the queries' times 0, 0.1, …, 0.9; each must pick the key at u + 0.1. */
export const BUMP_QUERY_TIMES: readonly number[] = BUMP_KEY_TIMES.slice(0, 10);

/** How far the winning score must lie above the runner-up in exercise 4.2 (no ties). */
const MARGIN = 1e-6;

/**
 * Judges hand-set additive weights: on the line encoding, the top key of the query at time u
 * must be the one at u + 0.1, by a margin.
 */
function judgeShiftedBump(answer: unknown): Judgement {
  if (answer === null || typeof answer !== "object" || Array.isArray(answer)) {
    return wrong(`Expected additive weights { wQuery, wKey, v }; got ${kindOf(answer)}.`);
  }
  const { wQuery, wKey, v } = answer as Partial<AdditiveWeights>;
  if (!isMatrix(wQuery) || !isMatrix(wKey)) {
    return wrong("Expected wQuery and wKey to be Matrices, e.g. matrix([[…], […]]).");
  }
  if (wQuery.rows !== 2 || wKey.rows !== 2) {
    return wrong(
      `Times are encoded as (t, 1), so wQuery and wKey need 2 rows; got ` +
        `wQuery [${wQuery.shape.join(", ")}], wKey [${wKey.shape.join(", ")}].`,
    );
  }
  let score;
  try {
    score = additiveScore({ wQuery, wKey, v: v as number[] });
  } catch (error) {
    return wrong(`additiveScore refused these weights: ${(error as Error).message}.`);
  }
  const encode = (times: readonly number[]) => matrix(times.map((t) => encodeTime(t, "line")));
  const scores = score(encode(BUMP_QUERY_TIMES), encode(BUMP_KEY_TIMES)).toArray();
  for (const [i, row] of scores.entries()) {
    const want = i + 1;
    const best = row.indexOf(Math.max(...row));
    const runnerUp = Math.max(...row.filter((_, j) => j !== want));
    const u = fmt(BUMP_QUERY_TIMES[i], 1);
    if (best !== want) {
      return wrong(`For the query at u = ${u} the top key is t = ${fmt(BUMP_KEY_TIMES[best], 1)}.`);
    }
    if (row[want] - runnerUp < MARGIN) {
      return wrong(`For the query at u = ${u} the key t = ${fmt(BUMP_KEY_TIMES[want], 1)} ties.`);
    }
  }
  return right("Every query's largest score is one step later: a shifted bump.");
}

/** Judges an answer to 4.1 with a reason: lighter or heavier, and the largest or not. */
function judgeLighter(answer: unknown): Judgement {
  const { dQuery, dKey } = LIGHTER_SIZES;
  if (typeof answer !== "number" || !Number.isInteger(answer) || answer < 1) {
    return wrong(
      `Expected a whole hidden size d_a >= 1; got ${typeof answer === "number" ? showNumber(answer) : kindOf(answer)}.`,
    );
  }
  const at = (dAttn: number) => attentionParameters(dQuery, dKey, dAttn);
  const counts = at(answer);
  if (counts.additive >= counts.bilinear) {
    return wrong(
      `At d_a = ${answer} the additive score has ${counts.additive} parameters, ` +
        `not fewer than the bilinear ${counts.bilinear}.`,
    );
  }
  if (at(answer + 1).additive < counts.bilinear) {
    return wrong(`d_a = ${answer} is lighter, but a larger size is lighter too.`);
  }
  return right(`At d_a = ${answer}: ${counts.additive} parameters against ${counts.bilinear}.`);
}

export const chapter04: readonly Exercise[] = [
  defineExercise({
    id: "4.1",
    title: "the largest lighter additive network",
    hint:
      "each hidden unit of the additive score costs d_s + d_h + 1 parameters; compare the " +
      "count with d_s·d_h (attentionParameters and breakEvenAttentionSize help).",
    judge: judgeLighter,
  }),
  defineExercise({
    id: "4.2",
    title: "a bump one step later",
    hint:
      "start from the chapter's bump: each unit's step sits where its pre-activation is 0, and " +
      "the weight on the constant feature 1 moves that point.",
    judge: judgeShiftedBump,
  }),
  defineExercise({
    id: "4.3",
    title: "scores of a hierarchical reading",
    hint: "one score per sentence, then one per word of each sentence read.",
    judge: (answer) =>
      judgeFunction(
        answer,
        [
          [40, 25, 3],
          [8, 5, 2],
          [10, 10, 10],
          [1, 7, 1],
        ].map(([sentences, words, read]) => ({
          args: [sentences, words, read],
          label: `${sentences} sentences of ${words} words, reading ${read}`,
          check: (result: unknown) => judgeNumber(result, sentences + read * words),
        })),
      ),
  }),
];
