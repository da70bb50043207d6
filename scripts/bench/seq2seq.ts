/**
 * The chapter-1 model and data as the training bench uses them: the sizes and options the
 * chapter trains with, the seeds, and the library's training step. Shared by the training
 * section and its memory child, so that both measure the same thing. (It loads no tfjs, so that
 * the memory child does not either.)
 */

import { backward } from "../../src/autodiff";
import {
  Adam,
  type DecoderScore,
  Seq2Seq,
  type Seq2SeqOptions,
  type TranslationBatch,
} from "../../src/nn";
import { createRandom } from "../../src/random";
import { toyTranslationTask } from "../../src/tasks";

/** The decoder's attention score. */
export type Score = DecoderScore;

/** The chapter's optimizer: Adam with α = 0.02, the gradient norm clipped at 5. */
export const LEARNING_RATE = 0.02;
export const CLIP_NORM = 5;

/**
 * The scores timed: the one the chapter trains with. The tfjs twin also implements the additive
 * score, and the agreement check runs on {@link CHECKED_SCORES}, so that adding "additive" here
 * is all it takes to time both.
 */
export const SCORES: readonly Score[] = ["multiplicative"];

/** The scores whose tfjs twin is checked against the library before anything is timed. */
export const CHECKED_SCORES: readonly Score[] = ["multiplicative", "additive"];

/**
 * The chapter's model, but for the score: 16 words on each side (the target side adds a start
 * token), a bidirectional encoder (each step's state [forward; backward], dState = 2·hidden)
 * whose final states reach the decoder through a tanh bridge, and sinusoidal positions added to
 * every input embedding of encoder and decoder.
 */
export const MODEL_OPTIONS = {
  sourceVocabulary: 16,
  targetVocabulary: 16,
  dEmbed: 16,
  hidden: 32,
  bidirectional: true,
  positions: true,
} as const satisfies Omit<Seq2SeqOptions, "attention">;

/** Sentence pairs per batch. */
export const BATCH_SIZE = 32;

/** Seeds: of the model's initial parameters, of the language, of the timed and checked batches. */
export const MODEL_SEED = 1;
export const TASK_SEED = 1;
export const DATA_SEED = 2;
export const CHECK_SEED = 3;

const task = toyTranslationTask({ seed: TASK_SEED, words: MODEL_OPTIONS.sourceVocabulary });

/** A model with the chapter's options and the given score, from {@link MODEL_SEED}. */
export function makeModel(score: Score): Seq2Seq {
  return new Seq2Seq(createRandom(MODEL_SEED), { ...MODEL_OPTIONS, attention: score });
}

/**
 * A batch of {@link BATCH_SIZE} sentence pairs whose lengths are drawn from [minLength,
 * maxLength]: one length, as a bucket of the chapter's training data is, when both are equal.
 *
 * @example makeBatch(DATA_SEED, 16, 16).source.tokens[0].length; // 16
 */
export function makeBatch(seed: number, minLength: number, maxLength: number): TranslationBatch {
  return task.batch(task.sample(createRandom(seed), BATCH_SIZE, minLength, maxLength));
}

/** The library's side of a training step: a model and its optimizer. */
export class LibraryTrainer {
  readonly model: Seq2Seq;
  readonly optimizer: Adam;

  constructor(model: Seq2Seq) {
    this.model = model;
    this.optimizer = new Adam(model.parameters(), {
      learningRate: LEARNING_RATE,
      clipNorm: CLIP_NORM,
    });
  }

  /**
   * One step, as the library's `train` runs it: loss, backward, Adam update.
   *
   * @returns the loss before the update.
   */
  step(batch: TranslationBatch): number {
    const loss = this.model.loss(batch);
    backward(loss);
    this.optimizer.step();
    return loss.value.data[0];
  }
}
