// Solutions to chapter 6's exercises. The tests run every right answer and every wrong one
// through the same checkers the notebook calls (test/exercises.test.ts).
import type { Predict } from "../src";
import type { Solution } from "./solution";

/** Kendall's τ_b by counting the pairs i < j. */
function kendallTauB(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  let concordantMinusDiscordant = 0;
  let tiedA = 0;
  let tiedB = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const da = Math.sign(a[j] - a[i]);
      const db = Math.sign(b[j] - b[i]);
      if (da === 0) tiedA += 1;
      if (db === 0) tiedB += 1;
      concordantMinusDiscordant += da * db;
    }
  }
  const pairs = (n * (n - 1)) / 2;
  return concordantMinusDiscordant / Math.sqrt((pairs - tiedA) * (pairs - tiedB));
}

/** τ_a: the same count over all pairs, with no correction for ties. */
function kendallTauA(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  let score = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) score += Math.sign(a[j] - a[i]) * Math.sign(b[j] - b[i]);
  }
  return score / ((n * (n - 1)) / 2);
}

/** Pearson's correlation: it measures a straight line, not an order. */
function pearson(a: readonly number[], b: readonly number[]): number {
  const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const [ma, mb] = [mean(a), mean(b)];
  let ab = 0;
  let aa = 0;
  let bb = 0;
  a.forEach((x, i) => {
    ab += (x - ma) * (b[i] - mb);
    aa += (x - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  });
  return ab / Math.sqrt(aa * bb);
}

/** Leave-one-out importance with a chosen comparison and a chosen way of erasing. */
function leaveOneOutBy(
  compare: (p: number[], q: number[]) => number,
  erase: (tokens: readonly number[], t: number) => number[],
) {
  return (predict: Predict, tokens: readonly number[]): number[] => {
    const copies = tokens.map((_, t) => erase(tokens, t));
    const [whole, ...erased] = predict([tokens, ...copies]);
    return erased.map((q) => compare(whole, q));
  };
}

const removal = (tokens: readonly number[], t: number) => tokens.filter((_, s) => s !== t);
const replaceWithZero = (tokens: readonly number[], t: number) =>
  tokens.map((token, s) => (s === t ? 0 : token));
const l1 = (p: number[], q: number[]) => p.reduce((s, pk, k) => s + Math.abs(pk - q[k]), 0);
const tvd = (p: number[], q: number[]) => l1(p, q) / 2;
/** The signed drop of the predicted class: what "drop" measures, not a distance. */
const drop = (p: number[], q: number[]) => {
  const c = p.indexOf(Math.max(...p));
  return p[c] - q[c];
};

const share = 0.9;
const others = (1 - share) / 11;

export const chapter06Solutions: Solution[] = [
  {
    id: "6.1",
    right: () => kendallTauB,
    wrong: [
      // no correction for ties: right only when neither list has one
      () => kendallTauA,
      () => pearson,
      // the order of one list reversed
      () => (a: readonly number[], b: readonly number[]) => -kendallTauB(a, b),
      () => 1,
    ],
  },
  {
    id: "6.2",
    right: () => leaveOneOutBy(tvd, removal),
    wrong: [
      () => leaveOneOutBy(drop, removal),
      // without the ½
      () => leaveOneOutBy(l1, removal),
      // erasing by writing token 0 in its place, which the models read as a word
      () => leaveOneOutBy(tvd, replaceWithZero),
      () => [0.1, 0.2],
    ],
  },
  {
    id: "6.3",
    right: () => share / (1 - others),
    wrong: [
      // the weight before the erasure
      () => share,
      // the erased token's weight handed to the watermark alone
      () => share + others,
      // the watermark's score spread as if every token had the same weight
      () => 1 / 11,
      () => "0.91",
    ],
  },
];
