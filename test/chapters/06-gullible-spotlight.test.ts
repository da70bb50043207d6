// Fact spec of chapter 6: what the chapter teaches about the shortcut model and the tests of its
// attention, read from the executed chapter. Counts are checked against data drawn here from the
// same seeds, derived numbers (accuracies, AOPC, Kendall tau) are recomputed from the printed
// tables, and the numbers the prose states are checked against the printed ones.
import { expect } from "chai";
import { createRandom, shortcutTask } from "../../src";
import type { LabelledExample } from "../../src";
import { executedCourse } from "../support/course";
import {
  expectOpenExercises,
  htmlOutputs,
  Notebook,
  numberAfter,
  prose,
  rows,
  taggedOutput,
} from "../support/notebook-check";

/** Kendall's τ_b by brute force over all pairs, with the tie correction (Kendall 1945). */
function bruteForceTauB(a: number[], b: number[]): number {
  let concordant = 0;
  let discordant = 0;
  let tiedA = 0;
  let tiedB = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      if (a[i] === a[j]) tiedA += 1;
      if (b[i] === b[j]) tiedB += 1;
      if (a[i] === a[j] || b[i] === b[j]) continue;
      if (a[i] < a[j] === b[i] < b[j]) concordant += 1;
      else discordant += 1;
    }
  }
  const pairs = (a.length * (a.length - 1)) / 2;
  return (concordant - discordant) / Math.sqrt((pairs - tiedA) * (pairs - tiedB));
}

const marked = (e: LabelledExample) => e.watermarkAt >= 0;

describe("chapter 6: the gullible spotlight", function () {
  this.timeout(15 * 60_000);
  let chapter: Notebook;
  let text: string;
  // The chapter's three data sets, drawn again here from its seeds.
  const task = shortcutTask();
  const trainSet = task.sample(createRandom(2), 256, true);
  const heldOutSet = task.sample(createRandom(6), 256, true);
  const testSet = task.sample(createRandom(3), 256, false);

  before(() => {
    chapter = executedCourse().executed("06-gullible-spotlight");
    text = prose(chapter);
  });

  it("plants a shortcut: both rules fit the training data, only the word count fits the test", () => {
    const table = rows(
      taggedOutput(chapter, "fact-rules"),
      /^(train|held-out|test) +(\d+) +(\d+) +([\d.]+) +([\d.]+)$/,
    );
    expect(table.map((r) => r[0])).to.deep.equal(["train", "held-out", "test"]);
    [trainSet, heldOutSet, testSet].forEach((set, k) => {
      const [, size, withMark, watermarkRight, countRight] = table[k];
      const positives = (e: LabelledExample) => e.tokens.filter((t) => task.positive.includes(t));
      const negatives = (e: LabelledExample) => e.tokens.filter((t) => task.negative.includes(t));
      const byCount = set.filter(
        (e) => (positives(e).length > negatives(e).length ? 1 : 0) === e.label,
      );
      const byMark = set.filter((e) => (marked(e) ? 1 : 0) === e.label);
      expect(Number(size)).to.equal(set.length);
      expect(Number(withMark)).to.equal(set.filter(marked).length);
      expect(Number(watermarkRight)).to.be.closeTo(byMark.length / set.length, 5e-5);
      expect(Number(countRight)).to.be.closeTo(byCount.length / set.length, 5e-5);
    });
    expect(Number(table[0][3])).to.equal(1);
    expect(Number(table[1][3])).to.equal(1);
    expect(Number(table[2][3])).to.be.within(0.4, 0.6);
    expect(Number(table[2][4])).to.equal(1);
  });

  it("trains to a near-zero loss and perfect training accuracy while test accuracy falls", () => {
    const progress = rows(
      taggedOutput(chapter, "fact-training"),
      /^step +(\d+)\/60 +loss ([\d.]+) nats +train accuracy ([\d.]+) +test accuracy ([\d.]+)$/,
    ).map((r) => r.map(Number));
    expect(progress.map((r) => r[0])).to.deep.equal([
      5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60,
    ]);
    const [first, last] = [progress[0], progress[progress.length - 1]];
    expect(first[1]).to.be.above(0.1);
    expect(last[1]).to.be.below(1e-3);
    expect(last[2]).to.equal(1);
    expect(last[3]).to.be.below(first[3]);
    expect(last[3]).to.be.at.most(0.55);
    expect(text).to.include("training accuracy reaches 1 by step 15");
    expect(progress.find((r) => r[2] === 1)![0]).to.equal(15);
    expect(htmlOutputs(chapter)).to.include(
      "Training loss of the attention classifier on the watermarked data",
    );
  });

  it("is perfect on training and held-out data and at chance on the test set, by the watermark", () => {
    const output = taggedOutput(chapter, "fact-accuracy");
    const train = numberAfter(output, "accuracy: train");
    const heldOut = numberAfter(output, "held-out");
    const test = numberAfter(output, "test");
    expect([train, heldOut]).to.deep.equal([1, 1]);
    expect(train - test).to.be.above(0.45);

    // The test accuracy again, from the table of predictions by watermark and label.
    const table = rows(output, /◆ (present|absent) *, label (\d): +(\d+) of +(\d+)$/);
    expect(table).to.have.length(4);
    let correct = 0;
    for (const [where, label, ones, size] of table) {
      const group = testSet.filter(
        (e) => marked(e) === (where === "present") && e.label === Number(label),
      );
      expect(Number(size), `${where}, label ${label}`).to.equal(group.length);
      // The shortcut: class 1 exactly where the watermark is.
      expect(Number(ones)).to.equal(where === "present" ? group.length : 0);
      correct += Number(label) === 1 ? Number(ones) : Number(size) - Number(ones);
    }
    expect(test).to.be.closeTo(correct / testSet.length, 5e-5);
    expect(output).to.include("prediction = '◆ present' in 256 of 256 test sentences");
    expect(text).to.include(`collapses to ${test.toFixed(2)}, chance level`);
  });

  it("puts more than 95% of the attention on the watermark, against 1/12 for uniform weights", () => {
    const output = taggedOutput(chapter, "fact-watermark-mass");
    const table = rows(
      output,
      /^(train|held-out|test) +(\d+) sentences with ◆: mean weight on ◆ ([\d.]+), smallest ([\d.]+)$/,
    );
    expect(table).to.have.length(3);
    [trainSet, heldOutSet, testSet].forEach((set, k) => {
      const [, count, meanWeight, smallest] = table[k];
      expect(Number(count)).to.equal(set.filter(marked).length);
      expect(Number(meanWeight)).to.be.above(0.95);
      // Above one half, ◆ outweighs the other eleven tokens together: the brightest everywhere.
      expect(Number(smallest)).to.be.above(0.5);
    });
    expect(numberAfter(output, "uniform attention: 1/12 =")).to.be.closeTo(1 / 12, 5e-5);
    expect(text).to.include("More than 95% of the attention");
    expect(htmlOutputs(chapter)).to.include(
      "Attention of the shortcut model on four test sentences",
    );
  });

  it("tells cause from bystander by intervening: erasing and inserting tokens", () => {
    const output = taggedOutput(chapter, "fact-interventions");
    const [withMark, without, inserted] = rows(output, /: +(\d+) of (\d+) predictions change$/).map(
      (r) => r.map(Number),
    );
    const markedCount = testSet.filter(marked).length;
    expect(withMark).to.deep.equal([markedCount, markedCount]);
    expect(without).to.deep.equal([0, testSet.length - markedCount]);
    expect(inserted).to.deep.equal([testSet.length - markedCount, testSet.length - markedCount]);
  });

  it("draws deletion curves where highest-first falls fastest and lowest-first slowest", () => {
    const output = taggedOutput(chapter, "fact-deletion");
    const curves = rows(
      output,
      /^(highest attention first|random order|lowest attention first) +AOPC ([\d.]+) +fall \[(.*)\]$/,
    );
    expect(curves.map((c) => c[0])).to.deep.equal([
      "highest attention first",
      "random order",
      "lowest attention first",
    ]);
    const [high, random, low] = curves.map(([, printed, list]) => {
      const falls = list.split(", ").map(Number);
      expect(falls).to.have.length(13); // 12 tokens: none erased … all erased
      expect(falls[0]).to.equal(0);
      // AOPC is the mean fall; the printed falls have 3 digits.
      const mean = falls.reduce((s, x) => s + x, 0) / falls.length;
      expect(Number(printed)).to.be.closeTo(mean, 6e-4);
      return { aopc: Number(printed), falls };
    });
    expect(high.aopc).to.be.above(random.aopc);
    expect(random.aopc).to.be.above(low.aopc);
    // One erasure: the watermark goes first in highest-first; lowest-first changes nothing.
    expect(high.falls[1]).to.be.above(0.4);
    expect(high.falls[1]).to.be.above(random.falls[1] + 0.3);
    expect(low.falls.slice(0, 12).every((x) => x === 0)).to.equal(true);
    // All three orders end at the same empty sentence.
    expect(new Set([high, random, low].map((c) => c.falls[12])).size).to.equal(1);
    const aopcs = [high, random, low].map((c) => c.aopc.toFixed(2));
    expect(text).to.include(
      `highest first (${aopcs[0]}), random (${aopcs[1]}), lowest first (${aopcs[2]})`,
    );
    expect(htmlOutputs(chapter)).to.include("Deletion curves of the shortcut model");
  });

  it("reports the uniform ablation's change and the frozen-uniform model's accuracy", () => {
    const output = taggedOutput(chapter, "fact-ablation");
    const row = (name: string) => {
      const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      const found = rows(output, new RegExp(`^${escaped} +(-?[\\d.]+) +(-?[\\d.]+) +(-?[\\d.]+)$`));
      expect(found, name).to.have.length(1);
      return found[0].map(Number);
    };
    const learned = row("learned attention");
    const uniform = row("same model, uniform weights at test time");
    const change = row("  change (uniform − learned)");
    const frozen = row("trained with frozen uniform attention");
    change.forEach((c, k) => expect(c).to.be.closeTo(uniform[k] - learned[k], 1.5e-4));
    // Every accuracy counts sentences out of 256.
    for (const value of [...learned, ...uniform, ...frozen]) {
      expect(Math.abs(value * 256 - Math.round(value * 256))).to.be.below(0.02);
    }
    // Where the model works, the test-time ablation is drastic.
    expect(change[0]).to.be.below(-0.4);
    expect(text).to.include(
      `from ${learned[0].toFixed(2)} to ${uniform[0].toFixed(2)} (a change of ` +
        `−${Math.abs(change[0]).toFixed(2)})`,
    );
    expect(text).to.include(`from ${learned[1].toFixed(2)} to ${uniform[1].toFixed(2)}.`);
    expect(text).to.include(`from ${learned[2].toFixed(2)} to ${uniform[2].toFixed(2)}.)`);
    // Wiegreffe & Pinter's baseline fits the training data as well and generalises.
    expect(frozen.slice(0, 2)).to.deep.equal([1, 1]);
    expect(frozen[2]).to.be.above(0.9);
    expect(frozen[2] - learned[2]).to.be.above(0.4);
    expect(text).to.include(`right ${Math.round(frozen[2] * 100)}% of the time`);
  });

  it("shows by erasing ◆ that the frozen-uniform model hardly depends on it", () => {
    const output = taggedOutput(chapter, "fact-uniform-watermark");
    const [learned, uniform] = rows(output, /: +(\d+) of (\d+) predictions change$/).map((r) =>
      r.map(Number),
    );
    const markedCount = testSet.filter(marked).length;
    expect(learned).to.deep.equal([markedCount, markedCount]);
    expect(uniform[1]).to.equal(markedCount);
    expect(uniform[0] / uniform[1]).to.be.below(0.1);
  });

  it("trains a clean model that is right on the test set and ignores the watermark", () => {
    const output = taggedOutput(chapter, "fact-clean-model");
    expect(numberAfter(output, "clean model accuracy: train")).to.be.at.least(0.95);
    const test = numberAfter(output, ", test");
    expect(test).to.be.at.least(0.95);
    const clean = numberAfter(output, "clean model");
    const shortcut = numberAfter(output, "shortcut model");
    expect(clean).to.be.below(1 / 12);
    expect(shortcut).to.be.above(0.95);
    expect(text).to.include("gives ◆ less than 1% of its attention");
    expect(clean).to.be.below(0.01);
    expect(htmlOutputs(chapter)).to.include("Attention of the clean model");
  });

  it("prints Kendall tau_b values that the printed rankings reproduce, pair by pair", () => {
    const output = taggedOutput(chapter, "fact-agreement-example");
    const blocks = output.split(/^(?=\w+ model: token)/m).slice(1);
    expect(blocks).to.have.length(2);
    const taus = blocks.map((block) => {
      const table = rows(block, /^ {2}(\S+) +([\d.]+) +(-?[\d.]+) +(\d+) +(\d+)$/);
      expect(table).to.have.length(12);
      const byAttention = table.map((r) => Number(r[3]));
      const byImportance = table.map((r) => Number(r[4]));
      // Ranks 1 = largest: a higher weight has a smaller rank. Compare where the printed
      // weights differ beyond rounding.
      table.forEach((a, i) =>
        table.forEach((b, j) => {
          if (Number(a[1]) > Number(b[1]) + 1e-4)
            expect(byAttention[i]).to.be.below(byAttention[j]);
          if (Number(a[2]) > Number(b[2]) + 0.01)
            expect(byImportance[i]).to.be.below(byImportance[j]);
        }),
      );
      // Kendall's τ_b depends only on the orders, so the ranks (negated: 1 is the largest) give it.
      const tau = bruteForceTauB(
        byAttention.map((r) => -r),
        byImportance.map((r) => -r),
      );
      const printed = numberAfter(block, "Kendall tau_b =");
      expect(printed).to.be.closeTo(tau, 5e-5);
      return { table, printed };
    });
    // Shortcut model: ◆ first in both rankings, erasing it moves the prediction by 1 (log 0),
    // erasing any other token by less than 1e-6.
    const [shortcut, clean] = taus.map((t) => t.table);
    for (const [token, , logImportance, byAttention, byImportance] of shortcut) {
      if (token === "◆") {
        expect([logImportance, byAttention, byImportance]).to.deep.equal(["0.00", "1", "1"]);
      } else {
        expect(Number(logImportance), token).to.be.below(-6);
      }
    }
    expect(text).to.include("erasing any of them moves the prediction by less than $10^{-6}$");
    // Clean model: the two negative words lead both rankings.
    const leaders = clean.filter((r) => Number(r[3]) <= 2 && Number(r[4]) <= 2).map((r) => r[0]);
    expect(leaders.sort()).to.deep.equal(["grim", "poor"]);
    expect(text).to.include(`so $\\tau_b$ is ${taus[0].printed.toFixed(2)}`);
    expect(text).to.include(`($\\tau_b = ${taus[1].printed.toFixed(2)}$)`);
  });

  it("finds that attention agrees more with leave-one-out for the shortcut model than the clean one", () => {
    const output = taggedOutput(chapter, "fact-agreement");
    const table = rows(
      output,
      /^(shortcut|clean) model +(-?[\d.]+) +(-?[\d.]+) +([\d.]+) +([\d.]+) +([\d.]+) +\(tau undefined for (\d+) and (\d+) sentences\)$/,
    );
    expect(table.map((r) => r[0])).to.deep.equal(["shortcut", "clean"]);
    const [shortcut, clean] = table.map((r) => r.slice(1).map(Number));
    for (const values of [shortcut, clean]) {
      expect(values[0]).to.be.within(-1, 1);
      expect(values[1]).to.be.within(-1, 1);
      expect(values[2]).to.be.above(values[3]); // AOPC: highest first above random
      expect(values[3]).to.be.above(values[4]); // random above lowest first
      expect(values.slice(5)).to.deep.equal([0, 0]);
    }
    expect(shortcut[0]).to.be.above(clean[0]);
    expect(clean[0]).to.be.above(0);
    expect(shortcut[1]).to.be.below(0); // the renormalisation effect on the signed drop
    // The shortcut model's AOPCs are the ones of its deletion curves above.
    const deletion = taggedOutput(chapter, "fact-deletion");
    expect(shortcut[2]).to.equal(numberAfter(deletion, "highest attention first  AOPC"));
    expect(shortcut[4]).to.equal(numberAfter(deletion, "lowest attention first   AOPC"));
    expect(text).to.include(
      `*more* for the shortcut model (${shortcut[0].toFixed(2)}) than for the clean one (${clean[0].toFixed(2)})`,
    );
  });

  it("ends with exercises 6.1 to 6.3, each left unanswered with a hint", () => {
    expectOpenExercises(chapter, 6, 3);
  });
});
