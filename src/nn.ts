/**
 * Layers, models and training for the course's toy experiments, built on {@link ./autodiff}.
 *
 * - Linear, Embedding and a GRU cell (Cho et al. 2014, eq. 5–8, in PyTorch's gate layout).
 * - A GRU encoder over a batch of padded sequences.
 * - Two decoders: one that sees only the encoder's final state, the fixed-size memory of Cho et
 *   al. 2014 and Sutskever et al. 2014, and one that attends over all encoder states at every
 *   step (Bahdanau et al. 2015 additive scores, or Luong et al. 2015 "general" multiplicative
 *   scores, chosen by option; the attentional output layer of Luong et al. eq. 5).
 * - An attention classifier over token embeddings (the word-level attention of Yang et al.
 *   2016), whose attention can be replaced by uniform weights for ablation.
 * - Adam (Kingma & Ba 2015, Algorithm 1) with clipping of the global gradient norm, and a
 *   training loop that reports progress through a callback.
 *
 * Every weight is drawn from a seeded generator, so the same seed gives bit-identical training.
 */

import {
  add,
  batchedAdditiveScores,
  batchedMix,
  batchedScores,
  concat,
  constant,
  crossEntropy,
  gatherRows,
  matmul,
  mul,
  parameter,
  reshape,
  sigmoid,
  sliceCols,
  sliceRows,
  gruStep,
  softmaxRows,
  sub,
  tanh,
  transpose,
  Var,
  backward,
  zeroGrad,
} from "./autodiff";
import {
  checkArray,
  checkFiniteNumber,
  checkInteger,
  checkOptions,
  formatShape,
  kindOf,
} from "./check";
import { sinusoidalPositions } from "./attention";
import { Random, checkRandom } from "./random";
import { Matrix } from "./tensor";

/** Anything with trainable parameters. */
export interface Module {
  /** The trainable parameters, in a fixed order. */
  parameters(): Var[];
}

/**
 * The number of trainable scalars of a module.
 *
 * @example countParameters(new Linear(rng, 4, 3)) // 4·3 + 3 = 15
 */
export function countParameters(module: Module): number {
  return module.parameters().reduce((total, p) => total + p.value.data.length, 0);
}

/** A parameter of shape [rows, cols] with entries uniform in [−bound, bound]. */
function uniformParameter(rng: Random, rows: number, cols: number, bound: number, name: string) {
  const data = new Float64Array(rows * cols);
  for (let k = 0; k < data.length; k++) data[k] = (2 * rng.uniform() - 1) * bound;
  return parameter(new Matrix(data, rows, cols), name);
}

/**
 * Checks an options object that must be given: present, a plain object, no unknown keys. (The
 * values are checked by the caller.)
 */
function checkRequiredOptions(fn: string, options: unknown, allowed: readonly string[]): void {
  if (options === undefined) {
    throw new TypeError(
      `${fn}: options must be an object (keys ${allowed.join(", ")}); got undefined`,
    );
  }
  checkOptions(fn, options, allowed);
}

/** Throws a TypeError unless an optional flag is undefined or a boolean. */
function checkFlag(fn: string, argName: string, value: unknown): void {
  if (value !== undefined && typeof value !== "boolean") {
    throw new TypeError(`${fn}: ${argName} must be a boolean; got ${kindOf(value)}`);
  }
}

/** A constant column [rows, 1] of ones and zeros. */
function column(values: readonly number[]): Var {
  return constant(new Matrix(Float64Array.from(values), values.length, 1));
}

/** Options of {@link Linear}. */
export interface LinearOptions {
  /** Whether to add a bias row (default true). */
  bias?: boolean;
  /** A name prefix for the parameters (default "linear"). */
  name?: string;
}

/**
 * A fully connected layer.
 *
 * y = x·W + b, W of shape [dIn, dOut], b of shape [1, dOut]; entries start uniform in
 * ±1/√dIn, as PyTorch's nn.Linear does.
 *
 * @example new Linear(createRandom(1), 8, 4).forward(x) // x [B, 8] → [B, 4]
 */
export class Linear implements Module {
  readonly weight: Var;
  readonly bias: Var | undefined;

  constructor(rng: Random, dIn: number, dOut: number, options: LinearOptions = {}) {
    checkRandom("Linear", "rng", rng);
    checkOptions("Linear", options, ["bias", "name"]);
    checkInteger("Linear", "dIn", dIn, 1);
    checkInteger("Linear", "dOut", dOut, 1);
    checkFlag("Linear", "bias", options.bias);
    if (options.name !== undefined && typeof options.name !== "string") {
      throw new TypeError(`Linear: name must be a string; got ${kindOf(options.name)}`);
    }
    const name = options.name ?? "linear";
    const bound = 1 / Math.sqrt(dIn);
    this.weight = uniformParameter(rng, dIn, dOut, bound, `${name}.weight`);
    this.bias =
      options.bias === false ? undefined : uniformParameter(rng, 1, dOut, bound, `${name}.bias`);
  }

  forward(x: Var): Var {
    const y = matmul(x, this.weight); // (B, dIn)·(dIn, dOut) → (B, dOut)
    return this.bias ? add(y, this.bias) : y;
  }

  parameters(): Var[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }
}

/**
 * A table of learned vectors, one per token.
 *
 * forward(indices)_k = E[indices_k], E of shape [vocabulary, d], entries start N(0, 1).
 */
export class Embedding implements Module {
  readonly table: Var;

  constructor(rng: Random, vocabulary: number, d: number, name = "embedding") {
    checkRandom("Embedding", "rng", rng);
    checkInteger("Embedding", "vocabulary", vocabulary, 1);
    checkInteger("Embedding", "d", d, 1);
    const data = new Float64Array(vocabulary * d);
    for (let k = 0; k < data.length; k++) data[k] = rng.normal();
    this.table = parameter(new Matrix(data, vocabulary, d), `${name}.table`);
  }

  forward(indices: readonly number[]): Var {
    checkArray("Embedding.forward", "indices", indices);
    const vocabulary = this.table.value.rows;
    const k = indices.findIndex((id) => !Number.isInteger(id) || id < 0 || id >= vocabulary);
    if (k >= 0) {
      throw new RangeError(
        `Embedding.forward: ${(this.table.name ?? "embedding").replace(/\.table$/, "")}: token id ${String(indices[k])} at ` +
          `indices[${k}] is not a word of the vocabulary (ids 0 … ${vocabulary - 1})`,
      );
    }
    return gatherRows(this.table, indices); // → (indices.length, d)
  }

  parameters(): Var[] {
    return [this.table];
  }
}

/**
 * A gated recurrent unit cell, with PyTorch's gate order (reset r, update z, candidate n):
 *
 * r = σ(x W_ir + b_ir + h W_hr + b_hr), z = σ(x W_iz + b_iz + h W_hz + b_hz),
 * n = tanh(x W_in + b_in + r ⊙ (h W_hn + b_hn)), h′ = (1 − z) ⊙ n + z ⊙ h
 *
 * The three input weights are stored side by side as wInput [dIn, 3H] (columns r | z | n), the
 * transpose of PyTorch's weight_ih; likewise wHidden [H, 3H], bInput and bHidden [1, 3H].
 */
export class GRUCell implements Module {
  readonly wInput: Var;
  readonly wHidden: Var;
  readonly bInput: Var;
  readonly bHidden: Var;
  readonly hidden: number;

  constructor(rng: Random, dIn: number, hidden: number, name = "gru") {
    checkRandom("GRUCell", "rng", rng);
    checkInteger("GRUCell", "dIn", dIn, 1);
    checkInteger("GRUCell", "hidden", hidden, 1);
    const bound = 1 / Math.sqrt(hidden);
    this.hidden = hidden;
    this.wInput = uniformParameter(rng, dIn, 3 * hidden, bound, `${name}.wInput`);
    this.wHidden = uniformParameter(rng, hidden, 3 * hidden, bound, `${name}.wHidden`);
    this.bInput = uniformParameter(rng, 1, 3 * hidden, bound, `${name}.bInput`);
    this.bHidden = uniformParameter(rng, 1, 3 * hidden, bound, `${name}.bHidden`);
  }

  /** One step: x [B, dIn], h [B, H] → h′ [B, H]. */
  forward(x: Var, h: Var): Var {
    return this.step(this.project(x), h);
  }

  /**
   * The input side of the gates, gi = x·W_i + b_i: x [N, dIn] → [N, 3H]. An encoder projects
   * all of a batch's steps at once (N = T·B) and hands each step's rows to {@link step}.
   */
  project(x: Var): Var {
    return add(matmul(x, this.wInput), this.bInput); // (N, dIn)·(dIn, 3H) → (N, 3H)
  }

  /** One step from a projected input: gi [B, 3H], h [B, H] → h′ [B, H] (see {@link gruStep}). */
  step(gi: Var, h: Var): Var {
    return gruStep(gi, h, this.wHidden, this.bHidden);
  }

  parameters(): Var[] {
    return [this.wInput, this.wHidden, this.bInput, this.bHidden];
  }
}

/** A batch of token sequences, padded to a common length. */
export interface SequenceBatch {
  /** B rows of T token ids; entries past an example's length are ignored (any valid id). */
  tokens: readonly (readonly number[])[];
  /** The true length of each example, 1 … T. */
  lengths: readonly number[];
}

/** Validates a batch and returns its size B and padded length T. */
export function checkBatch(fn: string, batch: SequenceBatch): { B: number; T: number } {
  if (typeof batch !== "object" || batch === null) {
    throw new TypeError(`${fn}: batch must be { tokens, lengths }; got ${kindOf(batch)}`);
  }
  checkArray(fn, "batch.tokens", batch.tokens);
  checkArray(fn, "batch.lengths", batch.lengths);
  const B = batch.tokens.length;
  if (B === 0) throw new RangeError(`${fn}: batch.tokens must not be empty`);
  const T = batch.tokens[0].length;
  if (batch.lengths.length !== B) {
    throw new RangeError(
      `${fn}: batch.lengths must have one entry per sequence (${B}); got ${batch.lengths.length}`,
    );
  }
  batch.tokens.forEach((row, b) => {
    if (row.length !== T) {
      throw new RangeError(`${fn}: batch.tokens[${b}] has ${row.length} tokens; expected ${T}`);
    }
    checkInteger(fn, `batch.lengths[${b}]`, batch.lengths[b], 1);
    if (batch.lengths[b] > T) {
      throw new RangeError(`${fn}: batch.lengths[${b}] is ${batch.lengths[b]}; at most ${T}`);
    }
  });
  return { B, T };
}

/** What {@link Encoder.forward} returns. */
export interface EncoderOutput {
  /**
   * Every step's state, time-major [T·B, dState] (step t of example b in row t·B + b); dState
   * is H, or 2H for a bidirectional encoder (forward state, then backward state).
   */
  states: Var;
  /**
   * A summary of each example, [B, dState]: the forward state after its last real token, and
   * for a bidirectional encoder also the backward state at its first token.
   */
  final: Var;
  /** mask[b][t]: whether step t is a real token of example b, [B, T]. */
  mask: boolean[][];
}

/**
 * A GRU run over a batch of padded sequences: embedding, then the cell at every step. Past an
 * example's length its state is carried unchanged, so `final` is the state after its last token.
 * A bidirectional encoder (Bahdanau et al. 2015, §3.2) also runs a second GRU from each
 * example's last real token back to its first, so that every step's state describes the words
 * on both sides of it.
 */
export class Encoder implements Module {
  readonly embedding: Embedding;
  readonly cell: GRUCell;
  readonly backwardCell: GRUCell | undefined;
  /** The size of each step's state: H, or 2H when bidirectional. */
  readonly dState: number;
  /** Whether each step's embedding has its sinusoidal position added (see {@link positionRows}). */
  readonly positions: boolean;
  readonly dEmbed: number;

  constructor(
    rng: Random,
    vocabulary: number,
    dEmbed: number,
    hidden: number,
    bidirectional = false,
    positions = false,
  ) {
    checkRandom("Encoder", "rng", rng);
    if (typeof bidirectional !== "boolean") {
      throw new TypeError(`Encoder: bidirectional must be a boolean; got ${kindOf(bidirectional)}`);
    }
    if (typeof positions !== "boolean") {
      throw new TypeError(`Encoder: positions must be a boolean; got ${kindOf(positions)}`);
    }
    this.positions = positions;
    this.embedding = new Embedding(rng, vocabulary, dEmbed, "encoder.embedding");
    this.cell = new GRUCell(rng, dEmbed, hidden, "encoder.gru");
    this.backwardCell = bidirectional
      ? new GRUCell(rng, dEmbed, hidden, "encoder.gruBackward")
      : undefined;
    this.dState = bidirectional ? 2 * hidden : hidden;
    this.dEmbed = dEmbed;
  }

  forward(batch: SequenceBatch): EncoderOutput {
    const { T } = checkBatch("Encoder.forward", batch);
    const steps = Array.from({ length: T }, (_, t) => t);
    // Every step's embeddings, time-major [T·B, dEmbed], looked up once for both directions;
    // each direction projects them for its gates in one product rather than one per step.
    const ids = steps.flatMap((t) => batch.tokens.map((row) => row[t]));
    const embedded = this.positions
      ? add(this.embedding.forward(ids), positionRows(steps, batch.tokens.length, this.dEmbed))
      : this.embedding.forward(ids);
    const forward = this.run(this.cell, batch, this.cell.project(embedded), steps);
    const mask = batch.lengths.map((length) => Array.from({ length: T }, (_, t) => t < length));
    if (!this.backwardCell) {
      return { states: concat(forward.states, "rows"), final: forward.last, mask };
    }
    // Run from the end: padded steps come first and leave the zero state untouched, so each
    // example's backward pass starts at its own last real token.
    const projected = this.backwardCell.project(embedded);
    const backward = this.run(this.backwardCell, batch, projected, steps.reverse());
    backward.states.reverse();
    const states = forward.states.map((f, t) => concat([f, backward.states[t]], "cols"));
    const final = concat([forward.last, backward.last], "cols");
    return { states: concat(states, "rows"), final, mask };
  }

  /**
   * One GRU over the steps in the given order; `projected` holds every step's gate inputs,
   * time-major [T·B, 3H]. Returns each step's state, in that order.
   */
  private run(cell: GRUCell, batch: SequenceBatch, projected: Var, order: number[]) {
    const B = batch.tokens.length;
    const H = cell.hidden;
    let h = constant(new Matrix(new Float64Array(B * H), B, H));
    const states: Var[] = [];
    for (const t of order) {
      const next = cell.step(sliceRows(projected, t * B, (t + 1) * B), h); // (B, 3H) → (B, H)
      // Padded steps keep the previous state: h = h + m ⊙ (next − h), m = 1 on real tokens.
      const real = batch.lengths.map((length) => (t < length ? 1 : 0));
      h = real.every((m) => m === 1) ? next : add(h, mul(sub(next, h), column(real)));
      states.push(h);
    }
    return { states, last: h };
  }

  parameters(): Var[] {
    const backward = this.backwardCell ? this.backwardCell.parameters() : [];
    return [...this.embedding.parameters(), ...this.cell.parameters(), ...backward];
  }
}

/** The attention score of {@link AttentionDecoder}. */
export type DecoderScore = "additive" | "multiplicative";

/** What one decoder step returns. */
export interface DecoderStep {
  /** Logits of the next token, [B, vocabulary]. */
  logits: Var;
  /** The new decoder state, [B, H]. */
  state: Var;
  /** Attention over the source steps, [B, S]; undefined for the bottleneck decoder. */
  weights: Matrix | undefined;
}

/** A decoder: the same step serves teacher-forced training and greedy translation. */
export interface Decoder extends Module {
  /** The state before the first step, from the encoder's summary. */
  initialState(encoded: EncoderOutput): Var;
  /**
   * Runs output step `position` (0-based) from `state`, feeding `inputs` (one token id per
   * example).
   */
  step(
    encoded: EncoderOutput,
    state: Var,
    inputs: readonly number[],
    position: number,
  ): DecoderStep;
  /** Whether each step's input embedding has its sinusoidal position added. */
  readonly positions: boolean;
}

/** Options shared by the two decoders. */
export interface DecoderOptions {
  /** Target vocabulary size, including the start token. */
  vocabulary: number;
  /** Embedding size. */
  dEmbed: number;
  /** Hidden size of the decoder's GRU; equal to the encoder's. */
  hidden: number;
  /** Size of the encoder's states (default: hidden; 2·hidden for a bidirectional encoder). */
  dState?: number;
  /** Add the sinusoidal position of each output step to its input embedding (default false). */
  positions?: boolean;
}

const DECODER_OPTIONS = ["vocabulary", "dEmbed", "hidden", "dState", "positions"] as const;

/** Checks the options every decoder takes, naming the decoder. */
function checkDecoderOptions(fn: string, options: unknown, allowed: readonly string[]): void {
  checkRequiredOptions(fn, options, allowed);
  const { vocabulary, dEmbed, hidden, dState } = options as DecoderOptions;
  checkInteger(fn, "vocabulary", vocabulary, 1);
  checkInteger(fn, "dEmbed", dEmbed, 1);
  checkInteger(fn, "hidden", hidden, 1);
  if (dState !== undefined) checkInteger(fn, "dState", dState, 1);
  const { positions } = options as DecoderOptions;
  if (positions !== undefined && typeof positions !== "boolean") {
    throw new TypeError(`${fn}: positions must be a boolean; got ${kindOf(positions)}`);
  }
}

/**
 * The decoder's first state from the encoder's summary c: c itself when the sizes agree, else
 * tanh(c·W_init + b), from the whole summary [forward; backward] (Bahdanau et al. 2015,
 * appendix A.2.2, use only the backward state).
 */
class Bridge implements Module {
  readonly init: Linear | undefined;

  constructor(rng: Random, dState: number, hidden: number) {
    this.init =
      dState === hidden ? undefined : new Linear(rng, dState, hidden, { name: "decoder.init" });
  }

  initialState(encoded: EncoderOutput): Var {
    return this.init ? tanh(this.init.forward(encoded.final)) : encoded.final;
  }

  parameters(): Var[] {
    return this.init ? this.init.parameters() : [];
  }
}

/**
 * The fixed-size memory: a GRU decoder whose only view of the source is the encoder's final
 * summary c, used as its initial state and fed again at every step (Cho et al. 2014):
 *
 * h_t = GRU([y_(t−1); c], h_(t−1)), h_0 = c (or tanh(c·W_init + b) when the sizes differ),
 * logits_t = [h_t; c]·W_out + b
 */
export class BottleneckDecoder implements Decoder {
  readonly embedding: Embedding;
  readonly cell: GRUCell;
  readonly output: Linear;
  readonly bridge: Bridge;
  readonly positions: boolean;

  constructor(rng: Random, options: DecoderOptions) {
    checkRandom("BottleneckDecoder", "rng", rng);
    checkDecoderOptions("BottleneckDecoder", options, DECODER_OPTIONS);
    const { vocabulary, dEmbed, hidden } = options;
    const dState = options.dState ?? hidden;
    this.embedding = new Embedding(rng, vocabulary, dEmbed, "decoder.embedding");
    this.cell = new GRUCell(rng, dEmbed + dState, hidden, "decoder.gru");
    this.output = new Linear(rng, hidden + dState, vocabulary, { name: "decoder.output" });
    this.bridge = new Bridge(rng, dState, hidden);
    this.positions = options.positions ?? false;
  }

  initialState(encoded: EncoderOutput): Var {
    return this.bridge.initialState(encoded);
  }

  step(
    encoded: EncoderOutput,
    state: Var,
    inputs: readonly number[],
    position: number,
  ): DecoderStep {
    const c = encoded.final;
    const y = embedAt(this.embedding, inputs, this.positions ? position : undefined); // (B, dEmbed)
    const h = this.cell.forward(concat([y, c], "cols"), state);
    return { logits: this.output.forward(concat([h, c], "cols")), state: h, weights: undefined };
  }

  parameters(): Var[] {
    return [
      ...this.embedding.parameters(),
      ...this.cell.parameters(),
      ...this.output.parameters(),
      ...this.bridge.parameters(),
    ];
  }
}

/** Options of {@link AttentionDecoder}. */
export interface AttentionDecoderOptions extends DecoderOptions {
  /** Additive (Bahdanau) or multiplicative (Luong "general") scores (default "additive"). */
  score?: DecoderScore;
  /** Hidden size d_a of the additive score (default: hidden). */
  dAttn?: number;
  /**
   * Feed each step's attentional vector h̃_(t−1) back into the next step's GRU input, so the
   * decoder knows where it looked last (Luong et al. 2015, §3.3, "input-feeding"); default false.
   */
  inputFeeding?: boolean;
}

/**
 * A GRU decoder that attends over every encoder state at each step (Luong et al. 2015, with
 * Bahdanau et al.'s additive score as an option):
 *
 * h_t = GRU(y_(t−1), h_(t−1)), h_0 = the encoder's summary (through W_init if sizes differ),
 * additive: e_ts = vᵀ tanh(h_t W_q + s_s W_k); multiplicative: e_ts = h_t W s_sᵀ,
 * α_t = softmax(e_t) over real source steps, c_t = Σ_s α_ts s_s,
 * h̃_t = tanh([h_t; c_t] W_c + b_c), logits_t = h̃_t W_out + b_out
 */
export class AttentionDecoder implements Decoder {
  readonly embedding: Embedding;
  readonly cell: GRUCell;
  readonly score: DecoderScore;
  readonly wQuery: Var;
  readonly wKey: Var | undefined;
  readonly v: Var | undefined;
  readonly combine: Linear;
  readonly output: Linear;
  readonly bridge: Bridge;
  readonly positions: boolean;
  readonly inputFeeding: boolean;
  readonly hidden: number;
  // Keyed weakly, so that the projected keys of a batch are freed with its encoder output.
  private readonly keysFor = new WeakMap<EncoderOutput, Var>();

  constructor(rng: Random, options: AttentionDecoderOptions) {
    checkRandom("AttentionDecoder", "rng", rng);
    checkDecoderOptions("AttentionDecoder", options, [
      ...DECODER_OPTIONS,
      "score",
      "dAttn",
      "inputFeeding",
    ]);
    const { vocabulary, dEmbed, hidden } = options;
    const dState = options.dState ?? hidden;
    const score = options.score ?? "additive";
    if (score !== "additive" && score !== "multiplicative") {
      throw new RangeError(
        `AttentionDecoder: score must be "additive" or "multiplicative"; got ${String(score)}`,
      );
    }
    const dAttn = options.dAttn ?? hidden;
    checkInteger("AttentionDecoder", "dAttn", dAttn, 1);
    const inputFeeding = options.inputFeeding ?? false;
    if (typeof inputFeeding !== "boolean") {
      throw new TypeError(
        `AttentionDecoder: inputFeeding must be a boolean; got ${kindOf(inputFeeding)}`,
      );
    }
    this.score = score;
    this.inputFeeding = inputFeeding;
    this.hidden = hidden;
    this.embedding = new Embedding(rng, vocabulary, dEmbed, "decoder.embedding");
    const dInput = inputFeeding ? dEmbed + hidden : dEmbed;
    this.cell = new GRUCell(rng, dInput, hidden, "decoder.gru");
    const bound = 1 / Math.sqrt(hidden);
    if (score === "additive") {
      this.wQuery = uniformParameter(rng, hidden, dAttn, bound, "attention.wQuery");
      this.wKey = uniformParameter(rng, dState, dAttn, bound, "attention.wKey");
      this.v = uniformParameter(rng, dAttn, 1, 1 / Math.sqrt(dAttn), "attention.v");
    } else {
      this.wQuery = uniformParameter(rng, hidden, dState, bound, "attention.w");
    }
    this.combine = new Linear(rng, hidden + dState, hidden, { name: "decoder.combine" });
    this.output = new Linear(rng, hidden, vocabulary, { name: "decoder.output" });
    this.bridge = new Bridge(rng, dState, hidden);
    this.positions = options.positions ?? false;
  }

  /** The state before the first step; with input feeding, [h_0; h̃_0] with h̃_0 = 0, [B, 2H]. */
  initialState(encoded: EncoderOutput): Var {
    const h0 = this.bridge.initialState(encoded);
    if (!this.inputFeeding) return h0;
    const B = h0.value.rows;
    return concat(
      [h0, constant(new Matrix(new Float64Array(B * this.hidden), B, this.hidden))],
      "cols",
    );
  }

  step(
    encoded: EncoderOutput,
    state: Var,
    inputs: readonly number[],
    position: number,
  ): DecoderStep {
    const H = this.hidden;
    const states = encoded.states; // (S·B, dState), time-major
    const y = embedAt(this.embedding, inputs, this.positions ? position : undefined); // (B, dEmbed)
    const h = this.inputFeeding
      ? this.cell.forward(concat([y, sliceCols(state, H, 2 * H)], "cols"), sliceCols(state, 0, H))
      : this.cell.forward(y, state); // (B, H)

    // 1. Score every source step, 2. normalise over the real ones, 3. mix the states.
    const scores = this.scores(h, this.keys(encoded)); // (B, S)
    const weights = softmaxRows(scores, encoded.mask);
    const context = batchedMix(weights, states); // (B, dState)

    const attentional = tanh(this.combine.forward(concat([h, context], "cols"))); // (B, H)
    const next = this.inputFeeding ? concat([h, attentional], "cols") : h;
    return { logits: this.output.forward(attentional), state: next, weights: weights.value };
  }

  /** The key side of the score, which does not change from step to step: projected once. */
  private keys(encoded: EncoderOutput): Var {
    if (!this.wKey) return encoded.states;
    let keys = this.keysFor.get(encoded);
    if (keys === undefined) {
      keys = matmul(encoded.states, this.wKey); // (S·B, dState)·(dState, dAttn) → (S·B, dAttn)
      this.keysFor.set(encoded, keys);
    }
    return keys;
  }

  /**
   * Every output step at once, under teacher forcing: the same logits as T calls of
   * {@link step}, time-major [T·B, vocabulary]. Without input feeding the decoder's GRU never
   * reads the attention, so its T states can be run first and the attention of all T steps
   * computed with one primitive each (scores, weights, contexts, logits) instead of T of each:
   * the arithmetic is the same, the graph about eight times smaller.
   *
   * @param inputs the fed token ids of each step, T lists of B.
   */
  teacherForced(encoded: EncoderOutput, inputs: readonly (readonly number[])[]): Var {
    if (this.inputFeeding) {
      throw new RangeError(
        "AttentionDecoder.teacherForced: with input feeding each step reads the previous " +
          "step's attention; run step() in a loop instead",
      );
    }
    const T = inputs.length;
    const B = inputs[0].length;

    // 1. All steps' input embeddings and gate inputs in one product: (T·B, dEmbed) → (T·B, 3H).
    const ids = inputs.flat();
    const embedded = this.embedding.forward(ids);
    const steps = Array.from({ length: T }, (_, t) => t);
    const y = this.positions
      ? add(embedded, positionRows(steps, B, embedded.value.cols))
      : embedded;
    const projected = this.cell.project(y);

    // 2. The GRU, step by step.
    let h = this.initialState(encoded);
    const states: Var[] = [];
    for (let t = 0; t < T; t++) {
      h = this.cell.step(sliceRows(projected, t * B, (t + 1) * B), h); // (B, H)
      states.push(h);
    }
    const all = concat(states, "rows"); // (T·B, H), time-major

    // 3. Score, normalise and mix for all T·B rows; row t·B + b reads example b's source.
    const mask = steps.flatMap(() => encoded.mask); // (T·B, S)
    const weights = softmaxRows(this.scores(all, this.keys(encoded), B), mask);
    const context = batchedMix(weights, encoded.states, B); // (T·B, dState)
    const attentional = tanh(this.combine.forward(concat([all, context], "cols")));
    return this.output.forward(attentional); // (T·B, vocabulary)
  }

  private scores(h: Var, keys: Var, examples?: number): Var {
    if (this.score === "multiplicative") {
      // (R, H)·(H, dState), then against each example's keys → (R, S)
      return batchedScores(matmul(h, this.wQuery), keys, examples);
    }
    // vᵀ tanh(h W_q + s W_k) for every source step s: (R, dAttn) against (S·B, dAttn) → (R, S)
    return batchedAdditiveScores(matmul(h, this.wQuery), keys, this.v!, examples);
  }

  parameters(): Var[] {
    const attention = this.wKey ? [this.wQuery, this.wKey, this.v!] : [this.wQuery];
    return [
      ...this.embedding.parameters(),
      ...this.cell.parameters(),
      ...attention,
      ...this.combine.parameters(),
      ...this.output.parameters(),
      ...this.bridge.parameters(),
    ];
  }
}

/** A batch of source sentences and their reference translations. */
export interface TranslationBatch {
  source: SequenceBatch;
  /** The references; target.lengths[b] real tokens in target.tokens[b]. */
  target: SequenceBatch;
}

/** Options of {@link Seq2Seq}. */
export interface Seq2SeqOptions {
  sourceVocabulary: number;
  /** Target vocabulary size; the id `targetVocabulary` is added as the start token. */
  targetVocabulary: number;
  dEmbed: number;
  hidden: number;
  /** "none" for the fixed-size memory, or the attention score (default "additive"). */
  attention?: "none" | DecoderScore;
  /** Read the source in both directions (default false); see {@link Encoder}. */
  bidirectional?: boolean;
  /** Input feeding in the attention decoder (default false); see {@link AttentionDecoderOptions}. */
  inputFeeding?: boolean;
  /**
   * Add sinusoidal position encodings (Vaswani et al. 2017, §3.5) to every input embedding of
   * the encoder and the decoder (default false), so that attention can find a source word by
   * where it sits as well as by what it is. The fixed-size memory gets them too, which keeps the
   * comparison fair: they say where a word is, not what it was.
   */
  positions?: boolean;
}

const SEQ2SEQ_OPTIONS = [
  "sourceVocabulary",
  "targetVocabulary",
  "dEmbed",
  "hidden",
  "attention",
  "bidirectional",
  "inputFeeding",
  "positions",
] as const;

/** What {@link Seq2Seq.translate} returns. */
export interface Translation {
  /** The predicted tokens, target.lengths[b] of them per example. */
  tokens: number[][];
  /** Attention per output step, each [B, S]; empty for the fixed-size memory. */
  attention: Matrix[];
}

/**
 * An encoder–decoder for the toy translation task: a GRU encoder, then either decoder.
 *
 * @example
 * const model = new Seq2Seq(createRandom(1), { sourceVocabulary: 20, targetVocabulary: 20,
 *   dEmbed: 16, hidden: 32, attention: "additive" });
 * const loss = model.loss(batch); // mean cross-entropy per target token
 */
export class Seq2Seq implements Module {
  readonly encoder: Encoder;
  readonly decoder: Decoder;
  readonly startToken: number;

  constructor(rng: Random, options: Seq2SeqOptions) {
    const fn = "Seq2Seq";
    checkRandom(fn, "rng", rng);
    checkRequiredOptions(fn, options, SEQ2SEQ_OPTIONS);
    const { sourceVocabulary, targetVocabulary, dEmbed, hidden } = options;
    checkInteger(fn, "sourceVocabulary", sourceVocabulary, 1);
    checkInteger(fn, "targetVocabulary", targetVocabulary, 1);
    checkInteger(fn, "dEmbed", dEmbed, 1);
    checkInteger(fn, "hidden", hidden, 1);
    const attention = options.attention === undefined ? "additive" : options.attention;
    if (attention !== "none" && attention !== "additive" && attention !== "multiplicative") {
      throw new RangeError(
        `${fn}: attention must be "none", "additive" or "multiplicative"; got ${String(attention)}`,
      );
    }
    if (options.inputFeeding !== undefined && typeof options.inputFeeding !== "boolean") {
      throw new TypeError(
        `${fn}: inputFeeding must be a boolean; got ${kindOf(options.inputFeeding)}`,
      );
    }
    if (options.inputFeeding && attention === "none") {
      throw new RangeError(
        `${fn}: inputFeeding feeds back the attention's output, so it needs attention ` +
          `"additive" or "multiplicative"; got "none"`,
      );
    }
    this.startToken = targetVocabulary;
    this.encoder = new Encoder(
      rng,
      sourceVocabulary,
      dEmbed,
      hidden,
      options.bidirectional,
      options.positions,
    );
    const dState = this.encoder.dState;
    const positions = this.encoder.positions;
    const shared = { vocabulary: targetVocabulary + 1, dEmbed, hidden, dState, positions };
    this.decoder =
      attention === "none"
        ? new BottleneckDecoder(rng, shared)
        : new AttentionDecoder(rng, {
            ...shared,
            score: attention,
            inputFeeding: options.inputFeeding,
          });
  }

  /** Mean cross-entropy per real target token, with teacher forcing. */
  loss(batch: TranslationBatch): Var {
    const fn = "Seq2Seq.loss";
    if (typeof batch !== "object" || batch === null) {
      throw new TypeError(`${fn}: batch must be { source, target }; got ${kindOf(batch)}`);
    }
    const { B, T } = checkBatch(fn, batch.target);
    const { B: sources } = checkBatch(fn, batch.source);
    if (sources !== B) {
      throw new RangeError(
        `${fn}: batch.source and batch.target must hold the same number of sentences; ` +
          `got ${sources} and ${B}`,
      );
    }
    // The start token (id targetVocabulary) and anything outside the vocabulary are not words a
    // reference may contain; −1 is not padding here either: padding is what lies past a length.
    batch.target.tokens.forEach((row, b) => {
      for (let t = 0; t < batch.target.lengths[b]; t++) {
        const id = row[t];
        if (!Number.isInteger(id) || id < 0 || id >= this.startToken) {
          throw new RangeError(
            `${fn}: batch.target.tokens[${b}][${t}] is ${String(id)}; the target vocabulary ` +
              `has ids 0 … ${this.startToken - 1}`,
          );
        }
      }
    });
    const encoded = this.encoder.forward(batch.source);
    const inputs = Array.from({ length: T }, (_, t) =>
      batch.target.tokens.map((row) => (t === 0 ? this.startToken : row[t - 1])),
    );
    let stacked: Var; // (T·B, vocabulary), time-major
    if (this.decoder instanceof AttentionDecoder && !this.decoder.inputFeeding) {
      stacked = this.decoder.teacherForced(encoded, inputs);
    } else {
      let state = this.decoder.initialState(encoded);
      const logits: Var[] = [];
      for (let t = 0; t < T; t++) {
        const out = this.decoder.step(encoded, state, inputs[t], t);
        logits.push(out.logits);
        state = out.state;
      }
      stacked = concat(logits, "rows");
    }
    // Time-major targets, −1 on padding, to match the stacked logits [T·B, vocabulary].
    const targets: number[] = [];
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        targets.push(t < batch.target.lengths[b] ? batch.target.tokens[b][t] : -1);
      }
    }
    return crossEntropy(stacked, targets);
  }

  /** Greedy translation: each step feeds back the most likely token. */
  translate(source: SequenceBatch, lengths: readonly number[]): Translation {
    const { B } = checkBatch("Seq2Seq.translate", source);
    checkArray("Seq2Seq.translate", "lengths", lengths);
    if (lengths.length !== B) {
      throw new RangeError(
        `Seq2Seq.translate: lengths must have one entry per sentence (${B}); got ${lengths.length}`,
      );
    }
    lengths.forEach((length, b) => checkInteger("Seq2Seq.translate", `lengths[${b}]`, length, 1));
    const encoded = this.encoder.forward(source);
    const T = Math.max(...lengths);
    let inputs = lengths.map(() => this.startToken);
    let state = this.decoder.initialState(encoded);
    const tokens: number[][] = lengths.map(() => []);
    const attention: Matrix[] = [];
    for (let t = 0; t < T; t++) {
      const out = this.decoder.step(encoded, state, inputs, t);
      const logits = out.logits.value;
      inputs = inputs.map((_, b) => argmaxRow(logits, b));
      inputs.forEach((token, b) => t < lengths[b] && tokens[b].push(token));
      if (out.weights) attention.push(out.weights);
      state = out.state;
    }
    return { tokens, attention };
  }

  parameters(): Var[] {
    return [...this.encoder.parameters(), ...this.decoder.parameters()];
  }
}

function argmaxRow(m: Matrix, row: number): number {
  let best = 0;
  for (let j = 1; j < m.cols; j++) {
    if (m.data[row * m.cols + j] > m.data[row * m.cols + best]) best = j;
  }
  return best;
}

/** Sinusoidal positions of the given steps, each repeated for B examples: time-major [T·B, d]. */
function positionRows(steps: readonly number[], B: number, d: number): Var {
  const T = Math.max(...steps) + 1;
  const table = sinusoidalPositions(T, d).data;
  const out = new Float64Array(steps.length * B * d);
  steps.forEach((t, k) => {
    for (let b = 0; b < B; b++) out.set(table.subarray(t * d, (t + 1) * d), (k * B + b) * d);
  });
  return constant(new Matrix(out, steps.length * B, d));
}

/** Embeds one step's tokens, adding the sinusoidal position when one is given. */
function embedAt(
  embedding: Embedding,
  inputs: readonly number[],
  position: number | undefined,
): Var {
  const y = embedding.forward(inputs);
  if (position === undefined) return y;
  return add(y, positionRows([position], 1, y.value.cols)); // (B, d) + (1, d) broadcast
}

/** Options of {@link AttentionClassifier}. */
export interface AttentionClassifierOptions {
  vocabulary: number;
  dEmbed: number;
  /** Hidden size of the attention scorer. */
  dAttn: number;
  classes: number;
  /** Train (and run) with uniform weights over the real tokens instead of learned attention. */
  uniformAttention?: boolean;
}

const CLASSIFIER_OPTIONS = [
  "vocabulary",
  "dEmbed",
  "dAttn",
  "classes",
  "uniformAttention",
] as const;

/** What {@link AttentionClassifier.forward} returns. */
export interface ClassifierOutput {
  /** [B, classes]. */
  logits: Var;
  /** Attention over each example's tokens, [B, T] (zeros on padding). */
  weights: Matrix;
}

/**
 * A classifier that pools token embeddings with attention (Yang et al. 2016, word level):
 *
 * u_t = tanh(x_t W + b), e_t = u_t · v, α = softmax(e) over real tokens,
 * c = Σ_t α_t x_t, logits = c W_out + b_out
 */
export class AttentionClassifier implements Module {
  readonly embedding: Embedding;
  readonly scorer: Linear;
  readonly v: Var;
  readonly output: Linear;
  readonly uniformAttention: boolean;

  constructor(rng: Random, options: AttentionClassifierOptions) {
    const fn = "AttentionClassifier";
    checkRandom(fn, "rng", rng);
    checkRequiredOptions(fn, options, CLASSIFIER_OPTIONS);
    const { vocabulary, dEmbed, dAttn, classes } = options;
    checkInteger(fn, "vocabulary", vocabulary, 1);
    checkInteger(fn, "dEmbed", dEmbed, 1);
    checkInteger(fn, "dAttn", dAttn, 1);
    checkInteger(fn, "classes", classes, 2);
    checkFlag(fn, "uniformAttention", options.uniformAttention);
    this.embedding = new Embedding(rng, vocabulary, dEmbed, "classifier.embedding");
    this.scorer = new Linear(rng, dEmbed, dAttn, { name: "classifier.scorer" });
    this.v = uniformParameter(rng, dAttn, 1, 1 / Math.sqrt(dAttn), "classifier.v");
    this.output = new Linear(rng, dEmbed, classes, { name: "classifier.output" });
    this.uniformAttention = options.uniformAttention ?? false;
  }

  /**
   * Classifies a batch. `override` replaces the attention weights (e.g. uniform ones, for a
   * test-time ablation); each row must be a distribution over that example's real tokens.
   */
  forward(batch: SequenceBatch, override?: Matrix): ClassifierOutput {
    const { B, T } = checkBatch("AttentionClassifier.forward", batch);
    const timeMajor = Array.from({ length: T }, (_, t) => batch.tokens.map((row) => row[t]));
    const x = this.embedding.forward(timeMajor.flat()); // (T·B, dEmbed)
    const mask = batch.lengths.map((length) => Array.from({ length: T }, (_, t) => t < length));

    let weights: Var;
    if (override !== undefined) {
      weights = constant(checkOverride(override, mask));
    } else if (this.uniformAttention) {
      weights = constant(uniformWeights(batch.lengths, T));
    } else {
      const column = matmul(tanh(this.scorer.forward(x)), this.v); // (T·B, 1)
      weights = softmaxRows(transpose(reshape(column, T, B)), mask); // (B, T)
    }
    const pooled = batchedMix(weights, x); // (B, dEmbed)
    return { logits: this.output.forward(pooled), weights: weights.value };
  }

  parameters(): Var[] {
    const scorer = this.uniformAttention ? [] : [...this.scorer.parameters(), this.v];
    return [...this.embedding.parameters(), ...scorer, ...this.output.parameters()];
  }
}

/**
 * Uniform attention over each example's real tokens: 1/length on them, 0 on padding.
 *
 * @returns [B, T].
 */
export function uniformWeights(lengths: readonly number[], T: number): Matrix {
  const data = new Float64Array(lengths.length * T);
  lengths.forEach((length, b) => {
    for (let t = 0; t < length; t++) data[b * T + t] = 1 / length;
  });
  return new Matrix(data, lengths.length, T);
}

function checkOverride(override: Matrix, mask: boolean[][]): Matrix {
  const fn = "AttentionClassifier.forward";
  const [B, T] = [mask.length, mask[0].length];
  if (override.rows !== B || override.cols !== T) {
    throw new RangeError(`${fn}: override must have shape [${B}, ${T}]; got [${override.shape}]`);
  }
  for (let b = 0; b < B; b++) {
    let total = 0;
    for (let t = 0; t < T; t++) {
      const w = override.data[b * T + t];
      checkFiniteNumber(fn, `override[${b}, ${t}]`, w);
      if (w < 0 || (!mask[b][t] && w !== 0)) {
        throw new RangeError(
          `${fn}: override[${b}, ${t}] is ${w}; weights must be >= 0 and 0 on padding`,
        );
      }
      total += w;
    }
    if (Math.abs(total - 1) > 1e-9) {
      throw new RangeError(`${fn}: override row ${b} sums to ${total}; expected 1`);
    }
  }
  return override;
}

/** Options of {@link Adam}. */
export interface AdamOptions {
  /** Step size α (default 0.01). */
  learningRate?: number;
  /** Decay of the first-moment estimate β₁ (default 0.9). */
  beta1?: number;
  /** Decay of the second-moment estimate β₂ (default 0.999). */
  beta2?: number;
  /** ε added to the denominator (default 1e-8). */
  epsilon?: number;
  /** Rescale all gradients together when their global norm exceeds this (default: no clipping). */
  clipNorm?: number;
}

const ADAM_OPTIONS = ["learningRate", "beta1", "beta2", "epsilon", "clipNorm"] as const;

/**
 * The Adam optimizer (Kingma & Ba 2015, Algorithm 1), with optional clipping of the global
 * gradient norm first (Pascanu et al. 2013), which keeps a recurrent network's rare huge
 * gradients from throwing it off.
 *
 * m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², θ ← θ − α·m̂ / (√v̂ + ε), m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ)
 */
export class Adam {
  readonly params: readonly Var[];
  readonly learningRate: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly clipNorm: number | undefined;
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  private t = 0;

  constructor(params: readonly Var[], options: AdamOptions = {}) {
    checkOptions("Adam", options, ADAM_OPTIONS);
    checkArray("Adam", "params", params);
    if (params.length === 0)
      throw new RangeError("Adam: params must not be empty; nothing to train");
    params.forEach((p, k) => {
      if (!(p instanceof Var) || !p.requiresGrad) {
        const got = p instanceof Var ? "a constant Var" : kindOf(p);
        throw new TypeError(
          `Adam: params[${k}] must be a parameter (a Var from parameter() or a layer); got ${got}`,
        );
      }
    });
    this.params = params;
    this.learningRate = positive("learningRate", options.learningRate ?? 0.01);
    this.beta1 = fraction("beta1", options.beta1 ?? 0.9);
    this.beta2 = fraction("beta2", options.beta2 ?? 0.999);
    this.epsilon = positive("epsilon", options.epsilon ?? 1e-8);
    this.clipNorm =
      options.clipNorm === undefined ? undefined : positive("clipNorm", options.clipNorm);
    this.m = params.map((p) => new Float64Array(p.value.data.length));
    this.v = params.map((p) => new Float64Array(p.value.data.length));
  }

  /**
   * Updates every parameter in place from its gradient, then clears the gradients.
   *
   * @returns the global gradient norm before clipping.
   */
  step(): number {
    let squares = 0;
    for (const p of this.params) if (p.grad) for (const g of p.grad) squares += g * g;
    const norm = Math.sqrt(squares);
    if (!Number.isFinite(norm)) {
      throw new RangeError(`Adam.step: the gradient norm is ${norm}; training diverged`);
    }
    const clip = this.clipNorm !== undefined && norm > this.clipNorm ? this.clipNorm / norm : 1;

    this.t += 1;
    const correction1 = 1 - this.beta1 ** this.t;
    const correction2 = 1 - this.beta2 ** this.t;
    this.params.forEach((p, k) => {
      if (!p.grad) return;
      const theta = p.value.data;
      const [m, v] = [this.m[k], this.v[k]];
      for (let i = 0; i < theta.length; i++) {
        const g = p.grad[i] * clip;
        m[i] = this.beta1 * m[i] + (1 - this.beta1) * g;
        v[i] = this.beta2 * v[i] + (1 - this.beta2) * g * g;
        theta[i] -=
          (this.learningRate * (m[i] / correction1)) /
          (Math.sqrt(v[i] / correction2) + this.epsilon);
      }
    });
    zeroGrad(this.params);
    return norm;
  }
}

function positive(name: string, value: number): number {
  checkFiniteNumber("Adam", name, value);
  if (value <= 0) throw new RangeError(`Adam: ${name} must be > 0; got ${value}`);
  return value;
}

function fraction(name: string, value: number): number {
  checkFiniteNumber("Adam", name, value);
  if (!(value >= 0 && value < 1))
    throw new RangeError(`Adam: ${name} must be in [0, 1); got ${value}`);
  return value;
}

/** One report of {@link train}'s progress. */
export interface TrainingProgress {
  /** Steps done so far, 1 … steps. */
  step: number;
  /** Total steps of this run. */
  steps: number;
  /** The loss of this step. */
  loss: number;
  /** Mean wall-clock milliseconds per step since the previous report. */
  msPerStep: number;
}

/** Options of {@link train}. */
export interface TrainOptions {
  /** How many steps. */
  steps: number;
  /** Computes one step's loss (a 1×1 Var); called with the step number, 0-based. */
  loss: (step: number) => Var;
  /** The optimizer; its parameters are the ones trained. */
  optimizer: Adam;
  /** Called every `every` steps and after the last one. */
  onProgress?: (progress: TrainingProgress) => void;
  /** Report interval in steps (default 50). */
  every?: number;
}

const TRAIN_OPTIONS = ["steps", "loss", "optimizer", "onProgress", "every"] as const;

/**
 * Runs `steps` steps of: loss, backward, optimizer step. The library prints nothing; progress
 * goes to the callback.
 *
 * @returns the loss of every step.
 * @example
 * const losses = train({ steps: 300, loss: (k) => model.loss(batches[k % batches.length]),
 *   optimizer: new Adam(model.parameters(), { learningRate: 0.01, clipNorm: 5 }),
 *   onProgress: ({ step, loss, msPerStep }) => progress.push({ step, loss, msPerStep }) });
 */
export function train(options: TrainOptions): number[] {
  checkRequiredOptions("train", options, TRAIN_OPTIONS);
  checkInteger("train", "steps", options.steps, 1);
  const every = options.every ?? 50;
  checkInteger("train", "every", every, 1);
  if (typeof options.loss !== "function") {
    throw new TypeError(`train: loss must be a function of the step; got ${kindOf(options.loss)}`);
  }
  if (!(options.optimizer instanceof Adam)) {
    throw new TypeError(`train: optimizer must be an Adam; got ${kindOf(options.optimizer)}`);
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== "function") {
    throw new TypeError(`train: onProgress must be a function; got ${kindOf(options.onProgress)}`);
  }
  const losses: number[] = [];
  let since = performance.now();
  for (let step = 0; step < options.steps; step++) {
    const loss: unknown = options.loss(step);
    if (!(loss instanceof Var) || loss.value.rows !== 1 || loss.value.cols !== 1) {
      const got = loss instanceof Var ? `a Var of shape ${formatShape(loss.shape)}` : kindOf(loss);
      throw new TypeError(
        `train: loss(${step}) must return a 1×1 Var (the step's loss); got ${got}`,
      );
    }
    const value = loss.value.data[0];
    if (!Number.isFinite(value)) {
      throw new RangeError(`train: the loss at step ${step} is ${value}; training diverged`);
    }
    backward(loss);
    if (step === 0 && options.optimizer.params.every((p) => p.grad === undefined)) {
      throw new RangeError(
        "train: the loss does not depend on any of the optimizer's parameters; " +
          "was the optimizer made for another model?",
      );
    }
    options.optimizer.step();
    losses.push(value);
    const done = step + 1;
    if (options.onProgress && (done % every === 0 || done === options.steps)) {
      const now = performance.now();
      const count = done % every === 0 ? every : done % every;
      options.onProgress({
        step: done,
        steps: options.steps,
        loss: value,
        msPerStep: (now - since) / count,
      });
      since = now;
    }
  }
  return losses;
}
