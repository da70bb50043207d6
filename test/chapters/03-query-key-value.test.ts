// Fact spec of chapter 3: what the chapter teaches, read from its executed outputs and checked
// against numbers computed here in plain code. The random draws are replayed from the chapter's
// seeds with the library's generator (tested on its own in test/random.test.ts); every dot
// product, softmax, entropy, variance and Jacobian below is computed here, not by the library.
import { expect } from "chai";
import { createRandom, verdict } from "../../src";
import type { Random } from "../../src";
import { measuredDivisor } from "../../solutions/chapter03";
import { executedCourse } from "../support/course";
import {
  expectOpenExercises,
  htmlOutputs,
  Notebook,
  numberAfter,
  taggedOutput,
} from "../support/notebook-check";

// ---------------------------------------------------------------------------------------------
// Plain-code references.

type Vector = number[];

const dot = (a: Vector, b: Vector) => a.reduce((s, x, i) => s + x * b[i], 0);
const squaredDistance = (a: Vector, b: Vector) => a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0);

function plainSoftmax(scores: Vector): Vector {
  const top = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - top));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

const plainEntropy = (p: Vector) => -p.reduce((s, x) => (x > 0 ? s + x * Math.log(x) : s), 0);

/** ‖diag(p) − p·pᵀ‖_F from all m² entries. */
function plainJacobianNorm(p: Vector): number {
  let total = 0;
  p.forEach((pi, i) =>
    p.forEach((pj, j) => {
      const entry = (i === j ? pi : 0) - pi * pj;
      total += entry * entry;
    }),
  );
  return Math.sqrt(total);
}

const plainMean = (xs: Vector) => xs.reduce((a, b) => a + b, 0) / xs.length;

function plainVariance(xs: Vector): number {
  const centre = plainMean(xs);
  return xs.reduce((s, x) => s + (x - centre) ** 2, 0) / (xs.length - 1);
}

function plainMedian(xs: Vector): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** `rows` vectors of `cols` standard normal draws, in the row-major order randomMatrix uses. */
const draw = (rng: Random, rows: number, cols: number): Vector[] =>
  Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal(0, 1)));

/** The numbers of the list printed as `[a, b, …]` after `label`. */
function listAfter(text: string, label: string): number[] {
  const start = text.indexOf(label);
  if (start < 0) throw new Error(`no "${label}" in:\n${text}`);
  const list = text.slice(start + label.length).match(/\[([^\]]*)\]/);
  if (!list) throw new Error(`no list after "${label}" in:\n${text}`);
  return list[1].split(",").map(Number);
}

/** The lines of a table: each line that is only whitespace-separated numbers, as numbers. */
const tableRows = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => /^-?\d+(\.\d+)?(\s+-?\d+(\.\d+)?)+$/.test(line))
    .map((line) => line.split(/\s+/).map(Number));

// The chapter's seeds and sizes.
const DK = 8;
const SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

describe("chapter 3: query, key, value", function () {
  this.timeout(15 * 60_000);
  let chapter: Notebook;
  before(() => {
    chapter = executedCourse().executed("03-query-key-value");
  });

  it("searches the library: softmax of the dot products weighs the books, and mixes their contents", () => {
    const text = taggedOutput(chapter, "fact-library");
    const keys = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [0.7, 0.7, 0],
    ];
    const values = [
      [0.6, 0.4, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
      [0.5, 0.3, 0.2, 0],
    ];
    const scores = keys.map((k) => dot([2, 2, 0], k));
    const weights = plainSoftmax(scores);
    const printed = [...text.matchAll(/score (-?\d+\.\d+)\s+weight (\d+\.\d+)/g)];
    expect(printed).to.have.length(4);
    printed.forEach((match, j) => {
      expect(Number(match[1]), `score of book ${j}`).to.be.closeTo(scores[j], 0.005);
      expect(Number(match[2]), `weight of book ${j}`).to.be.closeTo(weights[j], 5e-4);
    });
    // The telescope book, matching both halves of the question, takes about half the reading.
    expect(text).to.match(/A history of the telescope\s+score 2\.80\s+weight 0\.5\d\d/);
    const output = values[0].map((_, c) => weights.reduce((s, w, j) => s + w * values[j][c], 0));
    listAfter(text, "you take home").forEach((x, c) => expect(x).to.be.closeTo(output[c], 5e-4));
  });

  describe("the geometry, replayed from seed 3", () => {
    const rng = createRandom(3);
    const q = draw(rng, 1, DK)[0];
    const fiveKeys = draw(rng, 5, DK);
    const rawKeys = draw(rng, 10, DK);
    const unitKeys = rawKeys.map((k) => k.map((x) => x / Math.sqrt(dot(k, k))));
    const unitDots = unitKeys.map((k) => dot(q, k));

    it("checks ‖q − k‖² = ‖q‖² + ‖k‖² − 2qᵀk on five random pairs", () => {
      const text = taggedOutput(chapter, "fact-identity");
      const rows = tableRows(text);
      expect(rows).to.have.length(5);
      rows.forEach(([j, direct, expanded]) => {
        const reference = squaredDistance(q, fiveKeys[j]);
        expect(direct, `key ${j}`).to.be.closeTo(reference, 5e-5);
        expect(expanded, `key ${j}`).to.be.closeTo(
          dot(q, q) + dot(fiveKeys[j], fiveKeys[j]) - 2 * dot(q, fiveKeys[j]),
          5e-5,
        );
      });
      expect(numberAfter(text, "largest |difference|")).to.be.below(1e-10);
    });

    it("ranks unit-length keys the same by dot product and by distance", () => {
      const text = taggedOutput(chapter, "fact-ranking");
      listAfter(text, "key lengths").forEach((length) => expect(length).to.equal(1));
      const order = (label: string) =>
        text
          .match(new RegExp(`${label}\\s+([\\d ]+?)\\s+\\(`))![1]
          .split(" ")
          .map(Number);
      const byDot = unitDots.map((_, j) => j).sort((a, b) => unitDots[b] - unitDots[a]);
      const distances = unitKeys.map((k) => squaredDistance(q, k));
      const byDistance = distances.map((_, j) => j).sort((a, b) => distances[a] - distances[b]);
      expect(byDistance).to.deep.equal(byDot);
      expect(order("by dot product")).to.deep.equal(byDot);
      expect(order("by distance")).to.deep.equal(byDistance);
      expect(text).to.include("same order: yes");
    });

    it("gives the same softmax over −½‖q − k‖² as over qᵀk when the keys have one length", () => {
      const text = taggedOutput(chapter, "fact-softmax-equal");
      const byDot = plainSoftmax(unitDots);
      const byDistance = plainSoftmax(unitKeys.map((k) => -0.5 * squaredDistance(q, k)));
      listAfter(text, "softmax(−½‖q − k‖²)").forEach((w, j) =>
        expect(w).to.be.closeTo(byDistance[j], 5e-5),
      );
      listAfter(text, "softmax(qᵀk)").forEach((w, j) => expect(w).to.be.closeTo(byDot[j], 5e-5));
      byDot.forEach((w, j) => expect(w).to.be.closeTo(byDistance[j], 1e-12));
      expect(numberAfter(text, "largest |difference|")).to.be.below(1e-10);
    });
  });

  it("finds softmax over qᵀk equal to the normalised Gaussian kernel, up to the factor e^((‖q‖² + 1)/2)", () => {
    const text = taggedOutput(chapter, "fact-kernel");
    expect(numberAfter(text, "largest |softmax(qᵀk) − normalised κ₁|")).to.be.below(1e-10);
    const ratio = Math.exp((2 * 2 + 1) / 2);
    expect(numberAfter(text, "exp(qᵀk) / κ₁(q, k) from")).to.be.closeTo(ratio, 5e-6);
    expect(text).to.match(/from (\S+) to \1\n/); // the ratio is the same for every key
    // The identity behind it, on a key of length 1 at 40°: exp(qᵀk) / κ₁ = e^((‖q‖² + 1)/2).
    const k = [Math.cos((40 * Math.PI) / 180), Math.sin((40 * Math.PI) / 180)];
    expect(Math.exp(dot([2, 0], k)) / Math.exp(-0.5 * squaredDistance([2, 0], k))).to.be.closeTo(
      ratio,
      1e-9,
    );
  });

  describe("why 1/√dK", () => {
    it("measures Var(qᵀk) = dK for dK from 1 to 512, replayed from seed 4", () => {
      const rows = tableRows(taggedOutput(chapter, "fact-variance"));
      expect(rows.map(([size]) => size)).to.deep.equal(SIZES);
      const rng = createRandom(4);
      for (const [size, raw, scaled] of rows) {
        const queries = draw(rng, 2000, size);
        const keys = draw(rng, 2000, size);
        const scores = queries.map((qv, p) => dot(qv, keys[p]));
        expect(raw, `dK = ${size}`).to.be.closeTo(plainVariance(scores), 0.005 + 1e-9);
        expect(scaled, `dK = ${size}`).to.be.closeTo(plainVariance(scores) / size, 5e-4 + 1e-9);
        // The claim: on the line Var = dK, and 1 after the scale (2000 pairs: within 15%).
        expect(raw / size, `dK = ${size}`).to.be.within(0.85, 1.15);
        expect(scaled, `dK = ${size}`).to.be.within(0.85, 1.15);
      }
      // A least-squares slope of log Var against log dK of 1: variance grows like dK.
      const x = rows.map(([size]) => Math.log(size));
      const y = rows.map(([, raw]) => Math.log(raw));
      const mx = plainMean(x);
      const my = plainMean(y);
      const slope =
        x.reduce((s, xi, i) => s + (xi - mx) * (y[i] - my), 0) /
        x.reduce((s, xi) => s + (xi - mx) ** 2, 0);
      expect(slope).to.be.closeTo(1, 0.02);
    });

    it("shows one query saturating at dK = 512 without the scale and not with it", () => {
      const text = taggedOutput(chapter, "fact-one-query");
      const rng = createRandom(15);
      const q = draw(rng, 1, 512)[0];
      const keys = draw(rng, 16, 512);
      const raw = plainSoftmax(keys.map((k) => dot(q, k)));
      const scaled = plainSoftmax(keys.map((k) => dot(q, k) / Math.sqrt(512)));
      const [rawLine, scaledLine] = text.trim().split("\n");
      for (const [line, weights] of [
        [rawLine, raw],
        [scaledLine, scaled],
      ] as const) {
        expect(numberAfter(line, "largest weight")).to.be.closeTo(Math.max(...weights), 5e-5);
        expect(numberAfter(line, "entropy")).to.be.closeTo(plainEntropy(weights), 5e-5);
        expect(numberAfter(line, "‖J‖_F")).to.be.closeTo(plainJacobianNorm(weights), 5e-7);
      }
      // "more than 99.99% of its weight on one key", against a spread of weights when scaled.
      expect(Math.max(...raw)).to.be.above(0.9999);
      expect(Math.max(...scaled)).to.be.below(0.5);
      expect(plainJacobianNorm(raw)).to.be.below(1e-3 * plainJacobianNorm(scaled));
    });

    it("sweeps dK: without the scale the entropy and the Jacobian collapse, with it they hold", () => {
      const text = taggedOutput(chapter, "fact-saturation");
      expect(numberAfter(text, "entropy ln 16 =")).to.be.closeTo(Math.log(16), 5e-5);
      expect(numberAfter(text, "‖J‖_F =")).to.be.closeTo(Math.sqrt(15) / 16, 5e-5);
      const rows = tableRows(text);
      expect(rows.map(([size]) => size)).to.deep.equal(SIZES);

      const rng = createRandom(6);
      for (const [size, entropyRaw, entropyScaled, gradientRaw, gradientScaled] of rows) {
        const queries = draw(rng, 400, size);
        const keys = draw(rng, 16, size);
        const raw = queries.map((qv) => plainSoftmax(keys.map((k) => dot(qv, k))));
        const scaled = queries.map((qv) =>
          plainSoftmax(keys.map((k) => dot(qv, k) / Math.sqrt(size))),
        );
        const at = `dK = ${size}`;
        expect(entropyRaw, at).to.be.closeTo(plainMean(raw.map(plainEntropy)), 5e-5 + 1e-9);
        expect(entropyScaled, at).to.be.closeTo(plainMean(scaled.map(plainEntropy)), 5e-5 + 1e-9);
        expect(gradientRaw, at).to.be.closeTo(
          plainMedian(raw.map(plainJacobianNorm)),
          5e-7 + 1e-12,
        );
        expect(gradientScaled, at).to.be.closeTo(
          plainMedian(scaled.map(plainJacobianNorm)),
          5e-7 + 1e-12,
        );
        // With the scale: entropy near 2.4 nats and a median ‖J‖_F near 0.3 at every size.
        expect(entropyScaled, at).to.be.within(2.2, 2.6);
        expect(gradientScaled, at).to.be.within(0.25, 0.35);
      }
      // dK = 1: √dK = 1, so both columns agree.
      expect(rows[0][1]).to.equal(rows[0][2]);
      expect(rows[0][3]).to.equal(rows[0][4]);
      // Without the scale the entropy falls with every doubling, to little more than one key.
      rows.slice(1).forEach((row, k) => expect(row[1], `dK = ${row[0]}`).to.be.below(rows[k][1]));
      const last = rows[rows.length - 1];
      expect(Math.exp(last[1])).to.be.below(1.2);
      // And the median ‖J‖_F at dK = 512 is about a thousandth of the scaled one.
      expect(last[3] / last[4]).to.be.within(0.0005, 0.002);
    });
  });

  it("shows its figures with titles, axis labels, legends and hover text", () => {
    const html = htmlOutputs(chapter);
    for (const title of [
      "Weights of the query “the history of astronomy” over four books",
      "Dot product against distance score, for keys of one length and of random lengths",
      "Softmax over dot products and the normalised Gaussian kernel weigh keys alike",
      "Variance of the dot product of random unit-variance vectors",
      "Entropy of the attention weights, with and without the 1/√dK scale",
      "Size of the softmax Jacobian, with and without the 1/√dK scale",
    ]) {
      expect(html, title).to.include(title);
    }
    for (const text of [
      "attention weight (share of the reading)",
      "A history of the telescope: score 2.80, weight 0.510",
      "keys of random length",
      "Gaussian kernel, σ = 1, normalised",
      "the line Var = dK",
      "key size dK (dimensions, log scale)",
      "uniform limit: ln 16 = 2.7726 nats",
      "median ‖J‖_F over 400 queries (log scale)",
    ]) {
      expect(html, text).to.include(text);
    }
  });

  it("ends with exercises 3.1 to 3.3, each left unanswered with a hint", () => {
    expectOpenExercises(chapter, 3, 3);
  });

  it("accepts a measured answer to exercise 3.3, as its task allows", () => {
    const divisor = measuredDivisor();
    expect(Math.abs(divisor - 16)).to.be.above(1e-6); // measured, not exact
    expect(verdict("3.3", divisor).status).to.equal("correct");
  });
});
