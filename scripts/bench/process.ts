/**
 * What the bench needs from its own process: a full garbage collection between measurements,
 * the library's version, and a map lookup that fails loudly.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import * as v8 from "node:v8";
import * as vm from "node:vm";

/**
 * A function that runs a full garbage collection, so that each implementation starts its timing
 * without the garbage of the one before (mathjs and autodiff graphs leave a lot).
 *
 * The bench runs under ts-node without `--expose-gc`; the flag can still be set at run time, and
 * a new context then sees the `gc` function.
 */
export function garbageCollector(): () => void {
  if (typeof globalThis.gc === "function") return globalThis.gc;
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as () => void;
}

/** The library's version, from package.json. */
export function packageVersion(): string {
  const file = path.join(__dirname, "..", "..", "package.json");
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
}

/** map.get that throws instead of returning undefined. */
export function get<K, V>(map: ReadonlyMap<K, V>, key: K): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`get: no entry for ${String(key)}`);
  return value;
}
