/**
 * Reverse-mode automatic differentiation over matrices: enough to train the course's toy models
 * (a GRU encoder–decoder with attention, an attention classifier) in the notebook kernel.
 *
 * Every operation returns a {@link Var}: a Matrix value plus, when any input needs a gradient,
 * the way back to its inputs. Each primitive below keeps its forward and its backward side by
 * side and saves only what the backward needs. {@link backward} then works in two phases, as in
 * any reverse-mode system (Griewank & Walther, "Evaluating Derivatives", 2nd ed., 2008, ch. 3):
 * first it orders the graph so that every node comes after all its inputs, then it walks that
 * order backwards applying the chain rule, each node adding its contribution to its inputs'
 * gradients (so a value used twice receives the sum of both contributions).
 *
 * Shapes follow the library: row vectors, a batch of B examples is a [B, d] matrix, a weight of
 * shape [dIn, dOut] is applied as X·W. A batch of B sequences of T steps is laid out time-major
 * as [T·B, d]: step t of every example in rows t·B … t·B + B − 1, the order in which a recurrent
 * network produces them (see {@link batchedScores}).
 */

import {
  checkArray,
  checkFiniteNumber,
  checkInteger,
  checkMask,
  checkOptions,
  formatShape,
  kindOf,
} from "./check";
import { Matrix, isMatrix, resultMatrix } from "./tensor";

type Backward = (grad: Float64Array) => void;

/**
 * A node of the computation graph: a Matrix value, its gradient after {@link backward}, and the
 * primitive that made it.
 */
export class Var {
  /** The value computed in the forward pass. */
  readonly value: Matrix;
  /** Whether gradients flow to this node (a parameter, or anything computed from one). */
  readonly requiresGrad: boolean;
  /** The primitive that made this node, e.g. "matmul"; "leaf" for parameters and constants. */
  readonly op: string;
  /**
   * ∂loss/∂value after {@link backward}, same layout as `value.data`; undefined before, or when
   * the node does not require a gradient.
   */
  grad: Float64Array | undefined;
  /** @internal the inputs of the primitive. */
  readonly parents: readonly Var[];
  /** @internal adds this node's gradient contribution to its parents' gradients. */
  readonly backwardFn: Backward | undefined;
  /** An optional name, shown in error messages and parameter lists. */
  name: string | undefined;

  constructor(
    value: Matrix,
    requiresGrad: boolean,
    op = "leaf",
    parents: readonly Var[] = [],
    backwardFn?: Backward,
    name?: string,
  ) {
    if (!isMatrix(value)) throw new TypeError(`Var: value must be a Matrix; got ${kindOf(value)}`);
    this.value = value;
    this.requiresGrad = requiresGrad;
    this.op = op;
    this.parents = parents;
    this.backwardFn = backwardFn;
    this.name = name;
  }

  /** The value's shape `[rows, cols]`. */
  get shape(): readonly [number, number] {
    return this.value.shape;
  }

  /** The gradient as a Matrix of the value's shape (zeros if none has arrived). */
  gradMatrix(): Matrix {
    const data = this.grad
      ? Float64Array.from(this.grad)
      : new Float64Array(this.value.data.length);
    return new Matrix(data, this.value.rows, this.value.cols);
  }
}

/**
 * A trainable leaf: gradients flow into it.
 *
 * @param value its initial value, any shape.
 * @param name optional, for parameter lists and messages.
 * @example const w = parameter(randomMatrix(createRandom(1), 3, 2, { std: 0.1 }), "w");
 */
export function parameter(value: Matrix, name?: string): Var {
  return new Var(value, true, "leaf", [], undefined, name);
}

/**
 * A constant leaf: inputs, targets, masks; no gradient is kept for it.
 *
 * @example const x = constant(matrix([[1, 2]]));
 */
export function constant(value: Matrix): Var {
  return new Var(value, false);
}

/** Adds `delta` into the gradient of `v`, allocating it on first use. */
function accumulate(v: Var, delta: Float64Array): void {
  if (!v.requiresGrad) return;
  if (v.grad === undefined) {
    v.grad = Float64Array.from(delta);
    return;
  }
  const g = v.grad;
  for (let k = 0; k < g.length; k++) g[k] += delta[k];
}

/**
 * Like {@link accumulate}, for a `delta` the backward pass has just allocated and holds no other
 * reference to: the first one becomes the gradient itself instead of being copied, which spares
 * a training step tens of megabytes of copies.
 */
function adopt(v: Var, delta: Float64Array): void {
  if (!v.requiresGrad) return;
  if (v.grad === undefined) {
    v.grad = delta;
    return;
  }
  const g = v.grad;
  for (let k = 0; k < g.length; k++) g[k] += delta[k];
}

/**
 * The gradient buffer of `v`, allocated (zeroed) on first use, for a backward that adds its
 * contribution in place. The batched attention primitives use it for the encoder states: every
 * decoder step sends a gradient to all S·B of them, and adding into one buffer spares allocating
 * (and then summing) a fresh [S·B, d] array per step, a cost that grew with the square of the
 * sentence length.
 */
function gradBuffer(v: Var): Float64Array {
  if (v.grad === undefined) v.grad = new Float64Array(v.value.data.length);
  return v.grad;
}

/**
 * Makes the node of a primitive from its forward result, a [rows, cols] array; keeps the backward
 * only when some input needs a gradient. The result is checked first, so that an overflow during
 * training throws naming the primitive (e.g. `matmul: the result overflowed to Infinity at
 * [0, 3]`) rather than letting Infinity or NaN reach the loss.
 */
function node(
  op: string,
  rows: number,
  cols: number,
  data: Float64Array,
  parents: Var[],
  backwardFn: Backward,
): Var {
  const value = resultMatrix(op, data, rows, cols);
  const requiresGrad = parents.some((p) => p.requiresGrad);
  return new Var(
    value,
    requiresGrad,
    op,
    requiresGrad ? parents : [],
    requiresGrad ? backwardFn : undefined,
  );
}

function checkVar(fn: string, argName: string, value: unknown): asserts value is Var {
  if (!(value instanceof Var)) {
    throw new TypeError(
      `${fn}: ${argName} must be a Var (from parameter(), constant() or an op); got ${kindOf(value)}`,
    );
  }
}

function checkSame(fn: string, a: Var, b: Var): void {
  if (a.value.rows !== b.value.rows || a.value.cols !== b.value.cols) {
    throw new RangeError(
      `${fn}: a and b must have the same shape; got a ${formatShape(a.shape)}, b ${formatShape(b.shape)}`,
    );
  }
}

// NOTE: plain loops instead of TypedArray.prototype.map, which V8 runs several times slower.
function scaled(x: Float64Array, s: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let k = 0; k < x.length; k++) out[k] = x[k] * s;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Products and sums
// ---------------------------------------------------------------------------------------------

// The three products below carry the whole cost of training. Each works on four rows (or
// columns) at a time so that one pass over the long inner row does four rows' worth of
// multiply-adds; in V8 that runs about 2.5 times faster than the plain triple loop, with the
// same results up to the order of the additions.

/** out = a·b; (n, k)·(k, m) → (n, m): i-p-j order over contiguous rows of b. */
function product(a: Float64Array, b: Float64Array, n: number, k: number, m: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const o = i * m;
    const row = i * k;
    let p = 0;
    for (; p + 3 < k; p += 4) {
      const [x0, x1, x2, x3] = [a[row + p], a[row + p + 1], a[row + p + 2], a[row + p + 3]];
      const r0 = p * m;
      const [r1, r2, r3] = [r0 + m, r0 + 2 * m, r0 + 3 * m];
      for (let j = 0; j < m; j++) {
        out[o + j] += x0 * b[r0 + j] + x1 * b[r1 + j] + x2 * b[r2 + j] + x3 * b[r3 + j];
      }
    }
    for (; p < k; p++) {
      const x = a[row + p];
      const r = p * m;
      for (let j = 0; j < m; j++) out[o + j] += x * b[r + j];
    }
  }
  return out;
}

/** out = a·bᵀ; (n, k)·(m, k)ᵀ → (n, m): dot products of rows, four columns of out at a time. */
function productTransB(
  a: Float64Array,
  b: Float64Array,
  n: number,
  k: number,
  m: number,
): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const row = i * k;
    let j = 0;
    for (; j + 3 < m; j += 4) {
      const [c0, c1, c2, c3] = [j * k, (j + 1) * k, (j + 2) * k, (j + 3) * k];
      let [s0, s1, s2, s3] = [0, 0, 0, 0];
      for (let p = 0; p < k; p++) {
        const x = a[row + p];
        s0 += x * b[c0 + p];
        s1 += x * b[c1 + p];
        s2 += x * b[c2 + p];
        s3 += x * b[c3 + p];
      }
      out[i * m + j] = s0;
      out[i * m + j + 1] = s1;
      out[i * m + j + 2] = s2;
      out[i * m + j + 3] = s3;
    }
    for (; j < m; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[row + p] * b[j * k + p];
      out[i * m + j] = s;
    }
  }
  return out;
}

/** out = aᵀ·b; (n, k)ᵀ·(n, m) → (k, m): rank-one updates, four rows of a and b at a time. */
function productTransA(
  a: Float64Array,
  b: Float64Array,
  n: number,
  k: number,
  m: number,
): Float64Array {
  const out = new Float64Array(k * m);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const [a0, a1, a2, a3] = [i * k, (i + 1) * k, (i + 2) * k, (i + 3) * k];
    const [b0, b1, b2, b3] = [i * m, (i + 1) * m, (i + 2) * m, (i + 3) * m];
    for (let p = 0; p < k; p++) {
      const [x0, x1, x2, x3] = [a[a0 + p], a[a1 + p], a[a2 + p], a[a3 + p]];
      const o = p * m;
      for (let j = 0; j < m; j++) {
        out[o + j] += x0 * b[b0 + j] + x1 * b[b1 + j] + x2 * b[b2 + j] + x3 * b[b3 + j];
      }
    }
  }
  for (; i < n; i++) {
    for (let p = 0; p < k; p++) {
      const x = a[i * k + p];
      for (let j = 0; j < m; j++) out[p * m + j] += x * b[i * m + j];
    }
  }
  return out;
}

/**
 * Matrix product.
 *
 * C = A·B, ∂L/∂A = ∂L/∂C·Bᵀ, ∂L/∂B = Aᵀ·∂L/∂C
 *
 * @param a shape [n, k].
 * @param b shape [k, m].
 * @returns shape [n, m].
 * @example matmul(x, w) // x [B, dIn], w [dIn, dOut] → [B, dOut]
 */
export function matmul(a: Var, b: Var): Var {
  checkVar("matmul", "a", a);
  checkVar("matmul", "b", b);
  const [n, k] = a.shape;
  const [k2, m] = b.shape;
  if (k !== k2) {
    throw new RangeError(
      `matmul: a and b must share the inner dimension (columns of a, rows of b); ` +
        `got a ${formatShape(a.shape)}, b ${formatShape(b.shape)}`,
    );
  }
  const A = a.value.data;
  const B = b.value.data;
  return node("matmul", n, m, product(A, B, n, k, m), [a, b], (g) => {
    if (a.requiresGrad) adopt(a, productTransB(g, B, n, m, k)); // (n, m)·(k, m)ᵀ → (n, k)
    if (b.requiresGrad) adopt(b, productTransA(A, g, n, k, m)); // (n, k)ᵀ·(n, m) → (k, m)
  });
}

/**
 * Elementwise sum of two matrices of one shape, or of a matrix and a bias row broadcast to every
 * row.
 *
 * C = A + B, or C_ij = A_ij + b_j when b has shape [1, cols]; ∂L/∂b_j = Σ_i ∂L/∂C_ij
 *
 * @param a shape [n, d].
 * @param b shape [n, d], or [1, d] (a bias row).
 * @returns shape [n, d].
 * @example add(matmul(x, w), bias) // bias [1, dOut]
 */
export function add(a: Var, b: Var): Var {
  checkVar("add", "a", a);
  checkVar("add", "b", b);
  const [n, d] = a.shape;
  const broadcast = b.value.rows === 1 && n !== 1 && b.value.cols === d;
  if (!broadcast) checkSame("add", a, b);
  const A = a.value.data;
  const B = b.value.data;
  const out = new Float64Array(n * d);
  for (let k = 0; k < out.length; k++) out[k] = A[k] + B[broadcast ? k % d : k];
  return node("add", n, d, out, [a, b], (g) => {
    accumulate(a, g);
    if (!b.requiresGrad) return;
    if (!broadcast) return accumulate(b, g);
    const gb = new Float64Array(d);
    for (let k = 0; k < g.length; k++) gb[k % d] += g[k];
    adopt(b, gb);
  });
}

/**
 * Elementwise difference of two matrices of one shape.
 *
 * C = A − B
 *
 * @example sub(one, z) // 1 − z in a GRU
 */
export function sub(a: Var, b: Var): Var {
  checkVar("sub", "a", a);
  checkVar("sub", "b", b);
  checkSame("sub", a, b);
  const A = a.value.data;
  const B = b.value.data;
  const out = new Float64Array(A.length);
  for (let k = 0; k < out.length; k++) out[k] = A[k] - B[k];
  return node("sub", a.value.rows, a.value.cols, out, [a, b], (g) => {
    accumulate(a, g);
    if (b.requiresGrad) adopt(b, scaled(g, -1));
  });
}

/**
 * Elementwise (Hadamard) product of two matrices of one shape, or of a matrix and a column
 * [n, 1] broadcast across each row (a per-example gate or mask).
 *
 * C = A ⊙ B, ∂L/∂A = ∂L/∂C ⊙ B, ∂L/∂B = ∂L/∂C ⊙ A
 *
 * @param a shape [n, d].
 * @param b shape [n, d], or [n, 1].
 * @example mul(z, h) // the update gate applied to the previous state
 */
export function mul(a: Var, b: Var): Var {
  checkVar("mul", "a", a);
  checkVar("mul", "b", b);
  const [n, d] = a.shape;
  const column = b.value.cols === 1 && d !== 1 && b.value.rows === n;
  if (!column) checkSame("mul", a, b);
  const A = a.value.data;
  const B = b.value.data;
  const out = new Float64Array(n * d);
  for (let k = 0; k < out.length; k++) out[k] = A[k] * B[column ? Math.floor(k / d) : k];
  return node("mul", n, d, out, [a, b], (g) => {
    if (a.requiresGrad) {
      const ga = new Float64Array(g.length);
      for (let k = 0; k < g.length; k++) ga[k] = g[k] * B[column ? Math.floor(k / d) : k];
      adopt(a, ga);
    }
    if (b.requiresGrad) {
      const gb = new Float64Array(B.length);
      for (let k = 0; k < g.length; k++) gb[column ? Math.floor(k / d) : k] += g[k] * A[k];
      adopt(b, gb);
    }
  });
}

/**
 * Multiplies every entry by a constant.
 *
 * C = s·A
 *
 * @example scale(scores, 1 / Math.sqrt(dK))
 */
export function scale(a: Var, s: number): Var {
  checkVar("scale", "a", a);
  if (typeof s !== "number" || !Number.isFinite(s)) {
    throw new RangeError(`scale: s must be a finite number; got ${String(s)}`);
  }
  const out = scaled(a.value.data, s);
  return node("scale", a.value.rows, a.value.cols, out, [a], (g) => adopt(a, scaled(g, s)));
}

/**
 * The sum of all entries, as a 1×1 matrix.
 *
 * s = Σ_ij A_ij, ∂L/∂A_ij = ∂L/∂s
 */
export function sum(a: Var): Var {
  checkVar("sum", "a", a);
  let total = 0;
  for (const x of a.value.data) total += x;
  return node("sum", 1, 1, Float64Array.of(total), [a], (g) =>
    adopt(a, new Float64Array(a.value.data.length).fill(g[0])),
  );
}

/**
 * The mean of all entries, as a 1×1 matrix.
 *
 * μ = (1/N) Σ_ij A_ij, ∂L/∂A_ij = ∂L/∂μ / N
 */
export function mean(a: Var): Var {
  checkVar("mean", "a", a);
  return scale(sum(a), 1 / a.value.data.length);
}

// ---------------------------------------------------------------------------------------------
// Elementwise functions: each saves its output or its input, whichever its derivative needs.
// ---------------------------------------------------------------------------------------------

function elementwise(
  op: string,
  a: Var,
  f: (x: number) => number,
  derivative: (x: number, y: number) => number,
): Var {
  checkVar(op, "a", a);
  const X = a.value.data;
  const Y = new Float64Array(X.length);
  for (let k = 0; k < X.length; k++) Y[k] = f(X[k]);
  return node(op, a.value.rows, a.value.cols, Y, [a], (g) => {
    const ga = new Float64Array(g.length);
    for (let k = 0; k < g.length; k++) ga[k] = g[k] * derivative(X[k], Y[k]);
    adopt(a, ga);
  });
}

/** Hyperbolic tangent, elementwise; tanh′(x) = 1 − tanh²(x), from the saved output. */
export function tanh(a: Var): Var {
  return elementwise("tanh", a, Math.tanh, (_x, y) => 1 - y * y);
}

/** Logistic sigmoid σ(x) = 1 / (1 + e^(−x)), elementwise; σ′ = σ(1 − σ). */
export function sigmoid(a: Var): Var {
  // Why two branches: e^(−x) overflows for x below about −709; e^x does not for x < 0.
  const f = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
  return elementwise("sigmoid", a, f, (_x, y) => y * (1 - y));
}

/** e^x, elementwise; its derivative is its output. */
export function exp(a: Var): Var {
  return elementwise("exp", a, Math.exp, (_x, y) => y);
}

/** Natural logarithm, elementwise; inputs must be > 0 (else a RangeError, not a NaN). */
export function log(a: Var): Var {
  checkVar("log", "a", a);
  const bad = a.value.data.findIndex((x) => !(x > 0));
  if (bad >= 0) {
    const [i, j] = [Math.floor(bad / a.value.cols), bad % a.value.cols];
    throw new RangeError(`log: a[${i}, ${j}] is ${a.value.data[bad]}; expected a number > 0`);
  }
  return elementwise("log", a, Math.log, (x) => 1 / x);
}

/** max(0, x), elementwise; the derivative at 0 is taken as 0. */
export function relu(a: Var): Var {
  return elementwise(
    "relu",
    a,
    (x) => (x > 0 ? x : 0),
    (x) => (x > 0 ? 1 : 0),
  );
}

// ---------------------------------------------------------------------------------------------
// Softmax family
// ---------------------------------------------------------------------------------------------

/**
 * Row-wise softmax, optionally masked (true = may attend); a fully masked row gives zeros.
 *
 * p_ij = e^(x_ij − max_i) / Σ_l e^(x_il − max_i) over allowed j; ∂L/∂x_ij = p_ij (g_ij − Σ_l g_il p_il)
 *
 * @param a scores, shape [n, m].
 * @param mask optional boolean[][] of shape [n, m].
 * @returns weights, shape [n, m], each row summing to 1 (or 0 when fully masked).
 */
export function softmaxRows(a: Var, mask?: readonly (readonly boolean[])[]): Var {
  checkVar("softmaxRows", "a", a);
  const [n, m] = a.shape;
  if (mask !== undefined) checkMask("softmaxRows", "mask", mask, [n, m], "a");
  const X = a.value.data;
  const P = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const allowed = mask?.[i];
    // Why subtract the row maximum: e^x overflows past x ≈ 709, and softmax is unchanged by a
    // shift, so the largest exponent becomes 0 and no term can overflow.
    let max = -Infinity;
    for (let j = 0; j < m; j++) if (!allowed || allowed[j]) max = Math.max(max, X[i * m + j]);
    if (max === -Infinity) continue; // fully masked: the row stays zero rather than 0/0 = NaN
    let total = 0;
    for (let j = 0; j < m; j++) {
      if (allowed && !allowed[j]) continue;
      const e = Math.exp(X[i * m + j] - max);
      P[i * m + j] = e;
      total += e;
    }
    for (let j = 0; j < m; j++) P[i * m + j] /= total;
  }
  return node("softmaxRows", n, m, P, [a], (g) => {
    const ga = new Float64Array(n * m);
    for (let i = 0; i < n; i++) {
      let dot = 0;
      for (let j = 0; j < m; j++) dot += g[i * m + j] * P[i * m + j];
      for (let j = 0; j < m; j++) ga[i * m + j] = P[i * m + j] * (g[i * m + j] - dot);
    }
    adopt(a, ga);
  });
}

/**
 * Row-wise log-softmax, computed stably.
 *
 * y_ij = x_ij − log Σ_l e^(x_il); ∂L/∂x_ij = g_ij − p_ij Σ_l g_il
 *
 * @param a shape [n, m].
 * @returns shape [n, m].
 */
export function logSoftmaxRows(a: Var): Var {
  checkVar("logSoftmaxRows", "a", a);
  const [n, m] = a.shape;
  const X = a.value.data;
  const Y = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const lse = rowLogSumExp(X, i, m);
    for (let j = 0; j < m; j++) Y[i * m + j] = X[i * m + j] - lse;
  }
  return node("logSoftmaxRows", n, m, Y, [a], (g) => {
    const ga = new Float64Array(n * m);
    for (let i = 0; i < n; i++) {
      let total = 0;
      for (let j = 0; j < m; j++) total += g[i * m + j];
      for (let j = 0; j < m; j++) ga[i * m + j] = g[i * m + j] - Math.exp(Y[i * m + j]) * total;
    }
    adopt(a, ga);
  });
}

function rowLogSumExp(X: Float64Array, i: number, m: number): number {
  let max = -Infinity;
  for (let j = 0; j < m; j++) max = Math.max(max, X[i * m + j]);
  let total = 0;
  for (let j = 0; j < m; j++) total += Math.exp(X[i * m + j] - max);
  return max + Math.log(total);
}

/**
 * Mean cross-entropy of row-wise logits against integer targets; a target of −1 marks a padded
 * row that counts for nothing.
 *
 * L = −(1/N) Σ_{i: t_i ≥ 0} log softmax(x_i)_{t_i}, N = #{i: t_i ≥ 0};
 * ∂L/∂x_ij = (p_ij − [j = t_i]) / N
 *
 * @param logits shape [n, classes].
 * @param targets n integers in [0, classes), or −1 to ignore the row.
 * @returns the loss, 1×1.
 * @example crossEntropy(logits, [2, 0, -1]) // the third row is padding
 */
export function crossEntropy(logits: Var, targets: readonly number[]): Var {
  const fn = "crossEntropy";
  checkVar(fn, "logits", logits);
  checkArray(fn, "targets", targets);
  const [n, classes] = logits.shape;
  if (targets.length !== n) {
    throw new RangeError(
      `${fn}: targets must have one entry per row of logits (${n}); got ${targets.length}`,
    );
  }
  let counted = 0;
  targets.forEach((t, i) => {
    checkInteger(fn, `targets[${i}]`, t, -1);
    if (t >= classes) {
      throw new RangeError(
        `${fn}: targets[${i}] is ${t}; expected a class in [0, ${classes}) or -1`,
      );
    }
    if (t >= 0) counted++;
  });
  if (counted === 0)
    throw new RangeError(`${fn}: every target is -1 (padding); nothing to average`);
  const X = logits.value.data;
  const lse = new Float64Array(n);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    if (targets[i] < 0) continue;
    lse[i] = rowLogSumExp(X, i, classes);
    loss -= X[i * classes + targets[i]] - lse[i];
  }
  return node(fn, 1, 1, Float64Array.of(loss / counted), [logits], (g) => {
    const gx = new Float64Array(n * classes);
    const s = g[0] / counted;
    for (let i = 0; i < n; i++) {
      if (targets[i] < 0) continue;
      for (let j = 0; j < classes; j++)
        gx[i * classes + j] = s * Math.exp(X[i * classes + j] - lse[i]);
      gx[i * classes + targets[i]] -= s;
    }
    adopt(logits, gx);
  });
}

// ---------------------------------------------------------------------------------------------
// Moving rows and columns
// ---------------------------------------------------------------------------------------------

/**
 * Joins matrices side by side (same rows) or on top of each other (same columns).
 *
 * concat([A, B], "cols") = [A B]; the gradient is split back the same way.
 *
 * @param parts one or more Vars.
 * @param axis "cols" to join side by side, "rows" to stack.
 */
export function concat(parts: readonly Var[], axis: "rows" | "cols"): Var {
  const fn = "concat";
  checkArray(fn, "parts", parts);
  if (parts.length === 0) throw new RangeError(`${fn}: parts must not be empty`);
  parts.forEach((p, k) => checkVar(fn, `parts[${k}]`, p));
  if (axis !== "rows" && axis !== "cols") {
    throw new RangeError(`${fn}: axis must be "rows" or "cols"; got ${String(axis)}`);
  }
  const shared = axis === "cols" ? 0 : 1;
  parts.forEach((p, k) => {
    if (p.shape[shared] !== parts[0].shape[shared]) {
      throw new RangeError(
        `${fn}: parts must share their ${axis === "cols" ? "rows" : "columns"} to join along ${axis}; ` +
          `got parts[0] ${formatShape(parts[0].shape)}, parts[${k}] ${formatShape(p.shape)}`,
      );
    }
  });
  if (axis === "rows") {
    const cols = parts[0].value.cols;
    const rows = parts.reduce((r, p) => r + p.value.rows, 0);
    const out = new Float64Array(rows * cols);
    let offset = 0;
    for (const p of parts) {
      out.set(p.value.data, offset);
      offset += p.value.data.length;
    }
    return node("concatRows", rows, cols, out, [...parts], (g) => {
      let at = 0;
      for (const p of parts) {
        accumulate(p, g.subarray(at, at + p.value.data.length));
        at += p.value.data.length;
      }
    });
  }
  const rows = parts[0].value.rows;
  const cols = parts.reduce((c, p) => c + p.value.cols, 0);
  const out = new Float64Array(rows * cols);
  let first = 0;
  for (const p of parts) {
    const w = p.value.cols;
    for (let i = 0; i < rows; i++)
      out.set(p.value.data.subarray(i * w, (i + 1) * w), i * cols + first);
    first += w;
  }
  return node("concatCols", rows, cols, out, [...parts], (g) => {
    let at = 0;
    for (const p of parts) {
      const w = p.value.cols;
      if (p.requiresGrad) {
        const gp = new Float64Array(rows * w);
        for (let i = 0; i < rows; i++) gp.set(g.subarray(i * cols + at, i * cols + at + w), i * w);
        adopt(p, gp);
      }
      at += w;
    }
  });
}

/**
 * A block of consecutive columns, [start, end).
 *
 * sliceCols(A, s, e)_ij = A_i,(s+j); the gradient lands back in those columns.
 *
 * @example sliceCols(gates, 0, hidden) // the reset gate's share of a fused GRU product
 */
export function sliceCols(a: Var, start: number, end: number): Var {
  checkVar("sliceCols", "a", a);
  const [rows, cols] = a.shape;
  checkRange("sliceCols", start, end, cols, "columns");
  const w = end - start;
  const A = a.value.data;
  const out = new Float64Array(rows * w);
  for (let i = 0; i < rows; i++) out.set(A.subarray(i * cols + start, i * cols + end), i * w);
  return node("sliceCols", rows, w, out, [a], (g) => {
    const ga = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) ga.set(g.subarray(i * w, (i + 1) * w), i * cols + start);
    adopt(a, ga);
  });
}

/**
 * A block of consecutive rows, [start, end).
 *
 * @example sliceRows(states, b * T, (b + 1) * T) // example b's steps
 */
export function sliceRows(a: Var, start: number, end: number): Var {
  checkVar("sliceRows", "a", a);
  const [rows, cols] = a.shape;
  checkRange("sliceRows", start, end, rows, "rows");
  const out = a.value.data.slice(start * cols, end * cols);
  return node("sliceRows", end - start, cols, out, [a], (g) => {
    // Added in place into the rows it came from: an encoder slices one step of B rows out of
    // all T·B at every step, and a full-size array per slice would cost T² over a sentence.
    const ga = gradBuffer(a);
    const offset = start * cols;
    for (let k = 0; k < g.length; k++) ga[offset + k] += g[k];
  });
}

function checkRange(fn: string, start: number, end: number, size: number, what: string): void {
  checkInteger(fn, "start", start, 0);
  checkInteger(fn, "end", end, 0);
  if (!(start < end && end <= size)) {
    throw new RangeError(
      `${fn}: need 0 <= start < end <= ${size} ${what}; got start ${start}, end ${end}`,
    );
  }
}

/**
 * Rows of a table picked by index: an embedding lookup.
 *
 * out_k = table_(indices_k); ∂L/∂table_r = Σ_{k: indices_k = r} ∂L/∂out_k
 *
 * @param table shape [vocabulary, d].
 * @param indices integers in [0, vocabulary), any number, repeats allowed.
 * @returns shape [indices.length, d].
 */
export function gatherRows(table: Var, indices: readonly number[]): Var {
  const fn = "gatherRows";
  checkVar(fn, "table", table);
  checkArray(fn, "indices", indices);
  if (indices.length === 0) throw new RangeError(`${fn}: indices must not be empty`);
  const [vocabulary, d] = table.shape;
  indices.forEach((r, k) => {
    checkInteger(fn, `indices[${k}]`, r, 0);
    if (r >= vocabulary) {
      throw new RangeError(`${fn}: indices[${k}] is ${r}; the table has ${vocabulary} rows`);
    }
  });
  const T = table.value.data;
  const out = new Float64Array(indices.length * d);
  indices.forEach((r, k) => out.set(T.subarray(r * d, (r + 1) * d), k * d));
  return node(fn, indices.length, d, out, [table], (g) => {
    const gt = new Float64Array(vocabulary * d);
    indices.forEach((r, k) => {
      for (let j = 0; j < d; j++) gt[r * d + j] += g[k * d + j];
    });
    adopt(table, gt);
  });
}

/**
 * The transpose.
 *
 * (Aᵀ)_ij = A_ji; ∂L/∂A = (∂L/∂Aᵀ)ᵀ
 *
 * @example transpose(reshape(scoreColumn, T, B)) // [T·B, 1] → [B, T]
 */
export function transpose(a: Var): Var {
  checkVar("transpose", "a", a);
  const [rows, cols] = a.shape;
  const flip = (x: Float64Array, r: number, c: number) => {
    const out = new Float64Array(r * c);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = x[i * c + j];
    return out;
  };
  return node("transpose", cols, rows, flip(a.value.data, rows, cols), [a], (g) =>
    adopt(a, flip(g, cols, rows)),
  );
}

/**
 * The same entries read with another shape (row-major order kept).
 *
 * @example reshape(scoreColumn, T, B) // [T·B, 1] → [T, B]
 */
export function reshape(a: Var, rows: number, cols: number): Var {
  checkVar("reshape", "a", a);
  checkInteger("reshape", "rows", rows, 1);
  checkInteger("reshape", "cols", cols, 1);
  if (rows * cols !== a.value.data.length) {
    throw new RangeError(
      `reshape: [${rows}, ${cols}] holds ${rows * cols} entries; a ${formatShape(a.shape)} has ${a.value.data.length}`,
    );
  }
  return node("reshape", rows, cols, a.value.data, [a], (g) => accumulate(a, g));
}

// ---------------------------------------------------------------------------------------------
// The recurrent step
// ---------------------------------------------------------------------------------------------

function logistic(x: number): number {
  // Why two branches: e^(−x) overflows for x below about −709; e^x does not for x < 0.
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/**
 * One GRU step as a single primitive, given the input side already projected (Cho et al. 2014,
 * in PyTorch's gate layout: reset, update, new):
 *
 * g = h·W_h + b_h, r = σ(gi_r + g_r), z = σ(gi_z + g_z), n = tanh(gi_n + r ⊙ g_n),
 * h′ = (1 − z) ⊙ n + z ⊙ h
 *
 * The same as composing matmul, add, sliceCols, sigmoid, tanh and mul (the tests check both ways
 * and against central differences), but one node instead of seventeen: a training step of the
 * course's encoder–decoder makes thousands of these, and the per-node cost dominates at its sizes.
 * Taking gi = x·W_i + b_i as an input lets an encoder project every step's input in one product.
 *
 * Backward, with a_n = gi_n + r ⊙ g_n: ∂h′/∂z = h − n, ∂h′/∂n = 1 − z, ∂h′/∂h (direct) = z,
 * ∂n/∂a_n = 1 − n², ∂a_n/∂r = g_n, ∂a_n/∂g_n = r, σ′ = σ(1 − σ).
 *
 * @param gi the projected input x·W_i + b_i, shape [B, 3H].
 * @param h the previous state, shape [B, H].
 * @param wHidden W_h, shape [H, 3H].
 * @param bHidden b_h, shape [1, 3H].
 * @returns the new state h′, shape [B, H].
 * @example gruStep(add(matmul(x, wInput), bInput), h, wHidden, bHidden)
 */
export function gruStep(gi: Var, h: Var, wHidden: Var, bHidden: Var): Var {
  checkVar("gruStep", "gi", gi);
  checkVar("gruStep", "h", h);
  checkVar("gruStep", "wHidden", wHidden);
  checkVar("gruStep", "bHidden", bHidden);
  const [B, H] = h.shape;
  const expect = (argName: string, v: Var, rows: number, cols: number) => {
    if (v.value.rows !== rows || v.value.cols !== cols) {
      throw new RangeError(
        `gruStep: ${argName} must have shape ${formatShape([rows, cols])} for h ` +
          `${formatShape(h.shape)}; got ${formatShape(v.shape)}`,
      );
    }
  };
  expect("gi", gi, B, 3 * H);
  expect("wHidden", wHidden, H, 3 * H);
  expect("bHidden", bHidden, 1, 3 * H);

  // 1. The hidden side of the gates, g = h·W_h + b_h: (B, H)·(H, 3H) → (B, 3H).
  const Gi = gi.value.data;
  const Hd = h.value.data;
  const Wh = wHidden.value.data;
  const bh = bHidden.value.data;
  const G = product(Hd, Wh, B, H, 3 * H);
  for (let k = 0; k < G.length; k++) G[k] += bh[k % (3 * H)];

  // 2. The gates and the new state; r, z and n are kept for the backward.
  const r = new Float64Array(B * H);
  const z = new Float64Array(B * H);
  const n = new Float64Array(B * H);
  const out = new Float64Array(B * H);
  for (let b = 0; b < B; b++) {
    const row = b * 3 * H;
    for (let j = 0; j < H; j++) {
      const k = b * H + j;
      r[k] = logistic(Gi[row + j] + G[row + j]);
      z[k] = logistic(Gi[row + H + j] + G[row + H + j]);
      n[k] = Math.tanh(Gi[row + 2 * H + j] + r[k] * G[row + 2 * H + j]);
      out[k] = n[k] + z[k] * (Hd[k] - n[k]);
    }
  }

  return node("gruStep", B, H, out, [gi, h, wHidden, bHidden], (g) => {
    // 3. Gradients of the pre-activations: dGi = [a_r, a_z, a_n], dG = [a_r, a_z, r ⊙ a_n].
    const dGi = new Float64Array(B * 3 * H);
    const dG = new Float64Array(B * 3 * H);
    const dh = new Float64Array(B * H);
    for (let b = 0; b < B; b++) {
      const row = b * 3 * H;
      for (let j = 0; j < H; j++) {
        const k = b * H + j;
        const dn = g[k] * (1 - z[k]) * (1 - n[k] * n[k]);
        const dz = g[k] * (Hd[k] - n[k]) * z[k] * (1 - z[k]);
        const dr = dn * G[row + 2 * H + j] * r[k] * (1 - r[k]);
        dGi[row + j] = dr;
        dGi[row + H + j] = dz;
        dGi[row + 2 * H + j] = dn;
        dG[row + j] = dr;
        dG[row + H + j] = dz;
        dG[row + 2 * H + j] = dn * r[k];
        dh[k] = g[k] * z[k];
      }
    }

    // 4. Through the product and the bias: dh += dG·W_hᵀ, dW_h = hᵀ·dG, db_h = Σ_b dG.
    if (h.requiresGrad) {
      const back = productTransB(dG, Wh, B, 3 * H, H); // (B, 3H)·(H, 3H)ᵀ → (B, H)
      for (let k = 0; k < dh.length; k++) dh[k] += back[k];
      adopt(h, dh);
    }
    if (wHidden.requiresGrad) adopt(wHidden, productTransA(Hd, dG, B, H, 3 * H)); // → (H, 3H)
    if (bHidden.requiresGrad) {
      const db = new Float64Array(3 * H);
      for (let k = 0; k < dG.length; k++) db[k % (3 * H)] += dG[k];
      adopt(bHidden, db);
    }
    adopt(gi, dGi);
  });
}

// ---------------------------------------------------------------------------------------------
// Attention over a batch of sequences
// ---------------------------------------------------------------------------------------------

/**
 * Dot-product scores of each query against its own example's T keys. With R = B (the default),
 * one query per example; with R = T′·B, the queries of T′ decoder steps at once, time-major like
 * the keys, query row r belonging to example r mod B.
 *
 * s_rt = q_r · k_(t·B + r mod B); ∂L/∂q_r = Σ_t g_rt k_(t·B + r mod B), ∂L/∂k_(t·B+b) = Σ_(r mod B = b) g_rt q_r
 *
 * @param queries shape [R, d], R a multiple of B.
 * @param keys shape [T·B, d], time-major: example b's key at step t is row t·B + b.
 * @param examples B, the number of examples (default R).
 * @returns scores, shape [R, T].
 */
export function batchedScores(queries: Var, keys: Var, examples?: number): Var {
  const fn = "batchedScores";
  checkVar(fn, "queries", queries);
  checkVar(fn, "keys", keys);
  const [R, d] = queries.shape;
  const B = checkExamples(fn, examples, R);
  const T = keys.value.rows / B;
  if (keys.value.cols !== d || !Number.isInteger(T)) {
    throw new RangeError(
      `${fn}: keys must have shape [T·B, d] for queries [R, d] of B = ${B} examples; ` +
        `got queries ${formatShape(queries.shape)}, keys ${formatShape(keys.shape)}`,
    );
  }
  const Q = queries.value.data;
  const K = keys.value.data;
  const S = new Float64Array(R * T);
  for (let r = 0; r < R; r++) {
    const b = r % B;
    for (let t = 0; t < T; t++) {
      let s = 0;
      const row = (t * B + b) * d;
      for (let j = 0; j < d; j++) s += Q[r * d + j] * K[row + j];
      S[r * T + t] = s;
    }
  }
  return node(fn, R, T, S, [queries, keys], (g) => {
    const gq = new Float64Array(R * d);
    const gk = keys.requiresGrad ? gradBuffer(keys) : undefined; // added to in place
    for (let r = 0; r < R; r++) {
      const b = r % B;
      for (let t = 0; t < T; t++) {
        const w = g[r * T + t];
        const row = (t * B + b) * d;
        for (let j = 0; j < d; j++) gq[r * d + j] += w * K[row + j];
        if (gk) for (let j = 0; j < d; j++) gk[row + j] += w * Q[r * d + j];
      }
    }
    adopt(queries, gq);
  });
}

/** Checks the optional number of examples B of a batched primitive against R query rows. */
function checkExamples(fn: string, examples: number | undefined, R: number): number {
  if (examples === undefined) return R;
  checkInteger(fn, "examples", examples, 1);
  if (R % examples !== 0) {
    throw new RangeError(
      `${fn}: the ${R} query rows must be a whole number of steps of B = ${examples} examples`,
    );
  }
  return examples;
}

/**
 * Additive (Bahdanau) scores of each query against its own example's T keys, fused so that the
 * [R·T, dAttn] sums are formed once and only their tanh is kept for the backward pass. Queries
 * are laid out as in {@link batchedScores}: R = B, or the steps of T′ decoder steps at once.
 *
 * s_rt = Σ_a v_a tanh(q_ra + k_(t·B+b),a) with b = r mod B; with u = tanh(·),
 * ∂L/∂v_a = Σ_rt g_rt u_rta, ∂L/∂q_ra = Σ_t g_rt v_a (1 − u_rta²),
 * ∂L/∂k_(t·B+b),a = Σ_(r mod B = b) g_rt v_a (1 − u_rta²)
 *
 * @param queries projected queries q·W_q, shape [R, dAttn], R a multiple of B.
 * @param keys projected keys k·W_k, shape [T·B, dAttn], time-major.
 * @param v shape [dAttn, 1].
 * @param examples B, the number of examples (default R).
 * @returns scores, shape [R, T].
 */
export function batchedAdditiveScores(queries: Var, keys: Var, v: Var, examples?: number): Var {
  const fn = "batchedAdditiveScores";
  checkVar(fn, "queries", queries);
  checkVar(fn, "keys", keys);
  checkVar(fn, "v", v);
  const [R, A] = queries.shape;
  const B = checkExamples(fn, examples, R);
  const T = keys.value.rows / B;
  if (keys.value.cols !== A || !Number.isInteger(T) || v.value.rows !== A || v.value.cols !== 1) {
    throw new RangeError(
      `${fn}: need queries [R, dAttn], keys [T·B, dAttn], v [dAttn, 1]; got queries ` +
        `${formatShape(queries.shape)}, keys ${formatShape(keys.shape)}, v ${formatShape(v.shape)}`,
    );
  }
  const Q = queries.value.data;
  const K = keys.value.data;
  const V = v.value.data;
  const U = new Float64Array(R * T * A); // tanh(q_r + k_tb), row r·T + t
  const S = new Float64Array(R * T);
  for (let r = 0; r < R; r++) {
    const b = r % B;
    for (let t = 0; t < T; t++) {
      const row = (t * B + b) * A;
      const u0 = (r * T + t) * A;
      let s = 0;
      for (let a = 0; a < A; a++) {
        const u = Math.tanh(Q[r * A + a] + K[row + a]);
        U[u0 + a] = u;
        s += V[a] * u;
      }
      S[r * T + t] = s;
    }
  }
  return node(fn, R, T, S, [queries, keys, v], (g) => {
    const gq = new Float64Array(R * A);
    // Added to in place; a scratch buffer when the keys need no gradient.
    const gk = keys.requiresGrad ? gradBuffer(keys) : new Float64Array(T * B * A);
    const gv = new Float64Array(A);
    for (let r = 0; r < R; r++) {
      const b = r % B;
      for (let t = 0; t < T; t++) {
        const w = g[r * T + t];
        const row = (t * B + b) * A;
        const u0 = (r * T + t) * A;
        for (let a = 0; a < A; a++) {
          const u = U[u0 + a];
          gv[a] += w * u;
          const d = w * V[a] * (1 - u * u);
          gq[r * A + a] += d;
          gk[row + a] += d;
        }
      }
    }
    adopt(queries, gq);
    adopt(v, gv);
  });
}

/**
 * Each query row's weighted mix of its own example's T values: the context vectors of attention.
 * Rows are laid out as in {@link batchedScores}: R = B, or T′ decoder steps at once.
 *
 * c_r = Σ_t w_rt v_(t·B + r mod B); ∂L/∂w_rt = g_r · v_(t·B + r mod B), ∂L/∂v_(t·B+b) = Σ_(r mod B = b) w_rt g_r
 *
 * @param weights shape [R, T], e.g. from {@link softmaxRows}; R a multiple of B.
 * @param values shape [T·B, dV], time-major like the keys of {@link batchedScores}.
 * @param examples B, the number of examples (default R).
 * @returns contexts, shape [R, dV].
 */
export function batchedMix(weights: Var, values: Var, examples?: number): Var {
  const fn = "batchedMix";
  checkVar(fn, "weights", weights);
  checkVar(fn, "values", values);
  const [R, T] = weights.shape;
  const B = checkExamples(fn, examples, R);
  const dV = values.value.cols;
  if (values.value.rows !== B * T) {
    throw new RangeError(
      `${fn}: values must have T·B = ${B * T} rows for weights [R, T] = ${formatShape(weights.shape)} ` +
        `of B = ${B} examples; got values ${formatShape(values.shape)}`,
    );
  }
  const W = weights.value.data;
  const V = values.value.data;
  const C = new Float64Array(R * dV);
  for (let r = 0; r < R; r++) {
    const b = r % B;
    for (let t = 0; t < T; t++) {
      const w = W[r * T + t];
      if (w === 0) continue;
      const row = (t * B + b) * dV;
      for (let j = 0; j < dV; j++) C[r * dV + j] += w * V[row + j];
    }
  }
  return node(fn, R, dV, C, [weights, values], (g) => {
    if (weights.requiresGrad) {
      const gw = new Float64Array(R * T);
      for (let r = 0; r < R; r++) {
        const b = r % B;
        for (let t = 0; t < T; t++) {
          let s = 0;
          const row = (t * B + b) * dV;
          for (let j = 0; j < dV; j++) s += g[r * dV + j] * V[row + j];
          gw[r * T + t] = s;
        }
      }
      adopt(weights, gw);
    }
    if (values.requiresGrad) {
      const gv = gradBuffer(values); // added to in place
      for (let r = 0; r < R; r++) {
        const b = r % B;
        for (let t = 0; t < T; t++) {
          const w = W[r * T + t];
          if (w === 0) continue;
          const row = (t * B + b) * dV;
          for (let j = 0; j < dV; j++) gv[row + j] += w * g[r * dV + j];
        }
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The backward pass
// ---------------------------------------------------------------------------------------------

/**
 * Fills `grad` of every node that requires one with ∂loss/∂node, adding to what is there.
 *
 * Phase 1 orders the graph so that each node comes after its inputs (a depth-first post-order,
 * iterative so that a graph as deep as a long sequence cannot overflow the call stack). Phase 2
 * seeds ∂loss/∂loss = 1 and walks that order backwards; each node hands its gradient to its
 * inputs through its primitive's backward, and a node reached by several paths sums them.
 *
 * @param loss a 1×1 Var computed from parameters.
 * @example
 * const loss = crossEntropy(logits, targets);
 * backward(loss);
 * w.grad; // ∂loss/∂w
 */
export function backward(loss: Var): void {
  checkVar("backward", "loss", loss);
  if (loss.value.data.length !== 1) {
    throw new RangeError(`backward: loss must be 1×1; got ${formatShape(loss.shape)}`);
  }
  if (!loss.requiresGrad) {
    throw new RangeError(
      "backward: loss does not depend on any parameter; nothing to differentiate",
    );
  }

  // 1. Order: post-order DFS, inputs before the nodes that use them.
  const order: Var[] = [];
  const seen = new Set<Var>();
  const stack: [Var, number][] = [[loss, 0]];
  seen.add(loss);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [v, next] = top;
    if (next < v.parents.length) {
      top[1] = next + 1;
      const parent = v.parents[next];
      if (parent.requiresGrad && !seen.has(parent)) {
        seen.add(parent);
        stack.push([parent, 0]);
      }
    } else {
      order.push(v);
      stack.pop();
    }
  }

  // 2. Chain rule, from the loss back to the leaves. Intermediate gradients are dropped once
  //    handed on, so a second backward through the same graph starts them from zero.
  adopt(loss, Float64Array.of(1));
  for (let k = order.length - 1; k >= 0; k--) {
    const v = order[k];
    if (v.backwardFn === undefined || v.grad === undefined) continue;
    v.backwardFn(v.grad);
    v.grad = undefined;
  }
}

/**
 * Clears the gradients of the given parameters, before the next backward pass.
 *
 * @example zeroGrad(model.parameters())
 */
export function zeroGrad(params: readonly Var[]): void {
  checkArray("zeroGrad", "params", params);
  params.forEach((p, k) => {
    checkVar("zeroGrad", `params[${k}]`, p);
    p.grad = undefined;
  });
}

/** Options of {@link numericGradient}. */
export interface NumericGradientOptions {
  /** Step of the central difference (default 1e-5). */
  step?: number;
}

/**
 * The gradient of a scalar function of one parameter by central differences, for checking a
 * backward pass.
 *
 * ∂f/∂θ_k ≈ (f(θ + h e_k) − f(θ − h e_k)) / 2h, error O(h²)
 *
 * @param f recomputes the loss from scratch (it must read `param.value`).
 * @param param the parameter to perturb; its entries are restored afterwards.
 * @returns the estimated gradient, same layout as `param.value.data`.
 */
export function numericGradient(
  f: () => Var,
  param: Var,
  options: NumericGradientOptions = {},
): Float64Array {
  checkOptions("numericGradient", options, ["step"]);
  const h = options.step ?? 1e-5;
  checkFiniteNumber("numericGradient", "step", h);
  if (h <= 0) throw new RangeError(`numericGradient: step must be > 0; got ${h}`);
  const theta = param.value.data;
  const out = new Float64Array(theta.length);
  for (let k = 0; k < theta.length; k++) {
    const saved = theta[k];
    theta[k] = saved + h;
    const plus = f().value.data[0];
    theta[k] = saved - h;
    const minus = f().value.data[0];
    theta[k] = saved;
    out[k] = (plus - minus) / (2 * h);
  }
  return out;
}
