/**
 * Peak memory of one `attend` call, measured in fresh child processes so that nothing the bench
 * itself allocated (tfjs, mathjs, earlier sizes) is counted.
 *
 * Two children run scripts/bench/memory-child.ts with `--expose-gc`: a baseline that loads the
 * same modules and builds the inputs, and one that also calls `attend` once. The difference of
 * their peak resident set sizes is what the call added at its peak; the heap and ArrayBuffer
 * growth across the call (no collection forced in between) and what stays after a full
 * collection say where it went.
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

const ROOT = path.resolve(__dirname, "..", "..");
const CHILD = path.join(__dirname, "memory-child.ts");

/**
 * Runs the baseline child and the attend child at size n, one after the other.
 *
 * @param n the size n = m.
 * @returns both reports.
 */
export function measureMemory(n: number): MemoryReport {
  return { baseline: runChild("baseline", n), attend: runChild("attend", n) };
}

/** Spawns one child with this project's Node and ts-node, and parses its one JSON line. */
function runChild(mode: MemorySample["mode"], n: number): MemorySample {
  const args = ["--expose-gc", "-r", "ts-node/register/transpile-only", CHILD, mode, String(n)];
  const child = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
  if (child.error !== undefined) {
    throw new Error(`bench: could not start the memory child (${mode}): ${child.error.message}`);
  }
  if (child.status !== 0) {
    throw new Error(
      `bench: the memory child (${mode}, n = ${n}) exited with status ${child.status}:\n` +
        child.stderr.trim(),
    );
  }
  const lines = child.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as MemorySample;
}
