import { expect } from "chai";
import { documentTask, HierarchicalReader } from "../src/hierarchical";
import { Adam, train } from "../src/nn";
import { createRandom } from "../src/random";
import { expectClose } from "./support/close";
import { expectGradientsMatch } from "./support/gradcheck";

describe("documentTask", () => {
  const task = documentTask({ sentences: 6 });

  it("writes one sentence per subject, each with one colour word, and asks about one of them", () => {
    for (const example of task.sample(createRandom(1), 30)) {
      expect(example.sentences).to.have.length(6);
      const subjects = example.sentences.map((sentence) => sentence[1]);
      expect(new Set(subjects).size).to.equal(6);
      for (const sentence of example.sentences) {
        expect(sentence).to.have.length(task.sentenceLength);
        const colours = sentence.filter((id) => task.colours.includes(task.words[id]));
        expect(colours).to.have.length(1);
      }
      const asked = example.sentences[example.sentence];
      expect(asked).to.include(example.query);
      expect(task.words[asked[4]]).to.equal(task.colours[example.answer]);
    }
  });

  it("reads as text", () => {
    const [example] = task.sample(createRandom(2), 1);
    expect(task.text(example.sentences[0])).to.match(/^(the|a|my|that) \w+ \w+ \w+ \w+$/);
    expect(() => task.text([99])).to.throw(
      RangeError,
      /^text: ids\[0\] is 99; the vocabulary has \d+ words$/,
    );
  });

  it("gives the same documents for the same seed", () => {
    expect(task.sample(createRandom(5), 3)).to.deep.equal(task.sample(createRandom(5), 3));
  });

  it("rejects more sentences than subjects, fewer than two, and a misspelt option", () => {
    expect(() => documentTask({ sentences: 13 })).to.throw(
      RangeError,
      /^documentTask: sentences must be <= 12 \(one subject each\); got 13$/,
    );
    expect(() => documentTask({ sentences: 1 })).to.throw(
      RangeError,
      /^documentTask: sentences must be an integer >= 2; got 1$/,
    );
    expect(() => documentTask({ sentence: 4 } as never)).to.throw(
      TypeError,
      /^documentTask: unknown option "sentence"/,
    );
  });
});

describe("HierarchicalReader", () => {
  const task = documentTask({ sentences: 4 });
  const examples = task.sample(createRandom(3), 3);
  const options = { vocabulary: task.words.length, classes: task.colours.length, dAttn: 5 };

  it("agrees with central differences", () => {
    const reader = new HierarchicalReader(createRandom(1), options);
    expectGradientsMatch(() => reader.loss(examples), reader.parameters(), 1e-6, 1e-4);
  });

  it("gives sentence weights and word weights that sum to 1", () => {
    const reader = new HierarchicalReader(createRandom(1), options);
    const { sentenceWeights, wordWeights } = reader.forward(examples);
    expect(sentenceWeights.shape).to.deep.equal([3, 4]);
    expect(wordWeights.shape).to.deep.equal([4 * 3, 5]);
    for (const row of [...sentenceWeights.toArray(), ...wordWeights.toArray()]) {
      expectClose(
        row.reduce((a, b) => a + b, 0),
        1,
      );
    }
  });

  it("reads every sentence exactly as the training pass attends, with k = S", () => {
    const reader = new HierarchicalReader(createRandom(2), options);
    const { logits, sentenceWeights, wordWeights } = reader.forward(examples);
    examples.forEach((example, b) => {
      const reading = reader.read(example, { sentences: 4 });
      expectClose(reading.sentenceWeights, sentenceWeights.toArray()[b]);
      reading.chosen.forEach((i, r) => {
        expectClose(reading.wordWeights[r], wordWeights.toArray()[i * 3 + b]);
      });
      const row = logits.value.toArray()[b];
      expect(reading.answer).to.equal(row.indexOf(Math.max(...row)));
    });
  });

  it("reads the k heaviest sentences, heaviest first, and counts S + k·L scores", () => {
    const reader = new HierarchicalReader(createRandom(2), options);
    const reading = reader.read(examples[0], { sentences: 2 });
    const order = reading.sentenceWeights
      .map((w, i) => [w, i])
      .sort((a, b) => b[0] - a[0])
      .map(([, i]) => i);
    expect(reading.chosen).to.deep.equal(order.slice(0, 2));
    expect(reading.wordWeights).to.have.length(2);
    expect(reading.scores).to.equal(4 + 2 * 5);
  });

  it("learns to find the sentence and the colour within 200 steps", function () {
    this.timeout(60_000);
    const big = documentTask();
    const trainSet = big.sample(createRandom(21), 32 * 50);
    const testSet = big.sample(createRandom(22), 100);
    const reader = new HierarchicalReader(createRandom(1), {
      vocabulary: big.words.length,
      classes: big.colours.length,
      dAttn: 16,
    });
    train({
      steps: 200,
      loss: (k) => reader.loss(trainSet.slice((k % 50) * 32, (k % 50) * 32 + 32)),
      optimizer: new Adam(reader.parameters(), { learningRate: 0.05 }),
    });
    const accuracy = reader.evaluate(testSet, { sentences: 1 });
    expect(accuracy.sentence).to.be.above(0.95);
    expect(accuracy.answer).to.be.above(0.95);
  });

  it("rejects k outside 1 … S, a misspelt option, and documents of other shapes", () => {
    const reader = new HierarchicalReader(createRandom(1), options);
    expect(() => reader.read(examples[0], { sentences: 5 })).to.throw(
      RangeError,
      /^HierarchicalReader\.read: sentences must be <= 4, the document's; got 5$/,
    );
    expect(() => reader.read(examples[0], { sentence: 1 } as never)).to.throw(
      TypeError,
      /^HierarchicalReader\.read: unknown option "sentence"/,
    );
    expect(
      () => new HierarchicalReader(createRandom(1), { ...options, dEmbed: 4 } as never),
    ).to.throw(TypeError, /^HierarchicalReader: unknown option "dEmbed"/);
    const short = [{ ...examples[0], sentences: examples[0].sentences.slice(1) }, examples[1]];
    expect(() => reader.forward(short)).to.throw(
      RangeError,
      /^HierarchicalReader\.forward: every document needs 3 sentences \(as examples\[0\]\); got 4 in examples\[1\]$/,
    );
    const unknownWord = [{ ...examples[0], query: 999 }];
    expect(() => reader.forward(unknownWord)).to.throw(
      RangeError,
      /^HierarchicalReader\.forward: examples\[0\]\.query is 999; the vocabulary has \d+ words$/,
    );
  });
});
