/**
 * The chapter-1 model written a second time with tfjs-core ops, as the training bench's peer: the
 * library's `Seq2Seq` (src/nn.ts) with attention, trained with Adam and gradient-norm clipping.
 *
 *   encoder   h_s = GRU(E_src[x_s], h_(s−1)), h_0 = 0; a padded step keeps h_(s−1)
 *   decoder   h_t = GRU(E_tgt[y_(t−1)], h_(t−1)), h_0 = the encoder's final state
 *   scores    additive e_ts = vᵀ tanh(h_t W_q + h_s W_k) (Bahdanau et al. 2015, Eq. 6), or
 *             multiplicative e_ts = h_t W h_sᵀ (Luong et al. 2015, "general", Eq. 8)
 *   weights   α_t = softmax(e_t) over the real source steps, c_t = Σ_s α_ts h_s
 *   output    h̃_t = tanh([h_t; c_t] W_c + b_c), logits_t = h̃_t W_out + b_out (Luong Eq. 5–6)
 *   loss      mean cross-entropy over the real target tokens
 *
 * with the GRU cell of Cho et al. 2014 in PyTorch's gate layout, as src/nn.ts has it. The model
 * is built from a library model and copies its parameters, so that both start from the same
 * point and the bench can check that they compute the same loss and gradients before it times
 * them. The structure follows the library step by step (one embedding lookup, one cell and one
 * attention per time step; the keys W_k projected once per batch), so that the comparison is
 * one of the two frameworks and not of two ways of arranging the model.
 *
 * Gradients come from tfjs's own autodiff (`tf.variableGrads`), the optimizer is `tf.train.adam`.
 *
 * NOTE: an embedding lookup is a product with one-hot rows rather than `tf.gather`: the gradient
 * of gather needs the UnsortedSegmentSum kernel, which the wasm backend of tfjs 4.22 lacks. The
 * one-hot rows are built once per batch, outside the timed step, as the library's batch arrives
 * already as token ids.
 */

import * as tf from "@tensorflow/tfjs-core";
// Why tfjs-layers, whose layers are not used: tfjs-core 4.22 registers no gradients of its own
// (`tf.variableGrads` throws "gradient function not found" for every kernel), and its
// register_all_gradients module is an ES module that Node cannot load from CommonJS; the Node
// bundle of tfjs-layers carries that module and registers every kernel's gradient into the
// shared tfjs-core, as the union package @tensorflow/tfjs does.
import "@tensorflow/tfjs-layers";
import type { Var } from "../../src/autodiff";
import type { Seq2Seq, TranslationBatch } from "../../src/nn";
import { CLIP_NORM, LEARNING_RATE, type Score } from "./seq2seq";

/** Adam's ε, the library's default; tfjs would otherwise use its float32 ε, 1e−7. */
const ADAM_EPSILON = 1e-8;

/** A batch converted once into tfjs tensors: everything a step needs that is not a parameter. */
export interface TfjsBatch {
  /** Per source step s, the one-hot rows of the source tokens, [B, sourceVocabulary]. */
  readonly sourceTokens: readonly tf.Tensor2D[];
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

let modelCount = 0;

/**
 * The chapter-1 model in tfjs-core, on the current tfjs backend, starting from a copy of a
 * library model's parameters.
 */
export class TfjsSeq2Seq {
  readonly score: Score;
  readonly sourceVocabulary: number;
  readonly targetVocabulary: number;
  readonly startToken: number;
  private readonly variables: Map<string, tf.Variable<tf.Rank.R2>>;
  private readonly optimizer: tf.AdamOptimizer;

  /**
   * @param library the model to copy, before it has trained (or at any point: its current
   *   values are copied, in float32).
   * @param score the library model's attention score, "additive" or "multiplicative".
   */
  constructor(library: Seq2Seq, score: Score) {
    this.score = score;
    const parameters = library.parameters();
    const names = parameters.map(parameterName);
    const expected = expectedNames(score);
    if (names.length !== expected.length || expected.some((n) => !names.includes(n))) {
      throw new Error(
        `bench: the library's Seq2Seq (${score}) has parameters ${names.join(", ")}; the tfjs ` +
          `model maps ${expected.join(", ")}; update scripts/bench/training-tfjs.ts to src/nn.ts`,
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
    this.sourceVocabulary = this.get("encoder.embedding.table").shape[0];
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
    const oneHot = (ids: readonly number[], classes: number): tf.Tensor2D =>
      tf.tidy(() =>
        tf.cast(
          tf.oneHot(tf.tensor1d(Int32Array.from(ids), "int32"), classes) as tf.Tensor2D,
          "float32",
        ),
      );

    const sourceTokens: tf.Tensor2D[] = [];
    const sourceReal: (tf.Tensor2D | undefined)[] = [];
    for (let s = 0; s < S; s++) {
      sourceTokens.push(
        oneHot(
          source.tokens.map((row) => row[s]),
          this.sourceVocabulary,
        ),
      );
      const real = source.lengths.map((length) => (s < length ? 1 : 0));
      sourceReal.push(real.every((m) => m === 1) ? undefined : tf.tensor2d(real, [B, 1]));
    }
    const bias = new Float32Array(B * S);
    source.lengths.forEach((length, b) => bias.fill(-Infinity, b * S + length, (b + 1) * S));
    const attentionBias = tf.tensor2d(bias, [B, S]);

    const targetInputs: tf.Tensor2D[] = [];
    for (let t = 0; t < T; t++) {
      const fed = target.tokens.map((row) => (t === 0 ? this.startToken : row[t - 1]));
      targetInputs.push(oneHot(fed, this.targetVocabulary));
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
      sourceReal,
      attentionBias,
      targetInputs,
      targets,
      counted,
      dispose: () =>
        tf.dispose([
          ...sourceTokens,
          ...sourceReal.filter((m): m is tf.Tensor2D => m !== undefined),
          attentionBias,
          ...targetInputs,
          targets,
        ]),
    };
  }

  /** The mean cross-entropy per real target token, with teacher forcing, as a scalar. */
  loss(batch: TfjsBatch): tf.Scalar {
    const v = (name: string) => this.get(name);
    const B = batch.attentionBias.shape[0];
    const S = batch.sourceTokens.length;
    const H = v("encoder.gru.wHidden").shape[0];
    const encoderCell = this.cell("encoder.gru");
    const decoderCell = this.cell("decoder.gru");

    // 1. Encode; a padded step keeps the previous state: h = h + m ⊙ (next − h).
    let h: tf.Tensor2D = tf.zeros([B, H]);
    const states: tf.Tensor2D[] = [];
    for (let s = 0; s < S; s++) {
      // (B, sourceVocabulary)·(sourceVocabulary, dEmbed) → (B, dEmbed)
      const x = tf.matMul<tf.Tensor2D>(batch.sourceTokens[s], v("encoder.embedding.table"));
      const next = gru(encoderCell, x, h);
      const real = batch.sourceReal[s];
      h = real === undefined ? next : tf.add(h, tf.mul(tf.sub(next, h), real));
      states.push(h);
    }
    const memory = tf.stack<tf.Tensor2D>(states, 1) as tf.Tensor3D; // S × (B, H) → (B, S, H)

    // 2. The key side of the additive score does not change from step to step: projected once,
    //    (B·S, H)·(H, dAttn) → (B, S, dAttn). The multiplicative score uses the states as keys.
    const keys: tf.Tensor3D =
      this.score === "additive"
        ? tf.reshape(tf.matMul(tf.reshape(memory, [B * S, H]), v("attention.wKey")), [B, S, -1])
        : memory;

    // 3. Decode with teacher forcing, attending over the source at every step.
    let state = h;
    const logits: tf.Tensor2D[] = [];
    for (const input of batch.targetInputs) {
      const y = tf.matMul<tf.Tensor2D>(input, v("decoder.embedding.table")); // → (B, dEmbed)
      const ht = gru(decoderCell, y, state);
      const scores = this.scores(ht, keys); // (B, S)
      const weights = tf.softmax(tf.add(scores, batch.attentionBias)); // over the last axis
      const context = tf.reshape(tf.matMul(tf.reshape(weights, [B, 1, S]), memory), [B, H]);
      const joined = tf.concat([ht, context], 1); // (B, 2H)
      const attentional = tf.tanh(
        tf.add(tf.matMul(joined, v("decoder.combine.weight")), v("decoder.combine.bias")),
      );
      logits.push(
        tf.add(tf.matMul(attentional, v("decoder.output.weight")), v("decoder.output.bias")),
      );
      state = ht;
    }

    // 4. Cross-entropy: the one-hot target rows pick log p of the right token; padded rows are 0.
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

  /** The scores of the decoder state h [B, H] against every source step: (B, S). */
  private scores(h: tf.Tensor2D, keys: tf.Tensor3D): tf.Tensor2D {
    const [B, S] = keys.shape;
    if (this.score === "multiplicative") {
      const q = tf.matMul(h, this.get("attention.w")); // (B, H)·(H, H) → (B, H)
      return tf.reshape(tf.matMul(keys, tf.reshape(q, [B, -1, 1])), [B, S]); // (B, S, H)·(B, H, 1)
    }
    const q = tf.matMul(h, this.get("attention.wQuery")); // (B, H)·(H, dAttn) → (B, dAttn)
    const u = tf.tanh(tf.add(keys, tf.reshape(q, [B, 1, -1]))); // (B, S, dAttn)
    const column = tf.matMul(tf.reshape(u, [B * S, -1]), this.get("attention.v")); // (B·S, 1)
    return tf.reshape(column, [B, S]);
  }
}

/**
 * One GRU step in PyTorch's gate layout, as src/nn.ts's GRUCell:
 *
 * r = σ(x W_ir + b_ir + h W_hr + b_hr), z = σ(x W_iz + b_iz + h W_hz + b_hz),
 * n = tanh(x W_in + b_in + r ⊙ (h W_hn + b_hn)), h′ = n + z ⊙ (h − n)
 */
function gru(cell: GruWeights, x: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
  const gi = tf.add(tf.matMul(x, cell.wInput), cell.bInput); // (B, dIn)·(dIn, 3H) → (B, 3H)
  const gh = tf.add(tf.matMul(h, cell.wHidden), cell.bHidden); // (B, H)·(H, 3H) → (B, 3H)
  const [ri, zi, ni] = tf.split(gi, 3, 1);
  const [rh, zh, nh] = tf.split(gh, 3, 1);

  const r = tf.sigmoid(tf.add(ri, rh));
  const z = tf.sigmoid(tf.add(zi, zh));
  const n = tf.tanh(tf.add(ni, tf.mul(r, nh)));

  return tf.add(n, tf.mul(z, tf.sub(h, n)));
}

/** The library's name of a parameter, which it must have. */
function parameterName(p: Var): string {
  if (p.name === undefined) throw new Error("bench: a Seq2Seq parameter has no name");
  return p.name;
}

/** The parameters of the library's Seq2Seq with attention, by name (src/nn.ts). */
function expectedNames(score: Score): string[] {
  const gru = (prefix: string) => GRU_PARTS.map((part) => `${prefix}.${part}`);
  const attention =
    score === "additive" ? ["attention.wQuery", "attention.wKey", "attention.v"] : ["attention.w"];
  return [
    "encoder.embedding.table",
    ...gru("encoder.gru"),
    "decoder.embedding.table",
    ...gru("decoder.gru"),
    ...attention,
    "decoder.combine.weight",
    "decoder.combine.bias",
    "decoder.output.weight",
    "decoder.output.bias",
  ];
}
