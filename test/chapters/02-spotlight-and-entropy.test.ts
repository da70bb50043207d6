// Fact spec of chapter 2: what the chapter teaches, read from its executed outputs and checked
// against numbers computed here independently of the library.
import { expect } from "chai";
import { executedCourse } from "../support/course";
import { htmlOutputs, Notebook, numberAfter, taggedOutput } from "../support/notebook-check";

describe("chapter 2: a spotlight on meaning", function () {
  this.timeout(15 * 60_000);
  let chapter: Notebook;
  before(() => {
    chapter = executedCourse().executed("02-spotlight-and-entropy");
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
});
