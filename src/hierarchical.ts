/**
 * Hierarchical attention for a long document: first choose sentences, then words inside them.
 *
 * After the hierarchical attention network of Yang, Yang, Dyer, He, Smola & Hovy ("Hierarchical
 * Attention Networks for Document Classification", NAACL 2016), which attends over the words of
 * each sentence and then over the sentences. Here the attention answers a question (a query
 * word), and the two levels use the two families of scores. Every word is a one-hot vector x of
 * the vocabulary's size V, and so is the query q:
 *
 * - sentence level, additive (Bahdanau et al. 2015): a_i = vᵀ tanh(q·W_q + b + s_i·W_k) over the
 *   sentence vectors s_i = (1/L) Σ_j x_ij (each sentence as a bag of its L words), α = softmax(a);
 * - word level, multiplicative (Luong et al. 2015, "general"): e_ij = q·W·x_ijᵀ over the words of
 *   sentence i, β_i = softmax(e_i);
 * - the answer: c = Σ_i α_i Σ_j β_ij x_ij, logits = c·W_out + b_out.
 *
 * Training attends softly over every sentence, as Yang et al. do. Reading ({@link
 * HierarchicalReader.read}) keeps only the k sentences with the largest α and scores the words of
 * those alone: S + k·L scores for a document of S sentences of L words, instead of S·L for
 * attention over every word.
 *
 * NOTE: words are one-hot rather than learned embeddings: the experiment is about where the two
 * levels of attention look, and with learned embeddings of a small size the additive sentence
 * score often settled, depending on the seed, on confusing two subjects. One-hot words make
 * every seed learn the task, and each weight readable as "this query word, this word".
 */

import { additiveScore, bilinearScore } from "./attention";
import {
  add,
  batchedAdditiveScores,
  batchedMix,
  batchedScores,
  constant,
  crossEntropy,
  gatherRows,
  matmul,
  parameter,
  softmaxRows,
  Var,
} from "./autodiff";
import { checkArray, checkInteger, checkOptions, kindOf } from "./check";
import { Linear } from "./nn";
import type { Module } from "./nn";
import type { Random } from "./random";
import { softmax } from "./softmax";
import { Matrix } from "./tensor";

/** Options of {@link documentTask}. */
export interface DocumentTaskOptions {
  /** Sentences per document, S (default 8, from 2 to 12: one subject each, none repeated). */
  sentences?: number;
}

/** One document, its question and its answer. */
export interface DocumentExample {
  /** S sentences of L word ids each. */
  sentences: number[][];
  /** The word id of the subject asked about. */
  query: number;
  /** The answer: the index into `colours` of that subject's colour. */
  answer: number;
  /** The index of the sentence about the query's subject. */
  sentence: number;
}

/** The document task, from {@link documentTask}. */
export interface DocumentTask {
  /** The vocabulary, by word id. */
  readonly words: readonly string[];
  /** The answers' names, by class: colours[answer]. */
  readonly colours: readonly string[];
  /** Sentences per document, S. */
  readonly sentences: number;
  /** Words per sentence, L. */
  readonly sentenceLength: number;
  /** `count` seeded documents, each with a question about one of its subjects. */
  sample(rng: Random, count: number): DocumentExample[];
  /** A sentence (or any list of word ids) as text. */
  text(ids: readonly number[]): string;
}

const DETERMINERS = ["the", "a", "my", "that"];
const VERBS = ["is", "was", "looks", "seems"];
const ADVERBS = ["very", "so", "quite", "rather"];
const SUBJECTS = ["car", "sky", "door", "lamp", "boat", "coat", "cup", "bird", "wall", "kite"];
const MORE_SUBJECTS = ["rose", "bike"];
const COLOURS = ["red", "blue", "green", "white", "black", "grey"];

/**
 * A synthetic document about things and their colours, and a question about one of them:
 * S sentences such as "the lamp is very grey", each about a different subject with a random
 * colour; the query is one of the subjects, the answer its colour. Every sentence has one colour
 * word, so the answer is found only by first choosing the right sentence, then the right word in
 * it.
 *
 * @param options `sentences` (S, default 8).
 * @returns the task: vocabulary, colours, a seeded sampler and a way to print sentences.
 * @example
 * const task = documentTask();
 * const [doc] = task.sample(createRandom(1), 1);
 * task.text(doc.sentences[doc.sentence]); // e.g. "the lamp is very grey"
 */
export function documentTask(options: DocumentTaskOptions = {}): DocumentTask {
  const fn = "documentTask";
  checkOptions(fn, options, ["sentences"]);
  const subjects = [...SUBJECTS, ...MORE_SUBJECTS];
  const sentences = options.sentences ?? 8;
  checkInteger(fn, "sentences", sentences, 2);
  if (sentences > subjects.length) {
    throw new RangeError(
      `${fn}: sentences must be <= ${subjects.length} (one subject each); got ${sentences}`,
    );
  }
  const words = [...DETERMINERS, ...VERBS, ...ADVERBS, ...subjects, ...COLOURS];
  const id = (word: string) => words.indexOf(word);
  const colourBase = words.length - COLOURS.length;

  const sample = (rng: Random, count: number): DocumentExample[] => {
    checkInteger("sample", "count", count, 1);
    const pick = (list: readonly string[]) => id(list[rng.int(0, list.length)]);
    return Array.from({ length: count }, () => {
      const about = rng.shuffle(subjects).slice(0, sentences);
      const colours = about.map(() => rng.int(0, COLOURS.length));
      const text = about.map((subject, i) => [
        pick(DETERMINERS),
        id(subject),
        pick(VERBS),
        pick(ADVERBS),
        colourBase + colours[i],
      ]);
      const sentence = rng.int(0, sentences);
      return { sentences: text, query: id(about[sentence]), answer: colours[sentence], sentence };
    });
  };

  const text = (ids: readonly number[]): string => {
    checkArray("text", "ids", ids);
    return ids
      .map((w, k) => {
        checkInteger("text", `ids[${k}]`, w, 0);
        if (w >= words.length) {
          throw new RangeError(`text: ids[${k}] is ${w}; the vocabulary has ${words.length} words`);
        }
        return words[w];
      })
      .join(" ");
  };

  return { words, colours: COLOURS, sentences, sentenceLength: 5, sample, text };
}

/** Options of {@link HierarchicalReader}. */
export interface HierarchicalReaderOptions {
  /** Vocabulary size V: the size of every word vector. */
  vocabulary: number;
  /** Number of answer classes. */
  classes: number;
  /** Hidden size d_a of the sentence-level additive score. */
  dAttn: number;
}

const READER_OPTIONS = ["vocabulary", "classes", "dAttn"] as const;

/** What {@link HierarchicalReader.forward} returns. */
export interface HierarchicalOutput {
  /** [B, classes]. */
  logits: Var;
  /** α: each document's attention over its sentences, [B, S]. */
  sentenceWeights: Matrix;
  /** β over the words of each sentence, [S·B, L]; row i·B + b is sentence i of document b. */
  wordWeights: Matrix;
}

/** Options of {@link HierarchicalReader.read} and {@link HierarchicalReader.evaluate}. */
export interface DocumentReadOptions {
  /** How many sentences to read, k (default 2, from 1 to S). */
  sentences?: number;
}

/** What {@link HierarchicalReader.read} returns. */
export interface DocumentReading {
  /** α over all S sentences, from the additive sentence-level score. */
  sentenceWeights: number[];
  /** The k sentences read, by decreasing α. */
  chosen: number[];
  /** β over the words of each chosen sentence, in the order of `chosen`. */
  wordWeights: number[][];
  /** The predicted class. */
  answer: number;
  /** How many scores were computed: S sentence scores and L word scores per chosen sentence. */
  scores: number;
}

/** What {@link HierarchicalReader.evaluate} returns. */
export interface ReaderAccuracy {
  /** The share of documents whose top sentence is the one about the query. */
  sentence: number;
  /** The share of documents answered right. */
  answer: number;
}

/**
 * A question-answering reader with two levels of attention: additive over sentence vectors,
 * then multiplicative over the words of each sentence (see the module comment for the
 * equations). Weights start uniform in ±1/√V (v in ±1/√d_a), as PyTorch's nn.Linear does.
 *
 * @example
 * const task = documentTask();
 * const reader = new HierarchicalReader(createRandom(1), {
 *   vocabulary: task.words.length, classes: task.colours.length, dAttn: 16 });
 * const loss = reader.loss(task.sample(createRandom(2), 32));
 */
export class HierarchicalReader implements Module {
  /** W_q [V, d_a] of the sentence-level additive score. */
  readonly wQuery: Var;
  /** b [1, d_a], the bias inside the sentence-level tanh. */
  readonly bias: Var;
  /** W_k [V, d_a] of the sentence-level additive score. */
  readonly wKey: Var;
  /** v [d_a, 1] of the sentence-level additive score. */
  readonly v: Var;
  /** W [V, V] of the word-level bilinear score: W[q, x] scores word x for query word q. */
  readonly wWord: Var;
  /** The read-out [V, classes] and its bias. */
  readonly output: Linear;
  readonly vocabulary: number;
  readonly classes: number;

  constructor(rng: Random, options: HierarchicalReaderOptions) {
    const fn = "HierarchicalReader";
    if (options === undefined) {
      throw new TypeError(`${fn}: options must be an object (keys ${READER_OPTIONS.join(", ")})`);
    }
    checkOptions(fn, options, READER_OPTIONS);
    const { vocabulary, classes, dAttn } = options;
    checkInteger(fn, "vocabulary", vocabulary, 1);
    checkInteger(fn, "classes", classes, 2);
    checkInteger(fn, "dAttn", dAttn, 1);
    this.vocabulary = vocabulary;
    this.classes = classes;
    const bound = 1 / Math.sqrt(vocabulary);
    this.wQuery = uniform(rng, vocabulary, dAttn, bound, "reader.sentence.wQuery");
    this.bias = uniform(rng, 1, dAttn, bound, "reader.sentence.bias");
    this.wKey = uniform(rng, vocabulary, dAttn, bound, "reader.sentence.wKey");
    this.v = uniform(rng, dAttn, 1, 1 / Math.sqrt(dAttn), "reader.sentence.v");
    this.wWord = uniform(rng, vocabulary, vocabulary, bound, "reader.word.w");
    this.output = new Linear(rng, vocabulary, classes, { name: "reader.output" });
  }

  /** Soft attention over every sentence and every word: the training pass. */
  forward(examples: readonly DocumentExample[]): HierarchicalOutput {
    const { B, S, L } = this.checkExamples("HierarchicalReader.forward", examples);
    const V = this.vocabulary;
    // One-hot words, time-major twice over: word j of sentence i of document b is row
    // (j·S + i)·B + b, so that each (sentence, document) pair i·B + b is one "example" of L keys.
    const onehot = new Float64Array(L * S * B * V);
    for (let j = 0; j < L; j++) {
      for (let i = 0; i < S; i++) {
        examples.forEach((example, b) => {
          onehot[((j * S + i) * B + b) * V + example.sentences[i][j]] = 1;
        });
      }
    }
    const words = constant(new Matrix(onehot, L * S * B, V));
    const queries = examples.map((example) => example.query);

    // 1. Sentence vectors: each sentence's bag of words, the mean of its one-hot vectors.
    const mean = constant(new Matrix(new Float64Array(S * B * L).fill(1 / L), S * B, L));
    const sentenceVectors = batchedMix(mean, words); // (S·B, V), row i·B + b

    // 2. Sentence level, additive: vᵀ tanh(q·W_q + b + s_i·W_k) → α (B, S). A one-hot q times
    //    W_q is a row of W_q: gathered, not multiplied.
    const sentenceScores = batchedAdditiveScores(
      add(gatherRows(this.wQuery, queries), this.bias), // (B, d_a)
      matmul(sentenceVectors, this.wKey), // (S·B, V)·(V, d_a) → (S·B, d_a)
      this.v,
    );
    const alpha = softmaxRows(sentenceScores);

    // 3. Word level, multiplicative: (q·W)·x_ijᵀ → β (S·B, L), the query's row of W repeated
    //    for each sentence of its document.
    const perSentence = Array.from({ length: S * B }, (_, row) => queries[row % B]);
    const beta = softmaxRows(batchedScores(gatherRows(this.wWord, perSentence), words));

    // 4. Mix words into sentence summaries, sentence summaries into the document, read out.
    const summaries = batchedMix(beta, words); // (S·B, V)
    const documentVector = batchedMix(alpha, summaries); // (B, V)
    return {
      logits: this.output.forward(documentVector),
      sentenceWeights: alpha.value,
      wordWeights: beta.value,
    };
  }

  /** The mean cross-entropy of the answers. */
  loss(examples: readonly DocumentExample[]): Var {
    return crossEntropy(
      this.forward(examples).logits,
      examples.map((example) => example.answer),
    );
  }

  /**
   * Reads one document the hierarchical way: scores every sentence (additive), keeps the k with
   * the largest weights, and scores only their words (multiplicative), with the library's own
   * {@link additiveScore} and {@link bilinearScore} built from the learned weights.
   *
   * α = softmax(a) over all S sentences; ᾱ = α renormalised over the k chosen;
   * c = Σ_{i chosen} ᾱ_i Σ_j β_ij x_ij; answer = argmax(c·W_out + b_out)
   *
   * With k = S this is {@link forward} for one document.
   *
   * @param example one document and its question.
   * @param options `sentences`: k, how many sentences to read (default 2).
   * @returns both levels of weights, the chosen sentences, the answer and the count of scores.
   * @example
   * const reading = reader.read(doc, { sentences: 2 });
   * task.text(doc.sentences[reading.chosen[0]]); // the sentence it read first
   */
  read(example: DocumentExample, options: DocumentReadOptions = {}): DocumentReading {
    const fn = "HierarchicalReader.read";
    const { S, L } = this.checkExamples(fn, [example]);
    const k = readCount(fn, options, S);
    const V = this.vocabulary;
    const dAttn = this.v.value.rows;
    const onehot = (ids: readonly number[], extra = 0): Matrix => {
      const data = new Float64Array(ids.length * (V + extra));
      ids.forEach((id, r) => (data[r * (V + extra) + id] = 1));
      return new Matrix(data, ids.length, V + extra);
    };

    // 1. The sentence-level additive score over the bags of words. The bias is a weight on a
    //    constant feature: the query gets a last entry 1 and W_q the bias as its last row, so the
    //    library's additiveScore, which has no bias, computes it.
    const query = onehot([example.query], 1);
    query.data[V] = 1;
    const wQuery = new Matrix(new Float64Array((V + 1) * dAttn), V + 1, dAttn);
    wQuery.data.set(this.wQuery.value.data);
    wQuery.data.set(this.bias.value.data, V * dAttn);
    const bags = new Float64Array(S * V);
    example.sentences.forEach((sentence, i) => {
      for (const id of sentence) bags[i * V + id] += 1 / L;
    });
    const sentenceScore = additiveScore({
      wQuery,
      wKey: this.wKey.value,
      v: Array.from(this.v.value.data),
    });
    const alpha = softmax(Array.from(sentenceScore(query, new Matrix(bags, S, V)).data));

    // 2. Keep the k heaviest sentences (the earlier one first on a tie).
    const chosen = alpha
      .map((weight, i) => ({ weight, i }))
      .sort((a, b) => b.weight - a.weight || a.i - b.i)
      .slice(0, k)
      .map(({ i }) => i);
    const kept = chosen.reduce((total, i) => total + alpha[i], 0);

    // 3. The word-level bilinear score inside each chosen sentence, and the mix into c (size V).
    const wordScore = bilinearScore(this.wWord.value);
    const context = new Float64Array(V);
    const wordWeights = chosen.map((i) => {
      const sentence = example.sentences[i];
      const beta = softmax(Array.from(wordScore(onehot([example.query]), onehot(sentence)).data));
      beta.forEach((weight, j) => (context[sentence[j]] += (alpha[i] / kept) * weight));
      return beta;
    });

    // 4. Read out the answer: argmax of c·W_out + b_out.
    const w = this.output.weight.value.data;
    const bias = this.output.bias!.value.data;
    let answer = 0;
    let best = -Infinity;
    for (let cls = 0; cls < this.classes; cls++) {
      let logit = bias[cls];
      for (let x = 0; x < V; x++) logit += context[x] * w[x * this.classes + cls];
      if (logit > best) [best, answer] = [logit, cls];
    }
    return { sentenceWeights: alpha, chosen, wordWeights, answer, scores: S + k * L };
  }

  /** How often the top sentence is the right one, and how often the answer read with k sentences is. */
  evaluate(
    examples: readonly DocumentExample[],
    options: DocumentReadOptions = {},
  ): ReaderAccuracy {
    const fn = "HierarchicalReader.evaluate";
    const { B, S } = this.checkExamples(fn, examples);
    readCount(fn, options, S);
    let sentence = 0;
    let answer = 0;
    for (const example of examples) {
      const reading = this.read(example, options);
      if (reading.chosen[0] === example.sentence) sentence++;
      if (reading.answer === example.answer) answer++;
    }
    return { sentence: sentence / B, answer: answer / B };
  }

  parameters(): Var[] {
    return [this.wQuery, this.bias, this.wKey, this.v, this.wWord, ...this.output.parameters()];
  }

  /** Checks documents: non-empty, all S × L, word ids in the vocabulary, answers in range. */
  private checkExamples(
    fn: string,
    examples: readonly DocumentExample[],
  ): { B: number; S: number; L: number } {
    checkArray(fn, "examples", examples);
    if (examples.length === 0) throw new RangeError(`${fn}: examples must not be empty`);
    let S = 0;
    let L = 0;
    examples.forEach((example, b) => {
      const at = `examples[${b}]`;
      if (example === null || typeof example !== "object") {
        throw new TypeError(
          `${fn}: ${at} must be { sentences, query, answer, sentence }; got ${kindOf(example)}`,
        );
      }
      checkArray(fn, `${at}.sentences`, example.sentences);
      if (b === 0) {
        S = example.sentences.length;
        if (S === 0) throw new RangeError(`${fn}: ${at}.sentences must not be empty`);
        checkArray(fn, `${at}.sentences[0]`, example.sentences[0]);
        L = example.sentences[0].length;
        if (L === 0) throw new RangeError(`${fn}: ${at}.sentences[0] must not be empty`);
      }
      if (example.sentences.length !== S) {
        throw new RangeError(
          `${fn}: every document needs ${S} sentences (as examples[0]); got ${example.sentences.length} in ${at}`,
        );
      }
      example.sentences.forEach((sentence, i) => {
        checkArray(fn, `${at}.sentences[${i}]`, sentence);
        if (sentence.length !== L) {
          throw new RangeError(
            `${fn}: every sentence needs ${L} words (as examples[0].sentences[0]); ` +
              `got ${sentence.length} in ${at}.sentences[${i}]`,
          );
        }
        sentence.forEach((id, j) => this.checkWord(fn, `${at}.sentences[${i}][${j}]`, id));
      });
      this.checkWord(fn, `${at}.query`, example.query);
      checkInteger(fn, `${at}.sentence`, example.sentence, 0);
      if (example.sentence >= S) {
        throw new RangeError(`${fn}: ${at}.sentence is ${example.sentence}; it has ${S} sentences`);
      }
      checkInteger(fn, `${at}.answer`, example.answer, 0);
      if (example.answer >= this.classes) {
        throw new RangeError(
          `${fn}: ${at}.answer is ${example.answer}; the reader knows ${this.classes} classes`,
        );
      }
    });
    return { B: examples.length, S, L };
  }

  private checkWord(fn: string, argName: string, id: unknown): void {
    checkInteger(fn, argName, id, 0);
    if (id >= this.vocabulary) {
      throw new RangeError(
        `${fn}: ${argName} is ${id}; the vocabulary has ${this.vocabulary} words`,
      );
    }
  }
}

/** Validates the `sentences` option of read and evaluate; returns k. */
function readCount(fn: string, options: DocumentReadOptions, S: number): number {
  checkOptions(fn, options, ["sentences"]);
  const k = options.sentences ?? 2;
  checkInteger(fn, "sentences", k, 1);
  if (k > S) throw new RangeError(`${fn}: sentences must be <= ${S}, the document's; got ${k}`);
  return k;
}

/** A parameter [rows, cols] with entries uniform in [−bound, bound]. */
function uniform(rng: Random, rows: number, cols: number, bound: number, name: string): Var {
  const data = new Float64Array(rows * cols);
  for (let k = 0; k < data.length; k++) data[k] = (2 * rng.uniform() - 1) * bound;
  return parameter(new Matrix(data, rows, cols), name);
}
