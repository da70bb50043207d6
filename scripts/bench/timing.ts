/**
 * Timing one function: warm-up, then samples until enough time and enough samples have passed,
 * summarised by the median and the spread.
 *
 * Why the median and the interquartile range: a benchmark on a shared machine sees occasional
 * slow runs (a garbage collection, another process); they move the mean and the maximum a lot
 * and the median hardly at all. The minimum and maximum are reported too, so nothing is hidden.
 */

import { performance } from "node:perf_hooks";

/** How long to spend on one implementation at one size. */
export interface Budget {
  /** Warm-up calls before any sample, at least this many... */
  readonly warmupRuns: number;
  /** ...and for at least this long, so the JIT has compiled the hot loops (ms). */
  readonly warmupMs: number;
  /** Samples to take at least... */
  readonly minSamples: number;
  /** ...and keep sampling until this much time has been spent on samples (ms). */
  readonly targetMs: number;
  /** Stop after this long even below `minSamples`... (ms) */
  readonly maxMs: number;
  /** ...once there are at least this many samples. */
  readonly floorSamples: number;
  /** Fast calls are timed in batches lasting at least this long, then divided (ms). */
  readonly sampleMs: number;
}

/** The summary of one timed cell; every time is per call, in milliseconds. */
export interface Timing {
  readonly median: number;
  /** First quartile. */
  readonly q1: number;
  /** Third quartile. */
  readonly q3: number;
  readonly min: number;
  readonly max: number;
  /** How many samples were taken. */
  readonly samples: number;
  /** Calls per sample. */
  readonly batch: number;
  /** Wall time spent on samples, excluding warm-up (ms). */
  readonly totalMs: number;
}

/**
 * The budget for one cell at size n: about a second of samples, with more samples for the
 * smaller (faster, noisier) sizes; or, for `--quick`, about a tenth of a second and as little as
 * one sample of a slow cell.
 *
 * @param n the size n = m.
 * @param quick a smoke run.
 * @returns the budget.
 */
export function budgetFor(n: number, quick: boolean): Budget {
  if (quick) {
    return {
      warmupRuns: 1,
      warmupMs: 20,
      minSamples: 3,
      targetMs: 100,
      maxMs: 1_000,
      floorSamples: 1,
      sampleMs: 2,
    };
  }
  const minSamples = n <= 64 ? 30 : n <= 256 ? 10 : 5;
  return {
    warmupRuns: 2,
    warmupMs: 200,
    minSamples,
    targetMs: 1_000,
    maxMs: 15_000,
    floorSamples: 3,
    sampleMs: 5,
  };
}

/**
 * The budget for one cell of the training section: a training step lasts from tens of
 * milliseconds to seconds, so about a second of samples of one step each, at least ten of them
 * unless that takes over three seconds; or, for `--quick`, a tenth of a second and as little as
 * one step.
 *
 * @param quick a smoke run.
 * @returns the budget.
 */
export function trainingBudget(quick: boolean): Budget {
  if (quick) return budgetFor(1, true);
  return {
    warmupRuns: 2,
    warmupMs: 300,
    minSamples: 10,
    targetMs: 1_000,
    maxMs: 3_000,
    floorSamples: 3,
    sampleMs: 5,
  };
}

/**
 * Times `run`: warm-up, then samples of `batch` calls each, as the budget says.
 *
 * @param run one call of the work being timed; it must return its result (not undefined), which
 *   is kept so the call cannot be optimised away.
 * @param budget how long to warm up and to sample.
 * @returns the median, quartiles and extremes of the time per call.
 */
export function measure(run: () => unknown, budget: Budget): Timing {
  let kept: unknown;

  // 1. Warm up, and estimate the time per call from the last warm-up call.
  let perCall = Infinity;
  const warmupStart = performance.now();
  for (let r = 0; r < budget.warmupRuns || performance.now() - warmupStart < budget.warmupMs; r++) {
    const start = performance.now();
    kept = run();
    perCall = performance.now() - start;
  }

  // 2. Choose the batch so that one sample lasts at least sampleMs (timer resolution, call cost).
  const batch = Math.max(1, Math.ceil(budget.sampleMs / Math.max(perCall, 1e-6)));

  // 3. Sample until both the time and the count are reached, or the cap is.
  const times: number[] = [];
  const sampleStart = performance.now();
  for (;;) {
    const start = performance.now();
    for (let b = 0; b < batch; b++) kept = run();
    times.push((performance.now() - start) / batch);
    const spent = performance.now() - sampleStart;
    if (spent >= budget.targetMs && times.length >= budget.minSamples) break;
    if (spent >= budget.maxMs && times.length >= budget.floorSamples) break;
  }
  if (kept === undefined) throw new Error("measure: run returned undefined; return the result");
  return summarise(times, batch, performance.now() - sampleStart);
}

/** The median, quartiles and extremes of a list of times. */
function summarise(times: readonly number[], batch: number, totalMs: number): Timing {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    samples: sorted.length,
    batch,
    totalMs,
  };
}

/** The p-quantile of sorted values, interpolating linearly between ranks (numpy's default). */
function quantile(sorted: readonly number[], p: number): number {
  const at = (sorted.length - 1) * p;
  const below = Math.floor(at);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (at - below);
}
