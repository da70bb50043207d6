// Fact spec of chapter 4: what the chapter teaches, read from its executed outputs and checked
// against numbers computed here. Scores, softmaxes, parameter and operation counts are computed
// in plain code (and exact fractions with mathjs); the seeded test sets are replayed with the
// library's task generators (tested on their own in test/alignment.test.ts), and what the
// chapter says about them is recounted here.
import { expect } from "chai";
import { fraction, format } from "mathjs";
import { createRandom, timestampTask } from "../../src";
import type { TimestampExample } from "../../src";
import { executedCourse } from "../support/course";
import {
  expectOpenExercises,
  htmlOutputs,
  joinText,
  Notebook,
  numberAfter,
  taggedOutput,
} from "../support/notebook-check";

// ---------------------------------------------------------------------------------------------
// Plain-code references.

type Vector = number[];

const dot = (a: Vector, b: Vector) => a.reduce((s, x, i) => s + x * b[i], 0);

function plainSoftmax(scores: Vector): Vector {
  const top = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - top));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

const argmax = (xs: Vector) => xs.indexOf(Math.max(...xs));

// The chapter's side-by-side inputs: times encoded as (t, 1), W and the hand-set bump.
const KEY_TIMES = [0, 0.2, 0.4, 0.6, 0.8, 1];
const QUERY_TIMES = [0.2, 0.4, 0.8];
const W = [
  [8, 0],
  [-4, 0],
];
const BUMP = {
  wQuery: [
    [-10, -10],
    [1, -1],
  ],
  wKey: [
    [10, 10],
    [0, 0],
  ],
  v: [3, -3],
};

/** The four scores of one query and one key, each from its equation. */
const SCORES: Record<string, (q: Vector, k: Vector) => number> = {
  dot: (q, k) => dot(q, k),
  "scaled dot": (q, k) => dot(q, k) / Math.sqrt(q.length),
  bilinear: (q, k) => dot([dot(q, [W[0][0], W[1][0]]), dot(q, [W[0][1], W[1][1]])], k),
  additive: (q, k) =>
    BUMP.v.reduce(
      (total, va, a) =>
        total +
        va *
          Math.tanh(
            q[0] * BUMP.wQuery[0][a] +
              q[1] * BUMP.wQuery[1][a] +
              k[0] * BUMP.wKey[0][a] +
              k[1] * BUMP.wKey[1][a],
          ),
      0,
    ),
};

/** Operation counts from the chapter's formulas, written out again here. */
const FLOPS: Record<string, (n: number, m: number, ds: number, dh: number, da: number) => number> =
  {
    dot: (n, m, _ds, dh) => 2 * n * m * dh,
    scaledDot: (n, m, _ds, dh) => 2 * n * m * dh + n * m,
    bilinear: (n, m, ds, dh) => 2 * n * ds * dh + 2 * n * m * dh,
    additive: (n, m, ds, dh, da) => 2 * n * ds * da + 2 * m * dh * da + 4 * n * m * da,
  };

/** The matrix printed under a line `title` (a header of labels, then labelled rows). */
function matrixAfter(text: string, title: string): number[][] {
  const lines = text.split("\n");
  const start = lines.indexOf(title);
  if (start < 0) throw new Error(`no line "${title}" in:\n${text}`);
  const rows: number[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!/^u=/.test(line)) break;
    rows.push(line.trim().split(/\s+/).slice(1).map(Number));
  }
  return rows;
}

/** The markdown a tagged cell displayed (its text/markdown outputs, joined). */
function taggedMarkdown(notebook: Notebook, tag: string): string {
  const cells = notebook.cells.filter((cell) => cell.metadata.tags?.includes(tag));
  expect(cells, `cells tagged ${tag}`).to.have.length(1);
  return (cells[0].outputs ?? [])
    .map((output) => joinText(output.data?.["text/markdown"] as string | string[] | undefined))
    .join("");
}

/** Whether the example's question is about its earliest or latest event. */
function atAnEnd(example: TimestampExample): boolean {
  const u = example.times[example.target];
  return u === Math.min(...example.times) || u === Math.max(...example.times);
}

// ---------------------------------------------------------------------------------------------

describe("chapter 4: a zoo of attention mechanisms", function () {
  this.timeout(15 * 60_000);
  let chapter: Notebook;
  before(() => {
    chapter = executedCourse().executed("04-attention-zoo");
  });

  describe("four scores on the same queries and keys", () => {
    it("encodes the six event times and three query times as (t, 1)", () => {
      const text = taggedOutput(chapter, "fact-zoo-inputs");
      for (const t of [...KEY_TIMES, ...QUERY_TIMES]) {
        const label = KEY_TIMES.includes(t) && !QUERY_TIMES.includes(t) ? "t" : "[tu]";
        expect(text).to.match(new RegExp(`${label}=${t.toFixed(1)}  ${t.toFixed(1)}  1\\.0`));
      }
    });

    it("prints each score and its softmax weights as the equations give them", () => {
      const text = taggedOutput(chapter, "fact-zoo-scores");
      for (const [name, score] of Object.entries(SCORES)) {
        const expected = QUERY_TIMES.map((u) => KEY_TIMES.map((t) => score([u, 1], [t, 1])));
        const printedScores = matrixAfter(text, `${name} scores:`);
        const printedWeights = matrixAfter(text, `${name} weights:`);
        expect(printedScores, name).to.have.length(3);
        expected.forEach((row, i) => {
          row.forEach((s, j) =>
            expect(printedScores[i][j], `${name} [${i}, ${j}]`).to.be.closeTo(s, 5e-4),
          );
          plainSoftmax(row).forEach((w, j) =>
            expect(printedWeights[i][j], `${name} weight [${i}, ${j}]`).to.be.closeTo(w, 5e-4),
          );
        });
      }
    });

    it("finds the last event for dot and scaled dot, an end for bilinear, the own time for additive", () => {
      const text = taggedOutput(chapter, "fact-zoo-scores");
      const top = (name: string) =>
        text.match(new RegExp(`^${name} top key per query: (.*)$`, "m"))![1].split(", ");
      const label = (t: number) => `t=${t.toFixed(1)}`;
      for (const [name, score] of Object.entries(SCORES)) {
        const expected = QUERY_TIMES.map((u) =>
          label(KEY_TIMES[argmax(KEY_TIMES.map((t) => score([u, 1], [t, 1])))]),
        );
        expect(top(name), name).to.deep.equal(expected);
      }
      expect(top("dot")).to.deep.equal(["t=1.0", "t=1.0", "t=1.0"]);
      expect(top("scaled dot")).to.deep.equal(["t=1.0", "t=1.0", "t=1.0"]);
      expect(top("bilinear").every((t) => t === "t=0.0" || t === "t=1.0")).to.equal(true);
      expect(top("additive")).to.deep.equal(QUERY_TIMES.map(label));
    });

    it("scaling by √2 keeps the dot score's ranking and spreads the weights more evenly", () => {
      const text = taggedOutput(chapter, "fact-zoo-scores");
      const plain = matrixAfter(text, "dot weights:");
      const scaled = matrixAfter(text, "scaled dot weights:");
      plain.forEach((row, i) => {
        expect(argmax(scaled[i])).to.equal(argmax(row));
        expect(Math.max(...scaled[i])).to.be.below(Math.max(...row));
      });
    });

    it("puts the top key of 1000 random bilinear scores at an end, every time", () => {
      expect(taggedOutput(chapter, "fact-ends")).to.match(/in 1000 of 1000\n/);
    });

    it("draws the four weight heatmaps", () => {
      const html = htmlOutputs(chapter);
      for (const name of Object.keys(SCORES)) {
        expect(html).to.include(`${name} score: attention weights`);
      }
      expect(html).to.include("key: event time t");
    });
  });

  describe("counting parameters", () => {
    it("renders the counting formulas as LaTeX from mathjs, with subscripts", () => {
      const markdown = taggedMarkdown(chapter, "fact-parameter-formulas");
      expect(markdown).to.include(
        "N_{\\text{additive}} = d_{s}\\cdot d_{a}+ d_{h}\\cdot d_{a}+ d_{a}",
      );
      expect(markdown).to.include("N_{\\text{bilinear}} = d_{s}\\cdot d_{h}");
      expect(markdown).to.include("N_{\\text{dot}} = 0");
      expect(markdown).not.to.match(/\\mathrm|d\\_/);
    });

    it("counts 193·d_a additive against 8192 bilinear parameters for d_s = 64, d_h = 128", () => {
      const lines = taggedOutput(chapter, "fact-counts").trim().split("\n");
      expect(lines).to.have.length(6);
      for (const line of lines) {
        const [, dAttn, additive, bilinear] = line
          .match(/d_a = +(\d+): additive +(\d+), bilinear (\d+)/)!
          .map(Number);
        expect(additive, line).to.equal((64 + 128 + 1) * dAttn);
        expect(bilinear, line).to.equal(64 * 128);
        expect(line).to.match(additive < bilinear ? /has fewer$/ : /has more$/);
      }
    });

    it("finds the break-even size 8192/193 ≈ 42.45 as an exact fraction", () => {
      const text = taggedOutput(chapter, "fact-break-even");
      const oracle = fraction(64 * 128, 64 + 128 + 1);
      expect(text).to.match(
        new RegExp(`exact +d_a\\* = ${format(oracle, { fraction: "ratio" })}\\n`),
      );
      expect(text).to.include("exact      d_a* = 8192/193");
      expect(text).to.include("decimal    d_a* ≈ 42.45");
    });

    it("tabulates the break-even for other sizes, each as d_s·d_h / (d_s + d_h + 1)", () => {
      const rows = taggedOutput(chapter, "fact-size-table").trim().split("\n").slice(1);
      expect(rows.length).to.be.at.least(4);
      for (const row of rows) {
        const [ds, dh, bilinear, exact, approx] = row.trim().split(/\s+/);
        const oracle = fraction(Number(ds) * Number(dh), Number(ds) + Number(dh) + 1);
        expect(Number(bilinear), row).to.equal(Number(ds) * Number(dh));
        expect(exact, row).to.equal(format(oracle, { fraction: "ratio" }));
        expect(Number(approx), row).to.be.closeTo(Number(oracle.valueOf()), 0.005);
      }
    });

    it("plots both counts against d_a with the break-even marked", () => {
      const html = htmlOutputs(chapter);
      expect(html).to.include("Parameters of additive and bilinear attention");
      expect(html).to.include("break-even d_a = 8192/193 ≈ 42.45");
      expect(html).to.include("trainable parameters (count)");
    });
  });

  describe("the cost side", () => {
    it("renders one operation-count formula per score", () => {
      const markdown = taggedMarkdown(chapter, "fact-flop-formulas");
      expect(markdown).to.include("F_{\\text{dot}} = 2\\cdot n\\cdot m\\cdot d_{h}");
      expect(markdown).to.include("F_{\\text{scaled}} = 2\\cdot n\\cdot m\\cdot d_{h}+ n\\cdot m");
      expect(markdown).to.include("F_{\\text{bilinear}} = 2\\cdot n\\cdot d_{s}\\cdot d_{h}+2");
      expect(markdown).to.include("4\\cdot n\\cdot m\\cdot d_{a}");
      expect(markdown).not.to.include("\\mathrm");
    });

    it("counts the operations of each score at n = m = 8, 32, 128 with d = 32", () => {
      const lines = taggedOutput(chapter, "fact-flops").trim().split("\n").slice(2);
      expect(lines).to.have.length(4);
      for (const line of lines) {
        const [kind, ...numbers] = line.trim().split(/\s+/);
        const [at8, at32, at128, perPair] = numbers.map(Number);
        const count = (n: number) => FLOPS[kind](n, n, 32, 32, 32);
        expect([at8, at32, at128], line).to.deep.equal([count(8), count(32), count(128)]);
        expect(perPair, line).to.be.closeTo(count(128) / 128 ** 2, 0.005);
      }
    });

    it("needs 2.5 times the dot score's operations per pair at n = 128, twice the bilinear's", () => {
      const lines = taggedOutput(chapter, "fact-flops").trim().split("\n");
      const perPair = (kind: string) =>
        Number(
          lines
            .find((line) => line.startsWith(kind))!
            .trim()
            .split(/\s+/)
            .pop(),
        );
      expect(perPair("additive") / perPair("dot")).to.be.closeTo(2.5, 1e-9); // (4·32 + 2·32·2·32/128) / 64
      expect(perPair("additive")).to.be.above(2 * perPair("bilinear") - 1e-9);
    });

    it("times every score at every size, the additive score slowest at n = 128", () => {
      const text = taggedOutput(chapter, "fact-times");
      const rows = [
        ...text.matchAll(/^(\w+) +n = +(\d+): ([\d.]+) µs per call, ([\d.]+) ns per FLOP$/gm),
      ];
      expect(rows).to.have.length(12);
      for (const [line, kind, n, us, ns] of rows) {
        const flops = FLOPS[kind](Number(n), Number(n), 32, 32, 32);
        // Both printed from one measurement: ns per FLOP = µs · 1000 / FLOPs, up to rounding
        // (µs to 0.05, which is 50 / FLOPs ns per FLOP, and ns per FLOP to 0.005).
        expect(Number(ns), line).to.be.closeTo((Number(us) * 1000) / flops, 50 / flops + 0.0051);
      }
      const at128 = rows.filter(([, , n]) => n === "128");
      const slowest = at128.reduce((a, b) => (Number(b[3]) > Number(a[3]) ? b : a));
      expect(slowest[1]).to.equal("additive");
      const costliest = at128.reduce((a, b) => (Number(b[4]) > Number(a[4]) ? b : a));
      expect(costliest[1]).to.equal("additive");
    });

    it("plots the measured times", () => {
      expect(htmlOutputs(chapter)).to.include("Measured time per call of each score");
    });
  });

  describe("expressiveness: a trained comparison", () => {
    const timeline = timestampTask();
    const testSet = timeline.sample(createRandom(12), 500);
    const endShare = testSet.filter(atAnEnd).length / testSet.length;

    it("bounds the multiplicative score on the line by the share of questions about an end", () => {
      const text = taggedOutput(chapter, "fact-alignment-task");
      expect(text).to.include(
        `test questions about the first or last event: ${testSet.filter(atAnEnd).length} of 500`,
      );
      expect(numberAfter(text, "of 500 =")).to.be.closeTo(endShare, 5e-4);
      expect(endShare).to.be.below(0.5);
      // additive: d_s·d_a + d_h·d_a + d_a with d_s = d_h = 2, d_a = 8; bilinear: 2·2.
      expect(text).to.include("score parameters: additive (d_a = 8) 40, multiplicative 4");
    });

    it("aligns on the line only with the additive score, and on the circle with both", () => {
      const text = taggedOutput(chapter, "fact-alignment");
      const row = (encoding: string, score: string) => {
        const line = text.split("\n").find((l) => new RegExp(`^${encoding} +${score} `).test(l));
        const numbers = line!.trim().split(/\s+/).slice(2).map(Number);
        return { alignment: numbers.slice(0, 3), answers: numbers.slice(3) };
      };
      for (const a of row("line", "multiplicative").alignment) {
        expect(a).to.be.at.most(endShare + 5e-4);
        expect(a).to.be.closeTo(endShare, 5e-4); // the best a straight line can do, every seed
      }
      for (const a of row("line", "additive").alignment) expect(a).to.be.at.least(0.95);
      for (const a of row("circle", "multiplicative").alignment) expect(a).to.be.at.least(0.95);
      for (const a of row("circle", "additive").alignment) expect(a).to.be.within(0.9, 0.99);
      expect(Math.max(...row("line", "multiplicative").answers)).to.be.below(0.5);
    });

    it("traces the circle's misses to the odd symmetry of a bias-free additive score", () => {
      const text = taggedOutput(chapter, "fact-circle-misses");
      const zeroWithOne = testSet.filter(
        (e) => e.times[e.target] === 0 && e.times.includes(1),
      ).length;
      expect(numberAfter(text, "such questions in the test set:")).to.equal(zeroWithOne);
      expect(numberAfter(text, "seed 1:")).to.equal(zeroWithOne);
      expect(numberAfter(text, "with an event at t = 1:")).to.equal(zeroWithOne);
      const atZero = numberAfter(text, "score(key 0) - score(key 1) =");
      const atOne = numberAfter(text, "score(key 1) - score(key 0) =");
      expect(atZero).to.be.below(0);
      expect(atZero + atOne).to.be.closeTo(0, 1e-4);
      expect(numberAfter(text, "sum of the two:")).to.be.closeTo(0, 1e-12);
    });

    it("shows the loss curves and the learned alignments", () => {
      const html = htmlOutputs(chapter);
      expect(html).to.include("Training loss of the four aligners");
      for (const name of ["line, multiplicative", "line, additive", "circle, multiplicative"]) {
        expect(html).to.include(`Learned alignment: ${name}`);
      }
    });
  });

  describe("hierarchical attention for a long document", () => {
    /** The document's sentences, the question's subject and the stated answer. */
    function theDocument() {
      const text = taggedOutput(chapter, "fact-document");
      const sentences = [...text.matchAll(/^ {2}(\d+): (.*)$/gm)].map((m) => m[2].split(" "));
      const [, subject, answer] = text.match(/what colour is the (\w+)\? answer: (\w+)/)!;
      return { text, sentences, subject, answer };
    }

    it("asks about a subject named in exactly one sentence, whose colour is the answer", () => {
      const { sentences, subject, answer } = theDocument();
      expect(sentences).to.have.length(8);
      const about = sentences.filter((words) => words.includes(subject));
      expect(about).to.have.length(1);
      expect(about[0][about[0].length - 1]).to.equal(answer);
    });

    it("learns to read it: right sentence and right answer, with S + k·L scores", () => {
      const text = taggedOutput(chapter, "fact-reader");
      expect(numberAfter(text, "last step")).to.be.below(0.05);
      for (const k of [1, 2, 8]) {
        const line = text.split("\n").find((l) => l.startsWith(`reading k = ${k}:`))!;
        expect(numberAfter(line, "top sentence right")).to.be.at.least(0.95);
        expect(numberAfter(line, "answer right")).to.be.at.least(0.95);
        expect(Number(line.match(/, (\d+) scores per question$/)![1])).to.equal(8 + k * 5);
      }
      expect(numberAfter(text, "attention over every word:")).to.equal(8 * 5);
    });

    it("reads the example: the sentence about the subject first, its colour word on top", () => {
      const { sentences, subject, answer } = theDocument();
      const text = taggedOutput(chapter, "fact-reading");
      const weights = text
        .match(/sentence weights \(additive\): \[([^\]]*)\]/)![1]
        .split(",")
        .map(Number);
      expect(weights.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 0.005);
      const about = sentences.findIndex((words) => words.includes(subject));
      expect(argmax(weights)).to.equal(about);
      const chosen = text
        .match(/chosen sentences: (.*)$/m)![1]
        .split(", ")
        .map(Number);
      expect(chosen[0]).to.equal(about);
      expect(chosen).to.have.length(2);
      for (const [, index, words, list, top] of text.matchAll(
        /^ {2}sentence (\d+) "([^"]+)": word weights \[([^\]]*)\], top word "(\w+)"$/gm,
      )) {
        const betas = list.split(",").map(Number);
        expect(betas.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 0.005);
        expect(words.split(" ")[argmax(betas)]).to.equal(top);
        const colour = sentences[Number(index)][4];
        expect(top, `sentence ${index}`).to.equal(colour);
      }
      expect(text).to.match(
        new RegExp(`^answer: ${answer}; 18 scores computed instead of 40$`, "m"),
      );
    });

    it("shows both levels of weights", () => {
      const html = htmlOutputs(chapter);
      expect(html).to.include("Sentence level (additive)");
      expect(html).to.include("Word level (multiplicative), inside the two chosen sentences");
      expect(html).to.include("attention weight β over words");
    });
  });

  it("ends with exercises 4.1 to 4.3, each left unanswered with a hint", () => {
    expectOpenExercises(chapter, 4, 3);
  });
});
