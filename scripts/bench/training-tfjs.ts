/**
 * The chapter-1 model written a second time with tfjs-core ops, as the training bench's peer: the
 * library's `Seq2Seq` (src/nn.ts) with attention, trained with Adam and gradient-norm clipping.
 *
 *   inputs    x_s = E_src[x_s] + p_s, y_t = E_tgt[y_(t−1)] + p_t, p the sinusoidal position
 *             (Vaswani et al. 2017, §3.5), when the model has positions
 *   encoder   →h_s = GRU(x_s, →h_(s−1)) from the first step, ←h_s = GRU(x_s, ←h_(s+1)) from the
 *             last (Bahdanau et al. 2015, §3.2), both from 0; a padded step keeps the state;
 *             h_s = [→h_s; ←h_s] (dState = 2H), the final summary c = [→h_last; ←h_first]
 *   decoder   h_t = GRU(y_t, h_(t−1)), h_0 = tanh(c W_init + b_init), the bridge
 *   scores    additive e_ts = vᵀ tanh(h_t W_q + h_s W_k) (Bahdanau et al. 2015, Eq. 6), or
 *             multiplicative e_ts = h_t W h_sᵀ (Luong et al. 2015, "general", Eq. 8)
 *   weights   α_t = softmax(e_t) over the real source steps, c_t = Σ_s α_ts h_s
 *   output    h̃_t = tanh([h_t; c_t] W_c + b_c), logits_t = h̃_t W_out + b_out (Luong Eq. 5–6)
 *   loss      mean cross-entropy over the real target tokens
 *
 * with the GRU cell of Cho et al. 2014 in PyTorch's gate layout, as src/nn.ts has it. A model
 * without `bidirectional` has only →h, no bridge (h_0 = c), and dState = H; one without
 * `positions` adds no p. Input feeding is not implemented (the chapter does not use it).
 *
 * The model is built from a library model, reads its options from it and copies its parameters,
 * so that both start from the same point and the bench can check that they compute the same loss
 * and gradients before it times them. The structure follows the library step by step (every
 * source step's embedding looked up and projected for each direction's gates at once, then one
 * cell per step and direction; per output step one embedding lookup, one cell, one attention;
 * the keys W_k projected once per batch), so that the comparison is one of the two frameworks
 * and not of two ways of arranging the model.
 *
 * Gradients come from tfjs's own autodiff (`tf.variableGrads`), the optimizer is `tf.train.adam`.
 * The sinusoidal positions are computed here from the formula, not taken from the library, so
 * the check also covers the library's positions.
 *
 * NOTE: an embedding lookup is a product with one-hot rows rather than `tf.gather`: the gradient
 * of gather needs the UnsortedSegmentSum kernel, which the wasm backend of tfjs 4.22 lacks. The
 * one-hot rows and the position rows are built once per batch, outside the timed step, as the
 * library's batch arrives already as token ids (the library builds its position rows inside
 * its step; they are T·dEmbed sines and cosines, a negligible share of a step).
 */

import * as tf from "@tensorflow/tfjs-core";
// Why tfjs-layers, whose layers are not used: tfjs-core 4.22 registers no gradients of its own
// (`tf.variableGrads` throws "gradient function not found" for every kernel), and its
// register_all_gradients module is an ES module that Node cannot load from CommonJS; the Node
// bundle of tfjs-layers carries that module and registers every kernel's gradient into the
// shared tfjs-core, as the union package @tensorflow/tfjs does.
import "@tensorflow/tfjs-layers";
import type { Var } from "../../src/autodiff";
import { AttentionDecoder, type Seq2Seq, type TranslationBatch } from "../../src/nn";
import { CLIP_NORM, LEARNING_RATE, type Score } from "./seq2seq";

/** Adam's ε, the library's default; tfjs would otherwise use its float32 ε, 1e−7. */
const ADAM_EPSILON = 1e-8;

/** A batch converted once into tfjs tensors: everything a step needs that is not a parameter. */
export interface TfjsBatch {
  /**
   * The one-hot rows of every source token, time-major [S·B, sourceVocabulary] (step s of
   * example b in row s·B + b), as the library looks up every step's embedding at once.
   */
  readonly sourceTokens: tf.Tensor2D;
  /** [S·B, dEmbed]: row s·B + b holds p_s, the position of step s; undefined without positions. */
  readonly sourcePositions: tf.Tensor2D | undefined;
  /** Per source step, [B, 1]: 1 on a real token, 0 on padding; undefined when all are real. */
  readonly sourceReal: readonly (tf.Tensor2D | undefined)[];
  /**
   * [B, S]: 0 on real source steps, −Infinity on padding. Added to the scores before the
   * softmax, it gives padded steps a weight of exactly e^(−∞) = 0, as the library's mask does;
   * every example has at least one real step, so no row is all −Infinity.
   */
  readonly attentionBias: tf.Tensor2D;
  /** Per target step t, the one-hot rows of the token fed in, y_(t−1) (the start token at 0). */
  readonly targetInputs: readonly tf.Tensor2D[];
  /** Per target step t, p_t as [1, dEmbed], added to every example's row; empty without them. */
  readonly targetPositions: readonly tf.Tensor2D[];
  /** [T·B, targetVocabulary], time-major like the stacked logits; a zero row on padding. */
  readonly targets: tf.Tensor2D;
  /** The number of real target tokens, N of the mean. */
  readonly counted: number;
  /** Frees the tensors. */
  dispose(): void;
}

/** The library's parameter names, as the tfjs model looks them up. */
const GRU_PARTS = ["wInput", "wHidden", "bInput", "bHidden"] as const;

interface GruWeights {
  /** [dIn, 3H], columns r | z | n. */
  readonly wInput: tf.Variable<tf.Rank.R2>;
  /** [H, 3H]. */
  readonly wHidden: tf.Variable<tf.Rank.R2>;
  /** [1, 3H]. */
  readonly bInput: tf.Variable<tf.Rank.R2>;
  /** [1, 3H]. */
  readonly bHidden: tf.Variable<tf.Rank.R2>;
}

/** The options of a library model that decide the twin's structure. */
export interface TwinStructure {
  readonly score: Score;
  /** A backward GRU beside the forward one, and the bridge W_init from [→h; ←h] to h_0. */
  readonly bidirectional: boolean;
  /** Sinusoidal positions added to every input embedding, of encoder and decoder. */
  readonly positions: boolean;
}

let modelCount = 0;

/**
 * The chapter-1 model in tfjs-core, on the current tfjs backend, starting from a copy of a
 * library model's parameters.
 */
export class TfjsSeq2Seq {
  readonly structure: TwinStructure;
  readonly sourceVocabulary: number;
  readonly targetVocabulary: number;
  readonly dEmbed: number;
  readonly startToken: number;
  private readonly variables: Map<string, tf.Variable<tf.Rank.R2>>;
  private readonly optimizer: tf.AdamOptimizer;

  /**
   * @param library the model to copy, before it has trained (or at any point: its current
   *   values are copied, in float32); its score, `bidirectional` and `positions` are read from it.
   */
  constructor(library: Seq2Seq) {
    this.structure = structureOf(library);
    const parameters = library.parameters();
    const names = parameters.map(parameterName);
    const expected = expectedNames(this.structure);
    if (names.length !== expected.length || expected.some((n) => !names.includes(n))) {
      throw new Error(
        `bench: the library's Seq2Seq (${JSON.stringify(this.structure)}) has parameters ` +
          `${names.join(", ")}; the tfjs model maps ${expected.join(", ")}; update ` +
          `scripts/bench/training-tfjs.ts to src/nn.ts`,
      );
    }

    // Variable names are global to tfjs, so each model prefixes its own.
    const prefix = `seq2seq${++modelCount}/`;
    this.variables = new Map(
      parameters.map((p, k) => {
        const [rows, cols] = p.shape;
        const initial = tf.tensor2d(Float32Array.from(p.value.data), [rows, cols]);
        const variable = tf.variable(initial, true, prefix + names[k]);
        initial.dispose();
        return [names[k], variable] as const;
      }),
    );
    [this.sourceVocabulary, this.dEmbed] = this.get("encoder.embedding.table").shape;
    this.targetVocabulary = this.get("decoder.output.weight").shape[1];
    this.startToken = library.startToken;
    this.optimizer = tf.train.adam(LEARNING_RATE, 0.9, 0.999, ADAM_EPSILON);
  }

  /** Converts a library batch into this model's tensors; free them with `dispose`. */
  prepare(batch: TranslationBatch): TfjsBatch {
    const { source, target } = batch;
    const B = source.tokens.length;
    const S = source.tokens[0].length;
    const T = target.tokens[0].length;
    const d = this.dEmbed;
    const oneHot = (ids: readonly number[], classes: number): tf.Tensor2D =>
      tf.tidy(() =>
        tf.cast(
          tf.oneHot(tf.tensor1d(Int32Array.from(ids), "int32"), classes) as tf.Tensor2D,
          "float32",
        ),
      );

    // 1. The source, time-major: every step's tokens and positions, and which steps are real.
    const ids: number[] = [];
    for (let s = 0; s < S; s++) for (const row of source.tokens) ids.push(row[s]);
    const sourceTokens = oneHot(ids, this.sourceVocabulary);
    let sourcePositions: tf.Tensor2D | undefined;
    if (this.structure.positions) {
      const rows = new Float32Array(S * B * d);
      for (let s = 0; s < S; s++) {
        const p = sinusoid(s, d);
        for (let b = 0; b < B; b++) rows.set(p, (s * B + b) * d);
      }
      sourcePositions = tf.tensor2d(rows, [S * B, d]);
    }
    const sourceReal: (tf.Tensor2D | undefined)[] = [];
    for (let s = 0; s < S; s++) {
      const real = source.lengths.map((length) => (s < length ? 1 : 0));
      sourceReal.push(real.every((m) => m === 1) ? undefined : tf.tensor2d(real, [B, 1]));
    }
    const bias = new Float32Array(B * S);
    source.lengths.forEach((length, b) => bias.fill(-Infinity, b * S + length, (b + 1) * S));
    const attentionBias = tf.tensor2d(bias, [B, S]);

    // 2. The target: the tokens fed in at each step with their positions, and the one-hot rows
    //    of the tokens to predict.
    const targetInputs: tf.Tensor2D[] = [];
    const targetPositions: tf.Tensor2D[] = [];
    for (let t = 0; t < T; t++) {
      const fed = target.tokens.map((row) => (t === 0 ? this.startToken : row[t - 1]));
      targetInputs.push(oneHot(fed, this.targetVocabulary));
      if (this.structure.positions) targetPositions.push(tf.tensor2d(sinusoid(t, d), [1, d]));
    }
    const rows = new Float32Array(T * B * this.targetVocabulary);
    let counted = 0;
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        if (t >= target.lengths[b]) continue;
        rows[(t * B + b) * this.targetVocabulary + target.tokens[b][t]] = 1;
        counted++;
      }
    }
    const targets = tf.tensor2d(rows, [T * B, this.targetVocabulary]);

    return {
      sourceTokens,
      sourcePositions,
      sourceReal,
      attentionBias,
      targetInputs,
      targetPositions,
      targets,
      counted,
      dispose: () =>
        tf.dispose([
          sourceTokens,
          ...(sourcePositions === undefined ? [] : [sourcePositions]),
          ...sourceReal.filter((m): m is tf.Tensor2D => m !== undefined),
          attentionBias,
          ...targetInputs,
          ...targetPositions,
          targets,
        ]),
    };
  }

  /** The mean cross-entropy per real target token, with teacher forcing, as a scalar. */
  loss(batch: TfjsBatch): tf.Scalar {
    const v = (name: string) => this.get(name);
    const { bidirectional, positions, score } = this.structure;
    const B = batch.attentionBias.shape[0];
    const S = batch.sourceReal.length;

    // 1. Embed every source step at once: (S·B, sourceVocabulary)·(sourceVocabulary, dEmbed)
    //    → (S·B, dEmbed), plus each step's position.
    const looked = tf.matMul<tf.Tensor2D>(batch.sourceTokens, v("encoder.embedding.table"));
    const embedded: tf.Tensor2D = batch.sourcePositions
      ? tf.add(looked, batch.sourcePositions)
      : looked;

    // 2. Encode forward from the first step and, if bidirectional, backward from the last.
    const steps = Array.from({ length: S }, (_, s) => s);
    const forward = this.encode("encoder.gru", embedded, batch, steps);
    const backward = bidirectional
      ? this.encode("encoder.gruBackward", embedded, batch, [...steps].reverse())
      : undefined;
    const states = backward
      ? forward.states.map((f, s) => tf.concat([f, backward.states[s]], 1)) // (B, 2H)
      : forward.states;
    // S × (B, dState) → (B, S, dState)
    const memory = tf.stack<tf.Tensor2D>(states, 1) as tf.Tensor3D;
    const dState = memory.shape[2];

    // 3. The decoder's first state: through the bridge when the sizes differ.
    let state: tf.Tensor2D = forward.last;
    if (backward) {
      const summary = tf.concat([forward.last, backward.last], 1); // (B, 2H)
      // (B, 2H)·(2H, H) → (B, H)
      state = tf.tanh(
        tf.add<tf.Tensor2D>(tf.matMul(summary, v("decoder.init.weight")), v("decoder.init.bias")),
      );
    }

    // 4. The key side of the additive score does not change from step to step: projected once,
    //    (B·S, dState)·(dState, dAttn) → (B, S, dAttn). The multiplicative score uses the states.
    const keys: tf.Tensor3D =
      score === "additive"
        ? tf.reshape(tf.matMul(tf.reshape(memory, [B * S, dState]), v("attention.wKey")), [
            B,
            S,
            -1,
          ])
        : memory;

    // 5. Decode with teacher forcing, attending over the source at every step.
    const decoderCell = this.cell("decoder.gru");
    const logits: tf.Tensor2D[] = [];
    batch.targetInputs.forEach((input, t) => {
      const y = tf.matMul<tf.Tensor2D>(input, v("decoder.embedding.table")); // → (B, dEmbed)
      const placed: tf.Tensor2D = positions ? tf.add(y, batch.targetPositions[t]) : y; // + (1, d)
      const ht = gru(decoderCell, projectInput(decoderCell, placed), state);
      const scores = this.scores(ht, keys); // (B, S)
      const weights = tf.softmax(tf.add(scores, batch.attentionBias)); // over the last axis
      // (B, 1, S)·(B, S, dState) → (B, 1, dState)
      const context = tf.reshape(tf.matMul(tf.reshape(weights, [B, 1, S]), memory), [B, dState]);
      const joined = tf.concat([ht, context], 1); // (B, H + dState)
      const attentional = tf.tanh(
        tf.add(tf.matMul(joined, v("decoder.combine.weight")), v("decoder.combine.bias")),
      );
      logits.push(
        tf.add(tf.matMul(attentional, v("decoder.output.weight")), v("decoder.output.bias")),
      );
      state = ht;
    });

    // 6. Cross-entropy: the one-hot target rows pick log p of the right token; padded rows are 0.
    const logProbs = tf.logSoftmax(tf.concat(logits, 0)); // (T·B, vocabulary), time-major
    return tf.div(tf.neg(tf.sum(tf.mul(batch.targets, logProbs))), batch.counted) as tf.Scalar;
  }

  /**
   * The loss and ∂loss/∂θ for every parameter, keyed by the library's parameter names; no
   * parameter changes.
   */
  gradients(batch: TfjsBatch): { loss: number; grads: Map<string, Float32Array> } {
    const { value, grads } = tf.variableGrads(() => this.loss(batch), [...this.variables.values()]);
    const out = new Map<string, Float32Array>();
    for (const [name, variable] of this.variables) {
      out.set(name, grads[variable.name].dataSync() as Float32Array);
    }
    const loss = value.dataSync()[0];
    tf.dispose([value, ...Object.values(grads)]);
    return { loss, grads: out };
  }

  /**
   * One training step, as the library's `train` runs it: the loss and its gradients, the global
   * gradient norm clipped at {@link CLIP_NORM}, an Adam update. Reads the loss back with
   * `dataSync`, which waits for all the step's work, so a timed step includes all of it.
   *
   * @returns the loss before the update.
   */
  step(batch: TfjsBatch): number {
    const value = tf.tidy(() => {
      const variables = [...this.variables.values()];
      const { value, grads } = tf.variableGrads(() => this.loss(batch), variables);

      // g ← g · c / max(‖g‖, c): unchanged when the norm is at most c, else scaled to norm c.
      const squares = Object.values(grads).map((g) => tf.sum(tf.square(g)));
      const norm = tf.sqrt(tf.addN(squares));
      const factor = tf.div(CLIP_NORM, tf.maximum(norm, CLIP_NORM));
      const clipped = Object.entries(grads).map(([name, g]) => ({
        name,
        tensor: tf.mul(g, factor),
      }));

      this.optimizer.applyGradients(clipped);
      return value;
    });
    const loss = value.dataSync()[0];
    value.dispose();
    return loss;
  }

  /** Frees the parameters and the optimizer's moments. */
  dispose(): void {
    this.optimizer.dispose();
    tf.dispose([...this.variables.values()]);
  }

  private get(name: string): tf.Variable<tf.Rank.R2> {
    const variable = this.variables.get(name);
    if (variable === undefined) throw new Error(`TfjsSeq2Seq: no parameter ${name}`);
    return variable;
  }

  private cell(prefix: string): GruWeights {
    const [wInput, wHidden, bInput, bHidden] = GRU_PARTS.map((part) =>
      this.get(`${prefix}.${part}`),
    );
    return { wInput, wHidden, bInput, bHidden };
  }

  /**
   * One direction of the encoder: its gate inputs for every step in one product, then the cell
   * over the steps in the given order from h = 0. A padded step keeps the previous state,
   * h = h + m ⊙ (next − h); so the backward direction, which meets an example's padding first,
   * stays at 0 until its last real token.
   *
   * @param embedded every step's input, time-major (S·B, dEmbed).
   * @returns each step's state, indexed by step (not by order), and the last state computed.
   */
  private encode(
    prefix: string,
    embedded: tf.Tensor2D,
    batch: TfjsBatch,
    order: readonly number[],
  ): { states: tf.Tensor2D[]; last: tf.Tensor2D } {
    const cell = this.cell(prefix);
    const B = batch.attentionBias.shape[0];
    const H = cell.wHidden.shape[0];
    // (S·B, dEmbed)·(dEmbed, 3H) → (S·B, 3H), then S × (B, 3H)
    const projected = tf.split<tf.Tensor2D>(projectInput(cell, embedded), order.length, 0);
    let h: tf.Tensor2D = tf.zeros([B, H]);
    const states: tf.Tensor2D[] = new Array(order.length);
    for (const s of order) {
      const next = gru(cell, projected[s], h);
      const real = batch.sourceReal[s];
      h = real === undefined ? next : tf.add(h, tf.mul(tf.sub(next, h), real));
      states[s] = h;
    }
    return { states, last: h };
  }

  /** The scores of the decoder state h [B, H] against every source step: (B, S). */
  private scores(h: tf.Tensor2D, keys: tf.Tensor3D): tf.Tensor2D {
    const [B, S] = keys.shape;
    if (this.structure.score === "multiplicative") {
      const q = tf.matMul(h, this.get("attention.w")); // (B, H)·(H, dState) → (B, dState)
      // (B, S, dState)·(B, dState, 1) → (B, S, 1)
      return tf.reshape(tf.matMul(keys, tf.reshape(q, [B, -1, 1])), [B, S]);
    }
    const q = tf.matMul(h, this.get("attention.wQuery")); // (B, H)·(H, dAttn) → (B, dAttn)
    const u = tf.tanh(tf.add(keys, tf.reshape(q, [B, 1, -1]))); // (B, S, dAttn)
    const column = tf.matMul(tf.reshape(u, [B * S, -1]), this.get("attention.v")); // (B·S, 1)
    return tf.reshape(column, [B, S]);
  }
}

/** The input side of a GRU's gates, x W_i + b_i: (N, dIn)·(dIn, 3H) → (N, 3H). */
function projectInput(cell: GruWeights, x: tf.Tensor2D): tf.Tensor2D {
  return tf.add(tf.matMul(x, cell.wInput), cell.bInput);
}

/**
 * One GRU step in PyTorch's gate layout, as src/nn.ts's GRUCell, from the projected input
 * gi = x W_i + b_i [B, 3H]:
 *
 * r = σ(x W_ir + b_ir + h W_hr + b_hr), z = σ(x W_iz + b_iz + h W_hz + b_hz),
 * n = tanh(x W_in + b_in + r ⊙ (h W_hn + b_hn)), h′ = n + z ⊙ (h − n)
 */
function gru(cell: GruWeights, gi: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
  const gh = tf.add(tf.matMul(h, cell.wHidden), cell.bHidden); // (B, H)·(H, 3H) → (B, 3H)
  const [ri, zi, ni] = tf.split(gi, 3, 1);
  const [rh, zh, nh] = tf.split(gh, 3, 1);

  const r = tf.sigmoid(tf.add(ri, rh));
  const z = tf.sigmoid(tf.add(zi, zh));
  const n = tf.tanh(tf.add(ni, tf.mul(r, nh)));

  return tf.add(n, tf.mul(z, tf.sub(h, n)));
}

/**
 * The sinusoidal encoding of one position, written from the formula (Vaswani et al. 2017,
 * §3.5): entry 2i is sin(pos / 10000^(2i/d)), entry 2i + 1 the cosine of the same angle.
 */
function sinusoid(pos: number, d: number): Float32Array {
  const out = new Float32Array(d);
  for (let col = 0; col < d; col += 2) {
    const angle = pos / Math.pow(10000, col / d);
    out[col] = Math.sin(angle);
    if (col + 1 < d) out[col + 1] = Math.cos(angle);
  }
  return out;
}

/** The options the twin mirrors, read from a library model; throws on what it does not mirror. */
function structureOf(library: Seq2Seq): TwinStructure {
  const decoder = library.decoder;
  if (!(decoder instanceof AttentionDecoder)) {
    throw new Error("bench: the tfjs model mirrors a Seq2Seq with attention; got one without");
  }
  if (decoder.inputFeeding) {
    throw new Error("bench: not supported yet: input feeding in the tfjs model");
  }
  const positions = library.encoder.positions;
  if (decoder.positions !== positions) {
    throw new Error(
      `bench: the tfjs model adds positions on both sides or neither; the library's encoder ` +
        `has positions ${positions}, its decoder ${decoder.positions}`,
    );
  }
  return {
    score: decoder.score,
    bidirectional: library.encoder.backwardCell !== undefined,
    positions,
  };
}

/** The library's name of a parameter, which it must have. */
function parameterName(p: Var): string {
  if (p.name === undefined) throw new Error("bench: a Seq2Seq parameter has no name");
  return p.name;
}

/** The parameters of the library's Seq2Seq with attention, by name (src/nn.ts). */
function expectedNames({ score, bidirectional }: TwinStructure): string[] {
  const gru = (prefix: string) => GRU_PARTS.map((part) => `${prefix}.${part}`);
  const attention =
    score === "additive" ? ["attention.wQuery", "attention.wKey", "attention.v"] : ["attention.w"];
  return [
    "encoder.embedding.table",
    ...gru("encoder.gru"),
    ...(bidirectional ? gru("encoder.gruBackward") : []),
    "decoder.embedding.table",
    ...gru("decoder.gru"),
    ...attention,
    "decoder.combine.weight",
    "decoder.combine.bias",
    "decoder.output.weight",
    "decoder.output.bias",
    ...(bidirectional ? ["decoder.init.weight", "decoder.init.bias"] : []),
  ];
}
