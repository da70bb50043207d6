/**
 * The benchmark's inputs: seeded random queries, keys and values, the same for every
 * implementation, built with the library's own generator.
 */

import { randomMatrix } from "../../src/ops";
import { createRandom } from "../../src/random";
import type { Matrix } from "../../src/tensor";

/** The seed of every input; a fixed seed makes two runs of the bench time the same numbers. */
export const SEED = 2017;

/** dK = dV: the width of each query, key and value row (the Transformer's per-head 64). */
export const WIDTH = 64;

/** One attention problem of size n = m. */
export interface Inputs {
  /** Queries and keys (n = m). */
  readonly n: number;
  readonly dK: number;
  readonly dV: number;
  /** Q, shape [n, dK]. */
  readonly queries: Matrix;
  /** K, shape [m, dK]. */
  readonly keys: Matrix;
  /** V, shape [m, dV]. */
  readonly values: Matrix;
}

/**
 * Draws Q, K and V with entries from 𝒩(0, 1), in that order, from one generator seeded with
 * {@link SEED}.
 *
 * @param n the number of queries and of keys.
 * @returns the inputs, shapes Q [n, 64], K [n, 64], V [n, 64].
 * @example makeInputs(64).queries.shape; // [64, 64]
 */
export function makeInputs(n: number): Inputs {
  const rng = createRandom(SEED);
  const queries = randomMatrix(rng, n, WIDTH);
  const keys = randomMatrix(rng, n, WIDTH);
  const values = randomMatrix(rng, n, WIDTH);
  return { n, dK: WIDTH, dV: WIDTH, queries, keys, values };
}
