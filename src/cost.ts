/**
 * What a score function costs to run: floating-point operations counted by formula, and time
 * measured by running it.
 *
 * The four scores are those of {@link ./attention}: dot and scaled dot (Luong, Pham & Manning,
 * 2015, Eq. 8; Vaswani et al., 2017, Eq. 1), bilinear, Luong's "general" score (Eq. 8), and
 * additive (Bahdanau, Cho & Bengio, 2015, Appendix A.1.2). Symbols follow {@link ./params}:
 * n queries of size d_s, m keys of size d_h, and the additive hidden size d_a.
 *
 * Counting convention: one multiplication, addition, division or tanh is one operation (FLOP),
 * so a dot product of length d costs 2d (a multiply and an add per entry). The formulas count
 * the arithmetic each score needs as the library computes it:
 *
 * - dot:        S = Q·Kᵀ                         2·n·m·d_h
 * - scaled dot: S = Q·Kᵀ / √d_h                  2·n·m·d_h + n·m (one division per score)
 * - bilinear:   S = (Q·W)·Kᵀ                     2·n·d_s·d_h + 2·n·m·d_h
 * - additive:   S_ij = vᵀ tanh(q_i·W_q + k_j·W_k)  2·n·d_s·d_a + 2·m·d_h·d_a + 4·n·m·d_a
 *
 * The additive score projects every query and every key once (the first two terms), then for
 * each of the n·m pairs and each of the d_a hidden units adds, takes a tanh, multiplies by v_a
 * and accumulates: four operations. NOTE: a tanh counts as one operation like an addition,
 * the usual convention, although it takes many times longer to compute; {@link timePerCall}
 * measures what the count leaves out.
 */

import { checkFiniteNumber, checkInteger, checkOptions, kindOf } from "./check";
import { formula } from "./params";
import type { ParameterFormula } from "./params";

/** The four score functions of the zoo, by name. */
export type ScoreKind = "dot" | "scaledDot" | "bilinear" | "additive";

/** Every {@link ScoreKind}, in the order the course lists them. */
export const SCORE_KINDS: readonly ScoreKind[] = ["dot", "scaledDot", "bilinear", "additive"];

/** The sizes a score's cost depends on. */
export interface ScoreSizes {
  /** n, the number of queries. */
  n: number;
  /** m, the number of keys. */
  m: number;
  /** d_s, the size of a query. */
  dQuery: number;
  /** d_h, the size of a key; dot and scaled dot need dKey = dQuery. */
  dKey: number;
  /** d_a, the additive hidden size; needed by the additive score only. */
  dAttn?: number;
}

/** A cost formula in three forms, as {@link ParameterFormula}: mathjs text, LaTeX, parsed tree. */
export type FlopFormula = ParameterFormula;

/** The formulas returned by {@link flopFormulas}, one per score. */
export type FlopFormulas = Record<ScoreKind, FlopFormula>;

const EXPRESSIONS: Record<ScoreKind, string> = {
  dot: "2 * n * m * d_h",
  scaledDot: "2 * n * m * d_h + n * m",
  bilinear: "2 * n * d_s * d_h + 2 * n * m * d_h",
  additive: "2 * n * d_s * d_a + 2 * m * d_h * d_a + 4 * n * m * d_a",
};

/**
 * The floating-point operations of each score function for n queries and m keys, as formulas a
 * notebook can render and evaluate; {@link scoreFlops} evaluates these very trees.
 *
 * dot = 2nm·d_h, scaledDot = 2nm·d_h + nm, bilinear = 2n·d_s·d_h + 2nm·d_h,
 * additive = 2n·d_s·d_a + 2m·d_h·d_a + 4nm·d_a
 *
 * @returns one formula per {@link ScoreKind}, over the symbols n, m, d_s, d_h and d_a.
 * @example
 * const { additive } = flopFormulas();
 * additive.tex; // "2\\cdot n\\cdot d_{s}\\cdot d_{a}+2\\cdot m\\cdot d_{h}\\cdot d_{a}+…"
 */
export function flopFormulas(): FlopFormulas {
  return {
    dot: formula(EXPRESSIONS.dot),
    scaledDot: formula(EXPRESSIONS.scaledDot),
    bilinear: formula(EXPRESSIONS.bilinear),
    additive: formula(EXPRESSIONS.additive),
  };
}

const SIZE_KEYS = ["n", "m", "dQuery", "dKey", "dAttn"] as const;

/** The formulas, parsed once on first use. */
let parsed: FlopFormulas | undefined;

/**
 * Counts the floating-point operations of one call of a score function, by the formulas of
 * {@link flopFormulas}.
 *
 * e.g. additive = 2n·d_s·d_a + 2m·d_h·d_a + 4nm·d_a
 *
 * @param kind which score: "dot", "scaledDot", "bilinear" or "additive".
 * @param sizes n, m, dQuery (d_s), dKey (d_h), and dAttn (d_a) for the additive score; all
 *   integers ≥ 1. Dot and scaled dot need dQuery = dKey.
 * @returns the operation count, an exact integer.
 * @example scoreFlops("dot", { n: 4, m: 6, dQuery: 8, dKey: 8 }); // 2·4·6·8 = 384
 */
export function scoreFlops(kind: ScoreKind, sizes: ScoreSizes): number {
  const fn = "scoreFlops";
  if (!SCORE_KINDS.includes(kind)) {
    throw new RangeError(
      `${fn}: kind must be one of ${SCORE_KINDS.join(", ")}; got ${String(kind)}`,
    );
  }
  if (sizes === null || typeof sizes !== "object") {
    throw new TypeError(
      `${fn}: sizes must be { n, m, dQuery, dKey, dAttn? }; got ${kindOf(sizes)}`,
    );
  }
  checkOptions(fn, sizes, SIZE_KEYS, "sizes");
  const { n, m, dQuery, dKey, dAttn } = sizes;
  checkInteger(fn, "sizes.n", n, 1);
  checkInteger(fn, "sizes.m", m, 1);
  checkInteger(fn, "sizes.dQuery", dQuery, 1);
  checkInteger(fn, "sizes.dKey", dKey, 1);
  if ((kind === "dot" || kind === "scaledDot") && dQuery !== dKey) {
    throw new RangeError(
      `${fn}: the ${kind} score needs dQuery = dKey; got dQuery ${dQuery}, dKey ${dKey}`,
    );
  }
  if (kind === "additive") {
    if (dAttn === undefined) {
      throw new RangeError(`${fn}: the additive score needs sizes.dAttn (d_a); got undefined`);
    }
    checkInteger(fn, "sizes.dAttn", dAttn, 1);
  }
  const scope = { n, m, d_s: dQuery, d_h: dKey, d_a: dAttn ?? 1 };
  parsed ??= flopFormulas();
  const count = parsed[kind].node.evaluate(scope) as number;
  if (!Number.isSafeInteger(count)) {
    throw new RangeError(
      `${fn}: the count exceeds 2^53 and would not be exact; got sizes ${JSON.stringify(sizes)}`,
    );
  }
  return count;
}

/** Options of {@link timePerCall}. */
export interface TimePerCallOptions {
  /** How many timed rounds; the median is returned (default 7, at least 1). */
  rounds?: number;
  /** The least duration of one round in milliseconds: calls are repeated until it is reached (default 20). */
  minRoundMs?: number;
}

/**
 * Measures the wall-clock time of one call of `fn`, in microseconds.
 *
 * time = median over rounds of (round duration / calls per round)
 *
 * Why rounds and a median: a single call of a fast function lasts less than the clock's
 * resolution, so each round repeats it until at least `minRoundMs` have passed; and a machine
 * shared with other work slows some rounds down, which the median ignores. The first calls run
 * untimed, so that the JIT compiles `fn` before the clock starts. The result varies from run to
 * run: print it with its unit (µs), never as a fact a test compares.
 *
 * @param fn the call to time, e.g. `() => dotScore(queries, keys)`.
 * @param options `rounds` (default 7) and `minRoundMs` (default 20).
 * @returns the median time of one call, in µs.
 * @example const us = timePerCall(() => dotScore(queries, keys)); // e.g. 12.5
 */
export function timePerCall(fn: () => unknown, options: TimePerCallOptions = {}): number {
  const name = "timePerCall";
  if (typeof fn !== "function") {
    throw new TypeError(`${name}: fn must be a function to call; got ${kindOf(fn)}`);
  }
  checkOptions(name, options, ["rounds", "minRoundMs"]);
  const rounds = options.rounds ?? 7;
  const minRoundMs = options.minRoundMs ?? 20;
  checkInteger(name, "rounds", rounds, 1);
  checkFiniteNumber(name, "minRoundMs", minRoundMs);
  if (minRoundMs <= 0) throw new RangeError(`${name}: minRoundMs must be > 0; got ${minRoundMs}`);

  // 1. Warm up and calibrate: double the calls until one batch lasts minRoundMs.
  let calls = 1;
  for (;;) {
    const started = performance.now();
    for (let k = 0; k < calls; k++) fn();
    if (performance.now() - started >= minRoundMs || calls >= 2 ** 30) break;
    calls *= 2;
  }

  // 2. Time the rounds and take the median.
  const perCall: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    for (let k = 0; k < calls; k++) fn();
    perCall.push(((performance.now() - started) * 1000) / calls);
  }
  perCall.sort((a, b) => a - b);
  const middle = Math.floor(rounds / 2);
  return rounds % 2 === 1 ? perCall[middle] : (perCall[middle - 1] + perCall[middle]) / 2;
}
