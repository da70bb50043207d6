/**
 * `npm run bench`: the library beside its peers, in one run on the same inputs, reported as
 * ratios. Two sections, both by default:
 *
 * - attention (scripts/bench/attention.ts): one attention forward pass, softmax(Q·Kᵀ/√dK)·V
 *   (Vaswani et al. 2017, Eq. 1), against mathjs and tfjs-core on its cpu and wasm backends;
 * - training (scripts/bench/training.ts): training steps of the chapter-1 model, a GRU
 *   encoder–decoder with attention trained with Adam, against the same model written with
 *   tfjs-core on both backends.
 *
 * Each section first checks that every peer computes what the library computes and stops if one
 * does not, then times, then prints its tables, the goals of its issue met or missed, and the
 * library's peak memory measured in child processes.
 *
 * A report, not a test: missing a goal prints MISSED and still exits 0; a peer that disagrees
 * with the library, or a crash, exits 1. Usage: `npm run bench -- --help`.
 */

import { performance } from "node:perf_hooks";
import { fmt } from "../src/format";
import { runAttention } from "./bench/attention";
import { USAGE, UsageError, parseOptions } from "./bench/options";
import { packageVersion } from "./bench/process";
import { loadLine, machineLine } from "./bench/report";
import { runTraining } from "./bench/training";

async function main(argv: readonly string[]): Promise<void> {
  const options = parseOptions(argv);
  if (options === undefined) {
    console.log(USAGE);
    return;
  }
  const { sections, sizes, lengths, quick } = options;
  const version = packageVersion();

  console.log(`Spotlight bench ${version}: ${sections.join(" and ")}${quick ? " (--quick)" : ""}`);
  console.log(`  machine   ${machineLine()}`);
  console.log(`  load      ${loadLine().text} before the run`);
  console.log("");

  for (const section of sections) {
    const start = performance.now();
    if (section === "attention") await runAttention(sizes, quick, version);
    if (section === "training") await runTraining(lengths, quick, version);
    console.log(`${section} section: ${fmt((performance.now() - start) / 1000, 0)} s`);
    console.log("");
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`bench: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  // A failure the bench detected (a peer that disagrees) takes one line; a crash, its stack.
  const expected = error instanceof Error && error.message.startsWith("bench:");
  console.error(expected ? error.message : error instanceof Error ? error.stack : error);
  process.exit(1);
});
