// Fact spec of chapter 5: what the chapter teaches about self-attention, read from its executed
// outputs and checked against the same model recomputed here in plain loops, without the library.
import { expect } from "chai";
import { executedCourse } from "../support/course";
import {
  expectOpenExercises,
  htmlOutputs,
  Notebook,
  numberAfter,
  taggedOutput,
} from "../support/notebook-check";

// The chapter's hand-built model: one-hot parts of speech, and what each kind looks for.
const TOKENS = ["the", "small", "model", "learned", "and", "it", "improved"];
const TAGS = [0, 1, 2, 3, 4, 5, 3]; // article, adjective, noun, verb, conjunction, pronoun
const LOOKS_FOR = [2, 2, 3, 2, 3, 2]; // per kind: noun, noun, verb, noun, verb, noun
const STRENGTH = 5;
const KINDS = 6;

type Grid = number[][];

/** PE[pos][col] by the formula of Vaswani et al. (2017, §3.5). */
function encoding(pos: number, col: number, dModel: number): number {
  const angle = pos / 10000 ** ((col - (col % 2)) / dModel);
  return col % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
}

function oneHot(tags: readonly number[]): Grid {
  return tags.map((t) => Array.from({ length: KINDS }, (_, k) => (k === t ? 1 : 0)));
}

function softmaxRow(scores: readonly number[], allowed: (j: number) => boolean): number[] {
  const max = Math.max(...scores.filter((_, j) => allowed(j)));
  const e = scores.map((s, j) => (allowed(j) ? Math.exp(s - max) : 0));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}

/** The chapter's self-attention: Q = X·W^Q (the rule), K = V = X, scores / √6. */
function selfAttention(x: Grid, causal = false): { weights: Grid; output: Grid } {
  const query = x.map((row) => {
    const q = Array<number>(KINDS).fill(0);
    row.forEach((v, a) => (q[LOOKS_FOR[a]] += STRENGTH * v));
    return q;
  });
  const weights = query.map((q, i) => {
    const scores = x.map((k) => q.reduce((s, qc, c) => s + qc * k[c], 0) / Math.sqrt(KINDS));
    return softmaxRow(scores, (j) => !causal || j <= i);
  });
  const output = weights.map((w) =>
    Array.from({ length: KINDS }, (_, c) => w.reduce((s, wj, j) => s + wj * x[j][c], 0)),
  );
  return { weights, output };
}

function largestDifference(a: Grid, b: Grid): number {
  return Math.max(...a.flatMap((row, i) => row.map((v, c) => Math.abs(v - b[i][c]))));
}

/** The numbers of a matrix printed by fmtMatrix with row labels, one row per token. */
function printedMatrix(text: string): Grid {
  return TOKENS.map((token) => {
    const line = text.split("\n").find((l) => l.startsWith(token.padEnd(8)));
    expect(line, `a row for ${token}`).to.not.equal(undefined);
    return line!.slice(8).trim().split(/\s+/).map(Number);
  });
}

describe("chapter 5: when the spotlight turns inward", function () {
  this.timeout(15 * 60_000);
  let chapter: Notebook;
  before(() => {
    chapter = executedCourse().executed("05-self-attention");
  });

  it("ends with exercises 5.1 to 5.3, each left unanswered with a hint", () => {
    expectOpenExercises(chapter, 5, 3);
  });

  it("computes the self-attention weights of the hand-built sentence, all of them above 0", () => {
    const text = taggedOutput(chapter, "fact-self-weights");
    const { weights } = selfAttention(oneHot(TAGS));
    printedMatrix(text).forEach((row, i) =>
      row.forEach((w, j) =>
        expect(w, `${TOKENS[i]} → ${TOKENS[j]}`).to.be.closeTo(weights[i][j], 5e-4),
      ),
    );
    expect(text).to.match(/it +looks most at model +weight 0\.562\n/);
    expect(weights.flat().every((w) => w > 0)).to.equal(true);
    expect(text).to.include("weights above 0: 49 of 49");
  });

  it("shows the weights as a graph of tokens, with the weight of each edge on hover", () => {
    const html = htmlOutputs(chapter);
    const { weights } = selfAttention(oneHot(TAGS));
    expect(html).to.include("Self-attention over “the small model learned and it improved”");
    expect(html).to.include(`<title>it → model: ${weights[5][2].toFixed(4)}</title>`);
    expect(html).to.include('aria-description="attention edge"');
  });

  it("is permutation equivariant without positions, to 1e-12", () => {
    const text = taggedOutput(chapter, "fact-equivariance");
    const order = text
      .match(/order: \[([\d, ]+)\]/)![1]
      .split(", ")
      .map(Number);
    expect([...order].sort()).to.deep.equal([0, 1, 2, 3, 4, 5, 6]);
    expect(text).to.include(`shuffled sentence: ${order.map((k) => TOKENS[k]).join(" ")}`);

    const base = selfAttention(oneHot(TAGS)).output;
    const shuffled = selfAttention(oneHot(order.map((k) => TAGS[k]))).output;
    expect(
      largestDifference(
        shuffled,
        order.map((k) => base[k]),
      ),
    ).to.be.below(1e-12);
    expect(numberAfter(text, "largest |output(shuffled) − shuffled(output)|:")).to.be.below(1e-12);
    expect(text).to.include("equivariant to 1e-12: yes");
    // Two tokens of one kind cannot be told apart: their outputs are identical.
    expect(numberAfter(text, "largest |output(learned) − output(improved)|:")).to.equal(0);
  });

  it("loses equivariance once sinusoidal positions are added, by the measured amount", () => {
    const text = taggedOutput(chapter, "fact-positions-break");
    const order = taggedOutput(chapter, "fact-equivariance")
      .match(/order: \[([\d, ]+)\]/)![1]
      .split(", ")
      .map(Number);
    const withPositions = (x: Grid) =>
      x.map((row, pos) => row.map((v, c) => v + encoding(pos, c, KINDS)));
    const placed = selfAttention(withPositions(oneHot(TAGS))).output;
    const placedShuffled = selfAttention(withPositions(oneHot(order.map((k) => TAGS[k])))).output;
    const broken = largestDifference(
      placedShuffled,
      order.map((k) => placed[k]),
    );
    expect(broken).to.be.above(1);
    expect(numberAfter(text, "shuffled(output)| with positions:")).to.be.closeTo(broken, 5e-5);
    expect(text).to.include("equivariant to 1e-12: no");
    const twins = largestDifference([placed[3]], [placed[6]]);
    expect(twins).to.be.above(0.05);
    expect(numberAfter(text, "output(improved)| with positions:")).to.be.closeTo(twins, 5e-5);
  });

  it("draws the positional encodings as a heatmap of sines and cosines", () => {
    const html = htmlOutputs(chapter);
    expect(html).to.include("Sinusoidal positional encodings, d_model = 32");
    expect(html).to.include("<title>0 → 1: 1.0000</title>"); // cos 0
    expect(html).to.include(`<title>3 → 0: ${encoding(3, 0, 32).toFixed(4)}</title>`);
  });

  it("finds that the dot product of two encodings depends only on their distance", () => {
    const text = taggedOutput(chapter, "fact-distance");
    const rows = text.trim().split("\n").slice(1);
    expect(rows.length).to.be.at.least(6);
    for (const row of rows) {
      const [k, dot, spread] = row.trim().split(/\s+/).map(Number);
      let sum = 0;
      for (let i = 0; i < 32; i++) sum += Math.cos(k / 10000 ** ((2 * i) / 64));
      expect(dot, `k = ${k}`).to.be.closeTo(sum, 5e-5);
      expect(spread, `k = ${k}`).to.be.below(1e-12);
    }
    expect(rows[0]).to.match(/^ *0 +32\.0000 /);
    const html = htmlOutputs(chapter);
    expect(html).to.include("Similarity of two positional encodings against their distance");
    expect(html).to.include("distance k between the positions (tokens)");
  });

  it("shifts encodings by a fixed offset with one matrix, to 1e-12", () => {
    const lines = taggedOutput(chapter, "fact-shift").trim().split("\n");
    expect(lines).to.have.length(3);
    for (const line of lines) expect(numberAfter(line, "PE_(p+k)| =")).to.be.below(1e-12);
  });

  it("puts zero weight on later tokens under a causal mask, each row still summing to 1", () => {
    const text = taggedOutput(chapter, "fact-causal");
    const { weights } = selfAttention(oneHot(TAGS), true);
    printedMatrix(text).forEach((row, i) =>
      row.forEach((w, j) => {
        expect(w, `${TOKENS[i]} → ${TOKENS[j]}`).to.be.closeTo(weights[i][j], 5e-4);
        if (j > i) expect(w).to.equal(0);
      }),
    );
    expect(weights[0][0]).to.equal(1);
    expect(numberAfter(text, "largest weight on a later token:")).to.equal(0);
    expect(text).to.include("row sums: 1.0000 1.0000 1.0000 1.0000 1.0000 1.0000 1.0000");
    expect(htmlOutputs(chapter)).to.include("Causal self-attention as a graph");
  });

  it("keeps the earlier outputs exactly when a later token changes, only under the mask", () => {
    const text = taggedOutput(chapter, "fact-causal-future");
    const changedTags = [...TAGS.slice(0, -1), 2];
    const causal = selfAttention(oneHot(TAGS), true).output;
    const causalChanged = selfAttention(oneHot(changedTags), true).output;
    const full = selfAttention(oneHot(TAGS)).output;
    const fullChanged = selfAttention(oneHot(changedTags)).output;

    expect(largestDifference(causalChanged.slice(0, -1), causal.slice(0, -1))).to.equal(0);
    expect(numberAfter(text, "causal, earlier tokens:  largest change")).to.equal(0);
    const last = largestDifference(causalChanged.slice(-1), causal.slice(-1));
    expect(numberAfter(text, "causal, last token:      largest change")).to.be.closeTo(last, 5e-5);
    const leaked = largestDifference(fullChanged.slice(0, -1), full.slice(0, -1));
    expect(leaked).to.be.above(0.1);
    expect(numberAfter(text, "no mask, earlier tokens: largest change")).to.be.closeTo(
      leaked,
      5e-5,
    );
  });

  it("builds two heads: one attends by part of speech, the other to the previous token", () => {
    const text = taggedOutput(chapter, "fact-heads");
    const [content, position] = text.split("head 2 (position)");
    const top = (block: string, token: string) => {
      const match = block.match(new RegExp(`^  ${token} +→ (\\S+) +([\\d.]+)$`, "m"));
      expect(match, `${token} in\n${block}`).to.not.equal(null);
      return { key: match![1], weight: Number(match![2]) };
    };

    // Head 1: the content rule at twice the strength, scores divided by √dHead = 4.
    const score = (2 * STRENGTH) / 4;
    const contentWeight = Math.exp(score) / (Math.exp(score) + 6);
    expect(top(content, "it")).to.deep.equal({
      key: "model",
      weight: Number(contentWeight.toFixed(3)),
    });

    // Head 2: query PE_(p−1) (times 16), keys PE_j over 16 columns, scores / 4.
    const scores = (p: number) =>
      TOKENS.map((_, j) => {
        let dot = 0;
        for (let c = 0; c < 16; c++) dot += encoding(p - 1, c, 16) * encoding(j, c, 16);
        return (16 * dot) / 4;
      });
    TOKENS.forEach((token, p) => {
      const weights = softmaxRow(scores(p), () => true);
      const best = weights.indexOf(Math.max(...weights));
      expect(top(position, token).key, token).to.equal(TOKENS[best]);
      expect(top(position, token).weight, token).to.be.closeTo(weights[best], 5e-4);
      if (p > 0) {
        expect(best, `${token} looks at the previous token`).to.equal(p - 1);
        expect(weights[best]).to.be.above(0.75);
      }
    });

    const html = htmlOutputs(chapter);
    expect(html).to.include("Multi-head attention, head 1 (content)");
    expect(html).to.include("Multi-head attention, head 2 (position)");
  });
});
