/**
 * One child of the memory measurement (see memory.ts), run as
 *
 *   node --expose-gc -r ts-node/register/transpile-only scripts/bench/memory-child.ts MODE N
 *
 * with MODE `baseline` (build the inputs only) or `attend` (build them, then call attend once).
 * Both modes load the same modules and warm attend up at a smaller size first, so that what is
 * measured is a call of optimised code; their difference is the call at size N alone. Prints one
 * JSON line, a MemorySample.
 */

import { attend } from "../../src/attention";
import { makeInputs } from "./inputs";
import type { MemorySample } from "./memory";

/**
 * The warm-up before anything is measured. Why: until V8 optimises attend's loops, every double
 * they compute is boxed on the heap, so a cold call at n = 1024 leaves megabytes of short-lived
 * garbage that says nothing about attend's own allocations. Two calls at n = 256 get the loops
 * optimised, and the small result they free cannot hide the measured call's peak.
 */
const WARM_UP_SIZE = 256;
const WARM_UP_CALLS = 2;

function main(): void {
  const [mode, nText] = process.argv.slice(2);
  if (mode !== "baseline" && mode !== "attend") {
    throw new Error(`memory-child: MODE must be baseline or attend; got ${mode}`);
  }
  const n = Number(nText);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new Error(`memory-child: N must be a positive integer; got ${nText}`);
  }
  const gc = globalThis.gc;
  if (typeof gc !== "function") throw new Error("memory-child: run node with --expose-gc");

  const { queries, keys, values } = makeInputs(n);
  const warmUp = makeInputs(WARM_UP_SIZE);
  for (let r = 0; r < WARM_UP_CALLS; r++) attend(warmUp.queries, warmUp.keys, warmUp.values);
  gc();
  const before = process.memoryUsage();

  const result = mode === "attend" ? attend(queries, keys, values) : undefined;
  const after = process.memoryUsage();

  gc();
  const settled = process.memoryUsage();
  const resultBytes =
    result === undefined ? 0 : result.output.data.byteLength + result.weights.data.byteLength;

  const sample: MemorySample = {
    mode,
    n,
    maxRss: process.resourceUsage().maxRSS * 1024, // ru_maxrss is in KiB
    heapGrown: after.heapUsed - before.heapUsed,
    arrayBuffersGrown: after.arrayBuffers - before.arrayBuffers,
    retained: settled.heapUsed + settled.arrayBuffers - (before.heapUsed + before.arrayBuffers),
    resultBytes,
  };
  process.stdout.write(`${JSON.stringify(sample)}\n`);
}

main();
