/**
 * Tools that test whether attention explains a classifier's decision: rank correlation,
 * leave-one-out importance, deletion curves and the uniform-attention ablation.
 *
 * An attention map is an observation: it shows where the model looked. The tools here are
 * experiments: they change the input or the model and measure what the prediction does.
 *
 * - Kendall's rank correlation τ_b (Kendall, "A new measure of rank correlation", Biometrika 30,
 *   1938; the tie correction τ_b from Kendall, "The treatment of ties in ranking problems",
 *   Biometrika 33, 1945).
 * - Leave-one-out importance and its agreement with attention as Kendall τ, the measurement of
 *   Jain & Wallace, "Attention is not Explanation", NAACL 2019, who report the total variation
 *   distance between the output distributions with and without each token.
 * - Deletion curves: erase tokens most important first, least important first or at random, and
 *   follow the prediction as the erased fraction grows; the "region perturbation" of Samek et al.,
 *   "Evaluating the visualization of what a deep neural network has learned", IEEE TNNLS 28(11),
 *   2017, with their area over the perturbation curve (AOPC). The drop after erasing the top
 *   tokens is the "comprehensiveness" of DeYoung et al., "ERASER", ACL 2020.
 * - Uniform-attention ablation: the accuracy of a model with its learned weights against the same
 *   model with uniform weights over the real tokens, the baseline of Wiegreffe & Pinter,
 *   "Attention is not not Explanation", EMNLP 2019. If uniform weights do as well, the learned
 *   weights were not needed for the decision, and reading them as its explanation says little.
 *
 * Every tool but the AttentionClassifier conveniences talks to a model only through a
 * {@link Predict} function (token sequences in, class probabilities out), so that the course can
 * check them on hand-made classifiers whose answers are known exactly.
 */

import {
  checkArray,
  checkFinite,
  checkInteger,
  checkFiniteNumber,
  checkNumberArray,
  checkOptions,
  kindOf,
  showNumber,
} from "./check";
import { AttentionClassifier, uniformWeights } from "./nn";
import { Random } from "./random";
import { softmax } from "./softmax";
import { pad } from "./tasks";

/**
 * A classifier seen from outside: class probabilities for each of a list of token sequences.
 *
 * predict([x⁽¹⁾, …, x⁽ᴮ⁾])[b] = p(· | x⁽ᵇ⁾), a distribution over C classes
 *
 * Batched, so that a model can score every erased copy of a sentence in one forward pass. It must
 * return B rows of C probabilities each (finite, ≥ 0, summing to 1). With erasure by removal (the
 * default) a sequence may shrink to `[]`, and the predict function must accept it.
 */
export type Predict = (sequences: readonly (readonly number[])[]) => number[][];

/** What an importance or a deletion curve measures. */
export type ImportanceMeasure = "drop" | "tvd";

/** Options of {@link leaveOneOut}. */
export interface LeaveOneOutOptions {
  /**
   * How a token is erased: left out, the sequence getting one shorter (default), or replaced by
   * this token id (e.g. a padding or `<unk>` id), keeping every other token at its position.
   * Replacement is only neutral if the model has learned nothing about that id: in
   * {@link shortcutTask} id 0 is the watermark itself, so erase by removal there.
   */
  eraseWith?: number;
  /**
   * `"drop"` (default): p_c(x) − p_c(x without t), signed, positive for a token that supported
   * class c. `"tvd"`: the total variation distance ½ Σ_k |p_k(x) − p_k(x without t)|, unsigned,
   * as Jain & Wallace 2019 measured; for two classes it is |drop|.
   */
  measure?: ImportanceMeasure;
  /** The class c for `"drop"` (default: the class predicted for the whole input). */
  target?: number;
}

const LEAVE_ONE_OUT_OPTIONS = ["eraseWith", "measure", "target"] as const;

/** Options of {@link deletionCurve}. */
export interface DeletionCurveOptions {
  /** How a token is erased; as in {@link LeaveOneOutOptions.eraseWith} (default: left out). */
  eraseWith?: number;
  /**
   * What each point records about the erased input x⁽ᵏ⁾: `"probability"` (default) p_c(x⁽ᵏ⁾),
   * `"drop"` p_c(x) − p_c(x⁽ᵏ⁾), or `"tvd"` ½ Σ_j |p_j(x) − p_j(x⁽ᵏ⁾)|.
   */
  measure?: "probability" | ImportanceMeasure;
  /** The class c (default: the class predicted for the whole input). */
  target?: number;
}

const DELETION_CURVE_OPTIONS = ["eraseWith", "measure", "target"] as const;

/** One point of a deletion curve. */
export interface DeletionPoint {
  /** k/n: the share of the n tokens erased, from 0 to 1. */
  fraction: number;
  /** The measure after erasing the first k tokens of the order. */
  value: number;
}

/** The three orders of a deletion experiment: each a permutation of the positions 0 … n − 1. */
export interface DeletionOrders {
  /** Positions by attention, largest weight first (ties: earlier position first). */
  highestFirst: number[];
  /** Positions by attention, smallest weight first (ties: earlier position first). */
  lowestFirst: number[];
  /** A seeded random permutation, the baseline that ignores attention. */
  random: number[];
}

/** A deletion curve for each order of {@link DeletionOrders}. */
export interface DeletionCurves {
  highestFirst: DeletionPoint[];
  lowestFirst: DeletionPoint[];
  random: DeletionPoint[];
}

/** A labelled sequence, e.g. a `LabelledExample` of {@link shortcutTask}. */
export interface Example {
  tokens: readonly number[];
  /** The true class, an integer in [0, C). */
  label: number;
}

/** Options of {@link classifierPredict}. */
export interface ClassifierPredictOptions {
  /**
   * `"learned"` (default): the model's own attention. `"uniform"`: weight 1/n on each of the n
   * tokens instead, whatever the model would have attended to (a test-time ablation).
   */
  attention?: "learned" | "uniform";
}

/** What {@link uniformAblation} returns. */
export interface UniformAblation {
  /** Accuracy with the model's learned attention, in [0, 1]. */
  learned: number;
  /** Accuracy of the same model with uniform attention over each example's tokens, in [0, 1]. */
  uniform: number;
  /** learned − uniform: what the learned weights add (negative if they hurt). */
  difference: number;
}

/** Options of {@link attentionAgreement}. */
export interface AttentionAgreementOptions {
  /** How a token is erased for the leave-one-out importance (default: left out). */
  eraseWith?: number;
  /** The leave-one-out measure (default `"tvd"`, as Jain & Wallace 2019; or `"drop"`). */
  measure?: ImportanceMeasure;
}

const AGREEMENT_OPTIONS = ["eraseWith", "measure"] as const;

/** What {@link attentionAgreement} returns. */
export interface AttentionAgreement {
  /**
   * Kendall τ_b between attention and leave-one-out importance, per sequence; null where τ_b is
   * undefined (fewer than two tokens, or every weight or every importance tied).
   */
  taus: (number | null)[];
  /** The mean of the defined taus, in [−1, 1]. */
  mean: number;
  /** How many sequences had an undefined tau and are left out of the mean. */
  skipped: number;
}

/** Options of {@link classifierDeletionCurves}. */
export interface ClassifierDeletionOptions {
  /** How a token is erased (default: left out). */
  eraseWith?: number;
  /** What each point records (default `"probability"` of each input's predicted class). */
  measure?: "probability" | ImportanceMeasure;
}

const CLASSIFIER_DELETION_OPTIONS = ["eraseWith", "measure"] as const;

/** How far from 1 a row of predicted probabilities may sum: a softmax over a few classes. */
const SUM_TOLERANCE = 1e-6;

/**
 * Kendall's rank correlation τ_b between two lists of scores: +1 when they rank the items in the
 * same order, −1 in opposite orders, near 0 when the orders are unrelated.
 *
 * τ_b = (n_c − n_d) / √((n₀ − n₁)(n₀ − n₂)), over the n₀ = n(n − 1)/2 pairs i < j, where n_c
 * pairs are ordered the same way by a and b, n_d the opposite way, n₁ pairs are tied in a and n₂
 * tied in b. A pair tied in either list is neither concordant nor discordant.
 *
 * Only the order of the values matters, so any increasing transformation of a or b leaves τ_b
 * unchanged. Ties are exact equality. O(n²) pairs, meant for sentence-length lists.
 *
 * @param a a `number[]` of n ≥ 2 finite scores, e.g. attention weights over n tokens.
 * @param b a `number[]` of the same length, e.g. leave-one-out importances.
 * @returns τ_b in [−1, 1].
 * @throws RangeError when a or b has every value tied, where τ_b is 0/0.
 * @example
 * kendallTau([1, 2, 3, 4], [1, 2, 3, 4]); // 1
 * kendallTau([1, 2, 3, 4], [1, 3, 2, 4]); // 0.666… = (5 − 1)/6
 * kendallTau([1, 2, 2, 3], [1, 2, 3, 3]); // 0.8 = 4/√(5·5)
 */
export function kendallTau(a: readonly number[], b: readonly number[]): number {
  const fn = "kendallTau";
  checkScores(fn, "a", a);
  checkScores(fn, "b", b);
  if (a.length !== b.length) {
    throw new RangeError(
      `${fn}: a and b must have the same length (one score per item); ` +
        `got a of length ${a.length}, b of length ${b.length}`,
    );
  }
  if (a.length < 2) {
    throw new RangeError(`${fn}: a and b must have at least 2 entries; got ${a.length}`);
  }
  const tau = tauB(a, b);
  if (tau === null) {
    const which = allTied(a) ? "a" : "b";
    throw new RangeError(
      `${fn}: every value of ${which} is tied (${showNumber((which === "a" ? a : b)[0])}); ` +
        "tau_b is undefined without at least two distinct values in each list",
    );
  }
  return tau;
}

/**
 * A copy of a token sequence with some positions erased: left out, or replaced by a token id.
 *
 * erase(x, S) = (x_t : t ∉ S) by removal; (t ∈ S ? e : x_t) by replacement with e
 *
 * @param tokens the sequence, n token ids (integers ≥ 0).
 * @param positions the positions to erase, integers in [0, n), each at most once.
 * @param eraseWith the replacement id (an integer ≥ 0), or undefined to leave the tokens out.
 * @returns a new sequence: n − |S| tokens by removal, n by replacement.
 * @example
 * eraseTokens([7, 8, 9], [1]); // [7, 9]
 * eraseTokens([7, 8, 9], [1], 0); // [7, 0, 9]
 */
export function eraseTokens(
  tokens: readonly number[],
  positions: readonly number[],
  eraseWith?: number,
): number[] {
  const fn = "eraseTokens";
  checkTokens(fn, "tokens", tokens);
  checkEraseWith(fn, eraseWith);
  checkArray(fn, "positions", positions);
  const erased = new Set<number>();
  positions.forEach((t, k) => {
    checkInteger(fn, `positions[${k}]`, t, 0);
    if (t >= tokens.length) {
      throw new RangeError(
        `${fn}: positions[${k}] is ${t}; tokens has ${tokens.length} positions ` +
          `(0 … ${tokens.length - 1})`,
      );
    }
    if (erased.has(t)) throw new RangeError(`${fn}: positions lists ${t} twice`);
    erased.add(t);
  });
  return erase(tokens, erased, eraseWith);
}

/**
 * Leave-one-out importance: how much the prediction changes when each token alone is erased.
 *
 * I_t = p_c(x) − p_c(x∖t) ("drop"), or I_t = ½ Σ_k |p_k(x) − p_k(x∖t)| ("tvd"), where x∖t is x
 * with token t erased and c the predicted class argmax_k p_k(x) unless `target` says otherwise.
 *
 * Jain & Wallace 2019 compare this with attention by Kendall τ (see {@link attentionAgreement}).
 * One call of `predict` scores x and its n erased copies together.
 *
 * @param predict a {@link Predict} function.
 * @param tokens the input x, n ≥ 1 token ids.
 * @param options `eraseWith` (default: leave the token out), `measure` (default `"drop"`) and
 *   `target` (default: the predicted class).
 * @returns a `number[]` of length n, I_t for each position t.
 * @example
 * // p(class 1) = 0.5 + 0.1·(#1s − #2s): the 1s supported the prediction, the 2 opposed it.
 * leaveOneOut(predict, [1, 1, 0, 2]); // [0.1, 0.1, 0, −0.1] (up to rounding)
 */
export function leaveOneOut(
  predict: Predict,
  tokens: readonly number[],
  options: LeaveOneOutOptions = {},
): number[] {
  const fn = "leaveOneOut";
  checkOptions(fn, options, LEAVE_ONE_OUT_OPTIONS);
  checkPredict(fn, predict);
  checkTokens(fn, "tokens", tokens, 1);
  checkEraseWith(fn, options.eraseWith);
  const measure = checkMeasure(fn, options.measure ?? "drop", ["drop", "tvd"]);
  if (measure === "tvd" && options.target !== undefined) {
    throw new RangeError(`${fn}: target has no effect with measure "tvd"; leave it out`);
  }

  // 1. Score the whole input and every copy with one token erased, in one batch.
  const copies = tokens.map((_, t) => erase(tokens, new Set([t]), options.eraseWith));
  const probs = callPredict(fn, predict, [tokens, ...copies]);

  // 2. Compare each copy with the whole input.
  const c = checkTarget(fn, options.target, probs[0]);
  return copies.map((_, t) => change(measure, probs[0], probs[t + 1], c));
}

/**
 * The three orders of a deletion experiment from one sequence's attention weights: largest first,
 * smallest first, and a seeded random order.
 *
 * highestFirst = positions sorted by α_t descending; lowestFirst = sorted by α_t ascending; both
 * stable, so tied weights keep their left-to-right order. random = rng.permutation(n).
 *
 * @param weights α, n ≥ 1 finite scores for the n positions (attention weights, or any
 *   importance such as {@link leaveOneOut}'s).
 * @param rng a seeded {@link Random}; the same seed gives the same random order.
 * @returns {@link DeletionOrders}, three permutations of 0 … n − 1.
 * @example
 * deletionOrders([0.1, 0.6, 0.3], createRandom(1));
 * // { highestFirst: [1, 2, 0], lowestFirst: [0, 2, 1], random: a permutation of 0, 1, 2 }
 */
export function deletionOrders(weights: readonly number[], rng: Random): DeletionOrders {
  const fn = "deletionOrders";
  checkScores(fn, "weights", weights);
  if (weights.length === 0) throw new RangeError(`${fn}: weights is empty; expected >= 1 entry`);
  checkRandom(fn, rng);
  const positions = weights.map((_, t) => t);
  // Array.prototype.sort is stable (ES2019), which is what breaks ties by position.
  return {
    highestFirst: positions.slice().sort((s, t) => weights[t] - weights[s]),
    lowestFirst: positions.slice().sort((s, t) => weights[s] - weights[t]),
    random: rng.permutation(weights.length),
  };
}

/**
 * A deletion curve: the prediction as tokens are erased one by one in a given order, from none
 * (fraction 0) to all (fraction 1).
 *
 * x⁽ᵏ⁾ = x with positions order_0 … order_(k−1) erased, k = 0 … n; point k is
 * (k/n, p_c(x⁽ᵏ⁾)), or p_c(x) − p_c(x⁽ᵏ⁾) for `"drop"`, or ½ Σ_j |p_j(x) − p_j(x⁽ᵏ⁾)| for `"tvd"`.
 *
 * If the order puts the tokens the model relies on first, the probability falls fast (Samek et
 * al. 2017, "most relevant first"); erasing them last, it holds. An explanation that ranks
 * tokens no better than a random order is no explanation of this model. With erasure by
 * removal the last point scores the empty sequence `[]`.
 *
 * @param predict a {@link Predict} function.
 * @param tokens the input x, n ≥ 1 token ids.
 * @param order a permutation of 0 … n − 1, e.g. from {@link deletionOrders}.
 * @param options `eraseWith` (default: leave tokens out), `measure` (default `"probability"`)
 *   and `target` (default: the class predicted for x).
 * @returns n + 1 {@link DeletionPoint}s, fractions 0, 1/n, …, 1.
 * @example
 * // p(class 1) = 0.5 + 0.1·(#1s − #2s); erase position 0, then 1, 3, 2:
 * deletionCurve(predict, [1, 1, 0, 2], [0, 1, 3, 2]).map((p) => p.value);
 * // [0.6, 0.5, 0.4, 0.5, 0.5]
 */
export function deletionCurve(
  predict: Predict,
  tokens: readonly number[],
  order: readonly number[],
  options: DeletionCurveOptions = {},
): DeletionPoint[] {
  const fn = "deletionCurve";
  checkOptions(fn, options, DELETION_CURVE_OPTIONS);
  checkPredict(fn, predict);
  checkTokens(fn, "tokens", tokens, 1);
  checkOrder(fn, order, tokens.length);
  checkEraseWith(fn, options.eraseWith);
  const measure = checkMeasure(fn, options.measure ?? "probability", [
    "probability",
    "drop",
    "tvd",
  ]);
  if (measure === "tvd" && options.target !== undefined) {
    throw new RangeError(`${fn}: target has no effect with measure "tvd"; leave it out`);
  }
  return curve(fn, predict, tokens, order, measure, options.eraseWith, options.target);
}

/**
 * The pointwise mean of deletion curves taken at the same fractions, e.g. one per sentence of a
 * test set whose sentences all have n tokens.
 *
 * mean_k = (1/N) Σ_i curves[i][k].value, at fraction curves[0][k].fraction
 *
 * @param curves N ≥ 1 curves, each with the same fractions as curves[0].
 * @returns one curve with those fractions.
 * @example
 * meanCurve([
 *   [{ fraction: 0, value: 0.9 }, { fraction: 1, value: 0.5 }],
 *   [{ fraction: 0, value: 0.7 }, { fraction: 1, value: 0.3 }],
 * ]); // [{ fraction: 0, value: 0.8 }, { fraction: 1, value: 0.4 }]
 */
export function meanCurve(curves: readonly (readonly DeletionPoint[])[]): DeletionPoint[] {
  const fn = "meanCurve";
  checkArray(fn, "curves", curves);
  if (curves.length === 0) throw new RangeError(`${fn}: curves is empty; expected >= 1 curve`);
  curves.forEach((c, i) => checkCurve(fn, `curves[${i}]`, c));
  const first = curves[0];
  curves.forEach((c, i) => {
    if (c.length !== first.length) {
      throw new RangeError(
        `${fn}: curves[${i}] has ${c.length} points; expected ${first.length} like curves[0] ` +
          "(average curves over inputs of the same length)",
      );
    }
    c.forEach((point, k) => {
      if (point.fraction !== first[k].fraction) {
        throw new RangeError(
          `${fn}: curves[${i}][${k}].fraction is ${point.fraction}; expected ` +
            `${first[k].fraction} like curves[0]`,
        );
      }
    });
  });
  return first.map(({ fraction }, k) => ({
    fraction,
    value: curves.reduce((total, c) => total + c[k].value, 0) / curves.length,
  }));
}

/**
 * The area over a probability deletion curve (AOPC, Samek et al. 2017): the mean fall of the
 * probability below its starting value. Larger means the order found the tokens the prediction
 * depends on sooner.
 *
 * AOPC = (1/(K + 1)) Σ_{k=0}^{K} (v_0 − v_k) for points v_0 … v_K
 *
 * @param curve a deletion curve of measure `"probability"` (K + 1 ≥ 1 points).
 * @returns a number; in [−1, 1] for probabilities.
 * @example
 * aopc([
 *   { fraction: 0, value: 0.6 },
 *   { fraction: 0.5, value: 0.5 },
 *   { fraction: 1, value: 0.4 },
 * ]); // 0.1 = (0 + 0.1 + 0.2)/3
 */
export function aopc(curve: readonly DeletionPoint[]): number {
  const fn = "aopc";
  checkCurve(fn, "curve", curve);
  if (curve.length === 0) throw new RangeError(`${fn}: curve is empty; expected >= 1 point`);
  const start = curve[0].value;
  return curve.reduce((total, point) => total + (start - point.value), 0) / curve.length;
}

/**
 * The share of examples whose predicted class (the most probable; the first on a tie) is the
 * label.
 *
 * accuracy = (1/N) Σ_i [argmax_k p_k(x⁽ⁱ⁾) = y⁽ⁱ⁾]
 *
 * @param predict a {@link Predict} function.
 * @param examples N ≥ 1 {@link Example}s `{ tokens, label }`.
 * @returns a number in [0, 1].
 * @example accuracy(classifierPredict(model), task.sample(createRandom(3), 256, false));
 */
export function accuracy(predict: Predict, examples: readonly Example[]): number {
  const fn = "accuracy";
  checkPredict(fn, predict);
  checkExamples(fn, examples);
  const probs = callPredict(
    fn,
    predict,
    examples.map((e) => e.tokens),
  );
  let correct = 0;
  probs.forEach((p, i) => {
    const label = examples[i].label;
    if (label >= p.length) {
      throw new RangeError(
        `${fn}: examples[${i}].label is ${label}; predict gives ${p.length} classes`,
      );
    }
    if (argmax(p) === label) correct += 1;
  });
  return correct / examples.length;
}

/**
 * A {@link Predict} function for an {@link AttentionClassifier}: softmax of its logits, with its
 * learned attention or with uniform attention put in its place.
 *
 * p(· | x) = softmax(c·W_out + b_out), c = Σ_t α_t e(x_t); α learned, or α_t = 1/n for "uniform"
 *
 * The empty sequence, which erasure by removal reaches at the end of a deletion curve, gets
 * c = 0 and so p = softmax(b_out): a model that has read nothing answers with its bias alone,
 * as a query that may see no key gets a zero output in {@link attend}.
 *
 * @param model a trained {@link AttentionClassifier}.
 * @param options `attention`: `"learned"` (default) or `"uniform"`.
 * @returns a {@link Predict}; sequences may differ in length (they are padded and masked) and
 *   every id must be < the model's vocabulary.
 * @example
 * const predict = classifierPredict(model);
 * predict([[3, 1, 4], [1, 5]]); // two rows of class probabilities
 */
export function classifierPredict(
  model: AttentionClassifier,
  options: ClassifierPredictOptions = {},
): Predict {
  const fn = "classifierPredict";
  checkModel(fn, model);
  checkOptions(fn, options, ["attention"]);
  const attention = options.attention ?? "learned";
  if (attention !== "learned" && attention !== "uniform") {
    throw new RangeError(
      `${fn}: attention must be "learned" or "uniform"; got ${showValue(attention)}`,
    );
  }
  const vocabulary = model.embedding.table.value.rows;

  // NOTE: the parameters are read at each call, not here, so a predict made before training
  // scores with the trained weights.
  return (sequences) => {
    checkSequences(fn, sequences, 0, vocabulary);
    const probs: number[][] = sequences.map(() => []);

    // 1. The non-empty sequences, padded into one batch; padding is masked out of the attention.
    const filled = sequences.flatMap((s, i) => (s.length > 0 ? [i] : []));
    if (filled.length > 0) {
      const batch = pad(filled.map((i) => sequences[i]));
      const T = batch.tokens[0].length;
      const override = attention === "uniform" ? uniformWeights(batch.lengths, T) : undefined;
      const logits = model.forward(batch, override).logits.value; // (B, classes)
      filled.forEach((i, b) => {
        const row = Array.from(logits.data.subarray(b * logits.cols, (b + 1) * logits.cols));
        probs[i] = softmax(row);
      });
    }

    // 2. The empty ones: no tokens, so c = 0 and the logits are the output bias.
    const bias = model.output.bias
      ? Array.from(model.output.bias.value.data)
      : new Array<number>(model.output.weight.value.cols).fill(0);
    sequences.forEach((s, i) => {
      if (s.length === 0) probs[i] = softmax(bias);
    });
    return probs;
  };
}

/**
 * The attention weights an {@link AttentionClassifier} gives each token of each sequence.
 *
 * α⁽ᵇ⁾ = softmax_t(v·tanh(e(x_t)W + b)) over the n_b tokens of sequence b
 *
 * @param model an {@link AttentionClassifier} (a model trained with `uniformAttention` gives
 *   1/n_b everywhere).
 * @param sequences B ≥ 1 sequences of ≥ 1 token ids each; lengths may differ.
 * @returns B rows, row b of length n_b, each summing to 1.
 * @example classifierAttention(model, [[3, 1, 4], [1, 5]]); // [[α₀, α₁, α₂], [α₀, α₁]]
 */
export function classifierAttention(
  model: AttentionClassifier,
  sequences: readonly (readonly number[])[],
): number[][] {
  const fn = "classifierAttention";
  checkModel(fn, model);
  checkSequences(fn, sequences, 1, model.embedding.table.value.rows);
  if (sequences.length === 0) throw new RangeError(`${fn}: sequences is empty`);
  const batch = pad(sequences);
  const weights = model.forward(batch).weights; // (B, T), zeros on padding
  return sequences.map((s, b) =>
    Array.from(weights.data.subarray(b * weights.cols, b * weights.cols + s.length)),
  );
}

/**
 * Uniform-attention ablation at test time (after Wiegreffe & Pinter 2019): accuracy with the
 * learned weights against accuracy with weight 1/n on each of an example's n tokens.
 *
 * difference = acc(α learned) − acc(α_t = 1/n)
 *
 * A difference near 0 means the decision does not need the learned weights; a large one means
 * it does, though not that the weights are its explanation. (Wiegreffe & Pinter also train a
 * second model with frozen uniform weights: an `AttentionClassifier` with `uniformAttention`.)
 *
 * @param model an {@link AttentionClassifier}.
 * @param examples N ≥ 1 {@link Example}s, e.g. a shortcut task's test set.
 * @returns {@link UniformAblation} `{ learned, uniform, difference }`.
 * @example
 * const { learned, uniform, difference } = uniformAblation(model, testSet);
 */
export function uniformAblation(
  model: AttentionClassifier,
  examples: readonly Example[],
): UniformAblation {
  const fn = "uniformAblation";
  checkModel(fn, model);
  checkExamples(fn, examples, model.embedding.table.value.rows);
  const learned = accuracy(classifierPredict(model), examples);
  const uniform = accuracy(classifierPredict(model, { attention: "uniform" }), examples);
  return { learned, uniform, difference: learned - uniform };
}

/**
 * How well attention ranks tokens the way leave-one-out importance does, as Jain & Wallace 2019
 * measured: Kendall τ_b per sequence, and its mean.
 *
 * τ⁽ᵇ⁾ = kendallTau(α⁽ᵇ⁾, I⁽ᵇ⁾), α from {@link classifierAttention}, I from {@link leaveOneOut}
 *
 * τ near 1: the tokens the model looks at most are the ones whose erasure changes its answer
 * most. Near 0: the attention map and the experiment disagree about what mattered.
 *
 * NOTE: the default measure is `"tvd"`, Jain & Wallace's, not {@link leaveOneOut}'s `"drop"`:
 * attention is unsigned, and a token that counts against the prediction can matter as much as one
 * that counts for it. Ties are exact equality, so two importances that differ only by rounding
 * (the same word at two positions, summed in a different order) count as ordered.
 *
 * @param model an {@link AttentionClassifier}.
 * @param sequences B ≥ 1 sequences of ≥ 1 token ids.
 * @param options `eraseWith` (default: leave the token out), `measure` (default `"tvd"`).
 * @returns {@link AttentionAgreement} `{ taus, mean, skipped }`.
 * @throws RangeError if τ_b is undefined for every sequence (e.g. a uniform-attention model).
 * @example attentionAgreement(model, testSet.map((e) => e.tokens)).mean; // e.g. 0.4
 */
export function attentionAgreement(
  model: AttentionClassifier,
  sequences: readonly (readonly number[])[],
  options: AttentionAgreementOptions = {},
): AttentionAgreement {
  const fn = "attentionAgreement";
  checkOptions(fn, options, AGREEMENT_OPTIONS);
  checkModel(fn, model);
  checkEraseWith(fn, options.eraseWith);
  const measure = checkMeasure(fn, options.measure ?? "tvd", ["drop", "tvd"]);
  checkSequences(fn, sequences, 1, model.embedding.table.value.rows);
  if (sequences.length === 0) throw new RangeError(`${fn}: sequences is empty`);

  // 1. Attention over every sequence in one batch, 2. leave-one-out importance, 3. τ_b of each.
  const weights = classifierAttention(model, sequences);
  const predict = classifierPredict(model);
  const taus = sequences.map((tokens, b) => {
    if (tokens.length < 2) return null;
    const importance = leaveOneOut(predict, tokens, { eraseWith: options.eraseWith, measure });
    return tauB(weights[b], importance);
  });
  const defined = taus.filter((tau): tau is number => tau !== null);
  if (defined.length === 0) {
    throw new RangeError(
      `${fn}: Kendall tau is undefined for all ${sequences.length} sequences ` +
        "(fewer than 2 tokens, or every attention weight or every importance tied)",
    );
  }
  const mean = defined.reduce((total, tau) => total + tau, 0) / defined.length;
  return { taus, mean, skipped: taus.length - defined.length };
}

/**
 * Mean deletion curves of an {@link AttentionClassifier} over sequences of one length, erasing
 * by its attention highest first, lowest first and in a seeded random order.
 *
 * for each sequence: orders = deletionOrders(α, rng), one deletionCurve per order, with c the
 * class predicted for that sequence; then the meanCurve of each order over the sequences
 *
 * If attention pointed at what the model uses, highest-first falls fastest and lowest-first
 * slowest, with random between.
 *
 * NOTE: all sequences must have the same length n, so that the curves share the fractions k/n
 * and can be averaged point by point (the shortcut task's sentences all do).
 *
 * @param model an {@link AttentionClassifier}.
 * @param sequences B ≥ 1 sequences of the same length n ≥ 1.
 * @param rng a seeded {@link Random}, drawn once per sequence, in order, for the random order.
 * @param options `eraseWith` (default: leave tokens out), `measure` (default `"probability"`).
 * @returns {@link DeletionCurves}, each of n + 1 points.
 * @example
 * const curves = classifierDeletionCurves(model, testSet.map((e) => e.tokens), createRandom(4));
 * aopc(curves.highestFirst) > aopc(curves.random); // attention found what matters
 */
export function classifierDeletionCurves(
  model: AttentionClassifier,
  sequences: readonly (readonly number[])[],
  rng: Random,
  options: ClassifierDeletionOptions = {},
): DeletionCurves {
  const fn = "classifierDeletionCurves";
  checkOptions(fn, options, CLASSIFIER_DELETION_OPTIONS);
  checkModel(fn, model);
  checkRandom(fn, rng);
  checkEraseWith(fn, options.eraseWith);
  const measure = checkMeasure(fn, options.measure ?? "probability", [
    "probability",
    "drop",
    "tvd",
  ]);
  checkSequences(fn, sequences, 1, model.embedding.table.value.rows);
  if (sequences.length === 0) throw new RangeError(`${fn}: sequences is empty`);
  sequences.forEach((s, b) => {
    if (s.length !== sequences[0].length) {
      throw new RangeError(
        `${fn}: sequences[${b}] has ${s.length} tokens; expected ${sequences[0].length} like ` +
          "sequences[0] (curves are averaged at the same fractions)",
      );
    }
  });

  const weights = classifierAttention(model, sequences);
  const predict = classifierPredict(model);
  const perOrder: Record<keyof DeletionCurves, DeletionPoint[][]> = {
    highestFirst: [],
    lowestFirst: [],
    random: [],
  };
  sequences.forEach((tokens, b) => {
    const orders = deletionOrders(weights[b], rng);
    for (const key of ["highestFirst", "lowestFirst", "random"] as const) {
      perOrder[key].push(curve(fn, predict, tokens, orders[key], measure, options.eraseWith));
    }
  });
  return {
    highestFirst: meanCurve(perOrder.highestFirst),
    lowestFirst: meanCurve(perOrder.lowestFirst),
    random: meanCurve(perOrder.random),
  };
}

// ---------------------------------------------------------------------------------------------
// Internals

/** τ_b, or null when it is undefined (a list with every value tied). Lengths already checked. */
function tauB(a: readonly number[], b: readonly number[]): number | null {
  const n = a.length;
  let score = 0; // n_c − n_d
  let tiedA = 0; // n₁
  let tiedB = 0; // n₂
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const da = Math.sign(a[j] - a[i]);
      const db = Math.sign(b[j] - b[i]);
      if (da === 0) tiedA += 1;
      if (db === 0) tiedB += 1;
      score += da * db; // +1 concordant, −1 discordant, 0 tied in either
    }
  }
  const pairs = (n * (n - 1)) / 2; // n₀
  // Counts are integers far below 2^53, so both factors are exact and √ of a square is exact.
  const denominator = Math.sqrt((pairs - tiedA) * (pairs - tiedB));
  return denominator === 0 ? null : score / denominator;
}

function allTied(xs: readonly number[]): boolean {
  return xs.every((x) => x === xs[0]);
}

/** Erases a set of positions: removal when eraseWith is undefined, else replacement. */
function erase(tokens: readonly number[], erased: ReadonlySet<number>, eraseWith?: number) {
  if (eraseWith === undefined) return tokens.filter((_, t) => !erased.has(t));
  return tokens.map((token, t) => (erased.has(t) ? eraseWith : token));
}

/** The change of a prediction p → q by a measure; c is the class followed. */
function change(measure: string, p: readonly number[], q: readonly number[], c: number): number {
  if (measure === "probability") return q[c];
  if (measure === "drop") return p[c] - q[c];
  let total = 0;
  for (let k = 0; k < p.length; k++) total += Math.abs(p[k] - q[k]);
  return total / 2;
}

/** A deletion curve, arguments already checked. */
function curve(
  fn: string,
  predict: Predict,
  tokens: readonly number[],
  order: readonly number[],
  measure: string,
  eraseWith: number | undefined,
  target?: number,
): DeletionPoint[] {
  const n = tokens.length;

  // 1. x⁽⁰⁾ … x⁽ⁿ⁾, each with one more position of the order erased, scored in one batch.
  const erased = new Set<number>();
  const inputs = [tokens.slice()];
  for (const t of order) {
    erased.add(t);
    inputs.push(erase(tokens, erased, eraseWith));
  }
  const probs = callPredict(fn, predict, inputs);

  // 2. Follow the class predicted for the whole input (or the target) along the curve.
  const c = checkTarget(fn, target, probs[0]);
  return probs.map((q, k) => ({ fraction: k / n, value: change(measure, probs[0], q, c) }));
}

/** The index of the largest entry, the first on a tie. */
function argmax(p: readonly number[]): number {
  let best = 0;
  for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
  return best;
}

/** Calls predict and checks that it returned one probability row per sequence. */
function callPredict(
  fn: string,
  predict: Predict,
  sequences: readonly (readonly number[])[],
): number[][] {
  const probs: unknown = predict(sequences);
  checkArray(fn, "predict(…)", probs);
  if (probs.length !== sequences.length) {
    throw new RangeError(
      `${fn}: predict returned ${probs.length} rows for ${sequences.length} sequences; ` +
        "expected one row of class probabilities per sequence",
    );
  }
  let classes = -1;
  probs.forEach((row, i) => {
    const name = `predict(…)[${i}]`;
    checkNumberArray(fn, name, row);
    if (classes === -1) classes = row.length;
    if (row.length === 0 || row.length !== classes) {
      throw new RangeError(
        `${fn}: ${name} has ${row.length} classes; expected ${classes === 0 ? ">= 1" : classes}`,
      );
    }
    let total = 0;
    row.forEach((p, k) => {
      if (p < 0) throw new RangeError(`${fn}: ${name}[${k}] is ${p}; probabilities are >= 0`);
      total += p;
    });
    if (Math.abs(total - 1) > SUM_TOLERANCE) {
      throw new RangeError(
        `${fn}: ${name} sums to ${total}; expected class probabilities summing to 1`,
      );
    }
  });
  return probs as number[][];
}

/** The class to follow: the target if given (checked against the classes), else argmax p. */
function checkTarget(fn: string, target: unknown, p: readonly number[]): number {
  if (target === undefined) return argmax(p);
  checkInteger(fn, "target", target, 0);
  if (target >= p.length) {
    throw new RangeError(`${fn}: target is ${target}; predict gives ${p.length} classes`);
  }
  return target;
}

function checkPredict(fn: string, predict: unknown): asserts predict is Predict {
  if (typeof predict !== "function") {
    throw new TypeError(
      `${fn}: predict must be a function from token sequences to class probabilities; ` +
        `got ${kindOf(predict)}`,
    );
  }
}

function checkModel(fn: string, model: unknown): asserts model is AttentionClassifier {
  if (!(model instanceof AttentionClassifier)) {
    throw new TypeError(`${fn}: model must be an AttentionClassifier; got ${kindOf(model)}`);
  }
}

function checkRandom(fn: string, rng: unknown): asserts rng is Random {
  if (
    typeof rng !== "object" ||
    rng === null ||
    typeof (rng as Partial<Random>).permutation !== "function"
  ) {
    throw new TypeError(`${fn}: rng must be a Random from createRandom(seed); got ${kindOf(rng)}`);
  }
}

/** A list of finite scores (any length; callers check their own minimum). */
function checkScores(fn: string, argName: string, xs: unknown): asserts xs is readonly number[] {
  checkArray(fn, argName, xs);
  checkFinite(fn, argName, xs);
}

/** A token sequence: integer ids ≥ 0, at least `min` of them. */
function checkTokens(
  fn: string,
  argName: string,
  tokens: unknown,
  min = 0,
): asserts tokens is readonly number[] {
  checkArray(fn, argName, tokens);
  if (tokens.length < min) {
    throw new RangeError(`${fn}: ${argName} has ${tokens.length} tokens; expected >= ${min}`);
  }
  tokens.forEach((t, k) => checkInteger(fn, `${argName}[${k}]`, t, 0));
}

/** A list of token sequences, each of ≥ min ids below the vocabulary size. */
function checkSequences(
  fn: string,
  sequences: unknown,
  min: number,
  vocabulary: number,
): asserts sequences is readonly (readonly number[])[] {
  checkArray(fn, "sequences", sequences);
  sequences.forEach((s, b) => {
    checkTokens(fn, `sequences[${b}]`, s, min);
    s.forEach((t, k) => {
      if (t >= vocabulary) {
        throw new RangeError(
          `${fn}: sequences[${b}][${k}] is ${t}; ` +
            `the model's vocabulary has ids 0 … ${vocabulary - 1}`,
        );
      }
    });
  });
}

/** A non-empty list of { tokens, label }; with a vocabulary size, every id must be below it. */
function checkExamples(
  fn: string,
  examples: unknown,
  vocabulary?: number,
): asserts examples is readonly Example[] {
  checkArray(fn, "examples", examples);
  if (examples.length === 0) throw new RangeError(`${fn}: examples is empty; expected >= 1`);
  examples.forEach((e, i) => {
    if (typeof e !== "object" || e === null) {
      throw new TypeError(`${fn}: examples[${i}] must be { tokens, label }; got ${kindOf(e)}`);
    }
    const { tokens, label } = e as Partial<Example>;
    checkTokens(fn, `examples[${i}].tokens`, tokens);
    checkInteger(fn, `examples[${i}].label`, label, 0);
    const k = vocabulary === undefined ? -1 : tokens.findIndex((t) => t >= vocabulary);
    if (k >= 0) {
      throw new RangeError(
        `${fn}: examples[${i}].tokens[${k}] is ${tokens[k]}; ` +
          `the model's vocabulary has ids 0 … ${vocabulary! - 1}`,
      );
    }
  });
}

function checkEraseWith(fn: string, eraseWith: unknown): void {
  if (eraseWith !== undefined) checkInteger(fn, "eraseWith", eraseWith, 0);
}

function checkMeasure<M extends string>(fn: string, measure: unknown, allowed: readonly M[]): M {
  if (!allowed.includes(measure as M)) {
    const list = allowed.map((m) => JSON.stringify(m)).join(", ");
    throw new RangeError(`${fn}: measure must be one of ${list}; got ${showValue(measure)}`);
  }
  return measure as M;
}

/** A permutation of 0 … n − 1. */
function checkOrder(fn: string, order: unknown, n: number): asserts order is readonly number[] {
  checkArray(fn, "order", order);
  const what = `a permutation of 0 … ${n - 1} (one entry per token)`;
  if (order.length !== n) {
    throw new RangeError(`${fn}: order must be ${what}; got ${order.length} entries`);
  }
  const seen = new Set<number>();
  order.forEach((t, k) => {
    checkInteger(fn, `order[${k}]`, t, 0);
    if (t >= n) throw new RangeError(`${fn}: order[${k}] is ${t}; expected ${what}`);
    if (seen.has(t)) throw new RangeError(`${fn}: order lists ${t} twice; expected ${what}`);
    seen.add(t);
  });
}

function checkCurve(fn: string, argName: string, points: unknown): void {
  checkArray(fn, argName, points);
  points.forEach((point, k) => {
    if (typeof point !== "object" || point === null) {
      throw new TypeError(
        `${fn}: ${argName}[${k}] must be { fraction, value }; got ${kindOf(point)}`,
      );
    }
    const { fraction, value } = point as Partial<DeletionPoint>;
    checkFiniteNumber(fn, `${argName}[${k}].fraction`, fraction);
    checkFiniteNumber(fn, `${argName}[${k}].value`, value);
    const previous = k === 0 ? 0 : (points[k - 1] as DeletionPoint).fraction;
    if (fraction! < 0 || fraction! > 1 || (k > 0 && fraction! <= previous)) {
      throw new RangeError(
        `${fn}: ${argName}[${k}].fraction is ${showNumber(fraction!)}; the fractions erased must ` +
          `rise from 0 to 1`,
      );
    }
  });
}

/** A value for a message: strings quoted, other things by kind. */
function showValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  return typeof value === "number" ? showNumber(value) : kindOf(value);
}
