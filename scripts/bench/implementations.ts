/**
 * The implementations the bench times side by side, each computing one attention forward pass,
 *
 *   weights = softmax(Q·Kᵀ / √dK) row by row, output = weights·V
 *
 * (Vaswani et al., "Attention Is All You Need", 2017, Eq. 1): the library's `attend`, the same
 * computation in mathjs, and in tfjs-core on its cpu and wasm backends. Each one converts the
 * shared inputs to its own kind of matrix once, outside the timing, and is then timed from its
 * own inputs to its own output.
 */

import * as path from "node:path";
import * as fs from "node:fs";
import * as tf from "@tensorflow/tfjs-core";
import { version_cpu as tfjsCpuVersion } from "@tensorflow/tfjs-backend-cpu";
import {
  getThreadsCount,
  setWasmPaths,
  version_wasm as tfjsWasmVersion,
} from "@tensorflow/tfjs-backend-wasm";
import {
  divide,
  map,
  matrix,
  max,
  multiply,
  sum,
  transpose,
  version as mathjsVersion,
} from "mathjs";
import type { Matrix as MathMatrix } from "mathjs";
import { attend } from "../../src/attention";
import type { Inputs } from "./inputs";

/** One forward pass copied out row-major, for the correctness check. */
export interface Forward {
  /** Shape [n, dV]. */
  readonly output: ArrayLike<number>;
  /** Shape [n, m]. */
  readonly weights: ArrayLike<number>;
}

/** An implementation bound to one set of inputs. */
export interface Prepared {
  /** One forward pass, as timed; returns its result so the call cannot be optimised away. */
  run(): unknown;
  /** One forward pass with output and weights copied out. */
  forward(): Forward;
  /** Frees what `prepare` allocated (tfjs tensors). */
  dispose(): void;
}

/** One way of computing attention. */
export interface Implementation {
  /** The row label in the tables, e.g. "tfjs-core cpu". */
  readonly name: string;
  /** Package version(s). */
  readonly version: string;
  /** The arithmetic the implementation computes in. */
  readonly precision: "float64" | "float32";
  /**
   * The relative tolerance of the correctness check against the library: float64 peers must
   * agree to rounding, float32 ones to single precision (2^−24 ≈ 6e−8 per operation, summed
   * over up to m terms).
   */
  readonly rtol: number;
  /** Makes this implementation ready to run (tfjs: selects and starts its backend). */
  activate(): Promise<void>;
  /** Binds the implementation to inputs, converting them once. */
  prepare(inputs: Inputs): Prepared;
  /** What was found on activation, e.g. whether the wasm backend runs SIMD code; "" if none. */
  details(): string;
}

/** The library under test: `attend` with its default score, scaled dot-product. */
export function spotlight(version: string): Implementation {
  return {
    name: "spotlight attend",
    version,
    precision: "float64",
    rtol: 0,
    activate: async () => {},
    prepare: ({ queries, keys, values }) => ({
      run: () => attend(queries, keys, values),
      forward: () => {
        const { output, weights } = attend(queries, keys, values);
        return { output: output.data, weights: weights.data };
      },
      dispose: () => {},
    }),
    details: () => "",
  };
}

/**
 * The same computation written with mathjs matrices and functions, as a mathjs user would.
 *
 * NOTE: the row max and row sum are read inside `map` rather than broadcast with
 * `subtract(scores, rowMax)` and `dotDivide(exps, rowSum)` on an [n, 1] column. mathjs 15.2's
 * broadcasting of an [n, 1] column across [n, m] took 7 to 10 s at n = 1024 on the machine this
 * was written on, about 40 times the same operation on two [n, m] matrices, and would have made
 * the comparison one of that code path rather than of attention.
 */
export function mathjs(): Implementation {
  return {
    name: "mathjs",
    version: mathjsVersion,
    precision: "float64",
    rtol: 1e-9,
    activate: async () => {},
    prepare: ({ dK, queries, keys, values }) => {
      const q = matrix(queries.toArray());
      const k = matrix(keys.toArray());
      const v = matrix(values.toArray());
      const forward = (): { output: MathMatrix; weights: MathMatrix } => {
        const scores = divide(multiply(q, transpose(k)), Math.sqrt(dK)) as MathMatrix; // (n, m)

        // Why subtract the row max: exp of a large score overflows, and softmax is unchanged by
        // shifting a row.
        const rowMax = max(scores, 1) as unknown as MathMatrix; // (n, m) → (n)
        const exps = map(scores, (x: number, [i]: number[]) => Math.exp(x - at(rowMax, i)));
        const rowSum = sum(exps, 1) as unknown as MathMatrix; // (n, m) → (n)
        const weights = map(exps, (x: number, [i]: number[]) => x / at(rowSum, i));

        const output = multiply(weights, v); // (n, m)·(m, dV) → (n, dV)
        return { output, weights };
      };
      return {
        run: forward,
        forward: () => {
          const { output, weights } = forward();
          return { output: flatten(output), weights: flatten(weights) };
        },
        dispose: () => {},
      };
    },
    details: () => "",
  };
}

/** Entry i of a mathjs vector. */
function at(vector: MathMatrix, i: number): number {
  return vector.get([i]) as number;
}

/** A mathjs [r, c] matrix as a flat row-major list. */
function flatten(m: MathMatrix): number[] {
  return (m.toArray() as number[][]).flat();
}

/**
 * The same computation in tfjs-core on one of its backends, in float32 (tfjs has no float64).
 *
 * Each run is one `tf.tidy` that returns the output and the weights, then reads the output back
 * with `dataSync()`: that read waits for all the work, so the time includes it, and the weights
 * stay computed on the backend as the library's do in its result.
 *
 * @param backend "cpu" (plain JavaScript kernels) or "wasm" (XNNPACK compiled to WebAssembly).
 */
export function tfjs(backend: TfjsBackend): Implementation {
  let found = "";
  return {
    name: `tfjs-core ${backend}`,
    version: tfjsVersion(backend),
    precision: "float32",
    rtol: 1e-4,
    activate: async () => {
      found = await startTfjs(backend);
    },
    prepare: ({ n, dK, dV, queries, keys, values }) => {
      const q = tf.tensor2d(Float32Array.from(queries.data), [n, dK]);
      const k = tf.tensor2d(Float32Array.from(keys.data), [n, dK]);
      const v = tf.tensor2d(Float32Array.from(values.data), [n, dV]);
      const step = (): { output: tf.Tensor; weights: tf.Tensor } =>
        tf.tidy(() => {
          const scores = tf.div<tf.Tensor2D>(tf.matMul(q, k, false, true), Math.sqrt(dK)); // (n, m)
          const weights = tf.softmax(scores); // over the last axis: row by row
          const output = tf.matMul(weights, v); // (n, m)·(m, dV) → (n, dV)
          return { output, weights };
        });
      return {
        run: () => {
          const { output, weights } = step();
          const data = output.dataSync();
          tf.dispose([output, weights]);
          return data;
        },
        forward: () => {
          const { output, weights } = step();
          const result = { output: output.dataSync(), weights: weights.dataSync() };
          tf.dispose([output, weights]);
          return result;
        },
        dispose: () => tf.dispose([q, k, v]),
      };
    },
    details: () => found,
  };
}

/** The two tfjs backends the bench compares with. */
export type TfjsBackend = "cpu" | "wasm";

/** The versions of tfjs-core and of one backend, e.g. "4.22.0 + backend-wasm 4.22.0". */
export function tfjsVersion(backend: TfjsBackend): string {
  return backend === "cpu"
    ? `${tf.version_core} + backend-cpu ${tfjsCpuVersion}`
    : `${tf.version_core} + backend-wasm ${tfjsWasmVersion}`;
}

/**
 * Makes `backend` tfjs's current backend, starting it on first use.
 *
 * @returns what was found on starting it: for wasm, whether it runs SIMD code and on how many
 *   threads; "" for cpu.
 */
export async function startTfjs(backend: TfjsBackend): Promise<string> {
  // Why prod mode: it silences the cpu backend's one-time advice to install tfjs-node;
  // tfjs-core 4.22 reads the flag nowhere else, so it changes no computation or check.
  tf.enableProdMode();
  if (backend === "wasm") pointWasmAtPackage();
  if (!(await tf.setBackend(backend))) {
    throw new Error(`bench: tfjs could not start its ${backend} backend`);
  }
  await tf.ready();
  return backend === "wasm" ? describeWasm() : "";
}

let wasmPathsSet = false;

/**
 * Tells the wasm backend to read its .wasm binaries from the installed package's dist folder.
 *
 * Under Node, tfjs's Emscripten loader reads a plain file path with `fs`, so nothing is fetched.
 * The path must be set once, before the backend first starts.
 */
function pointWasmAtPackage(): void {
  if (wasmPathsSet) return;
  const dist = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm"));
  for (const file of ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm"]) {
    if (!fs.existsSync(path.join(dist, file))) {
      throw new Error(`bench: ${file} is missing from ${dist}; reinstall the wasm backend`);
    }
  }
  setWasmPaths(dist + path.sep);
  wasmPathsSet = true;
}

/**
 * Which binary the wasm backend loaded and how many threads it runs, from the flags it chose by.
 *
 * tfjs picks the SIMD binary when `WebAssembly.validate` accepts a SIMD module (Node ≥ 16 does),
 * and never the threaded one under Node (its flag WASM_HAS_MULTITHREAD_SUPPORT is false there).
 */
async function describeWasm(): Promise<string> {
  const simd = (await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")) === true;
  const threaded = (await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT")) === true;
  const binary = simd
    ? threaded
      ? "tfjs-backend-wasm-threaded-simd.wasm"
      : "tfjs-backend-wasm-simd.wasm"
    : "tfjs-backend-wasm.wasm";
  const threads = getThreadsCount();
  return (
    `${simd ? "SIMD" : "no SIMD"}, ${threads} thread${threads === 1 ? "" : "s"} ` +
    `(${binary}${threaded ? "" : "; tfjs turns its threaded build off under Node"})`
  );
}
