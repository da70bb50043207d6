/**
 * Scoring a translation model: token and whole-sentence accuracy of greedy translations, and one
 * sentence's attention as an alignment matrix (source words × output words).
 *
 * The two accuracies are the ones chapter 1 plots against the source length, in the spirit of the
 * BLEU-against-length figure of Bahdanau, Cho & Bengio, "Neural machine translation by jointly
 * learning to align and translate", ICLR 2015 (figure 2); the alignment matrix is their figure 3.
 */

import { checkArray, checkInteger, checkOptions, kindOf } from "./check";
import { Seq2Seq, Translation } from "./nn";
import { pad, SentencePair } from "./tasks";
import { Matrix } from "./tensor";

/** What {@link scoreTranslations} and {@link evaluateTranslator} return. */
export interface TranslationScore {
  /** Output tokens equal to the reference token at the same position. */
  correctTokens: number;
  /** All reference tokens. */
  tokens: number;
  /** correctTokens / tokens. */
  tokenAccuracy: number;
  /** Sentences whose every token is right. */
  correctSentences: number;
  /** All sentences. */
  sentences: number;
  /** correctSentences / sentences. */
  sentenceAccuracy: number;
  /**
   * Entry t: the share of sentences with a token at position t (0-based) that got it right; the
   * list is as long as the longest reference.
   */
  positionAccuracy: number[];
}

/**
 * Compares translations with their references position by position.
 *
 * token accuracy = Σ_b Σ_t [ŷ_bt = y_bt] / Σ_b |y_b|, sentence accuracy = Σ_b [ŷ_b = y_b] / B
 *
 * A word in the right place counts; the same word one place off does not. That is the measure for
 * the toy task, whose translations have exactly as many words as their sources.
 *
 * @param predicted B token lists, each as long as its reference.
 * @param references B reference token lists, none empty.
 * @returns the counts, both accuracies and the accuracy at each position.
 * @example
 * scoreTranslations([[1, 2, 3], [4, 5]], [[1, 2, 0], [4, 5]]);
 * // correctTokens 4 of 5 (0.8), correctSentences 1 of 2 (0.5), positionAccuracy [1, 1, 0]
 */
export function scoreTranslations(
  predicted: readonly (readonly number[])[],
  references: readonly (readonly number[])[],
): TranslationScore {
  const fn = "scoreTranslations";
  checkArray(fn, "predicted", predicted);
  checkArray(fn, "references", references);
  if (references.length === 0) throw new RangeError(`${fn}: references must not be empty`);
  if (predicted.length !== references.length) {
    throw new RangeError(
      `${fn}: predicted and references must hold the same number of sentences; ` +
        `got ${predicted.length} and ${references.length}`,
    );
  }
  const longest = Math.max(...references.map((r, b) => checkSentence(fn, `references[${b}]`, r)));
  const right = new Array<number>(longest).fill(0);
  const present = new Array<number>(longest).fill(0);
  let correctTokens = 0;
  let tokens = 0;
  let correctSentences = 0;
  references.forEach((reference, b) => {
    const output = predicted[b];
    checkArray(fn, `predicted[${b}]`, output);
    if (output.length !== reference.length) {
      throw new RangeError(
        `${fn}: predicted[${b}] has ${output.length} tokens; its reference has ${reference.length}`,
      );
    }
    let allRight = true;
    reference.forEach((word, t) => {
      checkInteger(fn, `predicted[${b}][${t}]`, output[t], 0);
      present[t] += 1;
      if (output[t] === word) {
        right[t] += 1;
        correctTokens += 1;
      } else {
        allRight = false;
      }
    });
    tokens += reference.length;
    if (allRight) correctSentences += 1;
  });
  return {
    correctTokens,
    tokens,
    tokenAccuracy: correctTokens / tokens,
    correctSentences,
    sentences: references.length,
    sentenceAccuracy: correctSentences / references.length,
    positionAccuracy: right.map((count, t) => count / present[t]),
  };
}

/** Options of {@link evaluateTranslator}. */
export interface EvaluateTranslatorOptions {
  /** Sentences translated together (default 64); only speed depends on it. */
  batchSize?: number;
}

/** What {@link evaluateTranslator} returns: the score and the translations it was computed from. */
export interface TranslatorEvaluation extends TranslationScore {
  /** The model's greedy translation of each pair's source, as long as the pair's target. */
  predicted: number[][];
}

/**
 * Translates every source greedily with {@link Seq2Seq.translate}, writing as many words as the
 * reference has, and scores the translations with {@link scoreTranslations}.
 *
 * @param model a trained encoder–decoder.
 * @param pairs the held-out sentences and their reference translations.
 * @param options `batchSize`.
 * @returns the score and the translations.
 * @example
 * const pairs = task.sample(createRandom(3), 50, 30, 30);
 * evaluateTranslator(model, pairs).tokenAccuracy; // e.g. 0.95
 */
export function evaluateTranslator(
  model: Seq2Seq,
  pairs: readonly SentencePair[],
  options: EvaluateTranslatorOptions = {},
): TranslatorEvaluation {
  const fn = "evaluateTranslator";
  if (!(model instanceof Seq2Seq)) {
    throw new TypeError(`${fn}: model must be a Seq2Seq; got ${kindOf(model)}`);
  }
  checkArray(fn, "pairs", pairs);
  if (pairs.length === 0) throw new RangeError(`${fn}: pairs must not be empty`);
  checkOptions(fn, options, ["batchSize"]);
  const batchSize = options.batchSize ?? 64;
  checkInteger(fn, "batchSize", batchSize, 1);
  pairs.forEach((pair, b) => {
    checkSentence(fn, `pairs[${b}].source`, pair?.source);
    checkSentence(fn, `pairs[${b}].target`, pair?.target);
  });

  const predicted: number[][] = [];
  for (let start = 0; start < pairs.length; start += batchSize) {
    const chunk = pairs.slice(start, start + batchSize);
    const source = pad(chunk.map((p) => p.source));
    predicted.push(
      ...model.translate(
        source,
        chunk.map((p) => p.target.length),
      ).tokens,
    );
  }
  const score = scoreTranslations(
    predicted,
    pairs.map((p) => p.target),
  );
  return { ...score, predicted };
}

/**
 * One sentence's attention as a matrix: row t holds the weights the decoder gave the source
 * words while it wrote output word t.
 *
 * A[t, s] = α_ts for t < outputs, s < sourceLength; each row sums to 1
 *
 * @param translation what {@link Seq2Seq.translate} returned for a batch.
 * @param example which sentence of the batch (0-based).
 * @param sourceLength that sentence's source length; the padded columns after it (weight 0) are
 *   left out.
 * @returns the [outputs, sourceLength] alignment, outputs = translation.tokens[example].length.
 * @example
 * const translation = model.translate(pad([source]), [source.length]);
 * alignmentMatrix(translation, 0, source.length); // [S, S] for the toy task
 */
export function alignmentMatrix(
  translation: Translation,
  example: number,
  sourceLength: number,
): Matrix {
  const fn = "alignmentMatrix";
  if (typeof translation !== "object" || translation === null) {
    throw new TypeError(`${fn}: translation must be what Seq2Seq.translate returned`);
  }
  checkArray(fn, "translation.tokens", translation.tokens);
  checkArray(fn, "translation.attention", translation.attention);
  if (translation.attention.length === 0) {
    throw new RangeError(
      `${fn}: translation.attention is empty; a model with attention "none" has no alignment`,
    );
  }
  checkInteger(fn, "example", example, 0);
  const B = translation.tokens.length;
  if (example >= B) {
    throw new RangeError(`${fn}: example must be < ${B}, the sentences translated; got ${example}`);
  }
  checkInteger(fn, "sourceLength", sourceLength, 1);
  const S = translation.attention[0].cols;
  if (sourceLength > S) {
    throw new RangeError(
      `${fn}: sourceLength is ${sourceLength}; the batch's sources have ${S} positions`,
    );
  }
  const outputs = translation.tokens[example].length;
  if (translation.attention.length < outputs) {
    throw new RangeError(
      `${fn}: translation.attention has ${translation.attention.length} steps; ` +
        `sentence ${example} has ${outputs} output words`,
    );
  }
  const data = new Float64Array(outputs * sourceLength);
  for (let t = 0; t < outputs; t++) {
    const weights = translation.attention[t]; // (B, S)
    for (let s = 0; s < sourceLength; s++) data[t * sourceLength + s] = weights.get(example, s);
  }
  return new Matrix(data, outputs, sourceLength);
}

/** Checks one sentence (a non-empty list of word ids) and returns its length. */
function checkSentence(fn: string, argName: string, sentence: unknown): number {
  checkArray(fn, argName, sentence);
  if (sentence.length === 0) throw new RangeError(`${fn}: ${argName} is empty; expected a word`);
  sentence.forEach((word, t) => checkInteger(fn, `${argName}[${t}]`, word, 0));
  return sentence.length;
}
