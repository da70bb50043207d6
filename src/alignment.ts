/**
 * Alignment by time stamp: a task on which the two families of scores differ in what they can
 * express, and a one-step attention model that learns it with either score.
 *
 * Each example is a set of events, each with a time stamp t in [0, 1] and a label; a query names
 * the time u of one event, and the answer is that event's label. The model never sees which
 * event is meant: it attends over the events with its score, mixes their labels by the weights,
 * and learns from the answer alone, so the alignment (query → event) is latent, as in Bahdanau,
 * Cho & Bengio (2015), whose alignment model is trained through the translation only.
 *
 * Why the task separates the scores: encode a time as the pair (t, 1). A multiplicative score
 * (Luong, Pham & Manning, 2015, "general": q·W·kᵀ) is then a·u·t + b·u + c·t + d, linear in the
 * key's time t for a fixed query, so its largest weight always falls on the earliest or the
 * latest event, never on one in between. An additive score vᵀ tanh(q·W_q + k·W_k) can make a
 * bump: tanh(c(t − u) + δ) − tanh(c(t − u) − δ) peaks at t = u. Encode the time as a point on a
 * half circle, (cos πt, sin πt), and every key has length 1: the dot product then ranks keys by
 * their distance to the query (chapter 3), and the multiplicative score aligns too.
 *
 * NOTE: on the circle the additive score falls short in one place, by its form rather than by
 * training. With no bias inside the tanh it is odd, s(−q, −k) = −s(q, k), and the times 0 and 1
 * sit at opposite points (1, 0) and (−1, 0): the query at 0 prefers its own event over the one
 * at 1 exactly as much as the query at 1 prefers the event at 0 over its own, so where both
 * times occur one of the two questions is answered wrong. The constant feature of the line
 * encoding acts as a bias and lifts the limit.
 */

import { additiveScore, bilinearScore } from "./attention";
import type { ScoreFunction } from "./attention";
import {
  batchedAdditiveScores,
  batchedMix,
  batchedScores,
  constant,
  crossEntropy,
  matmul,
  parameter,
  softmaxRows,
  Var,
} from "./autodiff";
import { checkArray, checkFiniteNumber, checkInteger, checkOptions, kindOf } from "./check";
import { Linear } from "./nn";
import type { DecoderScore, Module } from "./nn";
import type { Random } from "./random";
import { Matrix } from "./tensor";

/** How a time stamp becomes a feature vector of size 2; see {@link encodeTime}. */
export type TimeEncoding = "line" | "circle";

/**
 * Encodes a time stamp t ∈ [0, 1] as a feature vector of size 2.
 *
 * line: (t, 1); circle: (cos πt, sin πt)
 *
 * The constant 1 of the line encoding gives every score a bias to work with; the circle
 * encoding puts all times at distance 1 from the origin, so that closeness in time becomes
 * closeness in direction.
 *
 * @param t the time, a number in [0, 1].
 * @param encoding "line" or "circle".
 * @returns the two features.
 * @example encodeTime(0.5, "circle"); // [6.1e-17, 1]
 */
export function encodeTime(t: number, encoding: TimeEncoding): [number, number] {
  checkFiniteNumber("encodeTime", "t", t);
  if (t < 0 || t > 1) throw new RangeError(`encodeTime: t must be in [0, 1]; got ${t}`);
  checkEncoding("encodeTime", encoding);
  return encoding === "line" ? [t, 1] : [Math.cos(Math.PI * t), Math.sin(Math.PI * t)];
}

/** Options of {@link timestampTask}. */
export interface TimestampTaskOptions {
  /** Events per example, m (default 6, at least 2). */
  events?: number;
  /** The grid of possible times k / (slots − 1), k = 0 … slots − 1 (default 12, at least events). */
  slots?: number;
  /** Number of distinct labels (default 8, at least events: the labels of one example differ). */
  labels?: number;
}

/** One example of the time-stamp task. */
export interface TimestampExample {
  /** The events' times, distinct, in random order. */
  times: number[];
  /** The events' labels, distinct, in the same order. */
  labels: number[];
  /** The event the query asks about: the query's time is times[target], the answer labels[target]. */
  target: number;
}

/** The time-stamp task, from {@link timestampTask}. */
export interface TimestampTask {
  readonly events: number;
  readonly slots: number;
  readonly labels: number;
  /** `count` seeded examples. */
  sample(rng: Random, count: number): TimestampExample[];
}

/**
 * Alignment by time stamp: m events with distinct times on a grid of `slots` points in [0, 1]
 * and distinct labels; the query is one event's time, the answer its label.
 *
 * @param options `events` (m, default 6), `slots` (default 12), `labels` (default 8).
 * @returns the task, with a seeded sampler.
 * @example
 * const task = timestampTask();
 * const examples = task.sample(createRandom(1), 64);
 * examples[0].labels[examples[0].target]; // the answer to example 0
 */
export function timestampTask(options: TimestampTaskOptions = {}): TimestampTask {
  const fn = "timestampTask";
  checkOptions(fn, options, ["events", "slots", "labels"]);
  const events = options.events ?? 6;
  const slots = options.slots ?? 12;
  const labels = options.labels ?? 8;
  checkInteger(fn, "events", events, 2);
  checkInteger(fn, "slots", slots, events);
  checkInteger(fn, "labels", labels, events);

  const sample = (rng: Random, count: number): TimestampExample[] => {
    checkInteger("sample", "count", count, 1);
    const grid = Array.from({ length: slots }, (_, k) => k);
    const names = Array.from({ length: labels }, (_, k) => k);
    return Array.from({ length: count }, () => {
      const times = rng
        .shuffle(grid)
        .slice(0, events)
        .map((k) => k / (slots - 1));
      const chosen = rng.shuffle(names).slice(0, events);
      return { times, labels: chosen, target: rng.int(0, events) };
    });
  };
  return { events, slots, labels, sample };
}

/** Options of {@link TimeAligner}. */
export interface TimeAlignerOptions {
  /** "additive" (Bahdanau) or "multiplicative" (Luong "general", q·W·kᵀ). */
  score: DecoderScore;
  /** How times become features: "line" (t, 1) or "circle" (cos πt, sin πt). */
  encoding: TimeEncoding;
  /** The number of labels of the task. */
  labels: number;
  /** Hidden size d_a of the additive score (default 8); ignored by the multiplicative one. */
  dAttn?: number;
}

const ALIGNER_OPTIONS = ["score", "encoding", "labels", "dAttn"] as const;

/** What {@link TimeAligner.forward} returns. */
export interface AlignerOutput {
  /** The answer's logits, [B, labels]. */
  logits: Var;
  /** The attention of each example's query over its events, [B, m]. */
  weights: Matrix;
}

/** What {@link TimeAligner.evaluate} returns. */
export interface AlignerAccuracy {
  /** The share of examples whose largest weight falls on the event the query names. */
  alignment: number;
  /** The share of examples answered with the right label. */
  answers: number;
}

/**
 * One step of attention from a query time to the events, then a linear read-out of the mixed
 * labels:
 *
 * e_j = score(q, k_j), α = softmax(e), c = Σ_j α_j onehot(label_j), logits = c·W_out + b
 *
 * with q and k_j the encoded times (size 2) and the score either additive,
 * vᵀ tanh(q·W_q + k·W_k) with W_q, W_k of shape [2, d_a], or multiplicative, q·W·kᵀ with W of
 * shape [2, 2]. W_q and W_k start uniform in ±1/√2, v and W in ±0.1.
 *
 * @example
 * const model = new TimeAligner(createRandom(1), { score: "additive", encoding: "line", labels: 8 });
 * const loss = model.loss(task.sample(createRandom(2), 64));
 */
export class TimeAligner implements Module {
  readonly score: DecoderScore;
  readonly encoding: TimeEncoding;
  readonly labels: number;
  /** d_a for the additive score; undefined for the multiplicative one. */
  readonly dAttn: number | undefined;
  /** W_q [2, d_a] (additive), or W [2, 2] (multiplicative). */
  readonly wQuery: Var;
  /** W_k [2, d_a]; additive only. */
  readonly wKey: Var | undefined;
  /** v [d_a, 1]; additive only. */
  readonly v: Var | undefined;
  /** The read-out from mixed labels to logits, [labels, labels]. */
  readonly output: Linear;

  constructor(rng: Random, options: TimeAlignerOptions) {
    const fn = "TimeAligner";
    if (options === undefined) {
      throw new TypeError(`${fn}: options must be an object (keys ${ALIGNER_OPTIONS.join(", ")})`);
    }
    checkOptions(fn, options, ALIGNER_OPTIONS);
    const { score, encoding, labels } = options;
    if (score !== "additive" && score !== "multiplicative") {
      throw new RangeError(
        `${fn}: score must be "additive" or "multiplicative"; got ${String(score)}`,
      );
    }
    checkEncoding(fn, encoding);
    checkInteger(fn, "labels", labels, 2);
    const dAttn = options.dAttn ?? 8;
    checkInteger(fn, "dAttn", dAttn, 1);
    this.score = score;
    this.encoding = encoding;
    this.labels = labels;

    // Why two scales: W_q and W_k start like a Linear layer's (±1/√2, two inputs), so the tanh
    // units start varied; v and the bilinear W start within ±0.1, so every first score is small
    // and attention starts nearly uniform. With ±1/√2 the bilinear W sometimes starts preferring
    // the event farthest from the query, and its softmax saturates there before the gradient can
    // turn it round (seen on two seeds of eight).
    const bound = 1 / Math.sqrt(2);
    const small = 0.1;
    if (score === "additive") {
      this.dAttn = dAttn;
      this.wQuery = uniform(rng, 2, dAttn, bound, "aligner.wQuery");
      this.wKey = uniform(rng, 2, dAttn, bound, "aligner.wKey");
      this.v = uniform(rng, dAttn, 1, small, "aligner.v");
    } else {
      this.dAttn = undefined;
      this.wQuery = uniform(rng, 2, 2, small, "aligner.w");
    }
    this.output = new Linear(rng, labels, labels, { name: "aligner.output" });
  }

  /** Attends from each example's query to its events and reads out the answer. */
  forward(examples: readonly TimestampExample[]): AlignerOutput {
    const { B, m } = this.checkExamples("TimeAligner.forward", examples);
    const L = this.labels;
    const queries = new Float64Array(B * 2);
    const keys = new Float64Array(m * B * 2); // time-major: event j of example b in row j·B + b
    const values = new Float64Array(m * B * L);
    examples.forEach((example, b) => {
      queries.set(encodeTime(example.times[example.target], this.encoding), b * 2);
      for (let j = 0; j < m; j++) {
        keys.set(encodeTime(example.times[j], this.encoding), (j * B + b) * 2);
        values[(j * B + b) * L + example.labels[j]] = 1;
      }
    });
    const q = constant(new Matrix(queries, B, 2));
    const k = constant(new Matrix(keys, m * B, 2));

    // 1. Score every event, 2. normalise, 3. mix the events' one-hot labels, 4. read out.
    const scores =
      this.score === "additive"
        ? batchedAdditiveScores(matmul(q, this.wQuery), matmul(k, this.wKey!), this.v!) // (B, m)
        : batchedScores(matmul(q, this.wQuery), k); // (B, 2)·(2, 2), then · keysᵀ → (B, m)
    const weights = softmaxRows(scores);
    const mixed = batchedMix(weights, constant(new Matrix(values, m * B, L))); // (B, labels)
    return { logits: this.output.forward(mixed), weights: weights.value };
  }

  /** The mean cross-entropy of the answers: the only training signal. */
  loss(examples: readonly TimestampExample[]): Var {
    const targets = examples.map((example) => example.labels[example.target]);
    return crossEntropy(this.forward(examples).logits, targets);
  }

  /**
   * The learned score as a plain {@link ScoreFunction} of the library, with the current weights:
   * queries and keys are encoded times, Matrices [n, 2] and [m, 2].
   *
   * @example softmax(model.scoreFunction()(queries, keys)); // [n, m] weights
   */
  scoreFunction(): ScoreFunction {
    if (this.score === "multiplicative") return bilinearScore(this.wQuery.value);
    return additiveScore({
      wQuery: this.wQuery.value,
      wKey: this.wKey!.value,
      v: Array.from(this.v!.value.data),
    });
  }

  /** How often the largest weight falls on the right event, and how often the answer is right. */
  evaluate(examples: readonly TimestampExample[]): AlignerAccuracy {
    const { B, m } = this.checkExamples("TimeAligner.evaluate", examples);
    const { logits, weights } = this.forward(examples);
    let aligned = 0;
    let answered = 0;
    examples.forEach((example, b) => {
      if (argmax(weights.data, b * m, m) === example.target) aligned++;
      if (
        argmax(logits.value.data, b * this.labels, this.labels) === example.labels[example.target]
      ) {
        answered++;
      }
    });
    return { alignment: aligned / B, answers: answered / B };
  }

  parameters(): Var[] {
    const score = this.score === "additive" ? [this.wQuery, this.wKey!, this.v!] : [this.wQuery];
    return [...score, ...this.output.parameters()];
  }

  /** Checks a batch of examples: non-empty, all with the same number of events, valid fields. */
  private checkExamples(
    fn: string,
    examples: readonly TimestampExample[],
  ): { B: number; m: number } {
    checkArray(fn, "examples", examples);
    if (examples.length === 0) throw new RangeError(`${fn}: examples must not be empty`);
    const m = examples[0]?.times?.length;
    examples.forEach((example, b) => {
      if (example === null || typeof example !== "object") {
        throw new TypeError(
          `${fn}: examples[${b}] must be { times, labels, target }; got ${kindOf(example)}`,
        );
      }
      checkArray(fn, `examples[${b}].times`, example.times);
      checkArray(fn, `examples[${b}].labels`, example.labels);
      if (example.times.length !== m || example.labels.length !== m) {
        throw new RangeError(
          `${fn}: every example needs ${m} times and ${m} labels (as examples[0]); ` +
            `got examples[${b}] with ${example.times.length} times, ${example.labels.length} labels`,
        );
      }
      example.labels.forEach((label, j) => {
        checkInteger(fn, `examples[${b}].labels[${j}]`, label, 0);
        if (label >= this.labels) {
          throw new RangeError(
            `${fn}: examples[${b}].labels[${j}] is ${label}; the model knows ${this.labels} labels`,
          );
        }
      });
      checkInteger(fn, `examples[${b}].target`, example.target, 0);
      if (example.target >= m) {
        throw new RangeError(
          `${fn}: examples[${b}].target is ${example.target}; it has ${m} events`,
        );
      }
    });
    return { B: examples.length, m };
  }
}

/** A parameter [rows, cols] with entries uniform in [−bound, bound]. */
function uniform(rng: Random, rows: number, cols: number, bound: number, name: string): Var {
  const data = new Float64Array(rows * cols);
  for (let k = 0; k < data.length; k++) data[k] = (2 * rng.uniform() - 1) * bound;
  return parameter(new Matrix(data, rows, cols), name);
}

/** The index of the largest of `count` entries from `start`; the first one on a tie. */
function argmax(data: Float64Array, start: number, count: number): number {
  let best = 0;
  for (let j = 1; j < count; j++) if (data[start + j] > data[start + best]) best = j;
  return best;
}

function checkEncoding(fn: string, encoding: unknown): asserts encoding is TimeEncoding {
  if (encoding !== "line" && encoding !== "circle") {
    throw new RangeError(`${fn}: encoding must be "line" or "circle"; got ${String(encoding)}`);
  }
}
