import { expect } from "chai";
import * as math from "mathjs";
import { crossEntropy } from "../src/autodiff";
import {
  accuracy,
  aopc,
  attentionAgreement,
  classifierAttention,
  classifierDeletionCurves,
  classifierPredict,
  deletionCurve,
  deletionOrders,
  DeletionPoint,
  eraseTokens,
  kendallTau,
  leaveOneOut,
  meanCurve,
  Predict,
  uniformAblation,
} from "../src/explain";
import { Adam, AttentionClassifier, train, uniformWeights } from "../src/nn";
import { createRandom } from "../src/random";
import { softmax } from "../src/softmax";
import { shortcutTask } from "../src/tasks";
import { Matrix } from "../src/tensor";
import { expectClose } from "./support/close";

// Two hand-made classifiers whose every output is known. Token 1 is evidence for class 1, token 2
// for class 0; tokens 0 and 3 are neutral (3 serves as the erase id).
const count = (tokens: readonly number[], id: number) => tokens.filter((t) => t === id).length;

/** p(class 1) = 0.5 + 0.1·(#1s − #2s): each token counts the same, whatever the length. */
function countingClassifier(tokens: readonly number[]): number[] {
  const p1 = 0.5 + 0.1 * (count(tokens, 1) - count(tokens, 2));
  return [1 - p1, p1];
}

/** p(class 1) = 0.5 + 0.4·(#1s − #2s)/n, and 0.5 for []: a token's weight depends on n. */
function meanClassifier(tokens: readonly number[]): number[] {
  const n = tokens.length;
  const p1 = n === 0 ? 0.5 : 0.5 + (0.4 * (count(tokens, 1) - count(tokens, 2))) / n;
  return [1 - p1, p1];
}

/** A Predict from a one-sequence classifier, recording every batch it is called with. */
function batched(classify: (tokens: readonly number[]) => number[]) {
  const calls: number[][][] = [];
  const predict: Predict = (sequences) => {
    calls.push(sequences.map((s) => s.slice()));
    return sequences.map(classify);
  };
  return { predict, calls };
}

const counting = batched(countingClassifier).predict;
const mean = batched(meanClassifier).predict;

/** Kendall τ_b as a Pearson correlation, by mathjs, of the pairwise signs sgn(x_j − x_i), i ≠ j. */
function tauOracle(a: readonly number[], b: readonly number[]): number {
  const signsA: number[] = [];
  const signsB: number[] = [];
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < a.length; j++) {
      if (i === j) continue;
      signsA.push(math.sign(a[j] - a[i]));
      signsB.push(math.sign(b[j] - b[i]));
    }
  }
  return math.corr(signsA, signsB) as number;
}

/**
 * A 3-word AttentionClassifier set by hand. Word 0 is a "watermark" that takes nearly all the
 * attention (score 20·tanh(5) against 0) and pushes toward class 1; word 1 counts for class 0,
 * word 2 for class 1. The logits are [−c₀, c₀] for the pooled embedding c.
 */
function handModel(): AttentionClassifier {
  const model = new AttentionClassifier(createRandom(1), {
    vocabulary: 3,
    dEmbed: 2,
    dAttn: 1,
    classes: 2,
  });
  model.embedding.table.value.data.set([1, 1, -1, 0, 1, 0]); // rows: word 0, 1, 2
  model.scorer.weight.value.data.set([0, 5]); // u = tanh(5·x₁)
  model.scorer.bias!.value.data.set([0]);
  model.v.value.data.set([20]);
  model.output.weight.value.data.set([-1, 1, 0, 0]); // logits = [−c₀, c₀]
  model.output.bias!.value.data.set([0, 0]);
  return model;
}

describe("kendallTau", () => {
  it("is 1 for identical rankings and −1 for reversed ones", () => {
    expect(kendallTau([1, 2, 3, 4], [1, 2, 3, 4])).to.equal(1);
    expect(kendallTau([1, 2, 3, 4], [4, 3, 2, 1])).to.equal(-1);
  });

  it("is (5 − 1)/6 when one neighbouring pair of four is swapped", () => {
    expectClose(kendallTau([1, 2, 3, 4], [1, 3, 2, 4]), 2 / 3);
  });

  it("corrects for ties: 4 concordant pairs, one tie in each list, is 4/√(5·5)", () => {
    // Pairs of [1, 2, 2, 3] and [1, 2, 3, 3]: (1, 2) tied in a, (2, 3) tied in b, the rest +.
    expectClose(kendallTau([1, 2, 2, 3], [1, 2, 3, 3]), 0.8);
  });

  it("counts a pair tied in both lists in both tie counts", () => {
    // (0, 1) tied in both; (0, 2), (1, 2) concordant; (0, 3), (1, 3), (2, 3) discordant.
    expectClose(kendallTau([1, 1, 2, 3], [5, 5, 6, 4]), -1 / 5);
  });

  it("is −1/√(2·2) for one discordant pair among three with one tie each", () => {
    expectClose(kendallTau([1, 1, 2], [1, 2, 1]), -0.5);
  });

  it("is ±1 for size 2", () => {
    expect(kendallTau([0, 1], [5, 7])).to.equal(1);
    expect(kendallTau([0, 1], [7, 5])).to.equal(-1);
  });

  it("depends only on the ranks: unchanged by increasing maps, negated by flipping b", () => {
    const a = [0.3, 0.1, 0.4, 0.1, 0.5, 0.9];
    const b = [2, 7, 1, 8, 2, 8];
    const tau = kendallTau(a, b);
    expect(
      kendallTau(
        a.map(Math.exp),
        b.map((x) => 3 * x + 1),
      ),
    ).to.equal(tau);
    expect(kendallTau(b, a)).to.equal(tau);
    expect(
      kendallTau(
        a,
        b.map((x) => -x),
      ),
    ).to.equal(-tau);
  });

  it("agrees with mathjs's correlation of pairwise signs on seeded lists with ties", () => {
    const rng = createRandom(11);
    for (let trial = 0; trial < 25; trial++) {
      const n = rng.int(2, 15);
      // Few distinct values, so that ties are common.
      const a = Array.from({ length: n }, () => rng.int(0, 4));
      const b = Array.from({ length: n }, () => rng.int(0, 4));
      if (a.every((x) => x === a[0]) || b.every((x) => x === b[0])) continue;
      expectClose(kendallTau(a, b), tauOracle(a, b), { rtol: 1e-12, atol: 1e-12 });
    }
  });

  it("rejects a list with every value tied, where τ_b is 0/0", () => {
    expect(() => kendallTau([1, 2, 3], [4, 4, 4])).to.throw(
      RangeError,
      /^kendallTau: every value of b is tied \(4\); tau_b is undefined/,
    );
  });

  it("rejects lists of different lengths, too short, or holding NaN", () => {
    expect(() => kendallTau([1, 2, 3], [1, 2])).to.throw(
      RangeError,
      /^kendallTau: a and b must have the same length .*; got a of length 3, b of length 2$/,
    );
    expect(() => kendallTau([1], [2])).to.throw(
      RangeError,
      /^kendallTau: a and b must have at least 2 entries; got 1$/,
    );
    expect(() => kendallTau([1, NaN], [1, 2])).to.throw(
      RangeError,
      /^kendallTau: a\[1\] is NaN; expected a finite number$/,
    );
    expect(() => kendallTau("12" as never, [1, 2])).to.throw(
      TypeError,
      /^kendallTau: a must be an array; got string$/,
    );
  });
});

describe("eraseTokens", () => {
  it("leaves the erased positions out, or replaces them, without touching the input", () => {
    const tokens = [7, 8, 9, 10];
    expect(eraseTokens(tokens, [1, 3])).to.deep.equal([7, 9]);
    expect(eraseTokens(tokens, [3, 1], 0)).to.deep.equal([7, 0, 9, 0]);
    expect(eraseTokens(tokens, [])).to.deep.equal(tokens);
    expect(tokens).to.deep.equal([7, 8, 9, 10]);
  });

  it("rejects a position out of range or listed twice", () => {
    expect(() => eraseTokens([7, 8], [2])).to.throw(
      RangeError,
      /^eraseTokens: positions\[0\] is 2; tokens has 2 positions \(0 … 1\)$/,
    );
    expect(() => eraseTokens([7, 8], [1, 1])).to.throw(
      RangeError,
      /^eraseTokens: positions lists 1 twice$/,
    );
    expect(() => eraseTokens([7, 8], [0], -1)).to.throw(
      RangeError,
      /^eraseTokens: eraseWith must be an integer >= 0; got -1$/,
    );
  });
});

describe("leaveOneOut", () => {
  it("gives each token's drop in the predicted class's probability", () => {
    // p(1) = 0.6; without a 1 it is 0.5, without the 0 still 0.6, without the 2 it is 0.7.
    expectClose(leaveOneOut(counting, [1, 1, 0, 2]), [0.1, 0.1, 0, -0.1], { atol: 1e-15 });
  });

  it("measures the total variation distance, |drop| for two classes", () => {
    const tvd = leaveOneOut(counting, [1, 1, 0, 2], { measure: "tvd" });
    expectClose(tvd, [0.1, 0.1, 0, 0.1], { atol: 1e-15 });
  });

  it("follows the predicted class, or the target class when given", () => {
    // [2, 2, 1] predicts class 0 (p(0) = 0.6): erasing a 2 lowers p(0) by 0.1.
    expectClose(leaveOneOut(counting, [2, 2, 1]), [0.1, 0.1, -0.1], { atol: 1e-15 });
    expectClose(leaveOneOut(counting, [2, 2, 1], { target: 1 }), [-0.1, -0.1, 0.1], {
      atol: 1e-15,
    });
  });

  it("differs between removal and replacement when a token's weight depends on the length", () => {
    // p(1) = 0.5 + 0.4·(#1s − #2s)/n = 0.6 for [1, 1, 0, 2].
    const removed = leaveOneOut(mean, [1, 1, 0, 2]);
    expectClose(removed, [0.1, 0.1, 0.6 - (0.5 + 0.4 / 3), 0.6 - (0.5 + 0.8 / 3)]);
    const replaced = leaveOneOut(mean, [1, 1, 0, 2], { eraseWith: 3 });
    expectClose(replaced, [0.1, 0.1, 0, -0.1], { atol: 1e-15 });
  });

  it("scores the input and its n erased copies in one call of predict", () => {
    const { predict, calls } = batched(countingClassifier);
    leaveOneOut(predict, [1, 0, 2]);
    expect(calls).to.deep.equal([
      [
        [1, 0, 2],
        [0, 2],
        [1, 2],
        [1, 0],
      ],
    ]);
  });

  it("erases a one-token input to the empty sequence", () => {
    expectClose(leaveOneOut(counting, [1]), [0.1], { atol: 1e-15 });
  });

  it("rejects a predict that returns the wrong number of rows or non-probabilities", () => {
    expect(() => leaveOneOut(() => [[0.5, 0.5]], [1, 2])).to.throw(
      RangeError,
      /^leaveOneOut: predict returned 1 rows for 3 sequences; expected one row .*$/,
    );
    expect(() => leaveOneOut((s) => s.map(() => [0.5, 0.6]), [1, 2])).to.throw(
      RangeError,
      /^leaveOneOut: predict\(…\)\[0\] sums to 1.1; expected class probabilities summing to 1$/,
    );
    expect(() => leaveOneOut((s) => s.map(() => [NaN, 1]), [1, 2])).to.throw(
      RangeError,
      /^leaveOneOut: predict\(…\)\[0\]\[0\] is NaN; expected a finite number$/,
    );
    expect(() => leaveOneOut((s) => s.map(() => [-0.5, 1.5]), [1, 2])).to.throw(
      RangeError,
      /^leaveOneOut: predict\(…\)\[0\]\[0\] is -0.5; probabilities are >= 0$/,
    );
  });

  it("rejects bad arguments, naming each", () => {
    expect(() => leaveOneOut("model" as never, [1])).to.throw(
      TypeError,
      /^leaveOneOut: predict must be a function .*; got string$/,
    );
    expect(() => leaveOneOut(counting, [])).to.throw(
      RangeError,
      /^leaveOneOut: tokens has 0 tokens; expected >= 1$/,
    );
    expect(() => leaveOneOut(counting, [1, 0.5])).to.throw(
      RangeError,
      /^leaveOneOut: tokens\[1\] must be an integer; got 0.5$/,
    );
    expect(() => leaveOneOut(counting, [1], { target: 2 })).to.throw(
      RangeError,
      /^leaveOneOut: target is 2; predict gives 2 classes$/,
    );
    expect(() => leaveOneOut(counting, [1], { measure: "tvd", target: 0 })).to.throw(
      RangeError,
      /^leaveOneOut: target has no effect with measure "tvd"; leave it out$/,
    );
    expect(() => leaveOneOut(counting, [1], { measure: "kl" } as never)).to.throw(
      RangeError,
      /^leaveOneOut: measure must be one of "drop", "tvd"; got "kl"$/,
    );
    expect(() => leaveOneOut(counting, [1], { erase: 3 } as never)).to.throw(
      TypeError,
      /^leaveOneOut: unknown option "erase"; expected one of eraseWith, measure, target$/,
    );
  });
});

describe("deletionOrders", () => {
  it("sorts by weight, highest first and lowest first, ties kept left to right", () => {
    const orders = deletionOrders([0.2, 0.4, 0.2, 0.1, 0.1], createRandom(1));
    expect(orders.highestFirst).to.deep.equal([1, 0, 2, 3, 4]);
    expect(orders.lowestFirst).to.deep.equal([3, 4, 0, 2, 1]);
  });

  it("draws the same random permutation from the same seed", () => {
    const weights = Array.from({ length: 10 }, (_, t) => t / 45);
    const one = deletionOrders(weights, createRandom(7)).random;
    const two = deletionOrders(weights, createRandom(7)).random;
    expect(two).to.deep.equal(one);
    expect(one.slice().sort((s, t) => s - t)).to.deep.equal(weights.map((_, t) => t));
    expect(deletionOrders(weights, createRandom(8)).random).to.not.deep.equal(one);
  });

  it("works for size 1", () => {
    expect(deletionOrders([1], createRandom(1))).to.deep.equal({
      highestFirst: [0],
      lowestFirst: [0],
      random: [0],
    });
  });

  it("rejects empty weights, NaN and a missing generator", () => {
    expect(() => deletionOrders([], createRandom(1))).to.throw(
      RangeError,
      /^deletionOrders: weights is empty; expected >= 1 entry$/,
    );
    expect(() => deletionOrders([0.5, NaN], createRandom(1))).to.throw(
      RangeError,
      /^deletionOrders: weights\[1\] is NaN; expected a finite number$/,
    );
    expect(() => deletionOrders([1], 42 as never)).to.throw(
      TypeError,
      /^deletionOrders: rng must be a Random from createRandom\(seed\); got number$/,
    );
  });
});

describe("deletionCurve", () => {
  // Erase position 0 (a 1), then 1 (a 1), 3 (the 2), 2 (the 0): p(1) is 0.6, 0.5, 0.4, 0.5, 0.5.
  const tokens = [1, 1, 0, 2];
  const order = [0, 1, 3, 2];

  it("records the predicted class's probability from fraction 0 to 1", () => {
    const points = deletionCurve(counting, tokens, order);
    expect(points.map((p) => p.fraction)).to.deep.equal([0, 0.25, 0.5, 0.75, 1]);
    expectClose(
      points.map((p) => p.value),
      [0.6, 0.5, 0.4, 0.5, 0.5],
    );
  });

  it("records the drop, or the total variation distance, instead", () => {
    const drop = deletionCurve(counting, tokens, order, { measure: "drop" });
    expectClose(
      drop.map((p) => p.value),
      [0, 0.1, 0.2, 0.1, 0.1],
      { atol: 1e-15 },
    );
    const tvd = deletionCurve(counting, [2, 2, 1], [2, 0, 1], { measure: "tvd" });
    expectClose(
      tvd.map((p) => p.value),
      [0, 0.1, 0, 0.1],
      { atol: 1e-15 },
    );
  });

  it("scores the empty sequence last when erasing by removal, and none when replacing", () => {
    const removal = batched(meanClassifier);
    deletionCurve(removal.predict, tokens, order);
    expect(removal.calls[0].map((s) => s.length)).to.deep.equal([4, 3, 2, 1, 0]);

    const replacement = batched(meanClassifier);
    const points = deletionCurve(replacement.predict, tokens, order, { eraseWith: 3 });
    expect(replacement.calls[0].at(-1)).to.deep.equal([3, 3, 3, 3]);
    // p(1) = 0.5 + 0.4·(#1s − #2s)/4 with n fixed at 4: 0.6, 0.5, 0.4, 0.5, 0.5.
    expectClose(
      points.map((p) => p.value),
      [0.6, 0.5, 0.4, 0.5, 0.5],
    );
  });

  it("follows a target class when given", () => {
    const points = deletionCurve(counting, tokens, order, { target: 0 });
    expectClose(
      points.map((p) => p.value),
      [0.4, 0.5, 0.6, 0.5, 0.5],
    );
  });

  it("rejects an order that is not a permutation of the positions", () => {
    expect(() => deletionCurve(counting, tokens, [0, 1, 2])).to.throw(
      RangeError,
      /^deletionCurve: order must be a permutation of 0 … 3 \(one entry per token\); got 3 entries/,
    );
    expect(() => deletionCurve(counting, tokens, [0, 1, 1, 2])).to.throw(
      RangeError,
      /^deletionCurve: order lists 1 twice; expected a permutation of 0 … 3/,
    );
    expect(() => deletionCurve(counting, tokens, [0, 1, 2, 4])).to.throw(
      RangeError,
      /^deletionCurve: order\[3\] is 4; expected a permutation of 0 … 3/,
    );
  });
});

describe("meanCurve and aopc", () => {
  const a: DeletionPoint[] = [
    { fraction: 0, value: 0.9 },
    { fraction: 0.5, value: 0.6 },
    { fraction: 1, value: 0.5 },
  ];
  const b: DeletionPoint[] = [
    { fraction: 0, value: 0.7 },
    { fraction: 0.5, value: 0.6 },
    { fraction: 1, value: 0.3 },
  ];

  it("meanCurve averages point by point", () => {
    const m = meanCurve([a, b]);
    expect(m.map((p) => p.fraction)).to.deep.equal([0, 0.5, 1]);
    expectClose(
      m.map((p) => p.value),
      [0.8, 0.6, 0.4],
    );
    expect(meanCurve([a])).to.deep.equal(a);
  });

  it("aopc is the mean fall below the first point, 0 for a flat curve", () => {
    // (0 + 0.3 + 0.4)/3 for a.
    expectClose(aopc(a), 0.7 / 3);
    expect(aopc([{ fraction: 0, value: 0.4 }])).to.equal(0);
    expectClose(aopc(deletionCurve(counting, [1, 1, 0, 2], [0, 1, 3, 2])), 0.1);
  });

  it("meanCurve rejects curves of different lengths or fractions", () => {
    expect(() => meanCurve([a, b.slice(0, 2)])).to.throw(
      RangeError,
      /^meanCurve: curves\[1\] has 2 points; expected 3 like curves\[0\]/,
    );
    const shifted = b.map((p, k) => (k === 1 ? { ...p, fraction: 0.4 } : p));
    expect(() => meanCurve([a, shifted])).to.throw(
      RangeError,
      /^meanCurve: curves\[1\]\[1\]\.fraction is 0.4; expected 0.5 like curves\[0\]$/,
    );
    expect(() => meanCurve([])).to.throw(RangeError, /^meanCurve: curves is empty/);
    expect(() => aopc([{ fraction: 0, value: NaN }])).to.throw(
      RangeError,
      /^aopc: curve\[0\]\.value must be finite; got NaN$/,
    );
  });

  it("aopc refuses fractions outside [0, 1] or not rising", () => {
    const point = (fraction: number) => ({ fraction, value: 0.5 });
    expect(() => aopc([point(0), point(2)])).to.throw(
      RangeError,
      /^aopc: curve\[1\]\.fraction is 2; the fractions erased must rise from 0 to 1$/,
    );
    expect(() => aopc([point(0.5), point(0.25)])).to.throw(
      RangeError,
      /curve\[1\]\.fraction is 0\.25/,
    );
  });
});

describe("accuracy", () => {
  it("counts the examples whose most probable class is the label", () => {
    const examples = [
      { tokens: [1, 1], label: 1 },
      { tokens: [2], label: 0 },
      { tokens: [2, 2, 1], label: 1 },
      { tokens: [0, 1], label: 0 },
    ];
    expect(accuracy(counting, examples)).to.equal(0.5);
  });

  it("rejects a label the classifier cannot predict, and no examples", () => {
    expect(() => accuracy(counting, [{ tokens: [1], label: 2 }])).to.throw(
      RangeError,
      /^accuracy: examples\[0\]\.label is 2; predict gives 2 classes$/,
    );
    expect(() => accuracy(counting, [])).to.throw(RangeError, /^accuracy: examples is empty/);
    expect(() => accuracy(counting, [{ tokens: [1] }] as never)).to.throw(
      TypeError,
      /^accuracy: examples\[0\]\.label must be a number; got undefined$/,
    );
  });
});

describe("classifierPredict and classifierAttention", () => {
  const model = new AttentionClassifier(createRandom(3), {
    vocabulary: 6,
    dEmbed: 4,
    dAttn: 3,
    classes: 3,
  });

  it("gives softmax of the model's logits, the same alone as in a padded batch", () => {
    const alone = classifierPredict(model)([[4, 1, 5]])[0];
    const logits = model.forward({ tokens: [[4, 1, 5]], lengths: [3] }).logits.value;
    expectClose(alone, softmax(Array.from(logits.data)), { rtol: 1e-15, atol: 0 });
    const batch = classifierPredict(model)([[2], [4, 1, 5], [0, 3, 3, 3, 1]]);
    expectClose(batch[1], alone, { rtol: 1e-14, atol: 0 });
    batch.forEach((p) =>
      expectClose(
        p.reduce((s, x) => s + x, 0),
        1,
      ),
    );
  });

  it("answers the empty sequence with softmax of the output bias", () => {
    const bias = Array.from(model.output.bias!.value.data);
    expectClose(classifierPredict(model)([[]])[0], softmax(bias), { rtol: 1e-15, atol: 0 });
  });

  it("reads the weights at each call, so a predict made before training sees trained ones", () => {
    const hand = handModel();
    const predict = classifierPredict(hand);
    expect(predict([[]])[0]).to.deep.equal([0.5, 0.5]);
    hand.output.bias!.value.data.set([Math.log(3), 0]);
    expectClose(predict([[]])[0], [0.75, 0.25]);
  });

  it("removing a token renormalises the attention over the others (scores are per token)", () => {
    const tokens = [4, 1, 5, 2];
    const alpha = classifierAttention(model, [tokens])[0];
    const kept = alpha.map((w, t) => (t === 2 ? 0 : w / (1 - alpha[2])));
    const batch = { tokens: [tokens], lengths: [4] };
    const logits = model.forward(batch, new Matrix(Float64Array.from(kept), 1, 4)).logits.value;
    const removed = classifierPredict(model)([[4, 1, 2]])[0];
    // Same weights, but position 2 holds a different word: fine, its weight is 0.
    expectClose(removed, softmax(Array.from(logits.data)), { rtol: 1e-12, atol: 1e-15 });
  });

  it("with uniform attention matches forward with uniformWeights", () => {
    const tokens = [0, 3, 4];
    const override = uniformWeights([3], 3);
    const logits = model.forward({ tokens: [tokens], lengths: [3] }, override).logits.value;
    const uniform = classifierPredict(model, { attention: "uniform" })([tokens])[0];
    expectClose(uniform, softmax(Array.from(logits.data)), { rtol: 1e-15, atol: 0 });
  });

  it("classifierAttention gives each sequence its own weights, summing to 1", () => {
    const weights = classifierAttention(model, [[4, 1, 5], [2]]);
    expect(weights.map((w) => w.length)).to.deep.equal([3, 1]);
    expectClose(
      weights.map((w) => w.reduce((s, x) => s + x, 0)),
      [1, 1],
    );
    expect(weights[1]).to.deep.equal([1]);
  });

  it("rejects a word outside the vocabulary, a model of the wrong kind and a bad option", () => {
    expect(() => classifierPredict(model)([[1, 6]])).to.throw(
      RangeError,
      /^classifierPredict: sequences\[0\]\[1\] is 6; the model's vocabulary has ids 0 … 5$/,
    );
    expect(() => classifierPredict({} as never)).to.throw(
      TypeError,
      /^classifierPredict: model must be an AttentionClassifier; got Object$/,
    );
    expect(() => classifierPredict(model, { attention: "none" } as never)).to.throw(
      RangeError,
      /^classifierPredict: attention must be "learned" or "uniform"; got "none"$/,
    );
    expect(() => classifierAttention(model, [[]])).to.throw(
      RangeError,
      /^classifierAttention: sequences\[0\] has 0 tokens; expected >= 1$/,
    );
  });
});

describe("uniformAblation", () => {
  it("changes nothing, exactly, when the learned attention is already uniform (v = 0)", () => {
    const model = new AttentionClassifier(createRandom(4), {
      vocabulary: 5,
      dEmbed: 3,
      dAttn: 2,
      classes: 2,
    });
    model.v.value.data.fill(0); // every score 0, so softmax gives 1/n
    const sequences = [
      [0, 1, 2],
      [3, 4, 4, 1],
      [2, 2],
    ];
    const learned = classifierPredict(model)(sequences);
    expect(classifierPredict(model, { attention: "uniform" })(sequences)).to.deep.equal(learned);
    const examples = sequences.map((tokens, i) => ({ tokens, label: i % 2 }));
    const result = uniformAblation(model, examples);
    expect(result.difference).to.equal(0);
    expect(result.uniform).to.equal(result.learned);
  });

  it("changes nothing for a model trained with uniform attention", () => {
    const model = new AttentionClassifier(createRandom(4), {
      vocabulary: 5,
      dEmbed: 3,
      dAttn: 2,
      classes: 2,
      uniformAttention: true,
    });
    const examples = [
      { tokens: [0, 1, 2], label: 1 },
      { tokens: [3, 4], label: 0 },
    ];
    expect(uniformAblation(model, examples).difference).to.equal(0);
  });

  it("shows what the watermark's attention costs on the hand-set model", () => {
    // [0, 1, 1, 1]: attention on the watermark says class 1, the average c₀ = −1/2 says class 0.
    // Without a watermark the scores tie, so learned attention is uniform already.
    const examples = [
      { tokens: [0, 1, 1, 1], label: 0 },
      { tokens: [2, 2, 1], label: 1 },
      { tokens: [1, 1, 2], label: 0 },
    ];
    const result = uniformAblation(handModel(), examples);
    expectClose(result.learned, 2 / 3);
    expect(result.uniform).to.equal(1);
    expectClose(result.difference, -1 / 3);
  });

  it("rejects a model of the wrong kind and a word outside the vocabulary", () => {
    expect(() => uniformAblation(counting as never, [{ tokens: [1], label: 0 }])).to.throw(
      TypeError,
      /^uniformAblation: model must be an AttentionClassifier; got function$/,
    );
    expect(() => uniformAblation(handModel(), [{ tokens: [1, 3], label: 0 }])).to.throw(
      RangeError,
      /^uniformAblation: examples\[0\]\.tokens\[1\] is 3; the model's vocabulary has ids 0 … 2$/,
    );
  });
});

describe("attentionAgreement", () => {
  it("is 3/√15 on the hand-set model, where attention ties three tokens and importance two", () => {
    // Attention: the watermark ≈ 1, the other three tied. Leave-one-out drop of class 1: the
    // watermark most, then word 2 (a little), then the two 1s (negative, and equal: erasing
    // either leaves [0, 1, 2]). 3 concordant pairs, n₀ = 6, n₁ = 3, n₂ = 1.
    const { taus, mean, skipped } = attentionAgreement(handModel(), [[0, 1, 1, 2]], {
      measure: "drop",
    });
    expectClose(taus as number[], [3 / Math.sqrt(15)]);
    expectClose(mean, 3 / Math.sqrt(15));
    expect(skipped).to.equal(0);
  });

  it("leaves out sequences where tau is undefined", () => {
    const { taus, skipped } = attentionAgreement(handModel(), [[2], [0, 1, 1, 2], [1, 1]], {
      measure: "drop",
    });
    expect(taus[0]).to.equal(null);
    expect(taus[2]).to.equal(null); // [1, 1]: both weights and importances tied
    expect(skipped).to.equal(2);
  });

  it("rejects no sequences, an empty one, and a measure it does not know", () => {
    expect(() => attentionAgreement(handModel(), [])).to.throw(
      RangeError,
      /^attentionAgreement: sequences is empty$/,
    );
    expect(() => attentionAgreement(handModel(), [[0, 1], []])).to.throw(
      RangeError,
      /^attentionAgreement: sequences\[1\] has 0 tokens; expected >= 1$/,
    );
    expect(() =>
      attentionAgreement(handModel(), [[0, 1]], { measure: "probability" } as never),
    ).to.throw(
      RangeError,
      /^attentionAgreement: measure must be one of "drop", "tvd"; got "probability"$/,
    );
  });

  it("rejects a model whose tau is undefined everywhere", () => {
    const model = new AttentionClassifier(createRandom(4), {
      vocabulary: 5,
      dEmbed: 3,
      dAttn: 2,
      classes: 2,
      uniformAttention: true,
    });
    expect(() => attentionAgreement(model, [[0, 1, 2]])).to.throw(
      RangeError,
      /^attentionAgreement: Kendall tau is undefined for all 1 sequences/,
    );
  });
});

describe("classifierDeletionCurves", () => {
  const sequences = [
    [0, 1, 1, 2],
    [2, 0, 1, 1],
    [1, 2, 2, 1],
  ];

  it("gives the same curves for the same seed", () => {
    const one = classifierDeletionCurves(handModel(), sequences, createRandom(5));
    const two = classifierDeletionCurves(handModel(), sequences, createRandom(5));
    expect(two).to.deep.equal(one);
    expect(one.random.map((p) => p.fraction)).to.deep.equal([0, 0.25, 0.5, 0.75, 1]);
  });

  it("averages the single-sequence curves of deletionCurve", () => {
    const model = handModel();
    const predict = classifierPredict(model);
    const weights = classifierAttention(model, sequences);
    const rng = createRandom(5);
    const expected = sequences.map((tokens, b) => {
      const orders = deletionOrders(weights[b], rng);
      return {
        highestFirst: deletionCurve(predict, tokens, orders.highestFirst),
        random: deletionCurve(predict, tokens, orders.random),
      };
    });
    const curves = classifierDeletionCurves(model, sequences, createRandom(5));
    expect(curves.highestFirst).to.deep.equal(meanCurve(expected.map((e) => e.highestFirst)));
    expect(curves.random).to.deep.equal(meanCurve(expected.map((e) => e.random)));
  });

  it("falls fastest when the watermark the model attends to goes first", () => {
    const curves = classifierDeletionCurves(handModel(), sequences.slice(0, 2), createRandom(5));
    expect(aopc(curves.highestFirst)).to.be.greaterThan(aopc(curves.lowestFirst));
  });

  it("rejects sequences of different lengths", () => {
    expect(() => classifierDeletionCurves(handModel(), [[0, 1], [1]], createRandom(1))).to.throw(
      RangeError,
      /^classifierDeletionCurves: sequences\[1\] has 1 tokens; expected 2 like sequences\[0\]/,
    );
  });
});

describe("explaining a classifier trained on the shortcut task", function () {
  this.timeout(20_000);
  // Training data where the watermark tracks the label; 30 steps of two batches of 64 suffice
  // for the shortcut to win (the seeds are fixed, so every run trains the same model).
  const task = shortcutTask();
  const trainSet = task.sample(createRandom(2), 128, true);
  const testSet = task.sample(createRandom(3), 48, false);
  let model: AttentionClassifier;

  before(() => {
    model = new AttentionClassifier(createRandom(1), {
      vocabulary: task.words.length,
      dEmbed: 8,
      dAttn: 8,
      classes: 2,
    });
    const batches = [trainSet.slice(0, 64), trainSet.slice(64)];
    train({
      steps: 30,
      optimizer: new Adam(model.parameters(), { learningRate: 0.05 }),
      loss: (step) => {
        const batch = batches[step % 2];
        const labels = batch.map((e) => e.label);
        return crossEntropy(model.forward(task.batch(batch)).logits, labels);
      },
    });
  });

  it("attends to the watermark, and uniform attention undoes the shortcut on training data", () => {
    const marked = testSet.filter((e) => e.watermarkAt >= 0);
    const weights = classifierAttention(
      model,
      marked.map((e) => e.tokens),
    );
    const mass = weights.reduce((s, w, i) => s + w[marked[i].watermarkAt], 0) / marked.length;
    expect(mass).to.be.greaterThan(0.5);
    const ablation = uniformAblation(model, trainSet);
    expect(ablation.learned).to.equal(1);
    expect(ablation.difference).to.be.greaterThan(0.2);
  });

  it("ranks deletion orders highest-first above random above lowest-first", () => {
    const curves = classifierDeletionCurves(
      model,
      testSet.map((e) => e.tokens),
      createRandom(4),
    );
    const [high, random, low] = [curves.highestFirst, curves.random, curves.lowestFirst].map(aopc);
    expect(high).to.be.greaterThan(random);
    expect(random).to.be.greaterThan(low);
  });

  it("agrees with leave-one-out importance by TVD, and the mean is the mean of the taus", () => {
    const { taus, mean, skipped } = attentionAgreement(
      model,
      testSet.map((e) => e.tokens),
    );
    expect(skipped).to.equal(0);
    expect(mean).to.be.within(0.3, 1);
    const defined = taus.filter((t): t is number => t !== null);
    expectClose(mean, defined.reduce((s, t) => s + t, 0) / defined.length);
  });
});
