/**
 * The bench's printed report: the machine, the progress lines, and the tables of times, ratios,
 * goals and memory. Every number goes through the course's formatter with a fixed number of
 * digits, and every line carries its unit.
 */

import * as os from "node:os";
import { fmt } from "../../src/format";
import type { Implementation } from "./implementations";
import type { MemoryReport, MemorySample } from "./memory";
import type { Timing } from "./timing";

const MIB = 2 ** 20;

/** The load averages over 1, 5 and 15 minutes, and whether the 1-minute one says "busy". */
export function loadLine(): { text: string; busy: boolean } {
  const [one, five, fifteen] = os.loadavg();
  const cores = os.cpus().length;
  // Why half the cores: the bench itself keeps one core busy, so a load above that means other
  // processes were competing for the cores while it timed.
  const busy = one > Math.max(1, cores / 2) + 0.5;
  return { text: `${fmt(one, 2)}, ${fmt(five, 2)}, ${fmt(fifteen, 2)} (1, 5, 15 min)`, busy };
}

/** The machine the bench ran on, one line. */
export function machineLine(): string {
  const cpus = os.cpus();
  const model = cpus.length > 0 ? cpus[0].model.trim() : "unknown CPU";
  return (
    `${model}, ${cpus.length} cores, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB RAM; ` +
    `${os.type()} ${os.release()} ${os.arch()}; ` +
    `Node ${process.version}, V8 ${process.versions.v8}`
  );
}

/** A time per call in milliseconds, to three significant digits (at least), e.g. "0.412 ms". */
/** One described implementation, for {@link implementationLines}. */
export interface Described {
  name: string;
  version: string;
  precision: string;
  /** What it did at start-up (backend, SIMD, threads); empty if nothing to say. */
  details: string;
}

/** The "implementations" block both sections print: name, version, precision and details. */
export function implementationLines(rows: readonly Described[]): string[] {
  return [
    "implementations",
    ...rows.map(
      ({ name, version, precision, details }) =>
        `  ${name.padEnd(17)} ${version.padEnd(30)} ${precision}` +
        (details === "" ? "" : `; ${details}`),
    ),
    "",
  ];
}

export function formatMs(ms: number): string {
  return `${formatTime(ms)} ms`;
}

/** A time in ms without its unit, three significant digits, never in exponent form. */
export function formatTime(ms: number): string {
  const digits = ms > 0 ? Math.max(0, 2 - Math.floor(Math.log10(ms))) : 3;
  return fmt(ms, Math.min(digits, 6));
}

/** A ratio, e.g. "2.41". */
export function formatRatio(x: number): string {
  return fmt(x, x >= 100 ? 0 : x >= 10 ? 1 : 2);
}

/** Bytes as MiB, e.g. "8.5 MiB". */
export function formatMiB(bytes: number): string {
  return `${fmt(bytes / MIB, 1)} MiB`;
}

/** The progress line printed when one implementation has been timed at one size. */
export function progressLine(name: string, n: number, t: Timing): string {
  const batch = t.batch === 1 ? "" : ` of ${count(t.batch, "run")}`;
  return (
    `  n=${String(n).padEnd(5)} ${name.padEnd(17)} median ${formatMs(t.median).padStart(10)}  ` +
    `IQR ${formatTime(t.q1)}–${formatTime(t.q3)}  min ${formatTime(t.min)}  ` +
    `max ${formatTime(t.max)}  (${count(t.samples * t.batch, "run")}: ` +
    `${count(t.samples, "sample")}${batch}, ${fmt(t.totalMs / 1000, 2)} s)`
  );
}

/** "1 run", "2 runs". */
export function count(k: number, noun: string): string {
  return `${k} ${noun}${k === 1 ? "" : "s"}`;
}

/** Lays out rows as columns, the first row a header underlined with dashes. */
export function table(
  rows: readonly (readonly string[])[],
  rightAligned: readonly boolean[],
): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => (row[c] ?? "").length)));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, c) => (rightAligned[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join("   ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("   ");
  return ["  " + line(rows[0]), "  " + rule, ...rows.slice(1).map((row) => "  " + line(row))].join(
    "\n",
  );
}

/** Times per implementation (rows) and size (columns): median [q1, q3] in ms. */
export function timesTable(
  implementations: readonly Implementation[],
  sizes: readonly number[],
  timings: ReadonlyMap<string, Timing>,
): string {
  const header = ["implementation", "precision", ...sizes.map((n) => `n=${n} (ms)`)];
  const rows = implementations.map((impl) => [
    impl.name,
    impl.precision,
    ...sizes.map((n) => {
      const t = timings.get(cellKey(impl, n));
      return t === undefined
        ? "-"
        : `${formatTime(t.median)} [${formatTime(t.q1)}, ${formatTime(t.q3)}]`;
    }),
  ]);
  return table([header, ...rows], [false, false, ...sizes.map(() => true)]);
}

/** The ratio peer / library at one size: the medians', and a range from the quartiles. */
export interface Ratio {
  /** peer median / library median: > 1 means the library is faster. */
  readonly median: number;
  /** peer q1 / library q3: the ratio if the peer's fast runs met the library's slow ones. */
  readonly low: number;
  /** peer q3 / library q1. */
  readonly high: number;
}

/** Computes the ratio of a peer's timing to the library's. */
export function ratioOf(peer: Timing, library: Timing): Ratio {
  return {
    median: peer.median / library.median,
    low: peer.q1 / library.q3,
    high: peer.q3 / library.q1,
  };
}

/** Ratios per peer (rows) and size (columns). */
export function ratiosTable(
  peers: readonly Implementation[],
  sizes: readonly number[],
  ratio: (peer: Implementation, n: number) => Ratio,
): string {
  const header = ["peer / spotlight attend", ...sizes.map((n) => `n=${n}`)];
  const rows = peers.map((peer) => [
    peer.name,
    ...sizes.map((n) => {
      const r = ratio(peer, n);
      return `${formatRatio(r.median)} [${formatRatio(r.low)}, ${formatRatio(r.high)}]`;
    }),
  ]);
  return table([header, ...rows], [false, ...sizes.map(() => true)]);
}

/** A performance goal: the ratio peer / library must be at least `threshold` at every size. */
export interface Goal {
  readonly text: string;
  readonly peer: Implementation;
  readonly threshold: number;
}

/** Whether a goal is met at every size, and the table row that shows it. */
export function goalRow(
  goal: Goal,
  sizes: readonly number[],
  ratio: (peer: Implementation, n: number) => Ratio,
): { met: boolean; row: string[] } {
  let met = true;
  const cells = sizes.map((n) => {
    const r = ratio(goal.peer, n);
    const ok = r.median >= goal.threshold;
    met &&= ok;
    // A ratio whose quartile range straddles the threshold could land either side on a rerun.
    const close = r.low < goal.threshold && r.high >= goal.threshold ? "~" : "";
    return `${formatRatio(r.median)} ${ok ? "met" : "missed"}${close}`;
  });
  return {
    met,
    row: [goal.text, `>= ${formatRatio(goal.threshold)}`, ...cells, met ? "MET" : "MISSED"],
  };
}

/** The goals table. */
export function goalsTable(rows: readonly string[][], sizes: readonly number[]): string {
  const header = ["goal (ratio peer / library)", "needs", ...sizes.map((n) => `n=${n}`), "verdict"];
  return table([header, ...rows], [false, false, ...sizes.map(() => true), false]);
}

/** The memory section's lines. */
export function memoryLines(report: MemoryReport): string[] {
  const { baseline, attend } = report;
  const n = attend.n;
  const row = (label: string, of: (s: MemorySample) => number): string[] => [
    label,
    formatMiB(of(baseline)),
    formatMiB(of(attend)),
    formatMiB(of(attend) - of(baseline)),
  ];
  return [
    table(
      [
        ["", "baseline child", "attend child", "attend − baseline"],
        row("peak RSS of the process (maxRSS)", (s) => s.maxRss),
        row("heap grown during the call (no GC)", (s) => s.heapGrown),
        row("arrayBuffers grown during the call", (s) => s.arrayBuffersGrown),
        row("heap + arrayBuffers kept after a GC", (s) => s.retained),
      ],
      [false, true, true, true],
    ),
    `  the result, output [${n}, 64] + weights [${n}, ${n}] in float64, takes ` +
      `${formatMiB(attend.resultBytes)}: the least an attend that returns both must hold`,
    "  maxRSS is mostly start-up (ts-node loads the TypeScript compiler) and differs by several",
    "  MiB between identical children, and malloc reuses memory freed during start-up; so the",
    "  heap and arrayBuffers rows are the precise measure of what the call allocates",
  ];
}

/** The key of one timed cell. */
export function cellKey(impl: Implementation, n: number): string {
  return `${impl.name}@${n}`;
}
