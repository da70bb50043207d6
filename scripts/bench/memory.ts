/**
 * Peak memory of one `attend` call, and of a training run of the chapter-1 model, measured in
 * fresh child processes so that nothing the bench itself allocated (tfjs, mathjs, earlier sizes)
 * is counted.
 *
 * Two children run scripts/bench/memory-child.ts with `--expose-gc`: a baseline that loads the
 * same modules and builds the inputs, and one that also calls `attend` once. The difference of
 * their peak resident set sizes is what the call added at its peak; the heap and ArrayBuffer
 * growth across the call (no collection forced in between) and what stays after a full
 * collection say where it went. The training children (scripts/bench/training-child.ts) do the
 * same for a run of training steps.
 */

import { spawnSync } from "node:child_process";
import * as path from "node:path";

/** What one child reports, in bytes. */
export interface MemorySample {
  readonly mode: "baseline" | "attend";
  readonly n: number;
  /** Peak resident set size of the whole child process, start-up included (ru_maxrss). */
  readonly maxRss: number;
  /** heapUsed after the call minus before it, no collection forced in between. */
  readonly heapGrown: number;
  /** arrayBuffers (typed-array storage, outside the heap) after minus before, likewise. */
  readonly arrayBuffersGrown: number;
  /** heapUsed + arrayBuffers after a full collection minus before the call: what stays. */
  readonly retained: number;
  /** The bytes of the result's two Float64Arrays (0 for the baseline). */
  readonly resultBytes: number;
}

/** The two children's reports. */
export interface MemoryReport {
  readonly baseline: MemorySample;
  readonly attend: MemorySample;
}

/** What one child of the training measurement reports, in bytes. */
export interface TrainingMemorySample {
  readonly mode: "baseline" | "additive" | "multiplicative";
  readonly length: number;
  /** Training steps run (0 for the baseline). */
  readonly steps: number;
  /** Peak resident set size of the whole child process, start-up included (ru_maxrss). */
  readonly maxRss: number;
  /**
   * The largest heapUsed + arrayBuffers seen above the start of the run, sampled after every
   * forward and every backward pass, garbage collection free to run in between.
   */
  readonly peakGrown: number;
  /** heapUsed + arrayBuffers after a full collection minus before the run: what stays. */
  readonly retained: number;
  /** The nodes of one step's graph, from the loss back to the parameters (0 for the baseline). */
  readonly graphNodes: number;
  /** The bytes of those nodes' values: the least one step's forward pass must hold. */
  readonly graphBytes: number;
  /** The parameters' bytes, and Adam's two moments of the same size each. */
  readonly parameterBytes: number;
}

/**
 * The training run measured: this many steps at this sentence length, the chapter's longest.
 * Every step builds a graph of the same size on the same batch, so the peak is reached within
 * the first few steps; twenty leave room for garbage to pile up between collections.
 */
export const TRAINING_MEMORY_STEPS = 20;
export const TRAINING_MEMORY_LENGTH = 30;

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * Runs the baseline child and the attend child at size n, one after the other.
 *
 * @param n the size n = m.
 * @returns both reports.
 */
export function measureMemory(n: number): MemoryReport {
  const child = (mode: MemorySample["mode"]) =>
    runChild<MemorySample>("memory-child.ts", [mode, String(n)]);
  return { baseline: child("baseline"), attend: child("attend") };
}

/**
 * Runs the training children one after the other: a baseline that builds the model and the
 * batch and trains no step, then {@link TRAINING_MEMORY_STEPS} steps at
 * {@link TRAINING_MEMORY_LENGTH} with each of the given scores.
 *
 * @param scores the attention scores to train, one child each.
 * @returns the baseline's report first.
 */
export function measureTrainingMemory(
  scores: readonly ("additive" | "multiplicative")[],
): TrainingMemorySample[] {
  const modes: TrainingMemorySample["mode"][] = ["baseline", ...scores];
  return modes.map((mode) =>
    runChild<TrainingMemorySample>("training-child.ts", [
      mode,
      String(TRAINING_MEMORY_LENGTH),
      String(mode === "baseline" ? 0 : TRAINING_MEMORY_STEPS),
    ]),
  );
}

/** Spawns one child with this project's Node and ts-node, and parses its last line (JSON). */
function runChild<T>(script: string, args: readonly string[]): T {
  const file = path.join(__dirname, script);
  const argv = ["--expose-gc", "-r", "ts-node/register/transpile-only", file, ...args];
  const child = spawnSync(process.execPath, argv, { cwd: ROOT, encoding: "utf8" });
  const what = `the memory child ${script} ${args.join(" ")}`;
  if (child.error !== undefined) {
    throw new Error(`bench: could not start ${what}: ${child.error.message}`);
  }
  if (child.status !== 0) {
    throw new Error(`bench: ${what} exited with status ${child.status}:\n${child.stderr.trim()}`);
  }
  const lines = child.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as T;
}
