/**
 * One child of the training memory measurement (see memory.ts), run as
 *
 *   node --expose-gc -r ts-node/register/transpile-only scripts/bench/training-child.ts \
 *     MODE LENGTH STEPS
 *
 * with MODE `baseline` (build the model of the first timed score and the batch, warm up, train no
 * step), `additive` or `multiplicative` (then train STEPS steps of the library's Seq2Seq with
 * that score on one batch of sentences of LENGTH words). Every mode first warms the training
 * code up at a shorter length, so that what is measured is optimised code; and it loads no tfjs.
 * Prints one JSON line, a TrainingMemorySample.
 *
 * The same command under `node --cpu-prof` profiles the library's training step.
 */

import { type Var, backward } from "../../src/autodiff";
import type { TranslationBatch } from "../../src/nn";
import type { TrainingMemorySample } from "./memory";
import { DATA_SEED, LibraryTrainer, SCORES, makeBatch, makeModel } from "./seq2seq";

/**
 * The warm-up. Why: until V8 optimises the training loops, every double they compute is boxed
 * on the heap, which says nothing about the library's own allocations; and a warm-up at the
 * measured length would reach the measured peak before the measurement starts.
 */
const WARM_UP_LENGTH = 8;
const WARM_UP_STEPS = 5;

async function main(): Promise<void> {
  const [mode, lengthText, stepsText] = process.argv.slice(2);
  if (mode !== "baseline" && mode !== "additive" && mode !== "multiplicative") {
    throw new Error(
      `training-child: MODE must be baseline, additive or multiplicative; got ${mode}`,
    );
  }
  const length = Number(lengthText);
  const steps = Number(stepsText);
  if (!Number.isSafeInteger(length) || length < 1) {
    throw new Error(`training-child: LENGTH must be a positive integer; got ${lengthText}`);
  }
  if (!Number.isSafeInteger(steps) || steps < 0 || (mode === "baseline" && steps !== 0)) {
    throw new Error(
      `training-child: STEPS must be an integer >= 0, 0 for baseline; got ${stepsText}`,
    );
  }
  const gc = globalThis.gc;
  if (typeof gc !== "function") throw new Error("training-child: run node with --expose-gc");

  const trainer = new LibraryTrainer(makeModel(mode === "baseline" ? SCORES[0] : mode));
  const batch = makeBatch(DATA_SEED, length, length);
  const warmUp = makeBatch(DATA_SEED, WARM_UP_LENGTH, WARM_UP_LENGTH);
  for (let k = 0; k < WARM_UP_STEPS; k++) trainer.step(warmUp);
  await settle(gc);
  const before = process.memoryUsage();

  const { peakGrown, graph } = train(trainer, batch, steps, before);

  await settle(gc);
  const settled = process.memoryUsage();
  const parameters = trainer.model.parameters();
  const result: TrainingMemorySample = {
    mode,
    length,
    steps,
    maxRss: process.resourceUsage().maxRSS * 1024, // ru_maxrss is in KiB
    peakGrown,
    retained: settled.heapUsed + settled.arrayBuffers - (before.heapUsed + before.arrayBuffers),
    graphNodes: graph.nodes,
    graphBytes: graph.bytes,
    parameterBytes: 3 * parameters.reduce((total, p) => total + p.value.data.byteLength, 0),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/**
 * The library's training step, written out so that memory can be sampled between its phases:
 * after the forward pass (the graph complete) and after the backward pass (the gradients made).
 *
 * Why a function of its own: an async function keeps its stale locals alive across an `await`,
 * and the last step's loss would then hold its whole graph past the final collection.
 */
function train(
  trainer: LibraryTrainer,
  batch: TranslationBatch,
  steps: number,
  before: NodeJS.MemoryUsage,
): { peakGrown: number; graph: { nodes: number; bytes: number } } {
  const start = before.heapUsed + before.arrayBuffers;
  let peakGrown = 0;
  const sample = () => {
    const now = process.memoryUsage();
    peakGrown = Math.max(peakGrown, now.heapUsed + now.arrayBuffers - start);
  };
  let graph = { nodes: 0, bytes: 0 };
  for (let k = 0; k < steps; k++) {
    const loss = trainer.model.loss(batch);
    sample();
    if (k === 0) graph = measureGraph(loss);
    backward(loss);
    sample();
    trainer.optimizer.step();
  }
  return { peakGrown, graph };
}

/**
 * Collects garbage until the heap is quiet. Why more than one gc(): the backing stores of
 * thousands of small typed arrays are freed by a sweeper that runs beside the collection, so the
 * `arrayBuffers` count right after one gc() can still include some of them.
 */
async function settle(gc: () => void): Promise<void> {
  for (let k = 0; k < 3; k++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * The nodes computed in one forward pass, from the loss back to the parameters, and the bytes of
 * their values (a buffer shared by several nodes, as a reshape shares its input's, counted once).
 */
function measureGraph(loss: Var): { nodes: number; bytes: number } {
  const seen = new Set<Var>([loss]);
  const buffers = new Set<ArrayBufferLike>();
  const stack = [loss];
  let nodes = 0;
  let bytes = 0;
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (v.op === "leaf") continue;
    nodes++;
    if (!buffers.has(v.value.data.buffer)) {
      buffers.add(v.value.data.buffer);
      bytes += v.value.data.byteLength;
    }
    for (const p of v.parents) {
      if (!seen.has(p)) {
        seen.add(p);
        stack.push(p);
      }
    }
  }
  return { nodes, bytes };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
