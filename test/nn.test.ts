import { expect } from "chai";
import {
  backward,
  batchedAdditiveScores,
  concat,
  constant,
  crossEntropy,
  log,
  mul,
  parameter,
  scale,
  sum,
  Var,
  zeroGrad,
} from "../src/autodiff";
import {
  Adam,
  AttentionClassifier,
  AttentionDecoder,
  BottleneckDecoder,
  countParameters,
  Embedding,
  Encoder,
  GRUCell,
  Linear,
  Seq2Seq,
  train,
  TrainingProgress,
  uniformWeights,
} from "../src/nn";
import type {
  AdamOptions,
  AttentionClassifierOptions,
  AttentionDecoderOptions,
  LinearOptions,
  Seq2SeqOptions,
  TrainOptions,
} from "../src/nn";
import { randomMatrix } from "../src/ops";
import { createRandom } from "../src/random";
import { pad, shortcutTask, toyTranslationTask } from "../src/tasks";
import { matrix, Matrix } from "../src/tensor";
import { sinusoidalPositions } from "../src/attention";
import { expectClose } from "./support/close";
import { expectGradientsMatch } from "./support/gradcheck";

describe("layers", () => {
  it("Linear computes x·W + b and counts dIn·dOut + dOut parameters", () => {
    const layer = new Linear(createRandom(1), 2, 3);
    const x = constant(matrix([[1, 2]]));
    const w = layer.weight.value.toArray();
    const b = layer.bias!.value.toArray()[0];
    const expected = [0, 1, 2].map((j) => 1 * w[0][j] + 2 * w[1][j] + b[j]);
    expectClose(layer.forward(x).value.toArray(), [expected]);
    expect(countParameters(layer)).to.equal(2 * 3 + 3);
  });

  it("GRUCell keeps the state when the update gate is saturated open", () => {
    // z = σ(large) = 1 makes h′ = h whatever the input.
    const cell = new GRUCell(createRandom(2), 2, 2);
    cell.bInput.value.data.set([0, 0, 50, 50, 0, 0]);
    const h = constant(matrix([[0.3, -0.7]]));
    const next = cell.forward(constant(matrix([[1, -1]])), h);
    expectClose(next.value.toArray(), [[0.3, -0.7]], { rtol: 1e-12, atol: 1e-12 });
  });

  it("the encoder carries each example's state unchanged past its length", () => {
    const encoder = new Encoder(createRandom(3), 5, 3, 4);
    const short = encoder.forward({ tokens: [[1, 2]], lengths: [2] });
    const padded = encoder.forward({ tokens: [[1, 2, 4, 4]], lengths: [2] });
    expectClose(padded.final.value.toArray(), short.final.value.toArray(), { rtol: 0, atol: 0 });
  });

  it("a bidirectional encoder's backward pass starts at each example's last real token", () => {
    const encoder = new Encoder(createRandom(3), 5, 3, 4, true);
    const short = encoder.forward({ tokens: [[1, 2]], lengths: [2] });
    const padded = encoder.forward({ tokens: [[1, 2, 4, 4]], lengths: [2] });
    // Rows 0 and 1 are steps 0 and 1 (B = 1): both directions must agree with the unpadded run.
    const rows = (m: number[][]) => m.slice(0, 2);
    expectClose(rows(padded.states.value.toArray()), short.states.value.toArray(), {
      rtol: 0,
      atol: 0,
    });
    expectClose(padded.final.value.toArray(), short.final.value.toArray(), { rtol: 0, atol: 0 });
    expect(padded.states.shape).to.deep.equal([4, 8]);
  });

  it("an encoder with positions reads embedding + sinusoidal position at each step", () => {
    const plain = new Encoder(createRandom(3), 5, 4, 3);
    const placed = new Encoder(createRandom(3), 5, 4, 3, false, true);
    const tokens = { tokens: [[1, 1, 1]], lengths: [3] };
    // The same word three times: without positions the first step's state is reached from the
    // same input as the others; with them, feeding x_t + p_t by hand to the plain cell agrees.
    const table = plain.embedding.table.value.toArray()[1];
    const pe = sinusoidalPositions(3, 4).toArray();
    let h = constant(new Matrix(new Float64Array(3), 1, 3));
    const states: number[][] = [];
    for (let t = 0; t < 3; t++) {
      h = plain.cell.forward(constant(matrix([table.map((x, j) => x + pe[t][j])])), h);
      states.push(h.value.toArray()[0]);
    }
    expectClose(placed.forward(tokens).states.value.toArray(), states, {
      rtol: 1e-15,
      atol: 1e-15,
    });
  });

  it("an embedding names itself and the position of a token id outside its vocabulary", () => {
    const embedding = new Embedding(createRandom(1), 4, 2, "encoder.embedding");
    expect(() => embedding.forward([1, 4])).to.throw(
      RangeError,
      /^Embedding\.forward: encoder\.embedding: token id 4 at indices\[1\] is not a word of the vocabulary \(ids 0 … 3\)$/,
    );
    expect(() => embedding.forward([0.5])).to.throw(RangeError, /token id 0\.5 at indices\[0\]/);
  });

  it("uniformWeights spreads 1/length over the real tokens only", () => {
    expect(uniformWeights([2, 4], 4).toArray()).to.deep.equal([
      [0.5, 0.5, 0, 0],
      [0.25, 0.25, 0.25, 0.25],
    ]);
  });
});

describe("whole models agree with central differences", function () {
  this.timeout(60_000);
  const task = toyTranslationTask({ seed: 3, words: 6 });
  const batch = task.batch(task.sample(createRandom(4), 3, 2, 4));

  for (const attention of ["additive", "none"] as const) {
    it(`the bidirectional encoder–decoder with ${attention === "none" ? "a fixed-size memory" : `${attention} attention`}`, () => {
      const model = new Seq2Seq(createRandom(9), {
        sourceVocabulary: 6,
        targetVocabulary: 6,
        dEmbed: 3,
        hidden: 4,
        attention,
        bidirectional: true,
      });
      expectGradientsMatch(() => model.loss(batch), model.parameters(), 1e-6, 1e-4);
    });
  }

  for (const attention of ["multiplicative", "none"] as const) {
    it(`the encoder–decoder with positions and ${attention === "none" ? "a fixed-size memory" : `${attention} attention`}`, () => {
      const model = new Seq2Seq(createRandom(13), {
        sourceVocabulary: 6,
        targetVocabulary: 6,
        dEmbed: 4,
        hidden: 4,
        attention,
        bidirectional: true,
        positions: true,
      });
      expectGradientsMatch(() => model.loss(batch), model.parameters(), 1e-6, 1e-4);
    });
  }

  for (const score of ["additive", "multiplicative"] as const) {
    it(`all steps at once (${score}) give the loss and gradients of the step-by-step loop`, () => {
      const model = new Seq2Seq(createRandom(21), {
        sourceVocabulary: 6,
        targetVocabulary: 6,
        dEmbed: 4,
        hidden: 4,
        attention: score,
        bidirectional: true,
        positions: true,
      });
      const params = model.parameters();
      const fast = model.loss(batch); // Seq2Seq.loss takes the all-steps path
      backward(fast);
      const fastGrads = params.map((p) => p.gradMatrix());
      zeroGrad(params);

      const decoder = model.decoder as AttentionDecoder;
      const encoded = model.encoder.forward(batch.source);
      let state = decoder.initialState(encoded);
      const logits: Var[] = [];
      const { tokens, lengths } = batch.target;
      for (let t = 0; t < tokens[0].length; t++) {
        const inputs = tokens.map((row) => (t === 0 ? model.startToken : row[t - 1]));
        const out = decoder.step(encoded, state, inputs, t);
        logits.push(out.logits);
        state = out.state;
      }
      const targets = logits.flatMap((_, t) =>
        tokens.map((row, b) => (t < lengths[b] ? row[t] : -1)),
      );
      const slow = crossEntropy(concat(logits, "rows"), targets);
      backward(slow);
      expectClose(fast.value, slow.value, { rtol: 1e-13, atol: 0 });
      params.forEach((p, k) =>
        expectClose(fastGrads[k], p.gradMatrix(), { rtol: 1e-10, atol: 1e-13 }),
      );
    });
  }

  it("the bidirectional encoder–decoder with multiplicative attention and input feeding", () => {
    const model = new Seq2Seq(createRandom(11), {
      sourceVocabulary: 6,
      targetVocabulary: 6,
      dEmbed: 3,
      hidden: 4,
      attention: "multiplicative",
      bidirectional: true,
      inputFeeding: true,
    });
    expectGradientsMatch(() => model.loss(batch), model.parameters(), 1e-6, 1e-4);
  });

  for (const attention of ["additive", "multiplicative", "none"] as const) {
    it(`the encoder–decoder with ${attention === "none" ? "a fixed-size memory" : `${attention} attention`}`, () => {
      const model = new Seq2Seq(createRandom(5), {
        sourceVocabulary: 6,
        targetVocabulary: 6,
        dEmbed: 3,
        hidden: 4,
        attention,
      });
      expectGradientsMatch(() => model.loss(batch), model.parameters(), 1e-6, 1e-4);
    });
  }

  it("the attention classifier", () => {
    const shortcut = shortcutTask({ length: 5 });
    const examples = shortcut.sample(createRandom(6), 4, true);
    const model = new AttentionClassifier(createRandom(7), {
      vocabulary: shortcut.words.length,
      dEmbed: 3,
      dAttn: 4,
      classes: 2,
    });
    const loss = () =>
      crossEntropy(
        model.forward(shortcut.batch(examples)).logits,
        examples.map((e) => e.label),
      );
    expectGradientsMatch(loss, model.parameters(), 1e-6, 1e-4);
  });

  it("the fused additive scores with the queries of two steps at once", () => {
    const rng = createRandom(18);
    const queries = parameter(randomMatrix(rng, 4, 3), "queries");
    const keys = parameter(randomMatrix(rng, 8, 3), "keys");
    const v = parameter(randomMatrix(rng, 3, 1), "v");
    const weights = constant(randomMatrix(rng, 4, 4));
    expectGradientsMatch(
      () => sum(mul(batchedAdditiveScores(queries, keys, v, 2), weights)),
      [queries, keys, v],
    );
  });

  it("the fused additive scores", () => {
    const rng = createRandom(8);
    const queries = parameter(randomMatrix(rng, 2, 3), "queries");
    const keys = parameter(randomMatrix(rng, 8, 3), "keys");
    const v = parameter(randomMatrix(rng, 3, 1), "v");
    const weights = constant(randomMatrix(rng, 2, 4));
    expectGradientsMatch(
      () => sum(mul(batchedAdditiveScores(queries, keys, v), weights)),
      [queries, keys, v],
    );
  });
});

describe("Adam", () => {
  it("takes a first step of exactly the learning rate against the gradient's sign", () => {
    // With bias correction, m̂ = g and v̂ = g², so the first step is α·g/|g| (up to ε).
    const theta = parameter(matrix([[1, -2]]));
    theta.grad = Float64Array.of(0.3, -5);
    new Adam([theta], { learningRate: 0.1 }).step();
    expectClose(theta.value.toArray(), [[0.9, -1.9]], { rtol: 1e-7 });
  });

  it("clips the global gradient norm before the update and reports it", () => {
    const theta = parameter(matrix([[0, 0]]));
    theta.grad = Float64Array.of(3, 4);
    const norm = new Adam([theta], { learningRate: 0.1, clipNorm: 1 }).step();
    expect(norm).to.equal(5);
    expect(theta.grad).to.equal(undefined);
  });

  it("refuses a non-finite gradient instead of writing NaN into the parameters", () => {
    const theta = parameter(matrix([[0]]));
    theta.grad = Float64Array.of(NaN);
    expect(() => new Adam([theta]).step()).to.throw(RangeError, /gradient norm is NaN/);
    expect(theta.value.toArray()).to.deep.equal([[0]]);
  });

  it("rejects an empty parameter list", () => {
    expect(() => new Adam([])).to.throw(RangeError, /^Adam: params must not be empty/);
  });

  it("rejects a learning rate that is not positive", () => {
    expect(() => new Adam([parameter(matrix([[1]]))], { learningRate: 0 })).to.throw(
      RangeError,
      /learningRate must be > 0/,
    );
  });
});

describe("training", function () {
  this.timeout(120_000);

  const trainTranslation = (
    seed: number,
    steps: number,
    onProgress?: (p: TrainingProgress) => void,
  ) => {
    const task = toyTranslationTask({ seed: 1, words: 8 });
    const rng = createRandom(seed);
    const model = new Seq2Seq(createRandom(seed), {
      sourceVocabulary: 8,
      targetVocabulary: 8,
      dEmbed: 8,
      hidden: 32,
      attention: "additive",
    });
    const losses = train({
      steps,
      loss: () => model.loss(task.batch(task.sample(rng, 16, 2, 6))),
      optimizer: new Adam(model.parameters(), { learningRate: 0.01, clipNorm: 5 }),
      onProgress,
      every: 20,
    });
    return { losses, model, task };
  };

  it("gives bit-identical losses for the same seed", () => {
    const first = trainTranslation(11, 10).losses;
    const second = trainTranslation(11, 10).losses;
    expect(second).to.deep.equal(first);
    expect(trainTranslation(12, 10).losses).to.not.deep.equal(first);
  });

  it("brings the loss on short toy sentences below 0.35 within 300 steps", () => {
    const reports: TrainingProgress[] = [];
    const { losses, model, task } = trainTranslation(13, 300, (p) => reports.push(p));
    const last = losses.slice(-20).reduce((a, b) => a + b, 0) / 20;
    expect(losses[0]).to.be.above(1.5);
    expect(last).to.be.below(0.35);
    expect(reports.map((r) => r.step)).to.deep.equal(
      Array.from({ length: 15 }, (_, k) => 20 * (k + 1)),
    );
    // Greedy translations of fresh sentences get most tokens right.
    const pairs = task.sample(createRandom(14), 32, 2, 6);
    const { source, target } = task.batch(pairs);
    const predicted = model.translate(source, target.lengths).tokens;
    const right = pairs.flatMap((p, b) => p.target.map((token, t) => token === predicted[b][t]));
    expect(right.filter(Boolean).length / right.length).to.be.above(0.8);
  });

  it("names the step whose loss function returned something other than a 1×1 Var", () => {
    const optimizer = new Adam([parameter(matrix([[1]]))]);
    expect(() => train({ steps: 2, loss: () => 3 as never, optimizer })).to.throw(
      TypeError,
      /^train: loss\(0\) must return a 1×1 Var \(the step's loss\); got number$/,
    );
    const wide = () => parameter(matrix([[1, 2]]));
    expect(() => train({ steps: 2, loss: wide, optimizer })).to.throw(
      TypeError,
      /got a Var of shape \[1, 2\]$/,
    );
  });

  it("stops when the loss does not depend on the optimizer's parameters", () => {
    const optimizer = new Adam([parameter(matrix([[1]]))]);
    const other = parameter(matrix([[2]]));
    expect(() => train({ steps: 2, loss: () => sum(mul(other, other)), optimizer })).to.throw(
      RangeError,
      /^train: the loss does not depend on any of the optimizer's parameters; /,
    );
  });

  it("stops with a clear error when the loss is not finite", () => {
    const theta = parameter(matrix([[1]]));
    const loss = (): Var => scale(log(theta), Infinity);
    expect(() => train({ steps: 1, loss, optimizer: new Adam([theta]) })).to.throw(RangeError);
  });

  it("stops at the primitive that overflows, naming it, before the loss sees Infinity", () => {
    const layer = new Linear(createRandom(1), 1, 1, { bias: false });
    layer.weight.value.data[0] = 1e300;
    const loss = (): Var => sum(layer.forward(constant(matrix([[1e10]]))));
    expect(() => train({ steps: 1, loss, optimizer: new Adam(layer.parameters()) })).to.throw(
      RangeError,
      /^matmul: the result overflowed to Infinity at \[0, 0\]/,
    );
  });

  it("rejects a misspelt option, a missing optimizer and a callback that is not one", () => {
    const theta = parameter(matrix([[1]]));
    const loss = (): Var => sum(mul(theta, theta));
    const optimizer = new Adam([theta]);
    const misspelt = { steps: 1, loss, optimizer, onprogress: () => {} } as unknown as TrainOptions;
    expect(() => train(misspelt)).to.throw(
      TypeError,
      /^train: unknown option "onprogress"; expected one of steps, loss, optimizer, onProgress,/,
    );
    const missing = { steps: 1, loss } as unknown as TrainOptions;
    expect(() => train(missing)).to.throw(
      TypeError,
      /^train: optimizer must be an Adam; got undefined$/,
    );
    const bad = { steps: 1, loss, optimizer, onProgress: 1 } as unknown as TrainOptions;
    expect(() => train(bad)).to.throw(
      TypeError,
      /^train: onProgress must be a function; got number$/,
    );
    expect(() => train(undefined as unknown as TrainOptions)).to.throw(
      TypeError,
      /^train: options must be an object \(keys steps, loss, .*, every\); got undefined$/,
    );
  });
});

describe("options of the layers and models", () => {
  const rng = createRandom(1);
  const seq2seq = { sourceVocabulary: 4, targetVocabulary: 4, dEmbed: 2, hidden: 3 };
  const classifier = { vocabulary: 4, dEmbed: 2, dAttn: 2, classes: 2 };

  it("Linear rejects a misspelt option and a bias that is not a boolean", () => {
    expect(() => new Linear(rng, 2, 2, { biass: false } as unknown as LinearOptions)).to.throw(
      TypeError,
      /^Linear: unknown option "biass"; expected one of bias, name$/,
    );
    expect(() => new Linear(rng, 2, 2, { bias: "no" } as unknown as LinearOptions)).to.throw(
      TypeError,
      /^Linear: bias must be a boolean; got string$/,
    );
  });

  it("Adam rejects a misspelt option instead of training at the default rate", () => {
    expect(() => new Adam([], { lr: 0.1 } as unknown as AdamOptions)).to.throw(
      TypeError,
      /^Adam: unknown option "lr"; expected one of learningRate, beta1, beta2, epsilon, clipNorm$/,
    );
  });

  it("Seq2Seq rejects a misspelt option, names itself for a bad size, and checks attention", () => {
    const misspelt = { ...seq2seq, atention: "none" } as unknown as Seq2SeqOptions;
    expect(() => new Seq2Seq(rng, misspelt)).to.throw(
      TypeError,
      /^Seq2Seq: unknown option "atention"; expected one of sourceVocabulary, .*, bidirectional, inputFeeding, positions$/,
    );
    const noHidden = { ...seq2seq, hidden: undefined } as unknown as Seq2SeqOptions;
    expect(() => new Seq2Seq(rng, noHidden)).to.throw(
      TypeError,
      /^Seq2Seq: hidden must be a number; got undefined$/,
    );
    expect(() => new Seq2Seq(rng, { ...seq2seq, attention: "none", inputFeeding: true })).to.throw(
      RangeError,
      /^Seq2Seq: inputFeeding feeds back the attention's output, so it needs attention "additive" or "multiplicative"; got "none"$/,
    );
    const feeding = { ...seq2seq, inputFeeding: 1 } as unknown as Seq2SeqOptions;
    expect(() => new Seq2Seq(rng, feeding)).to.throw(
      TypeError,
      /^Seq2Seq: inputFeeding must be a boolean; got number$/,
    );
    const dot = { ...seq2seq, attention: "dot" } as unknown as Seq2SeqOptions;
    expect(() => new Seq2Seq(rng, dot)).to.throw(
      RangeError,
      /^Seq2Seq: attention must be "none", "additive" or "multiplicative"; got dot$/,
    );
    expect(() => new Seq2Seq(rng, undefined as unknown as Seq2SeqOptions)).to.throw(
      TypeError,
      /^Seq2Seq: options must be an object \(keys sourceVocabulary, .*\); got undefined$/,
    );
  });

  it("the decoders reject a misspelt option and name themselves for a bad size", () => {
    const shared = { vocabulary: 4, dEmbed: 2, hidden: 3 };
    const extra = { ...shared, dattn: 4 } as unknown as AttentionDecoderOptions;
    expect(() => new AttentionDecoder(rng, extra)).to.throw(
      TypeError,
      /^AttentionDecoder: unknown option "dattn"; expected one of vocabulary, .*, positions, score, dAttn, inputFeeding$/,
    );
    expect(() => new BottleneckDecoder(rng, { ...shared, score: "additive" } as never)).to.throw(
      TypeError,
      /^BottleneckDecoder: unknown option "score"; expected one of vocabulary, dEmbed, hidden, dState, positions$/,
    );
    expect(() => new BottleneckDecoder(rng, { ...shared, dEmbed: 0 })).to.throw(
      RangeError,
      /^BottleneckDecoder: dEmbed must be an integer >= 1; got 0$/,
    );
  });

  it("AttentionClassifier rejects a misspelt option and a flag that is not a boolean", () => {
    const misspelt = { ...classifier, uniform: true } as unknown as AttentionClassifierOptions;
    expect(() => new AttentionClassifier(rng, misspelt)).to.throw(
      TypeError,
      /^AttentionClassifier: unknown option "uniform"; expected one of .*, uniformAttention$/,
    );
    const flag = { ...classifier, uniformAttention: 1 } as unknown as AttentionClassifierOptions;
    expect(() => new AttentionClassifier(rng, flag)).to.throw(
      TypeError,
      /^AttentionClassifier: uniformAttention must be a boolean; got number$/,
    );
  });
});

describe("Seq2Seq.loss", () => {
  const model = new Seq2Seq(createRandom(1), {
    sourceVocabulary: 5,
    targetVocabulary: 5,
    dEmbed: 2,
    hidden: 3,
    attention: "multiplicative",
  });
  const source = { tokens: [[1, 2]], lengths: [2] };

  it("refuses the start token, −1 and ids past the vocabulary inside a reference", () => {
    for (const id of [5, -1, 6, 0.5]) {
      const batch = { source, target: { tokens: [[1, id]], lengths: [2] } };
      expect(() => model.loss(batch), String(id)).to.throw(
        RangeError,
        new RegExp(
          `^Seq2Seq\\.loss: batch\\.target\\.tokens\\[0\\]\\[1\\] is ${String(id).replace(".", "\\.")}; ` +
            "the target vocabulary has ids 0 … 4$",
        ),
      );
    }
  });

  it("accepts anything past a reference's length (padding)", () => {
    const batch = { source, target: { tokens: [[1, 99]], lengths: [1] } };
    expect(() => model.loss(batch)).not.to.throw();
  });

  it("names both counts when source and target hold different numbers of sentences", () => {
    const batch = { source, target: { tokens: [[1], [2]], lengths: [1, 1] } };
    expect(() => model.loss(batch)).to.throw(
      RangeError,
      /^Seq2Seq\.loss: batch\.source and batch\.target must hold the same number of sentences; got 1 and 2$/,
    );
    expect(() => model.loss(null as never)).to.throw(TypeError, /^Seq2Seq\.loss: batch must be/);
  });
});

describe("seeded generators and parameters", () => {
  it("every model names itself when rng is not a generator from createRandom", () => {
    const options = { sourceVocabulary: 3, targetVocabulary: 3, dEmbed: 2, hidden: 2 };
    expect(() => new Seq2Seq(undefined as never, options)).to.throw(
      TypeError,
      /^Seq2Seq: rng must be a seeded generator from createRandom\(seed\); got undefined$/,
    );
    expect(
      () => new AttentionClassifier(1 as never, { vocabulary: 3, dEmbed: 2, dAttn: 2, classes: 2 }),
    ).to.throw(TypeError, /^AttentionClassifier: rng must be a seeded generator/);
    expect(() => toyTranslationTask().sample(undefined as never, 2, 3, 4)).to.throw(
      TypeError,
      /^sample: rng must be a seeded generator/,
    );
  });

  it("Adam takes parameters only, naming the first that is not one", () => {
    expect(() => new Adam([1, 2] as never)).to.throw(
      TypeError,
      /^Adam: params\[0\] must be a parameter \(a Var from parameter\(\) or a layer\); got number$/,
    );
    expect(() => new Adam([constant(matrix([[1]]))])).to.throw(TypeError, /got a constant Var$/);
  });

  it("Seq2Seq refuses attention: null instead of reading it as the default", () => {
    const options = { sourceVocabulary: 3, targetVocabulary: 3, dEmbed: 2, hidden: 2 };
    expect(() => new Seq2Seq(createRandom(1), { ...options, attention: null as never })).to.throw(
      RangeError,
      /^Seq2Seq: attention must be "none", "additive" or "multiplicative"; got null$/,
    );
  });

  it("pad refuses token ids that are not integers >= 0, and a watermark flag that is not boolean", () => {
    expect(() => pad([[1, NaN]])).to.throw(
      RangeError,
      /^pad: sequences\[0\]\[1\] is NaN; a token id is an integer >= 0$/,
    );
    expect(() => pad([[-1]])).to.throw(RangeError, /^pad: sequences\[0\]\[0\] is -1/);
    expect(() => pad(null as never)).to.throw(TypeError, /^pad: sequences must be an array/);
    expect(() => shortcutTask().sample(createRandom(1), 2, "yes" as never)).to.throw(
      TypeError,
      /^sample: watermarkTracksLabel must be a boolean; got string$/,
    );
  });
});

describe("Seq2Seq.translate", () => {
  it("names itself when lengths does not match the batch", () => {
    const task = toyTranslationTask({ seed: 1, words: 6 });
    const model = new Seq2Seq(createRandom(1), {
      sourceVocabulary: 6,
      targetVocabulary: 6,
      dEmbed: 2,
      hidden: 3,
    });
    const { source } = task.batch(task.sample(createRandom(2), 4, 2, 3));
    expect(() => model.translate(source, [3])).to.throw(
      RangeError,
      /^Seq2Seq.translate: lengths must have one entry per sentence \(4\); got 1$/,
    );
  });
});

describe("tasks", () => {
  it("the toy translation swaps neighbouring words and translates each one", () => {
    const task = toyTranslationTask({ seed: 1, words: 8 });
    const [a, b, c] = task.translate([0, 1, 2]);
    const d = (w: number) => task.translate([w])[0];
    expect([a, b, c]).to.deep.equal([d(1), d(0), d(2)]);
  });

  it("the toy translation is the same for the same seed", () => {
    const one = toyTranslationTask({ seed: 5 }).sample(createRandom(1), 4, 3, 30);
    const two = toyTranslationTask({ seed: 5 }).sample(createRandom(1), 4, 3, 30);
    expect(two).to.deep.equal(one);
    one.forEach((p) => expect(p.source.length).to.be.within(3, 30));
  });

  it("the watermark tracks the label in training data and not in test data", () => {
    const task = shortcutTask();
    const trainSet = task.sample(createRandom(1), 400, true);
    trainSet.forEach((e) => expect(e.watermarkAt >= 0).to.equal(e.label === 1));
    const testSet = task.sample(createRandom(2), 400, false);
    const agree = testSet.filter((e) => e.watermarkAt >= 0 === (e.label === 1)).length;
    expect(agree / 400).to.be.within(0.4, 0.6);
  });

  it("the task generators reject a misspelt option", () => {
    expect(() => toyTranslationTask({ seed: 1, word: 8 } as never)).to.throw(
      TypeError,
      /^toyTranslationTask: unknown option "word"; expected one of seed, words$/,
    );
    expect(() => shortcutTask({ lenght: 8 } as never)).to.throw(
      TypeError,
      /^shortcutTask: unknown option "lenght"; expected one of seed, length$/,
    );
  });

  it("the true rule holds: the label's words outnumber the other side's", () => {
    const task = shortcutTask();
    for (const e of task.sample(createRandom(3), 200, false)) {
      const pos = e.tokens.filter((t) => task.positive.includes(t)).length;
      const neg = e.tokens.filter((t) => task.negative.includes(t)).length;
      expect(e.label === 1 ? pos > neg : neg > pos).to.equal(true);
      expect(e.tokens).to.have.length(12);
    }
  });
});
