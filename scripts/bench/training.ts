/**
 * The training section of `npm run bench`: steps per second of the chapter-1 model, the
 * library's `Seq2Seq` as the chapter trains it (a bidirectional GRU encoder, a tanh bridge to the
 * decoder, sinusoidal positions on every input embedding, multiplicative attention after Luong et
 * al. 2015) with `Adam` (α = 0.02, gradient norm clipped at 5), beside the same model written
 * with tfjs-core on its cpu and wasm backends (scripts/bench/training-tfjs.ts).
 *
 * The chapter trains on sentences of 3 to 30 words in narrow buckets of lengths; so the section
 * times batches of 32 sentences all of length L, the narrowest bucket, for a short, a middle and
 * the longest length (8, 16, 30). The steps:
 *   1. check that each tfjs model, started from the library model's parameters, computes the
 *      same loss (to 1e-4, relative; tfjs is float32) and the same gradients, and the same loss
 *      again after one Adam step; stop if one does not. The check covers the additive score too
 *      (CHECKED_SCORES), so that the twin's other score stays right while only the chapter's is
 *      timed (SCORES);
 *   2. time training steps (forward, backward, optimizer update) of each implementation at each
 *      length and timed score, from the same initial parameters, one progress line each;
 *   3. print the times, steps per second, the ratios tfjs / library and the goal of the issue,
 *      met or missed;
 *   4. measure the memory of a training run of the library in child processes.
 */

import * as tf from "@tensorflow/tfjs-core";
import { type Var, backward } from "../../src/autodiff";
import { fmt } from "../../src/format";
import { Adam } from "../../src/nn";
import { type TfjsBackend, startTfjs, tfjsVersion } from "./implementations";
import { TRAINING_MEMORY_LENGTH, TRAINING_MEMORY_STEPS, measureTrainingMemory } from "./memory";
import { garbageCollector, get } from "./process";
import { count, implementationLines, loadLine } from "./report";
import {
  BATCH_SIZE,
  CHECK_SEED,
  CHECKED_SCORES,
  CLIP_NORM,
  LEARNING_RATE,
  type Score,
  DATA_SEED,
  LibraryTrainer,
  MODEL_SEED,
  MODEL_OPTIONS,
  SCORES,
  TASK_SEED,
  makeBatch,
  makeModel,
} from "./seq2seq";
import { type Timing, measure, trainingBudget } from "./timing";
import { type TfjsBatch, TfjsSeq2Seq } from "./training-tfjs";
import {
  type Cell,
  trainingGoalsLines,
  trainingMemoryLines,
  trainingProgressLine,
  trainingRatiosTable,
  trainingStepsTable,
  trainingTimesTable,
} from "./training-report";

/** The relative tolerance of the loss check, float32 against float64. */
const LOSS_RTOL = 1e-4;

/**
 * The tolerance of the gradient check: per parameter, the largest |tfjs − library| over the
 * largest |library|. Why relative to the largest entry: the small entries of a gradient carry
 * the float32 rounding of the large ones they were summed from, through 2L recurrent steps.
 */
const GRADIENT_RTOL = 1e-4;

/** One way of training the model: the library, or tfjs-core on one backend. */
export interface Trainer {
  /** The row label, e.g. "tfjs-core wasm". */
  readonly name: string;
  readonly version: string;
  readonly precision: "float64" | "float32";
  /** Makes the implementation ready (tfjs: selects and starts its backend); returns details. */
  activate(): Promise<string>;
  /** A fresh model with the given score, from the library's seeded initial parameters. */
  prepare(score: Score, length: number): { step(): number; dispose(): void };
}

/**
 * Runs the training section and prints it.
 *
 * @param lengths the sentence lengths L to time.
 * @param quick a smoke run.
 * @param version the library's version.
 */
export async function runTraining(
  lengths: readonly number[],
  quick: boolean,
  version: string,
): Promise<void> {
  const library = libraryTrainer(version);
  const peers = (["cpu", "wasm"] as const).map(tfjsTrainer);
  const { hidden, sourceVocabulary, targetVocabulary } = MODEL_OPTIONS;

  console.log("training: steps of the chapter-1 model, Seq2Seq with attention, trained with Adam");
  const options = Object.entries({ ...MODEL_OPTIONS, attention: SCORES.join(" | ") })
    .map(([name, value]) => `${name}: ${typeof value === "string" ? `"${value}"` : value}`)
    .join(", ");
  console.log(`  model     new Seq2Seq(createRandom(${MODEL_SEED}), { ${options} })`);
  console.log(
    `            a bidirectional GRU encoder (dState ${2 * hidden}), a tanh bridge to the ` +
      `decoder's first state, sinusoidal positions on every input embedding, target vocabulary ` +
      `${targetVocabulary} + 1 start token; the initial parameters copied into each tfjs model`,
  );
  console.log(
    `  step      loss (mean cross-entropy, teacher forcing), backward, Adam (learningRate ` +
      `${LEARNING_RATE}, clipNorm ${CLIP_NORM}); tfjs reads the loss back with dataSync, and ` +
      `gets its batch as tensors made once, outside the timing`,
  );
  console.log(
    `  data      toyTranslationTask({ seed: ${TASK_SEED}, words: ${sourceVocabulary} }); ` +
      `one batch of ${BATCH_SIZE} pairs, all of length L = ${lengths.join(", ")}, from ` +
      `createRandom(${DATA_SEED}), trained on at every step`,
  );
  const b = trainingBudget(quick);
  console.log(
    `  timing    warm-up >= ${count(b.warmupRuns, "step")} and >= ${b.warmupMs} ms, then ` +
      `samples until >= ${b.targetMs / 1000} s and >= ${count(b.minSamples, "sample")}, or ` +
      `${b.maxMs / 1000} s and ${count(b.floorSamples, "sample")}; a sample times enough steps ` +
      `to last ${b.sampleMs} ms`,
  );
  console.log("");

  const details = await checkPeers(library, peers, lengths);
  printImplementations([library, ...peers], details);
  const timings = await timeAll([library, ...peers], lengths, quick);

  const timing = (impl: Trainer, cell: Cell): Timing => get(timings, key(impl, cell));
  console.log("median time per training step in ms [first quartile, third quartile]");
  console.log(trainingTimesTable([library, ...peers], lengths, timing));
  console.log("  (tfjs-core computes in float32; the library in float64)");
  console.log("");
  console.log("training steps per second (1000 / median time per step)");
  console.log(trainingStepsTable([library, ...peers], lengths, timing));
  console.log("");
  console.log("ratio = tfjs median / library median (> 1: the library is faster) [from quartiles]");
  console.log(trainingRatiosTable(library, peers, lengths, timing));
  console.log("");
  for (const line of trainingGoalsLines(library, peers[1], lengths, timing)) console.log(line);
  console.log("");

  console.log(
    `memory: ${TRAINING_MEMORY_STEPS} training steps of the library at L = ` +
      `${TRAINING_MEMORY_LENGTH}, in child processes (node --expose-gc), one per timed score, ` +
      `beside a child that builds the model and batch and trains no step`,
  );
  for (const line of trainingMemoryLines(measureTrainingMemory(SCORES))) console.log(line);
  console.log("");
}

/** The library's model and optimizer. */
function libraryTrainer(version: string): Trainer {
  return {
    name: "spotlight Seq2Seq",
    version,
    precision: "float64",
    activate: async () => "",
    prepare: (score, length) => {
      const trainer = new LibraryTrainer(makeModel(score));
      const batch = makeBatch(DATA_SEED, length, length);
      return { step: () => trainer.step(batch), dispose: () => {} };
    },
  };
}

/** The tfjs-core model on one backend, its batch converted to tensors once. */
function tfjsTrainer(backend: TfjsBackend): Trainer {
  return {
    name: `tfjs-core ${backend}`,
    version: tfjsVersion(backend),
    precision: "float32",
    activate: () => startTfjs(backend),
    prepare: (score, length) => {
      const model = new TfjsSeq2Seq(makeModel(score));
      const batch = model.prepare(makeBatch(DATA_SEED, length, length));
      return {
        step: () => model.step(batch),
        dispose: () => {
          batch.dispose();
          model.dispose();
        },
      };
    },
  };
}

/**
 * Step 1: each tfjs model against the library's, from the same initial parameters. On the
 * timed batches, the first step's loss; on a batch of lengths 3 to 30 (padded source steps
 * masked out of attention, padded targets ignored), the loss, every parameter's gradient, and
 * the loss after one Adam step on each side. Also checks that a tfjs step leaks no tensor.
 *
 * @returns what each implementation reported on activation, by name.
 */
async function checkPeers(
  library: Trainer,
  peers: readonly Trainer[],
  lengths: readonly number[],
): Promise<Map<string, string>> {
  console.log(
    "check: relative difference tfjs − library from the same initial parameters; " +
      `loss on each timed batch (within ${LOSS_RTOL}), and on a batch of lengths 3–30: ` +
      `loss, gradients (largest |Δ| / largest |∂L/∂θ| per parameter, within ` +
      `${GRADIENT_RTOL}), ` +
      "loss after one Adam step",
  );
  const details = new Map<string, string>([[library.name, await library.activate()]]);
  const mixed = makeBatch(CHECK_SEED, 3, 30);
  for (const score of CHECKED_SCORES) {
    for (const peer of peers) {
      details.set(peer.name, await peer.activate());
      const fail = (what: string): never => {
        throw new Error(
          `bench: ${peer.name} (${score}) fails the check against the library: ${what}`,
        );
      };
      const cells: string[] = [];
      const libraryModel = makeModel(score);
      const model = new TfjsSeq2Seq(libraryModel);
      try {
        // 1. The first step's loss on every timed batch.
        for (const length of lengths) {
          const batch = makeBatch(DATA_SEED, length, length);
          const expected = libraryModel.loss(batch).value.data[0];
          const tensors = model.prepare(batch);
          const found = tfjsLoss(model, tensors);
          tensors.dispose();
          const diff = relative(found, expected);
          if (!(diff <= LOSS_RTOL)) {
            fail(
              `the loss at L = ${length} is ${found}, the library's ${expected} (relative ` +
                `difference ${diff.toExponential(2)}, allowed ${LOSS_RTOL})`,
            );
          }
          cells.push(`L=${length} ${diff.toExponential(0)}`);
        }

        // 2. Loss and gradients on the mixed batch.
        const tfjsBatch = model.prepare(mixed);
        const loss = libraryModel.loss(mixed);
        backward(loss);
        const found = model.gradients(tfjsBatch);
        const lossDiff = relative(found.loss, loss.value.data[0]);
        if (!(lossDiff <= LOSS_RTOL)) {
          fail(
            `the loss on lengths 3–30 is ${found.loss}, the library's ${loss.value.data[0]} ` +
              `(relative difference ${lossDiff.toExponential(2)}, allowed ${LOSS_RTOL})`,
          );
        }
        let worst = 0;
        for (const p of libraryModel.parameters()) {
          const diff = gradientDifference(p, get(found.grads, p.name ?? ""));
          if (!(diff <= GRADIENT_RTOL)) {
            fail(
              `the gradient of ${p.name} differs by ${diff.toExponential(2)} of its largest ` +
                `entry (allowed ${GRADIENT_RTOL})`,
            );
          }
          worst = Math.max(worst, diff);
        }

        // 3. One Adam step on each side (the library's gradients are in place), then the loss.
        //    The step must leave behind only Adam's two moments per parameter, made on its first
        //    update: anything more is a leaked tensor, and would slow every timed step.
        const norm = new Adam(libraryModel.parameters(), {
          learningRate: LEARNING_RATE,
          clipNorm: CLIP_NORM,
        }).step();
        const tensors = tf.memory().numTensors;
        model.step(tfjsBatch);
        const kept = tf.memory().numTensors - tensors;
        const moments = 2 * libraryModel.parameters().length;
        if (kept !== moments) {
          fail(`a tfjs step kept ${kept} tensors; Adam's moments account for ${moments}`);
        }
        const afterLibrary = libraryModel.loss(mixed).value.data[0];
        const afterTfjs = tfjsLoss(model, tfjsBatch);
        const afterDiff = relative(afterTfjs, afterLibrary);
        if (!(afterDiff <= LOSS_RTOL)) {
          fail(
            `after one Adam step the loss on lengths 3–30 is ${afterTfjs}, the library's ` +
              `${afterLibrary} (relative difference ${afterDiff.toExponential(2)}, allowed ` +
              `${LOSS_RTOL})`,
          );
        }
        tfjsBatch.dispose();
        cells.push(
          `3–30: loss ${lossDiff.toExponential(0)}, gradients ${worst.toExponential(0)}, ` +
            `after a step ${afterDiff.toExponential(0)} (‖∂L/∂θ‖ ${fmt(norm, 1)}, ` +
            `${norm > CLIP_NORM ? "clipped" : "not clipped"})`,
        );
      } finally {
        model.dispose();
      }
      console.log(`  ${score.padEnd(15)} ${peer.name.padEnd(15)} ${cells.join("  ")}`);
    }
  }
  console.log("  all within tolerance");
  console.log("");
  return details;
}

/** The tfjs model's loss on a batch, without training. */
function tfjsLoss(model: TfjsSeq2Seq, batch: TfjsBatch): number {
  const value = tf.tidy(() => model.loss(batch));
  const loss = value.dataSync()[0];
  value.dispose();
  return loss;
}

/** |found − expected| / |expected|. */
function relative(found: number, expected: number): number {
  return Math.abs(found - expected) / Math.abs(expected);
}

/** max_k |found_k − ∂L/∂θ_k| / max_k |∂L/∂θ_k| for one parameter. */
function gradientDifference(p: Var, found: Float32Array): number {
  const expected = p.grad;
  if (expected === undefined || expected.length !== found.length) {
    throw new Error(
      `bench: the gradient of ${p.name} has ${expected?.length ?? 0} entries in the library ` +
        `and ${found.length} in tfjs`,
    );
  }
  let scale = 0;
  let diff = 0;
  for (let k = 0; k < expected.length; k++) {
    scale = Math.max(scale, Math.abs(expected[k]));
    diff = Math.max(diff, Math.abs(found[k] - expected[k]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** The list of implementations, with versions and what each backend reported. */
function printImplementations(trainers: readonly Trainer[], details: Map<string, string>): void {
  const described = trainers.map((t) => ({ ...t, details: details.get(t.name) ?? "" }));
  for (const line of implementationLines(described)) console.log(line);
}

/** Step 2: each implementation at each score and length, from a collected heap. */
async function timeAll(
  trainers: readonly Trainer[],
  lengths: readonly number[],
  quick: boolean,
): Promise<Map<string, Timing>> {
  const collectGarbage = garbageCollector();
  console.log("timing (ms per training step)");
  const timings = new Map<string, Timing>();
  for (const score of SCORES) {
    for (const length of lengths) {
      for (const t of trainers) {
        await t.activate();
        const prepared = t.prepare(score, length);
        collectGarbage();
        const timing = measure(prepared.step, trainingBudget(quick));
        prepared.dispose();
        timings.set(key(t, { score, length }), timing);
        console.log(trainingProgressLine(t.name, { score, length }, timing));
      }
    }
  }
  const load = loadLine();
  console.log(`  load ${load.text} after timing`);
  if (load.busy) {
    console.log("  WARNING: other processes competed for the cores while timing; rerun on a quiet");
    console.log("  machine before trusting ratios near a threshold");
  }
  console.log("");
  return timings;
}

/** The key of one timed cell. */
function key(t: Trainer, { score, length }: Cell): string {
  return `${t.name}@${score}@${length}`;
}
