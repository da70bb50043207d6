// Fact spec of chapter 1: what the chapter teaches about a fixed-size memory against attention,
// read from the executed chapter. The data are drawn again here from the chapter's seeds, the
// parameter counts come from formulas written out here, accuracies are recomputed from the
// printed counts, the alignment is checked against the swap rule written out here, and the
// numbers the prose states are checked against the printed ones.
import { expect } from "chai";
import { createRandom, toyTranslationTask } from "../../src";
import type { SentencePair } from "../../src";
import { executedCourse } from "../support/course";
import {
  expectOpenExercises,
  htmlOutputs,
  joinText,
  Notebook,
  numberAfter,
  prose,
  rows,
  taggedOutput,
} from "../support/notebook-check";

const CHAPTER = "01-translators-parable";

/** A setting of the chapter's CONFIG cell, read from its source. */
function setting(notebook: Notebook, name: string): string {
  const cell = notebook.cells.find((c) => c.metadata.tags?.includes("fact-config"));
  const pattern = new RegExp(`^\\s*${name}: (\\[[^\\]]*\\]|[^,]+),`, "m");
  const match = joinText(cell?.source).match(pattern);
  if (!match) throw new Error(`no setting ${name} in the fact-config cell`);
  return match[1];
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The swap rule, written out: output word t comes from source word partner(t). */
const partner = (t: number, length: number) => (t % 2 === 0 ? Math.min(t + 1, length - 1) : t - 1);

// Parameter counts from the layers' shapes (row-vector convention, W of shape [dIn, dOut]).
// A GRU's three gates (r, z, n) each have W_i [dIn, h], W_h [h, h], b_i and b_h [1, h].
const gru = (dIn: number, h: number) => 3 * (dIn * h + h * h + 2 * h);
const linear = (dIn: number, dOut: number) => dIn * dOut + dOut;
const embedding = (vocabulary: number, d: number) => vocabulary * d;

describe("chapter 1: the translator's parable", function () {
  this.timeout(15 * 60_000);
  let chapter: Notebook;
  let text: string;
  let config: {
    words: number;
    dEmbed: number;
    hidden: number;
    steps: number;
    batchSize: number;
    testSentences: number;
    testLengths: number[];
  };
  let task: ReturnType<typeof toyTranslationTask>;
  let trainingBatches: SentencePair[][];
  let testSets: SentencePair[][];

  before(() => {
    chapter = executedCourse().executed(CHAPTER);
    text = prose(chapter);
    const number = (name: string) => Number(setting(chapter, name));
    config = {
      words: number("words"),
      dEmbed: number("dEmbed"),
      hidden: number("hidden"),
      steps: number("steps"),
      batchSize: number("batchSize"),
      testSentences: number("testSentences"),
      testLengths: JSON.parse(setting(chapter, "testLengths")) as number[],
    };
    expect(setting(chapter, "bidirectional")).to.equal("true");
    // The chapter's data, drawn again from its seeds.
    task = toyTranslationTask({ seed: number("languageSeed"), words: config.words });
    const [minLength, maxLength, spread] = ["minLength", "maxLength", "lengthSpread"].map(number);
    const trainingRng = createRandom(number("dataSeed"));
    trainingBatches = Array.from({ length: config.steps }, () => {
      const centre = trainingRng.int(minLength, maxLength + 1);
      const shortest = Math.max(minLength, centre - spread);
      const longest = Math.min(maxLength, centre + spread);
      return task.sample(trainingRng, config.batchSize, shortest, longest);
    });
    const testRng = createRandom(number("testSeed"));
    testSets = config.testLengths.map((length) =>
      task.sample(testRng, config.testSentences, length, length),
    );
  });

  /** The dictionary d, from one-word sentences (which keep their place). */
  const d = (word: number) => task.translate([word])[0];
  const wordId = (word: string) => task.sourceWords.indexOf(word);
  const targetId = (word: string) => task.targetWords.indexOf(word);

  it("ends with exercises 1.1 to 1.3, each left unanswered with a hint", () => {
    expectOpenExercises(chapter, 1, 3);
  });

  it("shows a toy language whose neighbouring words swap places", () => {
    const lines = taggedOutput(chapter, "fact-task").split("\n");
    const examples = task.sample(createRandom(0), 3, 5, 7);
    examples.forEach((pair, k) => {
      const [source, wordForWord, reference] = lines
        .slice(4 * k, 4 * k + 3)
        .map((line) => line.split(/\s+/).slice(line.startsWith("word for word") ? 3 : 1));
      expect(source.map(wordId)).to.deep.equal(pair.source);
      expect(wordForWord.map(targetId)).to.deep.equal(pair.source.map(d));
      // The reference is the word-for-word line with every neighbouring pair swapped.
      const swapped = pair.source.map((_, t) => d(pair.source[partner(t, pair.source.length)]));
      expect(reference.map(targetId)).to.deep.equal(swapped);
    });
    // At least one example has an odd length, whose last word stays in place.
    expect(examples.some((pair) => pair.source.length % 2 === 1)).to.equal(true);
  });

  it("gives the attention model fewer parameters than the fixed-size memory", () => {
    const output = taggedOutput(chapter, "fact-parameters");
    const { words, dEmbed, hidden } = config;
    const dState = 2 * hidden; // a bidirectional encoder's state
    const encoder = embedding(words, dEmbed) + 2 * gru(dEmbed, hidden);
    // Both decoders: an embedding with the start token added, and the bridge from c to s_0.
    const decoderShared = embedding(words + 1, dEmbed) + linear(dState, hidden);
    const bottleneckDecoder =
      decoderShared + gru(dEmbed + dState, hidden) + linear(hidden + dState, words + 1);
    const attentionDecoder =
      decoderShared +
      gru(dEmbed, hidden) +
      hidden * dState + // the score's W
      linear(hidden + dState, hidden) + // W_c
      linear(hidden, words + 1);
    const printed = rows(
      output,
      /^(fixed-size memory|attention) +encoder (\d+) +decoder (\d+) +total (\d+) parameters$/,
    );
    expect(printed).to.deep.equal([
      [
        "fixed-size memory",
        String(encoder),
        String(bottleneckDecoder),
        String(encoder + bottleneckDecoder),
      ],
      ["attention", String(encoder), String(attentionDecoder), String(encoder + attentionDecoder)],
    ]);
    const difference = bottleneckDecoder - attentionDecoder;
    expect(difference).to.be.above(0);
    expect(text).to.include(
      `smaller* of the two, by ${difference.toLocaleString("en-US")} parameters`,
    );
    expect(numberAfter(output, "fixed-size memory ")).to.equal(dState);
    expect(output).to.include(`30 × ${dState} = ${30 * dState} numbers`);
    expect(text).to.include(`all ${(30 * dState).toLocaleString("en-US")} numbers`);
  });

  it("trains the attention model far lower than the fixed-size memory, with progress lines", () => {
    const progress = (tag: string, name: string) =>
      rows(
        taggedOutput(chapter, tag),
        new RegExp(`^${name} +step +(\\d+)/(\\d+) +mean loss of the last 25 steps ([\\d.]+) nats$`),
      ).map((r) => r.map(Number));
    const bottleneck = progress("fact-training-bottleneck", "fixed-size memory");
    const attention = progress("fact-training-attention", "attention");
    const steps = Array.from({ length: config.steps / 25 }, (_, k) => 25 * (k + 1));
    for (const run of [bottleneck, attention]) {
      expect(run.map((r) => r[0])).to.deep.equal(steps);
      expect(run.every((r) => r[1] === config.steps)).to.equal(true);
      // Both start near uniform guessing, ln 16.
      expect(run[0][2]).to.be.within(Math.log(config.words) - 0.5, Math.log(config.words) + 0.2);
    }
    const [lastBottleneck, lastAttention] = [bottleneck.at(-1)![2], attention.at(-1)![2]];
    expect(lastAttention).to.be.below(0.1);
    expect(lastBottleneck).to.be.above(1);
    expect(text).to.include("ends below 0.1 nats per word");
    expect(text).to.include("ends near 1.6 nats");
    expect(lastBottleneck).to.be.closeTo(1.6, 0.15);
    // "still going down in the last reports": the last three below the three before them.
    const losses = bottleneck.map((r) => r[2]);
    expect(mean(losses.slice(-3))).to.be.below(mean(losses.slice(-6, -3)));
    expect(htmlOutputs(chapter)).to.include("Training loss of the two translators");
  });

  it("on new sentences attention holds up with length; the fixed-size memory falls", () => {
    const output = taggedOutput(chapter, "fact-accuracy");
    // The test sentences are new: none occurs among the training sentences drawn here.
    const seenInTraining = new Set(trainingBatches.flat().map((p) => p.source.join(" ")));
    const overlap = testSets.flat().filter((p) => seenInTraining.has(p.source.join(" "))).length;
    expect(output).to.include(
      `test sentences that also occurred in training: ${overlap} of ${testSets.flat().length}`,
    );
    expect(overlap).to.equal(0);

    const table = rows(
      output,
      /^ *(\d+) +(fixed-size memory|attention) +(\d+)\/(\d+) = ([\d.]+) +(\d+)\/(\d+) = ([\d.]+)$/,
    );
    expect(table).to.have.length(2 * config.testLengths.length);
    const accuracy = { "fixed-size memory": new Map(), attention: new Map() } as Record<
      string,
      Map<number, { words: number; sentences: number }>
    >;
    for (const [length, model, right, total, words, rightS, totalS, sentences] of table) {
      const L = Number(length);
      expect(Number(total), `${model} at ${L}`).to.equal(L * config.testSentences);
      expect(Number(totalS)).to.equal(config.testSentences);
      expect(Number(words)).to.be.closeTo(Number(right) / Number(total), 5e-5);
      expect(Number(sentences)).to.be.closeTo(Number(rightS) / Number(totalS), 5e-5);
      accuracy[model].set(L, { words: Number(words), sentences: Number(sentences) });
    }
    const memory = accuracy["fixed-size memory"];
    const attention = accuracy.attention;
    const [shortest, longest] = [config.testLengths[0], config.testLengths.at(-1)!];

    // Attention beats the fixed-size memory at 30 words by more than 0.8 in word accuracy.
    const margin = attention.get(longest)!.words - memory.get(longest)!.words;
    expect(margin).to.be.above(0.8);
    expect(text).to.include("more than 0.8 below the attention model");
    // Attention: perfect on short sentences, above 0.99 up to 25 words, about 0.95 at 30.
    expect(text).to.include("every word of every 5- and 10-word test sentence right");
    expect([attention.get(5)!.words, attention.get(10)!.words]).to.deep.equal([1, 1]);
    expect(text).to.include("stays above 0.99 up to 25 words");
    for (const L of [15, 20, 25]) expect(attention.get(L)!.words).to.be.above(0.99);
    // "about" in the prose: within 0.02 of the printed value.
    expect(text).to.include("still gets about 0.95 of the words right at 30");
    expect(attention.get(longest)!.words).to.be.closeTo(0.95, 0.02);
    // The fixed-size memory falls at every step in length, to about twice chance.
    const memoryCurve = config.testLengths.map((L) => memory.get(L)!.words);
    memoryCurve.slice(1).forEach((a, k) => expect(a).to.be.below(memoryCurve[k]));
    expect(memoryCurve[0] - memoryCurve.at(-1)!).to.be.above(0.2);
    expect(memoryCurve.at(-1)! / (1 / config.words)).to.be.within(1.5, 2.5);
    expect(text).to.include("about 0.37 of the words right at 5 words");
    expect(memory.get(shortest)!.words).to.be.closeTo(0.37, 0.02);
    expect(text).to.include("down to about 0.13 at 30 words");
    expect(memory.get(longest)!.words).to.be.closeTo(0.13, 0.02);

    // Whole sentences: about what independent word errors predict.
    const independent = attention.get(longest)!.words ** longest;
    expect(text).to.include("p^{30} \\approx 0.25$, close to what we measured");
    expect(independent).to.be.closeTo(0.25, 0.03);
    expect(attention.get(longest)!.sentences).to.be.closeTo(independent, 0.05);
    expect(text).to.include("sentence accuracy is 1.00 at 5 and 10 words, about 0.9 from 15 to 25");
    expect([attention.get(5)!.sentences, attention.get(10)!.sentences]).to.deep.equal([1, 1]);
    for (const L of [15, 20, 25]) expect(attention.get(L)!.sentences).to.be.closeTo(0.9, 0.05);
    expect(text).to.include("and under 0.3 at 30");
    expect(attention.get(longest)!.sentences).to.be.below(0.3);
    expect(text).to.include("gets a few of the 50 five-word sentences entirely right");
    expect(memory.get(shortest)!.sentences * config.testSentences).to.be.within(1, 10);
    for (const L of config.testLengths.slice(1)) expect(memory.get(L)!.sentences).to.equal(0);
    expect(htmlOutputs(chapter)).to.include("Accuracy against source length");
  });

  it("finds attention's errors at the last positions, which training reached least", () => {
    const output = taggedOutput(chapter, "fact-positions");
    const list = (name: string) =>
      rows(output, new RegExp(`^${name} +\\[(.*)\\]$`))[0][0]
        .split(", ")
        .map(Number);
    const attention = list("attention");
    const memory = list("fixed-size memory");
    expect(attention).to.have.length(30);
    expect(memory).to.have.length(30);
    expect(text).to.include("at least 0.95 of the words right at every position up to 25");
    expect(Math.min(...attention.slice(0, 25))).to.be.at.least(0.95);
    // "between about 0.7 and 0.85": that range widened by 0.05.
    expect(text).to.include("where it gets between about 0.7 and 0.85 right");
    for (const a of attention.slice(25)) expect(a).to.be.within(0.65, 0.9);
    // The mean over positions is the word accuracy of the 30-word sentences.
    const printed = taggedOutput(chapter, "fact-accuracy");
    expect(mean(attention)).to.be.closeTo(numberAfter(printed.split("\n").at(-2)!, "="), 0.01);
    // The fixed-size memory: best at the first word, then about twice chance (1/16).
    expect(memory[0]).to.equal(Math.max(...memory));
    expect(text).to.include("The fixed-size memory does best at the first word");
    expect(text).to.include("never gets more than about a quarter of the words right");
    expect(Math.max(...memory.slice(1))).to.be.at.most(0.3);
    expect(text).to.include("on average about twice what chance would give");
    expect(mean(memory.slice(1)) / (1 / config.words)).to.be.within(1.5, 2.5);

    // How many training sentences reach each position, counted here.
    const pairs = trainingBatches.flat();
    const reach = rows(output, /^ +t = +(\d+) +(\d+)$/).map((r) => r.map(Number));
    expect(reach.length).to.be.above(3);
    for (const [t, count] of reach) {
      expect(count, `position ${t}`).to.equal(pairs.filter((p) => p.source.length >= t).length);
    }
    const at = (t: number) => reach.find((r) => r[0] === t)![1];
    expect(text).to.include(
      `only ${at(30)} of the ${pairs.length.toLocaleString("en-US")} training sentences did, ` +
        `against ${at(10).toLocaleString("en-US")} that reached position 10`,
    );
  });

  it("reads the swap off the alignment: most words look brightest at their partner", () => {
    const output = taggedOutput(chapter, "fact-alignment");
    const table = rows(output, /^ *(\d+) +(\w+) +(W\d+) +(W\d+) +(\d+) (\w+) +([\d.]+) +(\d+)$/);
    const example = testSets.at(-1)![0];
    const m = example.source.length;
    expect(table).to.have.length(m);
    let onPartner = 0;
    let right = 0;
    table.forEach(
      ([t, source, out, reference, brightest, brightWord, weight, printedPartner], k) => {
        expect(Number(t)).to.equal(k);
        expect(wordId(source)).to.equal(example.source[k]);
        expect(targetId(reference)).to.equal(d(example.source[partner(k, m)]));
        expect(wordId(brightWord)).to.equal(example.source[Number(brightest)]);
        expect(Number(printedPartner)).to.equal(partner(k, m));
        expect(Number(weight)).to.be.within(1 / m, 1);
        if (Number(brightest) === partner(k, m)) onPartner += 1;
        if (out === reference) right += 1;
        // A wrong word after a wrong glance is the translation of the word looked at.
        if (out !== reference && Number(brightest) !== partner(k, m)) {
          expect(targetId(out), `output word ${k}`).to.equal(d(example.source[Number(brightest)]));
        }
      },
    );
    expect(onPartner / m).to.be.at.least(0.9);
    expect(output).to.include(
      `output words whose brightest source word is the swap partner: ${onPartner} of ${m}`,
    );
    expect(output).to.include(`output words right: ${right} of ${m}`);
    expect(text).to.include(
      `In ${onPartner} of the ${m} rows the largest weight falls on the swap partner`,
    );
    const meanOnPartner = numberAfter(output, "mean weight on the swap partner:");
    expect(text).to.include("the mean weight on the partner is about 0.9");
    expect(meanOnPartner).to.be.closeTo(0.9, 0.03);
    const wrong = table.filter((r) => r[2] !== r[3]);
    expect(wrong.map((r) => r[0])).to.deep.equal(["25", "27", "29"]);
    expect(text).to.include("Three output words are wrong: 25, 27 and 29");
    // Word 25: about two thirds on the partner; words 27 and 29: one word too far to the left.
    expect(Number(wrong[0][4])).to.equal(partner(25, m));
    expect(Number(wrong[0][6])).to.be.closeTo(2 / 3, 0.05);
    expect(wrong.slice(1).map((r) => Number(r[4]))).to.deep.equal([25, 27]);
    expect(text).to.include("on source words 25 and 27 instead of 26 and 28");
    expect(htmlOutputs(chapter)).to.include(
      "Where the attention decoder looks while writing each word",
    );
  });

  it("introduces the glossary and the course's exercises", () => {
    for (const name of ["`n`", "`m`", "`dK`", "`dV`", "`dModel`", "`heads`", "`dAttn`"]) {
      expect(text).to.include(name);
    }
    expect(text).to.include('`check("1.1", answer)`');
    expect(text).to.include("Bahdanau, Cho and Bengio");
  });
});
