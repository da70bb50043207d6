/**
 * The training section's printed report: progress lines, the tables of times, steps per second,
 * ratios and goals, and the memory of a training run. Cells are one attention score at one
 * sentence length; numbers go through the same formatters as the attention section's.
 */

import { fmt } from "../../src/format";
import type { TrainingMemorySample } from "./memory";
import {
  type Ratio,
  count,
  formatMiB,
  formatMs,
  formatRatio,
  formatTime,
  ratioOf,
  table,
} from "./report";
import { SCORES, type Score } from "./seq2seq";
import type { Timing } from "./timing";

/** One timed cell's model and data: the attention score and the sentence length. */
export interface Cell {
  readonly score: Score;
  readonly length: number;
}

/** What the tables need of an implementation. */
interface Named {
  readonly name: string;
  readonly precision: string;
}

type TimingOf<T extends Named> = (impl: T, cell: Cell) => Timing;

/** Steps per second from a time per step in ms, e.g. "81.3/s". */
function formatRate(ms: number): string {
  const rate = 1000 / ms;
  return `${fmt(rate, rate >= 100 ? 0 : 1)}/s`;
}

/** The progress line printed when one implementation has been timed at one cell. */
export function trainingProgressLine(name: string, cell: Cell, t: Timing): string {
  const batch = t.batch === 1 ? "" : ` of ${count(t.batch, "step")}`;
  return (
    `  ${cell.score.padEnd(15)} L=${String(cell.length).padEnd(3)} ${name.padEnd(17)} ` +
    `median ${formatMs(t.median).padStart(9)} (${formatRate(t.median)})  ` +
    `IQR ${formatTime(t.q1)}–${formatTime(t.q3)}  min ${formatTime(t.min)}  ` +
    `max ${formatTime(t.max)}  (${count(t.samples * t.batch, "step")}: ` +
    `${count(t.samples, "sample")}${batch}, ${fmt(t.totalMs / 1000, 2)} s)`
  );
}

/** Rows per score and implementation, columns per length, cells from `cell`. */
function byScore<T extends Named>(
  first: readonly string[],
  implementations: readonly T[],
  lengths: readonly number[],
  cell: (impl: T, c: Cell) => string,
  extra: (impl: T) => string[] = () => [],
): string {
  const header = [...first, ...lengths.map((length) => `L=${length}`)];
  const rows = SCORES.flatMap((score) =>
    implementations.map((impl, k) => [
      k === 0 ? score : "",
      impl.name,
      ...extra(impl),
      ...lengths.map((length) => cell(impl, { score, length })),
    ]),
  );
  const left = first.length;
  return table([header, ...rows], [...header.map((_, c) => c >= left)]);
}

/** Median [q1, q3] per step, in ms. */
export function trainingTimesTable<T extends Named>(
  implementations: readonly T[],
  lengths: readonly number[],
  timing: TimingOf<T>,
): string {
  return byScore(
    ["attention", "implementation", "precision"],
    implementations,
    lengths,
    (impl, c) => {
      const t = timing(impl, c);
      return `${formatTime(t.median)} [${formatTime(t.q1)}, ${formatTime(t.q3)}]`;
    },
    (impl) => [impl.precision],
  );
}

/** Steps per second, from the median. */
export function trainingStepsTable<T extends Named>(
  implementations: readonly T[],
  lengths: readonly number[],
  timing: TimingOf<T>,
): string {
  return byScore(["attention", "implementation"], implementations, lengths, (impl, c) =>
    formatRate(timing(impl, c).median),
  );
}

/** Ratios peer / library, with the range from the quartiles. */
export function trainingRatiosTable<T extends Named>(
  library: T,
  peers: readonly T[],
  lengths: readonly number[],
  timing: TimingOf<T>,
): string {
  return byScore(["attention", `peer / ${library.name}`], peers, lengths, (peer, c) => {
    const r = ratioOf(timing(peer, c), timing(library, c));
    return `${formatRatio(r.median)} [${formatRatio(r.low)}, ${formatRatio(r.high)}]`;
  });
}

/**
 * The goal, the library faster than tfjs-core wasm at every length, for each score: a
 * table, a note and a count.
 */
export function trainingGoalsLines<T extends Named>(
  library: T,
  wasm: T,
  lengths: readonly number[],
  timing: TimingOf<T>,
): string[] {
  const threshold = 1;
  let met = 0;
  const rows = SCORES.map((score) => {
    let ok = true;
    const cells = lengths.map((length) => {
      const r: Ratio = ratioOf(timing(wasm, { score, length }), timing(library, { score, length }));
      const faster = r.median > threshold;
      ok &&= faster;
      // A ratio whose quartile range straddles the threshold could land either side on a rerun.
      const close = r.low <= threshold && r.high > threshold ? "~" : "";
      return `${formatRatio(r.median)} ${faster ? "met" : "missed"}${close}`;
    });
    if (ok) met++;
    return [
      `library faster than ${wasm.name}, ${score}`,
      `> ${formatRatio(threshold)}`,
      ...cells,
      ok ? "MET" : "MISSED",
    ];
  });
  const header = [
    "goal (ratio tfjs / library)",
    "needs",
    ...lengths.map((length) => `L=${length}`),
    "verdict",
  ];
  return [
    "goal (from the issue): faster than tfjs-core wasm at these small sizes, at every length",
    table([header, ...rows], [false, false, ...lengths.map(() => true), false]),
    "  ~: the ratio's quartile range straddles the threshold; a rerun may land either side",
    `  ${met} of ${rows.length} goals met`,
  ];
}

/** The training memory section's lines; `samples` is the baseline's first, then one per score. */
export function trainingMemoryLines(samples: readonly TrainingMemorySample[]): string[] {
  const [baseline, ...runs] = samples;
  const header = ["", "baseline child"];
  for (const run of runs) header.push(`${run.mode} child`, "− baseline");
  const row = (label: string, of: (s: TrainingMemorySample) => number): string[] => [
    label,
    formatMiB(of(baseline)),
    ...runs.flatMap((run) => [formatMiB(of(run)), formatMiB(of(run) - of(baseline))]),
  ];
  const graph = runs
    .map((run) => `${run.graphNodes} nodes holding ${formatMiB(run.graphBytes)} (${run.mode})`)
    .join(", ");
  return [
    table(
      [
        header,
        row("peak RSS of the process (maxRSS)", (s) => s.maxRss),
        row("peak heap + arrayBuffers above the start", (s) => s.peakGrown),
        row("heap + arrayBuffers kept after a GC", (s) => s.retained),
      ],
      header.map((_, c) => c > 0),
    ),
    `  one step's graph at L = ${runs[0]?.length ?? "-"}: ${graph}, the values its forward pass ` +
      `keeps for backward; parameters with Adam's two moments take ` +
      `${formatMiB(baseline.parameterBytes)}`,
    "  the peak row samples heapUsed + arrayBuffers after every forward and every backward pass",
    "  with garbage collection free to run, so it includes garbage not yet collected and may",
    "  miss a peak inside backward by the gradients allocated there; maxRSS is mostly start-up",
    "  (ts-node loads the TypeScript compiler) and differs by several MiB between identical",
    "  children, so the heap rows are the better measure of what training allocates",
  ];
}
