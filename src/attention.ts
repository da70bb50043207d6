/**
 * Attention: score functions, the attention step itself, multi-head attention, sinusoidal
 * positions, and the row permutation the course uses to show what attention does not see.
 *
 * - Scaled dot-product attention, Attention(Q, K, V) = softmax(Q·Kᵀ / √d_k)·V (Vaswani et al.,
 *   "Attention Is All You Need", 2017, Eq. 1), is {@link attend} with its default score.
 * - Multi-head attention, MultiHead(Q, K, V) = Concat(head_1, …, head_h)·W^O with
 *   head_i = Attention(Q·W_i^Q, K·W_i^K, V·W_i^V) (Vaswani et al., 2017, §3.2.2), is
 *   {@link multiHeadAttention}.
 * - Sinusoidal positional encodings (Vaswani et al., 2017, §3.5) are {@link sinusoidalPositions}.
 * - The bilinear score q·W·kᵀ is Luong's "general" score (Luong, Pham & Manning, "Effective
 *   Approaches to Attention-based Neural Machine Translation", 2015, §3.1, Eq. 8), and the dot
 *   score qᵀk is his "dot".
 * - The additive score vᵀ·tanh(q·W_q + k·W_k) is Bahdanau's alignment model (Bahdanau, Cho &
 *   Bengio, "Neural Machine Translation by Jointly Learning to Align and Translate", 2015,
 *   Appendix A.1.2).
 *
 * Conventions (README, "Glossary of symbols"): vectors are rows, so n queries form a Matrix [n, dK], m keys a Matrix
 * [m, dK] and m values a Matrix [m, dV]; a weight [dIn, dOut] is applied as X·W; a mask is a
 * `boolean[][]` [n, m] with `true` meaning "this query may see this key".
 *
 * Masked keys are selected out, never filled with −1e9: a masked pair's score is never computed
 * or read, and the weighted sum runs over the allowed keys only. So nothing stored in a masked
 * key or value row, however large (say 1e300, whose products would overflow), can reach the
 * result. A Matrix holds finite numbers only, so no row, masked or not, can hold a NaN.
 *
 * Every score function and `attend` check their results: a score or an output that overflows
 * throws a RangeError naming the function instead of travelling on as Infinity or NaN.
 */

import {
  checkInteger,
  checkLength,
  checkMask,
  checkNumberArray,
  checkOptions,
  checkPositiveInteger,
  checkShared,
  formatShape,
  kindOf,
  showNumber,
} from "./check";
import { multiply } from "./ops";
import { Matrix, checkMatrix, resultMatrix } from "./tensor";

/**
 * A score function: how well each query matches each key, before the softmax.
 *
 * score(Q, K)[i][j] = s(q_i, k_j)
 *
 * @param queries shape [n, dQuery].
 * @param keys shape [m, dKey].
 * @returns scores of shape [n, m]; larger means "look here more".
 * @example
 * const halved: ScoreFunction = (queries, keys) => scale(dotScore(queries, keys), 0.5);
 */
export type ScoreFunction = (queries: Matrix, keys: Matrix) => Matrix;

/** A mask of shape [n, m]: `mask[i][j]` is true when query i may see key j. */
type Mask = readonly (readonly boolean[])[];

/**
 * Options of {@link attend}: which score, and which keys each query may see.
 *
 * allowed(i, j) = mask[i][j] ∧ (¬causal ∨ j ≤ i)
 *
 * @example attend(queries, keys, values, { score: dotScore, causal: true });
 */
export interface AttendOptions {
  /** How queries are compared with keys (default {@link scaledDotScore}). */
  score?: ScoreFunction;
  /** Shape [n, m]; `true` = query i may see key j. Combined with `causal` by AND. */
  mask?: Mask;
  /** If true, query i sees only keys j ≤ i, as `causalMask(n, m)` (default false). */
  causal?: boolean;
}

/**
 * What {@link attend} returns: the mixed values and the weights that mixed them.
 *
 * output = weights·values, shapes [n, dV] = [n, m]·[m, dV]
 *
 * @example const { output, weights } = attend(queries, keys, values);
 */
export interface AttentionResult {
  /** The mixed values, shape [n, dV]: row i is Σ_j weights[i][j]·values[j]. */
  output: Matrix;
  /** The attention weights, shape [n, m]: each row sums to 1, or is all 0 if it sees no key. */
  weights: Matrix;
}

/**
 * The learned weights of {@link additiveScore}.
 *
 * score(q, k) = vᵀ·tanh(q·W_q + k·W_k)
 *
 * @example const weights: AdditiveWeights = { wQuery: identity(2), wKey: identity(2), v: [1, 1] };
 */
export interface AdditiveWeights {
  /** W_q, shape [dQuery, dAttn]. */
  wQuery: Matrix;
  /** W_k, shape [dKey, dAttn]. */
  wKey: Matrix;
  /** v, length dAttn. */
  v: readonly number[];
}

/**
 * The projections of {@link multiHeadAttention}, each applied as X·W; no biases.
 *
 * Q = X·W^Q, K = S·W^K, V = S·W^V, output = Concat(heads)·W^O
 *
 * @example const weights: MultiHeadWeights = { wQuery: w, wKey: w, wValue: w, wOut: w };
 */
export interface MultiHeadWeights {
  /** W^Q, shape [dModel, heads·dHead]: head h owns columns h·dHead … (h+1)·dHead − 1. */
  wQuery: Matrix;
  /** W^K, shape [dModel, heads·dHead] (rows: the columns of `keysFrom` when given). */
  wKey: Matrix;
  /** W^V, shape [dModel, heads·dHeadV] (rows: the columns of `keysFrom` when given). */
  wValue: Matrix;
  /** W^O, shape [heads·dHeadV, dOut]. */
  wOut: Matrix;
}

/**
 * Options of {@link multiHeadAttention}: the number of heads, which keys each query may see, and
 * where the keys come from.
 *
 * dHead = wQuery.cols / heads, dHeadV = wValue.cols / heads
 *
 * @example multiHeadAttention(x, weights, { heads: 4, causal: true });
 */
export interface MultiHeadOptions {
  /** The number of heads h, a positive integer dividing the projection widths. */
  heads: number;
  /** Shape [n, m]; `true` = query i may see key j. Shared by every head. */
  mask?: Mask;
  /** If true, query i sees only keys j ≤ i (default false). */
  causal?: boolean;
  /** Cross-attention: a Matrix [m, dSource] that keys and values come from (default x). */
  keysFrom?: Matrix;
}

/**
 * What {@link multiHeadAttention} returns: the output and each head's weights.
 *
 * output [n, dOut], weights[h] [n, m] for h = 0 … heads − 1
 *
 * @example const { output, weights } = multiHeadAttention(x, projections, { heads: 2 });
 */
export interface MultiHeadResult {
  /** Concat(head_1, …, head_h)·W^O, shape [n, dOut]. */
  output: Matrix;
  /** One weight Matrix [n, m] per head, in head order. */
  weights: Matrix[];
}

const ATTEND_OPTIONS = ["score", "mask", "causal"] as const;
const MULTI_HEAD_OPTIONS = ["heads", "mask", "causal", "keysFrom"] as const;

/**
 * The dot-product score: the inner product of each query with each key (Luong's "dot").
 *
 * score(q, k) = qᵀk, i.e. S = Q·Kᵀ
 *
 * @param queries shape [n, dK].
 * @param keys shape [m, dK].
 * @returns scores of shape [n, m].
 * @example dotScore(matrix([[1, 2]]), matrix([[3, 4], [1, 0]])).toArray(); // [[11, 1]]
 */
export function dotScore(queries: Matrix, keys: Matrix): Matrix {
  checkDotOperands("dotScore", queries, keys);
  return dotProducts("dotScore", "queries", queries, keys, 1);
}

/**
 * The scaled dot-product score of the Transformer.
 *
 * score(q, k) = qᵀk / √d_k, i.e. S = Q·Kᵀ / √d_k
 *
 * Why divide by √d_k: for queries and keys with independent entries of mean 0 and variance 1,
 * qᵀk has variance d_k. Without the division, a large d_k pushes the softmax into a region where
 * one weight is nearly 1 and the gradients of all others nearly vanish (Vaswani et al., §3.2.1).
 *
 * @param queries shape [n, dK].
 * @param keys shape [m, dK].
 * @returns scores of shape [n, m].
 * @example scaledDotScore(matrix([[1, 1, 1, 1]]), matrix([[1, 1, 1, 1]])).toArray(); // [[2]]
 */
export function scaledDotScore(queries: Matrix, keys: Matrix): Matrix {
  checkDotOperands("scaledDotScore", queries, keys);
  return dotProducts("scaledDotScore", "queries", queries, keys, Math.sqrt(queries.cols));
}

/**
 * The negative half squared distance between each query and each key.
 *
 * score(q, k) = −½‖q − k‖² = qᵀk − ½‖q‖² − ½‖k‖²
 *
 * The −½‖q‖² term is the same for every key of a query, so the softmax ignores it; when all keys
 * have the same norm, −½‖k‖² is constant too, and softmax over this score equals softmax over
 * qᵀk. Chapter 3 uses this to read dot-product attention as "look at the nearest keys".
 *
 * @param queries shape [n, dK].
 * @param keys shape [m, dK].
 * @returns scores of shape [n, m], all ≤ 0.
 * @example distanceScore(matrix([[0, 0]]), matrix([[3, 4], [0, 0]])).toArray(); // [[-12.5, 0]]
 */
export function distanceScore(queries: Matrix, keys: Matrix): Matrix {
  checkDotOperands("distanceScore", queries, keys);
  const [n, dK] = queries.shape;
  const m = keys.rows;
  const q = queries.data;
  const k = keys.data;
  const out = new Float64Array(n * m); // (n, dK), (m, dK) → (n, m)

  // Why the differences and not qᵀk − ½‖q‖² − ½‖k‖²: the expanded form cancels large terms when
  // q ≈ k and can even come out positive; summing squares keeps every score ≤ 0.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let total = 0;
      for (let p = 0; p < dK; p++) {
        const diff = q[i * dK + p] - k[j * dK + p];
        total += diff * diff;
      }
      // An exact match scores 0, not −0, so that printed scores read as the equation does.
      out[i * m + j] = total === 0 ? 0 : -0.5 * total;
    }
  }
  return resultMatrix("distanceScore", out, n, m, (i, j) => `‖queries row ${i} − keys row ${j}‖²`);
}

/**
 * Makes Luong's "general" (bilinear) score function with the weight W.
 *
 * score(q, k) = q·W·kᵀ, i.e. S = Q·W·Kᵀ
 *
 * W lets queries and keys live in spaces of different sizes. W is checked for finiteness and
 * copied here, once; its shape is checked against the queries and keys each time the score runs.
 *
 * @param w shape [dQuery, dKey].
 * @returns a {@link ScoreFunction} taking queries [n, dQuery] and keys [m, dKey] to [n, m].
 * @example
 * const score = bilinearScore(matrix([[2, 0], [0, 1]]));
 * score(matrix([[1, 1]]), matrix([[1, 0], [0, 1]])).toArray(); // [[2, 1]]
 */
export function bilinearScore(w: Matrix): ScoreFunction {
  checkMatrix("bilinearScore", "w", w);
  // NOTE: a private copy, so that the score stays the one made here whatever the caller later
  // does to w.data.
  const weight = copyOf(w);

  return function bilinearScore(queries: Matrix, keys: Matrix): Matrix {
    checkMatrix("bilinearScore", "queries", queries);
    checkMatrix("bilinearScore", "keys", keys);
    checkWeightShape("bilinearScore", "w", weight, queries.cols, keys.cols, "dQuery, dKey");
    // (n, dQuery)·(dQuery, dKey) → (n, dKey)
    const projected = multiply("bilinearScore", "queries", queries, "w", weight, "queries·w");
    return dotProducts("bilinearScore", "queries·w", projected, keys, 1); // → (n, m)
  };
}

/**
 * Makes Bahdanau's additive score function with the weights W_q, W_k and v.
 *
 * score(q, k) = vᵀ·tanh(q·W_q + k·W_k)
 *
 * A one-hidden-layer network of size dAttn scores each pair. The weights are checked and copied
 * here, once.
 *
 * @param weights `wQuery` [dQuery, dAttn], `wKey` [dKey, dAttn], `v` a `number[]` of length dAttn.
 * @returns a {@link ScoreFunction} taking queries [n, dQuery] and keys [m, dKey] to [n, m].
 * @example
 * const score = additiveScore({ wQuery: matrix([[1]]), wKey: matrix([[1]]), v: [2] });
 * score(matrix([[0.5]]), matrix([[0.5], [-0.5]])).toArray(); // [[1.5231…, 0]]
 */
export function additiveScore(weights: AdditiveWeights): ScoreFunction {
  if (weights === null || typeof weights !== "object" || Array.isArray(weights)) {
    throw new TypeError(`additiveScore: weights must be an object; got ${kindOf(weights)}`);
  }
  const unknown = Object.keys(weights).find((key) => !["wQuery", "wKey", "v"].includes(key));
  if (unknown !== undefined) {
    throw new TypeError(
      `additiveScore: unknown weight "${unknown}"; expected exactly wQuery, wKey, v`,
    );
  }
  const { wQuery, wKey, v } = weights;
  checkMatrix("additiveScore", "wQuery", wQuery);
  checkMatrix("additiveScore", "wKey", wKey);
  checkShared("additiveScore", "wQuery", wQuery.shape, 1, "wKey", wKey.shape, 1, "dAttn");
  checkNumberArray("additiveScore", "v", v);
  checkLength("additiveScore", "v", v.length, wQuery.cols, "dAttn, the columns of wQuery");
  const queryWeight = copyOf(wQuery);
  const keyWeight = copyOf(wKey);
  const vector = Float64Array.from(v);
  const dAttn = vector.length;

  return function additiveScore(queries: Matrix, keys: Matrix): Matrix {
    checkMatrix("additiveScore", "queries", queries);
    checkMatrix("additiveScore", "keys", keys);
    checkWeightShape("additiveScore", "wQuery", queryWeight, queries.cols, dAttn, "dQuery, dAttn");
    checkWeightShape("additiveScore", "wKey", keyWeight, keys.cols, dAttn, "dKey, dAttn");
    const n = queries.rows;
    const m = keys.rows;

    // Why project first: q·W_q depends on the query only and k·W_k on the key only, so computing
    // them once per row costs (n + m)·d·dAttn instead of n·m·d·dAttn; only tanh is per pair.
    const fn = "additiveScore";
    // (n, dQuery)·(dQuery, dAttn) → (n, dAttn) and (m, dKey)·(dKey, dAttn) → (m, dAttn)
    const qw = multiply(fn, "queries", queries, "wQuery", queryWeight, "queries·wQuery").data;
    const kw = multiply(fn, "keys", keys, "wKey", keyWeight, "keys·wKey").data;
    const out = new Float64Array(n * m); // → (n, m)
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        let total = 0;
        for (let a = 0; a < dAttn; a++) {
          total += vector[a] * Math.tanh(qw[i * dAttn + a] + kw[j * dAttn + a]);
        }
        out[i * m + j] = total;
      }
    }
    return resultMatrix(fn, out, n, m, (i, j) => `vᵀ·tanh(…) for queries row ${i}, keys row ${j}`);
  };
}

/**
 * Attends from each query to the keys and mixes their values by the resulting weights.
 *
 * weights = softmax(score(Q, K)) row by row over the allowed keys, output = weights·V; with the
 * default score, Attention(Q, K, V) = softmax(Q·Kᵀ / √d_k)·V (Vaswani et al., Eq. 1)
 *
 * A query that may see no key (its mask row is all false) gets a row of zero weights and a zero
 * output row, never NaN. A key or value row that no query sees is never read, so however large
 * its entries, they cannot overflow a score or the output. A score that is not finite for an
 * allowed pair (a dot product that overflowed), or an output entry that overflows, is a
 * RangeError naming attend; to exclude a pair, mask it.
 *
 * @param queries shape [n, dK] (for a custom score, [n, dQuery]).
 * @param keys shape [m, dK] (for a custom score, [m, dKey]).
 * @param values shape [m, dV]: one value row per key.
 * @param options `score` (default {@link scaledDotScore}), `mask` [n, m] and `causal`, combined
 *   by AND.
 * @returns `output` [n, dV] and `weights` [n, m].
 * @example
 * const { output, weights } = attend(
 *   matrix([[1, 0]]),
 *   matrix([[1, 0], [0, 1]]),
 *   matrix([[10], [20]]),
 * );
 * weights.toArray(); // [[0.6697…, 0.3302…]]
 * output.toArray(); // [[13.3023…]]
 */
export function attend(
  queries: Matrix,
  keys: Matrix,
  values: Matrix,
  options: AttendOptions = {},
): AttentionResult {
  checkMatrix("attend", "queries", queries);
  checkMatrix("attend", "keys", keys);
  checkMatrix("attend", "values", values);
  checkShared("attend", "keys", keys.shape, 0, "values", values.shape, 0, "m (one value per key)");
  checkOptions("attend", options, ATTEND_OPTIONS);
  const score = options.score ?? scaledDotScore;
  if (typeof score !== "function") {
    throw new TypeError(
      `attend: score must be a function (queries, keys) => Matrix; got ${kindOf(score)}`,
    );
  }
  const causal = checkCausal("attend", options.causal);
  const n = queries.rows;
  const [m, dV] = values.shape;
  const mask = options.mask;
  if (mask !== undefined) checkMask("attend", "mask", mask, [n, m], "the scores [n, m]");
  // The dot scores are computed here, fused with the softmax, so that a masked pair is never
  // scored; any other score function is called once on all pairs and read at allowed pairs only.
  const dot = score === dotScore || score === scaledDotScore;
  if (dot) checkShared("attend", "queries", queries.shape, 1, "keys", keys.shape, 1, "dK");
  const scores = dot ? undefined : callScore(score, queries, keys, n, m);
  const divisor = score === scaledDotScore ? Math.sqrt(queries.cols) : 1;
  const scoreName = score.name === "" ? "(anonymous)" : score.name;

  const weights = new Float64Array(n * m); // (n, m)
  const output = new Float64Array(n * dV); // (n, m)·(m, dV) → (n, dV)
  const firstKeys = new Int32Array(m);
  const secondKeys = new Int32Array(m);
  const [q, k, v, dK] = [queries.data, keys.data, values.data, queries.cols];
  for (let i = 0; i < n; i += 2) {
    // 1. Mask: list the keys that query i and query i + 1 may see. A query that sees none keeps
    //    its rows at zero. Why zero and not the softmax's 0/0 = NaN: a query with nothing to look
    //    at takes nothing from any value, zero is the neutral element of the weighted sum, and
    //    one NaN would spread through every later product.
    const first = allowedKeys(i, m, mask?.[i], causal, firstKeys);
    const second = i + 1 < n ? allowedKeys(i + 1, m, mask?.[i + 1], causal, secondKeys) : 0;
    // Why two queries at once: each key and value row loaded from memory then serves both, which
    // makes steps 2 and 4 about a third faster. It needs query i + 1 to see every key query i
    // sees, as the start of its own list: always so without a mask, with causal, and with a
    // padding mask. Then keys secondKeys[0 … shared − 1] are scored and mixed for both at once.
    const paired = first > 0 && second >= first && startsWith(secondKeys, firstKeys, first);
    const shared = paired ? first : 0;

    // 2. Score the allowed pairs only, writing the scores where their weights will go.
    if (scores !== undefined) {
      copyScores(scores, i, m, firstKeys, first, weights);
      copyScores(scores, i + 1, m, secondKeys, second, weights);
    } else {
      scorePair(q, i, k, dK, secondKeys, 0, shared, divisor, weights, m);
      scoreRow(q, i, k, dK, firstKeys, shared, first, divisor, weights, m);
      scoreRow(q, i + 1, k, dK, secondKeys, shared, second, divisor, weights, m);
    }

    // 3. Normalise: a stable softmax over each query's allowed scores, in place.
    softmaxInPlace(weights, i, m, firstKeys, first, scoreName);
    softmaxInPlace(weights, i + 1, m, secondKeys, second, scoreName);

    // 4. Mix: output row i = Σ_j w_ij·v_j over the allowed keys.
    mixPair(weights, i, m, secondKeys, 0, shared, v, dV, output);
    mixRow(weights, i, m, firstKeys, shared, first, v, dV, output);
    mixRow(weights, i + 1, m, secondKeys, shared, second, v, dV, output);
  }
  const mixed = (i: number): string => `row ${i} of the weights · values`;
  return {
    output: resultMatrix("attend", output, n, dV, mixed, "the output"),
    weights: new Matrix(weights, n, m),
  };
}

/**
 * Multi-head attention: h scaled dot-product attentions on slices of one set of projections,
 * concatenated and projected again.
 *
 * MultiHead(X) = Concat(head_1, …, head_h)·W^O, head_h = Attention(X·W^Q_h, S·W^K_h, S·W^V_h),
 * where S = keysFrom (cross-attention) or X (self-attention) and W^Q_h holds columns
 * h·dHead … (h+1)·dHead − 1 of W^Q (Vaswani et al., §3.2.2)
 *
 * Each head divides its scores by √dHead. With wQuery = in_proj_weight[0:E]ᵀ, wKey =
 * in_proj_weight[E:2E]ᵀ, wValue = in_proj_weight[2E:3E]ᵀ and wOut = out_proj.weightᵀ this is
 * PyTorch's nn.MultiheadAttention with bias=False.
 *
 * NOTE: no biases. The paper writes the projections without them, and a bias can be folded in by
 * appending a column of ones to X and a row to each weight.
 *
 * @param x shape [n, dModel]: the queries' source (and the keys' and values', without keysFrom).
 * @param weights `wQuery` [dModel, heads·dHead], `wKey` [dSource, heads·dHead], `wValue`
 *   [dSource, heads·dHeadV], `wOut` [heads·dHeadV, dOut]; dSource = dModel without keysFrom.
 * @param options `heads` (required), `mask` [n, m], `causal`, `keysFrom` [m, dSource].
 * @returns `output` [n, dOut] and `weights`, one Matrix [n, m] per head.
 * @example
 * const x = randomMatrix(createRandom(1), 5, 8);
 * const w = (seed: number) => randomMatrix(createRandom(seed), 8, 8, { std: 0.35 });
 * const result = multiHeadAttention(
 *   x,
 *   { wQuery: w(2), wKey: w(3), wValue: w(4), wOut: w(5) },
 *   { heads: 2, causal: true },
 * );
 * result.output.shape; // [5, 8]
 * result.weights.length; // 2
 */
export function multiHeadAttention(
  x: Matrix,
  weights: MultiHeadWeights,
  options: MultiHeadOptions,
): MultiHeadResult {
  const fn = "multiHeadAttention";
  checkMatrix(fn, "x", x);
  if (weights === null || typeof weights !== "object" || Array.isArray(weights)) {
    throw new TypeError(`${fn}: weights must be an object; got ${kindOf(weights)}`);
  }
  const known = ["wQuery", "wKey", "wValue", "wOut"];
  const unknown = Object.keys(weights).find((key) => !known.includes(key));
  if (unknown !== undefined) {
    throw new TypeError(`${fn}: unknown weight "${unknown}"; expected exactly ${known.join(", ")}`);
  }
  const { wQuery, wKey, wValue, wOut } = weights;
  for (const [name, w] of [
    ["wQuery", wQuery],
    ["wKey", wKey],
    ["wValue", wValue],
    ["wOut", wOut],
  ] as const) {
    checkMatrix(fn, name, w);
  }
  if (options === undefined) {
    throw new TypeError(`${fn}: options must be an object with heads; got undefined`);
  }
  checkOptions(fn, options, MULTI_HEAD_OPTIONS);
  const heads = options.heads;
  checkPositiveInteger(fn, "heads", heads);
  const causal = checkCausal(fn, options.causal);
  const source = options.keysFrom ?? x;
  if (options.keysFrom !== undefined) checkMatrix(fn, "keysFrom", options.keysFrom);
  const self = options.keysFrom === undefined;
  const sourceName = self ? "x" : "keysFrom";
  const sourceSize = self ? "dModel" : "the columns of keysFrom";
  const n = x.rows;
  const m = source.rows;

  checkShared(fn, "x", x.shape, 1, "wQuery", wQuery.shape, 0, "dModel");
  checkShared(fn, sourceName, source.shape, 1, "wKey", wKey.shape, 0, sourceSize);
  checkShared(fn, sourceName, source.shape, 1, "wValue", wValue.shape, 0, sourceSize);
  checkShared(fn, "wQuery", wQuery.shape, 1, "wKey", wKey.shape, 1, "heads·dHead");
  checkDivisible(fn, "wQuery", wQuery, heads, "heads·dHead");
  checkDivisible(fn, "wValue", wValue, heads, "heads·dHeadV");
  checkShared(fn, "wValue", wValue.shape, 1, "wOut", wOut.shape, 0, "heads·dHeadV");
  const mask = options.mask;
  const scoresLike = `the scores [n, m] (x rows × ${sourceName} rows)`;
  if (mask !== undefined) checkMask(fn, "mask", mask, [n, m], scoresLike);
  const dHead = wQuery.cols / heads;
  const dHeadV = wValue.cols / heads;

  // 1. Project once for all heads; head h owns a contiguous block of columns.
  // (n, dModel)·(dModel, heads·dHead) → (n, heads·dHead)
  const q = multiply(fn, "x", x, "wQuery", wQuery, "x·wQuery");
  // (m, dSource)·(dSource, heads·dHead) → (m, heads·dHead)
  const k = multiply(fn, sourceName, source, "wKey", wKey, `${sourceName}·wKey`);
  // (m, dSource)·(dSource, heads·dHeadV) → (m, heads·dHeadV)
  const v = multiply(fn, sourceName, source, "wValue", wValue, `${sourceName}·wValue`);

  // 2. Attend within each head, with scores divided by √dHead, writing into the concatenation.
  const concat = new Float64Array(n * heads * dHeadV); // (n, heads·dHeadV)
  const headWeights: Matrix[] = [];
  for (let h = 0; h < heads; h++) {
    const head = attend(
      columnBlock(q, h * dHead, dHead), // (n, dHead)
      columnBlock(k, h * dHead, dHead), // (m, dHead)
      columnBlock(v, h * dHeadV, dHeadV), // (m, dHeadV)
      { mask, causal },
    );
    headWeights.push(head.weights); // (n, m)
    for (let i = 0; i < n; i++) {
      const from = head.output.data.subarray(i * dHeadV, (i + 1) * dHeadV);
      concat.set(from, i * heads * dHeadV + h * dHeadV);
    }
  }

  // 3. Mix the heads.
  const joined = new Matrix(concat, n, heads * dHeadV); // (n, heads·dHeadV)
  const output = multiply(fn, "the heads", joined, "wOut", wOut, "the output"); // → (n, dOut)
  return { output, weights: headWeights };
}

/**
 * The sinusoidal positional encodings of the Transformer, sin and cos interleaved.
 *
 * PE[pos][2i] = sin(pos / 10000^(2i/d_model)), PE[pos][2i+1] = cos(pos / 10000^(2i/d_model))
 *
 * Each pair of columns is a clock at its own frequency, from 1 radian per position down to
 * 1/10000; an odd dModel simply ends on a sine column. Adding these rows to the inputs is what
 * lets attention, which by itself ignores order, tell positions apart (Vaswani et al., §3.5).
 *
 * @param length number of positions (≥ 1), pos = 0 … length − 1.
 * @param dModel number of columns (≥ 1).
 * @returns a new Matrix of shape [length, dModel].
 * @example sinusoidalPositions(2, 3).toArray(); // [[0, 1, 0], [0.8414…, 0.5403…, 0.0021…]]
 */
export function sinusoidalPositions(length: number, dModel: number): Matrix {
  checkPositiveInteger("sinusoidalPositions", "length", length);
  checkPositiveInteger("sinusoidalPositions", "dModel", dModel);
  const out = new Float64Array(length * dModel); // (length, dModel)
  for (let pos = 0; pos < length; pos++) {
    for (let col = 0; col < dModel; col++) {
      const twoI = col - (col % 2); // 2i, shared by the sine column 2i and the cosine 2i + 1
      const angle = pos / Math.pow(10000, twoI / dModel);
      out[pos * dModel + col] = col % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return new Matrix(out, length, dModel);
}

/**
 * Reorders the rows of a matrix.
 *
 * out[k] = m[permutation[k]]
 *
 * The course uses it to show that self-attention without positions is permutation equivariant:
 * permuting the rows of x permutes the rows of the output the same way.
 *
 * @param m shape [n, c].
 * @param permutation each of 0 … n − 1 exactly once.
 * @returns a new Matrix of shape [n, c].
 * @example permuteRows(matrix([[1], [2], [3]]), [2, 0, 1]).toArray(); // [[3], [1], [2]]
 */
export function permuteRows(m: Matrix, permutation: readonly number[]): Matrix {
  const fn = "permuteRows";
  checkMatrix(fn, "m", m);
  if (!Array.isArray(permutation)) {
    throw new TypeError(`${fn}: permutation must be an array; got ${kindOf(permutation)}`);
  }
  const [n, cols] = m.shape;
  checkLength(fn, "permutation", permutation.length, n, "the rows of m");
  const firstAt = new Int32Array(n).fill(-1);
  for (let k = 0; k < n; k++) {
    const row = permutation[k];
    checkInteger(fn, `permutation[${k}]`, row, 0);
    if (row >= n) {
      throw new RangeError(`${fn}: permutation[${k}] must be < ${n} (the rows of m); got ${row}`);
    }
    if (firstAt[row] !== -1) {
      // n entries from 0 … n − 1 with a repeat must miss some index: name both.
      throw new RangeError(
        `${fn}: permutation must hold each of 0 … ${n - 1} once; ${row} appears twice ` +
          `(at ${firstAt[row]} and ${k}) and ${firstMissing(permutation, n)} is missing`,
      );
    }
    firstAt[row] = k;
  }
  const out = new Float64Array(n * cols);
  for (let k = 0; k < n; k++) {
    out.set(m.data.subarray(permutation[k] * cols, (permutation[k] + 1) * cols), k * cols);
  }
  return new Matrix(out, n, cols);
}

// ---------------------------------------------------------------------------------------------
// Private helpers: the inner loops, then the checks.

/** The smallest of 0 … n − 1 that `permutation` does not hold. */
function firstMissing(permutation: readonly number[], n: number): number {
  const present = new Uint8Array(n);
  for (const row of permutation)
    if (Number.isSafeInteger(row) && row >= 0 && row < n) present[row] = 1;
  return present.indexOf(0);
}

/**
 * S[i][j] = (a_i·b_j) / divisor for every pair: the body of the dot-product scores. `fn` and
 * `aName` name the caller and its left operand if a product overflows.
 */
function dotProducts(fn: string, aName: string, a: Matrix, b: Matrix, divisor: number): Matrix {
  const [n, d] = a.shape;
  const m = b.rows;
  const all = new Int32Array(m);
  for (let j = 0; j < m; j++) all[j] = j;
  const out = new Float64Array(n * m); // (n, d)·(d, m) → (n, m)
  for (let i = 0; i + 1 < n; i += 2) scorePair(a.data, i, b.data, d, all, 0, m, divisor, out, m);
  if (n % 2 === 1) scoreRow(a.data, n - 1, b.data, d, all, 0, m, divisor, out, m);
  return resultMatrix(fn, out, n, m, (i, j) => `row ${i} of ${aName} · row ${j} of keys`);
}

/**
 * Writes (q_i·k_j) / divisor to out[i·m + j] for the keys j = keyList[start … end − 1].
 *
 * Why four keys at a time: each query entry is loaded once and used for four dot products, and
 * the four sums are independent, so the CPU can overlap them. Each sum still adds its terms in
 * the order p = 0, 1, …, d − 1, so a score is bit-identical however it was blocked (here or in
 * {@link scorePair}), and to the entry of matmul(Q, transpose(K)).
 */
function scoreRow(
  q: Float64Array,
  i: number,
  k: Float64Array,
  d: number,
  keyList: Int32Array,
  start: number,
  end: number,
  divisor: number,
  out: Float64Array,
  m: number,
): void {
  const qi = i * d;
  const row = i * m;
  let a = start;
  for (; a + 3 < end; a += 4) {
    const j0 = keyList[a];
    const j1 = keyList[a + 1];
    const j2 = keyList[a + 2];
    const j3 = keyList[a + 3];
    const k0 = j0 * d;
    const k1 = j1 * d;
    const k2 = j2 * d;
    const k3 = j3 * d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let p = 0; p < d; p++) {
      const x = q[qi + p];
      s0 += x * k[k0 + p];
      s1 += x * k[k1 + p];
      s2 += x * k[k2 + p];
      s3 += x * k[k3 + p];
    }
    out[row + j0] = s0 / divisor;
    out[row + j1] = s1 / divisor;
    out[row + j2] = s2 / divisor;
    out[row + j3] = s3 / divisor;
  }
  for (; a < end; a++) {
    const j = keyList[a];
    let s = 0;
    for (let p = 0; p < d; p++) s += q[qi + p] * k[j * d + p];
    out[row + j] = s / divisor;
  }
}

/**
 * {@link scoreRow} for queries i and i + 1 at once: each key entry loaded serves both queries,
 * so eight sums share the loads of four key rows.
 */
function scorePair(
  q: Float64Array,
  i: number,
  k: Float64Array,
  d: number,
  keyList: Int32Array,
  start: number,
  end: number,
  divisor: number,
  out: Float64Array,
  m: number,
): void {
  const qa = i * d;
  const qb = (i + 1) * d;
  const rowA = i * m;
  const rowB = (i + 1) * m;
  let a = start;
  for (; a + 3 < end; a += 4) {
    const j0 = keyList[a];
    const j1 = keyList[a + 1];
    const j2 = keyList[a + 2];
    const j3 = keyList[a + 3];
    const k0 = j0 * d;
    const k1 = j1 * d;
    const k2 = j2 * d;
    const k3 = j3 * d;
    let s0 = 0; // query i
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let t0 = 0; // query i + 1
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    for (let p = 0; p < d; p++) {
      const x = q[qa + p];
      const y = q[qb + p];
      const c0 = k[k0 + p];
      const c1 = k[k1 + p];
      const c2 = k[k2 + p];
      const c3 = k[k3 + p];
      s0 += x * c0;
      s1 += x * c1;
      s2 += x * c2;
      s3 += x * c3;
      t0 += y * c0;
      t1 += y * c1;
      t2 += y * c2;
      t3 += y * c3;
    }
    out[rowA + j0] = s0 / divisor;
    out[rowA + j1] = s1 / divisor;
    out[rowA + j2] = s2 / divisor;
    out[rowA + j3] = s3 / divisor;
    out[rowB + j0] = t0 / divisor;
    out[rowB + j1] = t1 / divisor;
    out[rowB + j2] = t2 / divisor;
    out[rowB + j3] = t3 / divisor;
  }
  scoreRow(q, i, k, d, keyList, a, end, divisor, out, m);
  scoreRow(q, i + 1, k, d, keyList, a, end, divisor, out, m);
}

/** Copies the scores of row i at the `count` keys in `keyList` from a score matrix into `out`. */
function copyScores(
  scores: Float64Array,
  i: number,
  m: number,
  keyList: Int32Array,
  count: number,
  out: Float64Array,
): void {
  for (let a = 0; a < count; a++) out[i * m + keyList[a]] = scores[i * m + keyList[a]];
}

/** Replaces the scores of row i at the `count` keys in `keyList` by their softmax. */
function softmaxInPlace(
  w: Float64Array,
  i: number,
  m: number,
  keyList: Int32Array,
  count: number,
  scoreName: string,
): void {
  const row = i * m;
  let max = -Infinity;
  for (let a = 0; a < count; a++) {
    const s = w[row + keyList[a]];
    if (!Number.isFinite(s)) {
      throw new RangeError(
        `attend: score ${scoreName} gave ${showNumber(s)} for query ${i}, key ${keyList[a]}; ` +
          "expected a finite number (to exclude a pair, mask it)",
      );
    }
    if (s > max) max = s;
  }

  // Why subtract the max: every exp(s − max) lies in (0, 1], so scores like 1000 cannot overflow
  // to ∞/∞ = NaN, and the largest term is exactly 1, so the total cannot underflow to 0.
  let total = 0;
  for (let a = 0; a < count; a++) {
    const e = Math.exp(w[row + keyList[a]] - max);
    w[row + keyList[a]] = e;
    total += e;
  }
  for (let a = 0; a < count; a++) w[row + keyList[a]] /= total;
}

/**
 * Adds Σ_j w_ij·v_j over the keys j = keyList[start … end − 1] to output row i.
 *
 * Why this loop order (i-k-j): each key's value row is contiguous, and four keys are added per
 * pass, so the output row is loaded and stored once per four keys; the four products are summed
 * in pairs, which shortens the chain of dependent additions. A block whose weights are all 0
 * (underflowed, for a sharply peaked query) is skipped: weights are ≥ 0, so they sum to 0 only
 * if each is 0.
 */
function mixRow(
  w: Float64Array,
  i: number,
  m: number,
  keyList: Int32Array,
  start: number,
  end: number,
  v: Float64Array,
  dV: number,
  out: Float64Array,
): void {
  const row = i * m;
  const o = i * dV;
  let a = start;
  for (; a + 3 < end; a += 4) {
    const j0 = keyList[a];
    const j1 = keyList[a + 1];
    const j2 = keyList[a + 2];
    const j3 = keyList[a + 3];
    const w0 = w[row + j0];
    const w1 = w[row + j1];
    const w2 = w[row + j2];
    const w3 = w[row + j3];
    if (w0 + w1 + w2 + w3 === 0) continue;
    const v0 = j0 * dV;
    const v1 = j1 * dV;
    const v2 = j2 * dV;
    const v3 = j3 * dV;
    for (let c = 0; c < dV; c++) {
      out[o + c] += w0 * v[v0 + c] + w1 * v[v1 + c] + (w2 * v[v2 + c] + w3 * v[v3 + c]);
    }
  }
  for (; a < end; a++) {
    const weight = w[row + keyList[a]];
    if (weight === 0) continue;
    const vj = keyList[a] * dV;
    for (let c = 0; c < dV; c++) out[o + c] += weight * v[vj + c];
  }
}

/**
 * {@link mixRow} for queries i and i + 1 at once: each value entry loaded serves both output
 * rows.
 */
function mixPair(
  w: Float64Array,
  i: number,
  m: number,
  keyList: Int32Array,
  start: number,
  end: number,
  v: Float64Array,
  dV: number,
  out: Float64Array,
): void {
  const rowA = i * m;
  const rowB = (i + 1) * m;
  const oa = i * dV;
  const ob = (i + 1) * dV;
  let a = start;
  for (; a + 3 < end; a += 4) {
    const j0 = keyList[a];
    const j1 = keyList[a + 1];
    const j2 = keyList[a + 2];
    const j3 = keyList[a + 3];
    const x0 = w[rowA + j0];
    const x1 = w[rowA + j1];
    const x2 = w[rowA + j2];
    const x3 = w[rowA + j3];
    const y0 = w[rowB + j0];
    const y1 = w[rowB + j1];
    const y2 = w[rowB + j2];
    const y3 = w[rowB + j3];
    if (x0 + x1 + x2 + x3 + (y0 + y1 + y2 + y3) === 0) continue;
    const v0 = j0 * dV;
    const v1 = j1 * dV;
    const v2 = j2 * dV;
    const v3 = j3 * dV;
    for (let c = 0; c < dV; c++) {
      const c0 = v[v0 + c];
      const c1 = v[v1 + c];
      const c2 = v[v2 + c];
      const c3 = v[v3 + c];
      out[oa + c] += x0 * c0 + x1 * c1 + (x2 * c2 + x3 * c3);
      out[ob + c] += y0 * c0 + y1 * c1 + (y2 * c2 + y3 * c3);
    }
  }
  mixRow(w, i, m, keyList, a, end, v, dV, out);
  mixRow(w, i + 1, m, keyList, a, end, v, dV, out);
}

/** Whether `list` starts with the `count` entries of `prefix`. */
function startsWith(list: Int32Array, prefix: Int32Array, count: number): boolean {
  for (let a = 0; a < count; a++) if (list[a] !== prefix[a]) return false;
  return true;
}

/** Lists in `out` the keys query i may see (mask AND causal) and returns how many there are. */
function allowedKeys(
  i: number,
  m: number,
  maskRow: readonly boolean[] | undefined,
  causal: boolean,
  out: Int32Array,
): number {
  const last = causal ? Math.min(i, m - 1) : m - 1;
  let count = 0;
  for (let j = 0; j <= last; j++) if (maskRow === undefined || maskRow[j]) out[count++] = j;
  return count;
}

/** Calls a custom score function and checks that it returned a Matrix of shape [n, m]. */
function callScore(
  score: ScoreFunction,
  queries: Matrix,
  keys: Matrix,
  n: number,
  m: number,
): Float64Array {
  // An inline `{ score: (q, k) => … }` is named "score" by JavaScript; say "the score function".
  const name = score.name === "" || score.name === "score" ? "function" : `function ${score.name}`;
  const scores: unknown = score(queries, keys);
  if (!(scores instanceof Matrix)) {
    throw new TypeError(`attend: the score ${name} must return a Matrix; got ${kindOf(scores)}`);
  }
  if (scores.rows !== n || scores.cols !== m) {
    throw new RangeError(
      `attend: the score ${name} must return shape [n, m] = ${formatShape([n, m])}; ` +
        `got ${formatShape(scores.shape)}`,
    );
  }
  return scores.data;
}

/** Throws a RangeError unless weight `w` has shape [rows, cols], spelled out with `symbols`. */
function checkWeightShape(
  fn: string,
  argName: string,
  w: Matrix,
  rows: number,
  cols: number,
  symbols: string,
): void {
  if (w.rows !== rows || w.cols !== cols) {
    throw new RangeError(
      `${fn}: ${argName} must have shape [${symbols}] = ${formatShape([rows, cols])}; ` +
        `got ${formatShape(w.shape)}`,
    );
  }
}

/** The checks shared by the dot-product scores: two matrices with the same number of columns. */
function checkDotOperands(fn: string, queries: Matrix, keys: Matrix): void {
  checkMatrix(fn, "queries", queries);
  checkMatrix(fn, "keys", keys);
  checkShared(fn, "queries", queries.shape, 1, "keys", keys.shape, 1, "dK");
}

/** Throws a RangeError unless the columns of `w` split into `heads` equal blocks. */
function checkDivisible(fn: string, argName: string, w: Matrix, heads: number, what: string): void {
  if (w.cols % heads !== 0) {
    throw new RangeError(
      `${fn}: ${argName} must have ${what} columns, a multiple of heads = ${heads}; ` +
        `got ${argName} ${formatShape(w.shape)}`,
    );
  }
}

/** Validates the `causal` option and returns it (default false). */
function checkCausal(fn: string, causal: unknown): boolean {
  if (causal === undefined) return false;
  if (typeof causal !== "boolean") {
    throw new TypeError(`${fn}: causal must be a boolean; got ${kindOf(causal)}`);
  }
  return causal;
}

/** A copy of `a` that the caller cannot change afterwards. */
function copyOf(a: Matrix): Matrix {
  return new Matrix(Float64Array.from(a.data), a.rows, a.cols);
}

/** Columns start … start + width − 1 of `a`, copied into a contiguous Matrix [rows, width]. */
function columnBlock(a: Matrix, start: number, width: number): Matrix {
  const [rows, cols] = a.shape;
  const out = new Float64Array(rows * width);
  for (let i = 0; i < rows; i++) {
    out.set(a.data.subarray(i * cols + start, i * cols + start + width), i * width);
  }
  return new Matrix(out, rows, width);
}
