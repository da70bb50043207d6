import { expect } from "chai";
import { Seq2Seq } from "../src/nn";
import type { Translation } from "../src/nn";
import { createRandom } from "../src/random";
import { pad, toyTranslationTask } from "../src/tasks";
import { Matrix } from "../src/tensor";
import { alignmentMatrix, evaluateTranslator, scoreTranslations } from "../src/translation";
import { expectClose } from "./support/close";

const model = (attention: "none" | "multiplicative") =>
  new Seq2Seq(createRandom(1), {
    sourceVocabulary: 6,
    targetVocabulary: 6,
    dEmbed: 4,
    hidden: 5,
    attention,
  });

describe("scoreTranslations", () => {
  it("counts right tokens, right sentences and right positions", () => {
    const score = scoreTranslations(
      [
        [1, 2, 3],
        [4, 5],
      ],
      [
        [1, 2, 0],
        [4, 5],
      ],
    );
    expect(score).to.deep.include({
      correctTokens: 4,
      tokens: 5,
      correctSentences: 1,
      sentences: 2,
    });
    expectClose(score.tokenAccuracy, 0.8);
    expectClose(score.sentenceAccuracy, 0.5);
    expectClose(score.positionAccuracy, [1, 1, 0]);
  });

  it("counts a word one place off as wrong", () => {
    const score = scoreTranslations([[2, 1]], [[1, 2]]);
    expect(score.correctTokens).to.equal(0);
    expect(score.positionAccuracy).to.deep.equal([0, 0]);
  });

  it("scores a single one-word sentence", () => {
    const score = scoreTranslations([[3]], [[3]]);
    expect([score.tokenAccuracy, score.sentenceAccuracy]).to.deep.equal([1, 1]);
  });

  it("divides each position by the sentences long enough to have it", () => {
    const score = scoreTranslations([[1], [1, 2, 3]], [[1], [1, 2, 0]]);
    expect(score.positionAccuracy).to.deep.equal([1, 1, 0]);
  });

  it("refuses translations of another length than their references, naming the sentence", () => {
    expect(() =>
      scoreTranslations(
        [[1, 2], [1]],
        [
          [1, 2],
          [1, 2],
        ],
      ),
    ).to.throw(RangeError, /^scoreTranslations: predicted\[1\] has 1 tokens; its reference has 2$/);
  });

  it("refuses empty lists and sentences, and counts that differ", () => {
    expect(() => scoreTranslations([], [])).to.throw(RangeError, /references must not be empty/);
    expect(() => scoreTranslations([[]], [[]])).to.throw(RangeError, /references\[0\] is empty/);
    expect(() => scoreTranslations([[1]], [[1], [2]])).to.throw(
      RangeError,
      /same number of sentences; got 1 and 2/,
    );
  });

  it("refuses word ids that are not integers, NaN among them", () => {
    expect(() => scoreTranslations([[NaN]], [[1]])).to.throw(RangeError, /predicted\[0\]\[0\]/);
    expect(() => scoreTranslations([[1]], [[1.5]])).to.throw(RangeError, /references\[0\]\[0\]/);
  });
});

describe("evaluateTranslator", () => {
  const task = toyTranslationTask({ seed: 1, words: 6 });
  const pairs = task.sample(createRandom(2), 7, 2, 5);

  it("scores what Seq2Seq.translate writes, batch size aside", () => {
    const seq2seq = model("multiplicative");
    const all = seq2seq.translate(
      pad(pairs.map((p) => p.source)),
      pairs.map((p) => p.target.length),
    ).tokens;
    const evaluation = evaluateTranslator(seq2seq, pairs, { batchSize: 3 });
    expect(evaluation.predicted).to.deep.equal(all);
    const expected = scoreTranslations(
      all,
      pairs.map((p) => p.target),
    );
    expect(evaluation).to.deep.include(expected);
  });

  it("writes as many words as each reference has", () => {
    const evaluation = evaluateTranslator(model("none"), pairs);
    expect(evaluation.predicted.map((p) => p.length)).to.deep.equal(
      pairs.map((p) => p.target.length),
    );
  });

  it("refuses a model that is not a Seq2Seq, no pairs and a bad batch size", () => {
    expect(() => evaluateTranslator({} as Seq2Seq, pairs)).to.throw(
      TypeError,
      /^evaluateTranslator: model must be a Seq2Seq; got/,
    );
    expect(() => evaluateTranslator(model("none"), [])).to.throw(RangeError, /must not be empty/);
    expect(() => evaluateTranslator(model("none"), pairs, { batchSize: 0 })).to.throw(
      RangeError,
      /batchSize must be an integer >= 1; got 0/,
    );
  });
});

describe("alignmentMatrix", () => {
  it("stacks one sentence's weights, one row per output word, padding left out", () => {
    const seq2seq = model("multiplicative");
    const sources = [
      [1, 2, 3, 4],
      [5, 0],
    ];
    const translation = seq2seq.translate(pad(sources), [4, 3]);
    const alignment = alignmentMatrix(translation, 1, 2);
    expect(alignment.shape).to.deep.equal([3, 2]);
    for (let t = 0; t < 3; t++) {
      expectClose(alignment.row(t), [
        translation.attention[t].get(1, 0),
        translation.attention[t].get(1, 1),
      ]);
      // The padded columns had weight 0, so the real ones still sum to 1.
      expectClose(
        alignment.row(t).reduce((a, b) => a + b, 0),
        1,
      );
    }
  });

  it("refuses the fixed-size memory, which has no alignment", () => {
    const translation = model("none").translate(pad([[1, 2]]), [2]);
    expect(() => alignmentMatrix(translation, 0, 2)).to.throw(
      RangeError,
      /^alignmentMatrix: translation.attention is empty; a model with attention "none"/,
    );
  });

  it("refuses an example or a source length outside the batch", () => {
    const translation: Translation = {
      tokens: [[1, 2]],
      attention: [new Matrix(Float64Array.from([0.5, 0.5]), 1, 2)],
    };
    expect(() => alignmentMatrix(translation, 1, 2)).to.throw(RangeError, /example must be < 1/);
    expect(() => alignmentMatrix(translation, 0, 3)).to.throw(
      RangeError,
      /sourceLength is 3; the batch's sources have 2 positions/,
    );
  });
});
