/**
 * The attention section of `npm run bench`: the library's attention forward pass beside its
 * peers, in one run on the same inputs, reported as ratios.
 *
 *   weights = softmax(Q·Kᵀ / √dK) row by row, output = weights·V
 *
 * (Vaswani et al., "Attention Is All You Need", 2017, Eq. 1), for n = m = 64, 256 and 1024 with
 * dK = dV = 64. The steps:
 *   1. check that every peer agrees with the library at every size, and stop if one does not;
 *   2. time each implementation at each size (warm-up, then samples), one progress line each;
 *   3. print the times, the ratios peer / library and the goals of the issue, met or missed;
 *   4. measure the memory of one `attend` call at n = 1024 in child processes.
 */

import { type Forward, type Implementation, mathjs, spotlight, tfjs } from "./implementations";
import { type Inputs, SEED, WIDTH, makeInputs } from "./inputs";
import { measureMemory } from "./memory";
import { MEMORY_SIZE } from "./options";
import { garbageCollector, get } from "./process";
import {
  type Goal,
  type Ratio,
  cellKey,
  goalRow,
  goalsTable,
  implementationLines,
  loadLine,
  memoryLines,
  progressLine,
  ratioOf,
  ratiosTable,
  timesTable,
} from "./report";
import { type Timing, budgetFor, measure } from "./timing";

/**
 * Runs the attention section and prints it.
 *
 * @param sizes the sizes n = m to time.
 * @param quick a smoke run.
 * @param version the library's version, for the list of implementations.
 */
export async function runAttention(
  sizes: readonly number[],
  quick: boolean,
  version: string,
): Promise<void> {
  const library = spotlight(version);
  const peers = [mathjs(), tfjs("cpu"), tfjs("wasm")];
  const inputs = new Map(sizes.map((n) => [n, makeInputs(n)] as const));

  console.log(`attention: one forward pass, softmax(Q·Kᵀ/√dK)·V`);
  console.log(
    `  inputs    n = m = ${sizes.join(", ")}; dK = dV = ${WIDTH}; Q, K, V with 𝒩(0, 1) entries ` +
      `from createRandom(${SEED}), the same for every implementation`,
  );
  console.log(`  timing    ${describeBudget(quick)}`);
  console.log("");

  await checkPeers(library, peers, inputs);
  const timings = await timeAll([library, ...peers], inputs, quick);
  printResults(library, peers, sizes, timings);

  console.log(
    `memory: one attend call at n = ${MEMORY_SIZE}, in a child process (node --expose-gc) ` +
      `beside a child that only builds the inputs`,
  );
  for (const line of memoryLines(measureMemory(MEMORY_SIZE))) console.log(line);
  console.log("");
}

/** Step 1: every peer against the library at every size, before anything is timed. */
async function checkPeers(
  library: Implementation,
  peers: readonly Implementation[],
  inputs: ReadonlyMap<number, Inputs>,
): Promise<void> {
  console.log("check: largest |peer − attend| / largest |attend|, over output and weights");
  for (const impl of [library, ...peers]) await impl.activate();
  for (const [n, problem] of inputs) {
    const reference = library.prepare(problem).forward();
    const cells: string[] = [];
    for (const peer of peers) {
      await peer.activate();
      const prepared = peer.prepare(problem);
      const found = prepared.forward();
      prepared.dispose();
      cells.push(`${peer.name} ${checkAgreement(peer, n, found, reference).toExponential(1)}`);
    }
    console.log(`  n=${String(n).padEnd(5)} ${cells.join("   ")}   all within tolerance`);
  }
  console.log("");

  const described = [library, ...peers].map((impl) => ({ ...impl, details: impl.details() }));
  for (const line of implementationLines(described)) console.log(line);
}

/** Step 2: each implementation at each size, from a collected heap, one progress line each. */
async function timeAll(
  implementations: readonly Implementation[],
  inputs: ReadonlyMap<number, Inputs>,
  quick: boolean,
): Promise<Map<string, Timing>> {
  const collectGarbage = garbageCollector();
  console.log("timing (ms per forward pass)");
  const timings = new Map<string, Timing>();
  for (const [n, problem] of inputs) {
    for (const impl of implementations) {
      await impl.activate();
      const prepared = impl.prepare(problem);
      collectGarbage();
      const timing = measure(prepared.run, budgetFor(n, quick));
      prepared.dispose();
      timings.set(cellKey(impl, n), timing);
      console.log(progressLine(impl.name, n, timing));
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

/** Step 3: the tables of times, ratios and goals. */
function printResults(
  library: Implementation,
  peers: readonly Implementation[],
  sizes: readonly number[],
  timings: ReadonlyMap<string, Timing>,
): void {
  const timingOf = (impl: Implementation, n: number): Timing => get(timings, cellKey(impl, n));
  const ratio = (peer: Implementation, n: number): Ratio =>
    ratioOf(timingOf(peer, n), timingOf(library, n));

  console.log("median time per forward pass [first quartile, third quartile]");
  console.log(timesTable([library, ...peers], sizes, timings));
  console.log("  (tfjs-core computes in float32; the library and mathjs in float64)");
  console.log("");

  console.log("ratio = peer median / library median (> 1: the library is faster) [from quartiles]");
  console.log(ratiosTable(peers, sizes, ratio));
  console.log("");

  const [mathjsPeer, cpuPeer, wasmPeer] = peers;
  const goals: Goal[] = [
    { text: "library >= 2x faster than tfjs-core cpu", peer: cpuPeer, threshold: 2 },
    { text: "library >= 5x faster than mathjs", peer: mathjsPeer, threshold: 5 },
    { text: "library within 2x of tfjs-core wasm", peer: wasmPeer, threshold: 0.5 },
  ];
  const rows = goals.map((goal) => goalRow(goal, sizes, ratio));
  const met = rows.filter((r) => r.met).length;
  console.log("goals (from the issue), at every size run");
  console.log(
    goalsTable(
      rows.map((r) => r.row),
      sizes,
    ),
  );
  console.log(
    "  ~: the ratio's quartile range straddles the threshold; a rerun may land either side",
  );
  console.log(`  ${met} of ${rows.length} goals met`);
  console.log("");
}

/**
 * Compares a peer's forward pass with the library's, entry by entry over output and weights,
 * and throws at the first entry out of tolerance.
 *
 * |peer − attend| ≤ rtol·(|attend| + max|attend|)
 *
 * Why the max term: entries near zero (most weights at n = 1024 are about 1/1024) carry the
 * absolute rounding error of the larger ones they were computed from, so each entry is judged
 * against the largest entry of its array as well as against itself.
 *
 * @returns the largest |peer − attend| / max|attend| seen, over both arrays.
 */
function checkAgreement(
  peer: Implementation,
  n: number,
  found: Forward,
  reference: Forward,
): number {
  let worst = 0;
  for (const [name, cols] of [
    ["output", WIDTH],
    ["weights", n],
  ] as const) {
    const actual = found[name];
    const expected = reference[name];
    if (actual.length !== expected.length) {
      throw new Error(
        `bench: ${peer.name} gave ${name} with ${actual.length} entries at n = ${n}; ` +
          `attend gave ${expected.length}`,
      );
    }
    let scale = 0;
    for (let k = 0; k < expected.length; k++) scale = Math.max(scale, Math.abs(expected[k]));
    for (let k = 0; k < expected.length; k++) {
      const diff = Math.abs(actual[k] - expected[k]);
      if (!(diff <= peer.rtol * (Math.abs(expected[k]) + scale))) {
        throw new Error(
          `bench: ${peer.name} disagrees with attend at n = ${n}: ` +
            `${name}[${Math.floor(k / cols)}, ${k % cols}] is ${actual[k]}, ` +
            `attend gives ${expected[k]} ` +
            `(|diff| ${diff.toExponential(2)}, allowed rtol ${peer.rtol} of |attend| + ` +
            `max|attend| = ${scale.toExponential(2)})`,
        );
      }
      worst = Math.max(worst, diff / scale);
    }
  }
  return worst;
}

/** What the budget of this run is, in words. */
function describeBudget(quick: boolean): string {
  if (quick) {
    const b = budgetFor(1, true);
    return (
      `--quick: ${b.warmupRuns} warm-up run, then samples until ${b.targetMs} ms and ` +
      `${b.minSamples} samples, or ${b.maxMs / 1000} s and ${b.floorSamples} sample`
    );
  }
  const [small, medium, large] = [64, 256, 1024].map((n) => budgetFor(n, false));
  return (
    `warm-up >= ${small.warmupRuns} runs and >= ${small.warmupMs} ms, then samples until ` +
    `>= ${small.targetMs / 1000} s and >= ${small.minSamples} / ${medium.minSamples} / ` +
    `${large.minSamples} samples (n <= 64 / <= 256 / larger), ` +
    `capped at ${large.maxMs / 1000} s; a sample times enough runs to last ${small.sampleMs} ms`
  );
}
