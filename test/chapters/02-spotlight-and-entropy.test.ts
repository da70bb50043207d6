// Fact spec of chapter 2: what the chapter teaches, read from its executed outputs and checked
// against numbers computed here independently of the library.
import { expect } from "chai";
import { executedCourse } from "../support/course";
import {
  expectOpenExercises,
  htmlOutputs,
  Notebook,
  numberAfter,
  taggedOutput,
} from "../support/notebook-check";

/** The rows of a labelled matrix printed by fmtMatrix, under the line `title`, as numbers. */
function printedMatrix(text: string, title: string, rows: number): number[][] {
  const lines = text.split("\n");
  const start = lines.indexOf(title);
  if (start < 0) throw new Error(`no "${title}" in:\n${text}`);
  return lines
    .slice(start + 2, start + 2 + rows)
    .map((line) => line.trim().split(/\s+/).slice(1).map(Number));
}

const plainSoftmax = (row: number[]) => {
  const exps = row.map((x) => Math.exp(x - Math.max(...row)));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
};

describe("chapter 2: a spotlight on meaning", function () {
  this.timeout(15 * 60_000);
  let chapter: Notebook;
  before(() => {
    chapter = executedCourse().executed("02-spotlight-and-entropy");
  });

  it("shows a spotlight that moves: each French word looks at its own English word", () => {
    const text = taggedOutput(chapter, "fact-spotlight");
    const scores = printedMatrix(text, "scores", 4);
    const weights = printedMatrix(text, "weights (softmax of each row)", 4);
    const english = ["the", "black", "cat", "sleeps"];
    const expected = scores.map(plainSoftmax);
    expected.forEach((row, i) =>
      row.forEach((w, j) => expect(weights[i][j], `row ${i}, column ${j}`).to.be.closeTo(w, 5e-4)),
    );
    // le → the, chat → cat, noir → black (back across "cat"), dort → sleeps.
    const brightest = expected.map((row) => english[row.indexOf(Math.max(...row))]);
    expect(brightest).to.deep.equal(["the", "cat", "black", "sleeps"]);
  });

  it("each row of the spotlight has under half the entropy of a fixed summary (ln 4)", () => {
    const text = taggedOutput(chapter, "fact-spotlight-entropy");
    const weights = printedMatrix(taggedOutput(chapter, "fact-spotlight"), "scores", 4).map(
      plainSoftmax,
    );
    ["le", "chat", "noir", "dort"].forEach((word, i) => {
      const h = -weights[i].reduce((acc, p) => acc + p * Math.log(p), 0);
      const line = text.split("\n").find((l) => l.startsWith(word + " "))!;
      expect(numberAfter(line, "entropy"), word).to.be.closeTo(h, 5e-5);
      expect(numberAfter(line, "entropy"), word).to.be.below(Math.log(4) / 2);
      expect(numberAfter(line, "perplexity"), word).to.be.within(1, 2);
    });
    expect(numberAfter(text, "entropy ln 4 =")).to.be.closeTo(Math.log(4), 5e-5);
  });

  it("a uniform light over 8 inputs has entropy ln 8 and perplexity 8", () => {
    const text = taggedOutput(chapter, "fact-uniform-focused");
    expect(numberAfter(text, "entropy")).to.be.closeTo(Math.log(8), 5e-5);
    expect(numberAfter(text, "perplexity")).to.equal(8);
  });

  it("the focused light has far lower entropy, spread over fewer than two inputs", () => {
    const text = taggedOutput(chapter, "fact-uniform-focused").split("focused")[1];
    const p = [0.01, 0.01, 0.9, 0.02, 0.01, 0.02, 0.02, 0.01];
    const h = -p.reduce((acc, x) => acc + x * Math.log(x), 0);
    expect(numberAfter(text, "entropy")).to.be.closeTo(h, 5e-5);
    expect(numberAfter(text, "perplexity")).to.be.below(2);
  });

  it("three heavy words among 100 give well under ln 100, about six effective words", () => {
    const text = taggedOutput(chapter, "fact-three-of-hundred");
    const h = -(3 * 0.3 * Math.log(0.3) + 0.1 * Math.log(0.1 / 97));
    expect(numberAfter(text, "entropy")).to.be.closeTo(h, 5e-5);
    expect(numberAfter(text, "maximum for 100 words")).to.be.closeTo(Math.log(100), 5e-5);
    expect(numberAfter(text, "share of the maximum")).to.be.below(0.4);
    expect(Math.round(numberAfter(text, "perplexity"))).to.equal(6);
  });

  it("temperature moves the entropy from the one-hot limit 0 to the uniform limit ln 10", () => {
    const text = taggedOutput(chapter, "fact-temperature");
    const at = (t: string) => numberAfter(text, `T = ${t.padStart(6)}  entropy`);
    const sweep = ["0.01", "0.10", "1.00", "10.00", "100.00"].map(at);
    expect(sweep[0]).to.be.closeTo(0, 1e-4);
    expect(sweep[4]).to.be.closeTo(Math.log(10), 1e-3);
    sweep.slice(1).forEach((h, k) => expect(h, `rises at step ${k}`).to.be.above(sweep[k]));
  });

  it("finds R–E as the strongest pair of the protein example, at 0.55", () => {
    const text = taggedOutput(chapter, "fact-protein-strongest");
    expect(text).to.match(/strongest pair: R–E with weight 0\.55\b/);
  });

  it("notices that the protein matrix sums to 1.10, not 1", () => {
    expect(taggedOutput(chapter, "fact-protein-sum")).to.match(/sum of all 12 weights: 1\.10\b/);
  });

  it("normalises the protein matrix and compares its entropy with ln 12", () => {
    const text = taggedOutput(chapter, "fact-protein-entropy");
    const weights = [0.02, 0.05, 0.03, 0.04, 0.1, 0.08, 0.55, 0.12, 0.01, 0.03, 0.02, 0.05];
    const total = weights.reduce((a, b) => a + b, 0);
    const h = -weights.reduce((acc, w) => acc + (w / total) * Math.log(w / total), 0);
    expect(numberAfter(text, "normalised sum:")).to.equal(1);
    expect(numberAfter(text, "R–E after normalising")).to.be.closeTo(0.55 / 1.1, 5e-5);
    expect(numberAfter(text, "entropy")).to.be.closeTo(h, 5e-5);
    expect(numberAfter(text, "maximum, ln 12")).to.be.closeTo(Math.log(12), 5e-5);
    expect(numberAfter(text, "entropy")).to.be.below(Math.log(12));
  });

  it("shows its figures: the temperature sweep and the labelled protein heatmap", () => {
    const html = htmlOutputs(chapter);
    expect(html).to.match(/<svg/);
    expect(html).to.include("Entropy of softmax(s / T) for ten fixed scores");
    expect(html).to.include("Attention between the residues of protein X and protein Y");
    expect(html).to.include("R → E: 0.5500");
  });

  it("shows the spotlight heatmap and marks both limits of the temperature sweep, with hover text", () => {
    const html = htmlOutputs(chapter);
    expect(html).to.include("Where the spotlight falls while each French word is written");
    expect(html).to.match(/noir → black: 0\.8\d{3}/);
    expect(html).to.include("uniform limit: ln 10");
    expect(html).to.include("one-hot limit: 0");
    expect(html).to.include(
      "uniform limit (T → ∞): every weight 1/10, entropy ln 10 = 2.3026 nats",
    );
    expect(html).to.include("one-hot limit (T → 0): all weight on the largest score");
  });

  it("ends with exercises 2.1 to 2.3, each left unanswered with a hint", () => {
    const outputs = expectOpenExercises(chapter, 2, 3);
    // Exercise 2.2 shows the scores it is about.
    expect(outputs[1]).to.include("scores [2, 1, 0, -1]");
  });
});
