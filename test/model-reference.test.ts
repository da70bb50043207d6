// Whole models against an independent implementation: PyTorch 2.13.0 on the CPU in float64.
// scripts/make_model_fixtures.py wrote the encoder–decoder (three decoders, over a one-way and
// over a bidirectional encoder) and the attention classifier (learned and uniform attention)
// again in PyTorch from the equations in src/nn.ts, drew seeded parameters, and stored them with
// the loss on a fixed padded batch and the gradient of that loss with respect to every
// parameter (test/fixtures/seq2seq.json, seq2seq-bidirectional.json and classifier.json; see
// the README there). Here the same parameters go into the library's models and the loss and
// every gradient must agree to a relative error of 1e-8. PyTorch is not needed to run this file.

import { expect } from "chai";
import { readFileSync } from "fs";
import { join } from "path";
import { backward, crossEntropy, Var } from "../src/autodiff";
import {
  AttentionClassifier,
  AttentionClassifierOptions,
  Module,
  Seq2Seq,
  Seq2SeqOptions,
  SequenceBatch,
  TranslationBatch,
} from "../src/nn";
import { createRandom } from "../src/random";
import { CloseOptions, expectClose } from "./support/close";
import { loadFixture, Meta } from "./support/fixtures";

// Tolerances. Both sides are float64 and take the same steps in different orders, so they differ
// only by rounding: about 1e-16 per operation, compounded over the ~10 recurrent steps of the
// longest path, relative to the size of the terms being summed. The largest relative difference
// measured when the fixtures were written was 5.3e-13 (seq2seq.json, on a gradient entry of
// 7e-7; 4.6e-13 in seq2seq-bidirectional.json, on one of 2.4e-6).
//
// The loss is a mean of terms of order 1 with no cancellation: compared relatively.
const LOSS: CloseOptions = { rtol: 1e-8, atol: 0 };
// A gradient entry is a sum, over time steps and examples, of products of order-1 factors;
// the terms are of order 1e-3 … 1e-1. Where they cancel, the result's rounding error is about
// 1e-16 × (number of terms) × (size of the terms) ≲ 1e-15, not 1e-16 times the small result, so
// a purely relative test would fail on noise; and an entry no path reaches (the embedding row of
// a token the batch never uses) is exactly 0 on both sides. The floor of 1e-14 sits ten times
// above that bound (the largest difference measured when the fixtures were written was 1.1e-16)
// and takes over only below |∂| = 1e-6, where 1e-8 relative would be 1e-14: every entry above
// that is held to a relative error of at most 2e-8, and the smallest nonzero ones here
// (≈ 1e-7) to 1e-7.
const GRADIENTS: CloseOptions = { rtol: 1e-8, atol: 1e-14 };

/** One parameter in the library's name and layout, its value and ∂loss/∂value. */
interface ParameterRecord {
  name: string;
  shape: [number, number];
  value: number[][];
  grad: number[][];
}

/** A model's parameters in `parameters()` order, and its loss on the fixture's batch. */
interface ModelRecord {
  loss: number;
  parameters: ParameterRecord[];
}

type Attention = NonNullable<Seq2SeqOptions["attention"]>;

interface Seq2SeqFixtures {
  meta: Meta;
  options: Omit<Seq2SeqOptions, "attention">;
  batch: TranslationBatch;
  models: (ModelRecord & { attention: Attention })[];
}

interface ClassifierFixtures {
  meta: Meta;
  options: Omit<AttentionClassifierOptions, "uniformAttention">;
  batch: SequenceBatch;
  labels: number[];
  models: (ModelRecord & { uniformAttention: boolean })[];
}

const SCRIPT = "scripts/make_model_fixtures.py";

const seq2seq = loadFixture<Seq2SeqFixtures>("seq2seq");
const bidirectional = loadFixture<Seq2SeqFixtures>("seq2seq-bidirectional");
const positions = loadFixture<Seq2SeqFixtures>("seq2seq-positions");
const classifier = loadFixture<ClassifierFixtures>("classifier");

/**
 * Writes the fixture's values into the model's parameters, in `parameters()` order, after
 * checking that each name and shape is the one the fixture was written for.
 */
function loadParameters(model: Module, records: readonly ParameterRecord[]): Var[] {
  const params = model.parameters();
  if (params.length !== records.length) {
    throw new RangeError(
      `loadParameters: the model has ${params.length} parameters; the fixture ${records.length}`,
    );
  }
  params.forEach((p, k) => {
    const r = records[k];
    if (p.name !== r.name || p.shape[0] !== r.shape[0] || p.shape[1] !== r.shape[1]) {
      throw new RangeError(
        `loadParameters: parameter ${k} is ${p.name} [${p.shape.join(", ")}]; ` +
          `the fixture has ${r.name} [${r.shape.join(", ")}]`,
      );
    }
    p.value.data.set(r.value.flat());
  });
  return params;
}

/**
 * The tests of one model: names and shapes, the loss, and the gradient of every parameter.
 *
 * @param build a fresh model with the fixture's options (any seed: the values are overwritten).
 * @param lossOf the model's loss on the fixture's batch.
 */
function checkAgainstFixture<M extends Module>(
  build: () => M,
  lossOf: (model: M) => Var,
  record: ModelRecord,
): void {
  it("has the fixture's parameter names and shapes, in parameters() order", () => {
    const ours = build()
      .parameters()
      .map((p) => ({ name: p.name, shape: [...p.shape] }));
    const theirs = record.parameters.map(({ name, shape }) => ({ name, shape }));
    expect(ours).to.deep.equal(theirs);
  });

  // Built, loaded and differentiated once, on first use, for the tests below.
  let run: { loss: number; params: Var[] } | undefined;
  const result = () => {
    if (run === undefined) {
      const model = build();
      const params = loadParameters(model, record.parameters);
      const loss = lossOf(model);
      backward(loss);
      run = { loss: loss.value.data[0], params };
    }
    return run;
  };

  it("loss matches PyTorch", () => {
    expectClose(result().loss, record.loss, LOSS);
  });

  record.parameters.forEach((r, k) => {
    it(`∂loss/∂${r.name} matches torch.autograd`, () => {
      expectClose(result().params[k].gradMatrix(), r.grad, GRADIENTS);
    });
  });
}

describe("model reference fixtures", () => {
  for (const [file, meta] of [
    ["seq2seq", seq2seq.meta],
    ["seq2seq-bidirectional", bidirectional.meta],
    ["seq2seq-positions", positions.meta],
    ["classifier", classifier.meta],
  ] as const) {
    it(`${file}.json records PyTorch 2.13.0, float64 and the script's seed`, () => {
      expect(meta.generator).to.equal(SCRIPT);
      expect(meta.torch).to.match(/^2\.13\.0(\+cpu)?$/);
      expect(meta.dtype).to.equal("float64");
      // The seed in the file must be the one the script uses now, or the file is stale.
      const script = readFileSync(join(__dirname, "..", SCRIPT), "utf8");
      const seed = new RegExp(`"${file}": (\\d+)`).exec(script);
      expect(seed, `no seed for "${file}" in SEEDS of ${SCRIPT}`).to.not.equal(null);
      expect(meta.seed).to.equal(Number(seed![1]));
    });
  }

  it("seq2seq.json covers the three decoders over a one-way encoder", () => {
    expect(seq2seq.options.bidirectional).to.equal(undefined);
    expect(seq2seq.models.map((m) => m.attention)).to.deep.equal([
      "additive",
      "multiplicative",
      "none",
    ]);
  });

  it("seq2seq-bidirectional.json covers the three decoders over a bidirectional encoder", () => {
    expect(bidirectional.options.bidirectional).to.equal(true);
    expect(bidirectional.models.map((m) => m.attention)).to.deep.equal([
      "additive",
      "multiplicative",
      "none",
    ]);
  });

  it("seq2seq-positions.json covers the three decoders with positions on every embedding", () => {
    expect(positions.options.bidirectional).to.equal(true);
    expect(positions.options.positions).to.equal(true);
    expect(positions.options.dEmbed % 2, "an odd dEmbed: a last sine without its cosine").to.equal(
      1,
    );
    expect(positions.models.map((m) => m.attention)).to.deep.equal([
      "additive",
      "multiplicative",
      "none",
    ]);
  });

  it("the bidirectional batch has a one-token source and one with no padding", () => {
    // A one-token source is read backward in a single step from the zero state; an unpadded
    // one starts its backward pass at the very first step of the reversed loop.
    const { lengths, tokens } = bidirectional.batch.source;
    expect(Math.min(...lengths)).to.equal(1);
    expect(Math.max(...lengths)).to.equal(tokens[0].length);
  });

  it("classifier.json covers learned and uniform attention", () => {
    expect(classifier.models.map((m) => m.uniformAttention)).to.deep.equal([false, true]);
  });

  it("the batches are padded, so the masks and the ignored targets take part", () => {
    for (const { lengths, tokens } of [
      seq2seq.batch.source,
      seq2seq.batch.target,
      bidirectional.batch.source,
      bidirectional.batch.target,
      classifier.batch,
    ]) {
      expect(Math.min(...lengths)).to.be.below(tokens[0].length);
    }
  });
});

for (const fixtures of [seq2seq, bidirectional, positions]) {
  const encoder =
    (fixtures.options.bidirectional ? "a bidirectional" : "a one-way") +
    (fixtures.options.positions ? " (with positions)" : "");
  for (const record of fixtures.models) {
    const title =
      record.attention === "none" ? "a fixed-size memory" : `${record.attention} attention`;
    describe(`Seq2Seq with ${encoder} encoder and ${title} (PyTorch reference)`, () => {
      checkAgainstFixture(
        () => new Seq2Seq(createRandom(1), { ...fixtures.options, attention: record.attention }),
        (model) => model.loss(fixtures.batch),
        record,
      );
    });
  }
}

for (const record of classifier.models) {
  const title = record.uniformAttention ? "uniform" : "learned";
  describe(`AttentionClassifier with ${title} attention (PyTorch reference)`, () => {
    checkAgainstFixture(
      () =>
        new AttentionClassifier(createRandom(1), {
          ...classifier.options,
          uniformAttention: record.uniformAttention,
        }),
      (model) => crossEntropy(model.forward(classifier.batch).logits, classifier.labels),
      record,
    );
  });
}
