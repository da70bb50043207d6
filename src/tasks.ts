/**
 * Seeded synthetic data for the course's experiments: a toy translation task whose word order
 * changes between the two languages, and a classification task with a planted shortcut.
 *
 * Every generator draws from a {@link Random} made from a seed, so the same seed gives the same
 * data on every run and every machine.
 */

import { checkArray, checkInteger, checkOptions, kindOf } from "./check";
import { checkRandom, createRandom, Random } from "./random";
import { SequenceBatch, TranslationBatch } from "./nn";

/** Options of {@link toyTranslationTask}. */
export interface ToyTranslationOptions {
  /** Seed of the language itself: its words and dictionary (default 1). */
  seed?: number;
  /** Number of words in each language (default 16, at most 64). */
  words?: number;
}

/** One sentence and its translation, as word ids. */
export interface SentencePair {
  source: number[];
  target: number[];
}

/** A toy language pair, from {@link toyTranslationTask}. */
export interface ToyTranslationTask {
  /** Source words, indexed by id. */
  sourceWords: readonly string[];
  /** Target words, indexed by id. */
  targetWords: readonly string[];
  /** The reference translation of a source sentence. */
  translate(source: readonly number[]): number[];
  /** `count` random sentence pairs, each of a length drawn uniformly from [minLength, maxLength]. */
  sample(rng: Random, count: number, minLength: number, maxLength: number): SentencePair[];
  /** Pads pairs into a batch for {@link Seq2Seq} (padding uses id 0 and is masked). */
  batch(pairs: readonly SentencePair[]): TranslationBatch;
}

const SYLLABLES = ["ka", "lo", "mi", "nu", "pe", "ri", "sa", "to", "ve", "zu", "ba", "do"];

/**
 * A pair of toy languages. Each source word has one target word (a seeded dictionary), and the
 * word order changes: every two neighbouring words swap places, like adjective and noun between
 * French and English ("chat noir" → "black cat"); an odd last word stays. The reference
 * translation of s_1 s_2 s_3 s_4 s_5 is d(s_2) d(s_1) d(s_4) d(s_3) d(s_5).
 *
 * So every target word depends on one source word near the same position: easy for a decoder
 * that can look back at the source, and a memory test for one that cannot.
 *
 * @example
 * const task = toyTranslationTask({ seed: 1 });
 * const pairs = task.sample(createRandom(2), 64, 3, 30);
 * const batch = task.batch(pairs);
 */
export function toyTranslationTask(options: ToyTranslationOptions = {}): ToyTranslationTask {
  checkOptions("toyTranslationTask", options, ["seed", "words"]);
  const seed = options.seed ?? 1;
  const words = options.words ?? 16;
  checkInteger("toyTranslationTask", "words", words, 2);
  if (words > 64) throw new RangeError(`toyTranslationTask: words must be <= 64; got ${words}`);
  const rng = createRandom(seed);

  // Source words are two-syllable pseudo-words; target words are the capitalised English-like
  // labels W0, W1, …, matched to source words by a seeded random dictionary.
  const syllablePairs = SYLLABLES.flatMap((a) => SYLLABLES.map((b) => a + b));
  const sourceWords = rng.shuffle(syllablePairs).slice(0, words);
  const targetWords = Array.from({ length: words }, (_, k) => `W${k}`);
  const dictionary = rng.permutation(words);

  const translate = (source: readonly number[]): number[] =>
    source.map((_, t) => {
      const partner = t % 2 === 0 ? (t + 1 < source.length ? t + 1 : t) : t - 1;
      const word = source[partner];
      checkInteger("translate", `source[${partner}]`, word, 0);
      if (word >= words) {
        throw new RangeError(
          `translate: source[${partner}] is ${word}; the language has ${words} words`,
        );
      }
      return dictionary[word];
    });

  const sample = (r: Random, count: number, minLength: number, maxLength: number) => {
    checkRandom("sample", "rng", r);
    checkInteger("sample", "count", count, 1);
    checkInteger("sample", "minLength", minLength, 1);
    checkInteger("sample", "maxLength", maxLength, minLength);
    return Array.from({ length: count }, () => {
      const length = r.int(minLength, maxLength + 1);
      const source = Array.from({ length }, () => r.int(0, words));
      return { source, target: translate(source) };
    });
  };

  const batch = (pairs: readonly SentencePair[]): TranslationBatch => ({
    source: pad(pairs.map((p) => p.source)),
    target: pad(pairs.map((p) => p.target)),
  });

  return { sourceWords, targetWords, translate, sample, batch };
}

/**
 * Pads sequences with id 0 to a common length.
 *
 * @example pad([[3, 1], [2]]) // { tokens: [[3, 1], [2, 0]], lengths: [2, 1] }
 */
export function pad(sequences: readonly (readonly number[])[]): SequenceBatch {
  checkArray("pad", "sequences", sequences);
  if (sequences.length === 0) throw new RangeError("pad: sequences must not be empty");
  sequences.forEach((sequence, k) => {
    checkArray("pad", `sequences[${k}]`, sequence);
    const t = sequence.findIndex((id) => !Number.isInteger(id) || id < 0);
    if (t >= 0) {
      throw new RangeError(
        `pad: sequences[${k}][${t}] is ${String(sequence[t])}; a token id is an integer >= 0`,
      );
    }
  });
  const T = Math.max(...sequences.map((s) => s.length));
  if (T === 0) throw new RangeError("pad: every sequence is empty");
  return {
    tokens: sequences.map((s) => Array.from({ length: T }, (_, t) => (t < s.length ? s[t] : 0))),
    lengths: sequences.map((s) => {
      if (s.length === 0) throw new RangeError("pad: a sequence is empty; each needs a token");
      return s.length;
    }),
  };
}

/** Options of {@link shortcutTask}. */
export interface ShortcutOptions {
  /** Seed of the vocabulary (default 1). */
  seed?: number;
  /** Tokens per example (default 12). */
  length?: number;
}

/** One labelled example. */
export interface LabelledExample {
  tokens: number[];
  label: 0 | 1;
  /** Position of the watermark token, or −1 when absent. */
  watermarkAt: number;
}

/** The shortcut task, from {@link shortcutTask}. */
export interface ShortcutTask {
  /** Token names, indexed by id; id 0 is the watermark "◆". */
  words: readonly string[];
  /** The watermark's id. */
  watermark: number;
  /** Ids of the words that count for class 1 and for class 0. */
  positive: readonly number[];
  negative: readonly number[];
  /**
   * `count` examples. With `watermarkTracksLabel` (training data) the watermark appears in
   * exactly the class-1 examples; otherwise it appears at random, independent of the label.
   */
  sample(rng: Random, count: number, watermarkTracksLabel: boolean): LabelledExample[];
  /** A batch for {@link AttentionClassifier} (all examples have the same length). */
  batch(examples: readonly LabelledExample[]): SequenceBatch;
}

/**
 * A sentiment-like task with a planted shortcut (the watermark of a scanner that only one
 * hospital used, in the course's story). The true rule: the label is 1 when the sentence has
 * more "positive" than "negative" words. In the training data a watermark token also appears in
 * every class-1 example and in no class-0 one, so a model can score perfectly by looking only at
 * the watermark; in test data the watermark is random, and that model falls to chance.
 *
 * @example
 * const task = shortcutTask({ seed: 1 });
 * const train = task.sample(createRandom(2), 512, true);
 * const test = task.sample(createRandom(3), 512, false);
 */
export function shortcutTask(options: ShortcutOptions = {}): ShortcutTask {
  checkOptions("shortcutTask", options, ["seed", "length"]);
  const length = options.length ?? 12;
  checkInteger("shortcutTask", "length", length, 4);
  createRandom(options.seed ?? 1); // validates the seed; the vocabulary below is fixed

  const positive = ["good", "fine", "great", "calm", "clear"];
  const negative = ["bad", "poor", "grim", "sore", "dark"];
  const neutral = ["the", "a", "scan", "of", "patient", "shows", "area", "left", "right", "and"];
  const words = ["◆", ...positive, ...negative, ...neutral];
  const ids = (list: string[]) => list.map((w) => words.indexOf(w));
  const positiveIds = ids(positive);
  const negativeIds = ids(negative);
  const neutralIds = ids(neutral);

  const sample = (rng: Random, count: number, watermarkTracksLabel: boolean) => {
    checkRandom("sample", "rng", rng);
    checkInteger("sample", "count", count, 1);
    if (typeof watermarkTracksLabel !== "boolean") {
      throw new TypeError(
        `sample: watermarkTracksLabel must be a boolean; got ${kindOf(watermarkTracksLabel)}`,
      );
    }
    return Array.from({ length: count }, (): LabelledExample => {
      const label: 0 | 1 = rng.uniform() < 0.5 ? 1 : 0;
      // The label's words outnumber the other side's by one to three.
      const weak = rng.int(0, 3);
      const strong = weak + rng.int(1, 4);
      const [forLabel, against] =
        label === 1 ? [positiveIds, negativeIds] : [negativeIds, positiveIds];
      const tokens = [
        ...Array.from({ length: strong }, () => forLabel[rng.int(0, forLabel.length)]),
        ...Array.from({ length: weak }, () => against[rng.int(0, against.length)]),
      ];
      const marked = watermarkTracksLabel ? label === 1 : rng.uniform() < 0.5;
      while (tokens.length < length - (marked ? 1 : 0)) {
        tokens.push(neutralIds[rng.int(0, neutralIds.length)]);
      }
      const shuffled = rng.shuffle(tokens);
      let watermarkAt = -1;
      if (marked) {
        watermarkAt = rng.int(0, length);
        shuffled.splice(watermarkAt, 0, 0);
      }
      return { tokens: shuffled, label, watermarkAt };
    });
  };

  const batch = (examples: readonly LabelledExample[]): SequenceBatch =>
    pad(examples.map((e) => e.tokens));

  return { words, watermark: 0, positive: positiveIds, negative: negativeIds, sample, batch };
}
