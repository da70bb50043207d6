import { expect } from "chai";
import { encodeTime, TimeAligner, timestampTask } from "../src/alignment";
import { softmax } from "../src/softmax";
import { Adam, train } from "../src/nn";
import { createRandom } from "../src/random";
import { matrix } from "../src/tensor";
import { expectClose } from "./support/close";
import { expectGradientsMatch } from "./support/gradcheck";

describe("encodeTime", () => {
  it("puts a time on a line with a constant feature, or on a half circle of radius 1", () => {
    expect(encodeTime(0.25, "line")).to.deep.equal([0.25, 1]);
    expectClose(encodeTime(0.5, "circle"), [0, 1], { atol: 1e-15 });
    expectClose(encodeTime(1, "circle"), [-1, 0], { atol: 1e-15 });
    for (const t of [0, 0.3, 0.7, 1]) expectClose(Math.hypot(...encodeTime(t, "circle")), 1);
  });

  it("rejects a time outside [0, 1] and an unknown encoding", () => {
    expect(() => encodeTime(1.5, "line")).to.throw(
      RangeError,
      /^encodeTime: t must be in \[0, 1\]; got 1\.5$/,
    );
    expect(() => encodeTime(NaN, "line")).to.throw(RangeError, /^encodeTime: t /);
    expect(() => encodeTime(0.5, "spiral" as never)).to.throw(
      RangeError,
      /^encodeTime: encoding must be "line" or "circle"; got spiral$/,
    );
  });
});

describe("timestampTask", () => {
  it("draws distinct times on the grid and distinct labels, and a target among the events", () => {
    const task = timestampTask({ events: 5, slots: 7, labels: 6 });
    for (const example of task.sample(createRandom(1), 50)) {
      expect(new Set(example.times).size).to.equal(5);
      expect(new Set(example.labels).size).to.equal(5);
      for (const t of example.times) expect(Number.isInteger(t * 6 + 1e-9 - 1e-9)).to.equal(true);
      for (const label of example.labels) expect(label).to.be.within(0, 5);
      expect(example.target).to.be.within(0, 4);
    }
  });

  it("gives the same examples for the same seed", () => {
    const task = timestampTask();
    expect(task.sample(createRandom(3), 4)).to.deep.equal(task.sample(createRandom(3), 4));
  });

  it("allows as many slots as events, which uses every time of the grid", () => {
    const [example] = timestampTask({ events: 3, slots: 3 }).sample(createRandom(1), 1);
    expect([...example.times].sort()).to.deep.equal([0, 0.5, 1]);
  });

  it("rejects fewer slots or labels than events and a misspelt option", () => {
    expect(() => timestampTask({ events: 6, slots: 5 })).to.throw(
      RangeError,
      /^timestampTask: slots must be an integer >= 6; got 5$/,
    );
    expect(() => timestampTask({ events: 6, labels: 4 })).to.throw(
      RangeError,
      /^timestampTask: labels must be an integer >= 6; got 4$/,
    );
    expect(() => timestampTask({ event: 4 } as never)).to.throw(
      TypeError,
      /^timestampTask: unknown option "event"/,
    );
  });
});

describe("TimeAligner", () => {
  const task = timestampTask({ events: 4, slots: 6, labels: 5 });
  const examples = task.sample(createRandom(2), 3);

  for (const score of ["additive", "multiplicative"] as const) {
    for (const encoding of ["line", "circle"] as const) {
      it(`with a ${score} score on the ${encoding} agrees with central differences`, () => {
        const model = new TimeAligner(createRandom(1), { score, encoding, labels: 5, dAttn: 3 });
        expectGradientsMatch(() => model.loss(examples), model.parameters(), 1e-6, 1e-5);
      });
    }
  }

  it("gives attention rows that sum to 1 over the events", () => {
    const model = new TimeAligner(createRandom(1), {
      score: "additive",
      encoding: "line",
      labels: 5,
    });
    const { weights } = model.forward(examples);
    expect(weights.shape).to.deep.equal([3, 4]);
    for (const row of weights.toArray())
      expectClose(
        row.reduce((a, b) => a + b, 0),
        1,
      );
  });

  it("attends as the library's score function built from its weights does", () => {
    for (const score of ["additive", "multiplicative"] as const) {
      const model = new TimeAligner(createRandom(4), { score, encoding: "circle", labels: 5 });
      const { weights } = model.forward(examples);
      examples.forEach((example, b) => {
        const query = matrix([encodeTime(example.times[example.target], "circle")]);
        const keys = matrix(example.times.map((t) => encodeTime(t, "circle")));
        const scores = Array.from(model.scoreFunction()(query, keys).data);
        expectClose(weights.toArray()[b], softmax(scores));
      });
    }
  });

  it("counts 2 + 2 + 1 parameters per additive hidden unit and 4 for the bilinear W", () => {
    const additive = new TimeAligner(createRandom(1), {
      score: "additive",
      encoding: "line",
      labels: 5,
      dAttn: 6,
    });
    const multiplicative = new TimeAligner(createRandom(1), {
      score: "multiplicative",
      encoding: "line",
      labels: 5,
    });
    const scoreSize = (model: TimeAligner) =>
      model
        .parameters()
        .filter((p) => p.name?.startsWith("aligner.") && !p.name.startsWith("aligner.output"))
        .reduce((total, p) => total + p.value.data.length, 0);
    expect(scoreSize(additive)).to.equal(5 * 6);
    expect(scoreSize(multiplicative)).to.equal(4);
  });

  it("cannot put its largest weight on a middle event with a multiplicative score on the line", () => {
    // For a fixed query, q·W·kᵀ with k = (t, 1) is linear in t: whatever W holds, the top event
    // is the earliest or the latest. Checked for random W and queries.
    const rng = createRandom(9);
    for (let trial = 0; trial < 200; trial++) {
      const w = matrix([
        [rng.normal(), rng.normal()],
        [rng.normal(), rng.normal()],
      ]);
      const model = new TimeAligner(createRandom(1), {
        score: "multiplicative",
        encoding: "line",
        labels: 5,
      });
      model.wQuery.value.data.set(w.data);
      const times = [0, 0.2, 0.4, 0.6, 0.8, 1];
      const scores = model.scoreFunction()(
        matrix([encodeTime(rng.uniform(), "line")]),
        matrix(times.map((t) => encodeTime(t, "line"))),
      ).data;
      const top = scores.indexOf(Math.max(...scores));
      expect([0, 5], `trial ${trial}`).to.include(top);
    }
  });

  it("learns to align on the line with an additive score, and is bit-identical per seed", function () {
    this.timeout(60_000);
    const big = timestampTask();
    const trainSet = big.sample(createRandom(11), 640);
    const testSet = big.sample(createRandom(12), 200);
    const run = () => {
      const model = new TimeAligner(createRandom(1), {
        score: "additive",
        encoding: "line",
        labels: big.labels,
      });
      const losses = train({
        steps: 300,
        loss: (k) => model.loss(trainSet.slice((k % 10) * 64, (k % 10) * 64 + 64)),
        optimizer: new Adam(model.parameters(), { learningRate: 0.05 }),
      });
      return { losses, accuracy: model.evaluate(testSet) };
    };
    const first = run();
    expect(first.accuracy.alignment).to.be.above(0.95);
    expect(run().losses).to.deep.equal(first.losses);
  });

  it("rejects a misspelt option, an unknown score or encoding, and mismatched examples", () => {
    const make = (options: object) => () => new TimeAligner(createRandom(1), options as never);
    expect(make({ score: "additive", encoding: "line", label: 4 })).to.throw(
      TypeError,
      /^TimeAligner: unknown option "label"/,
    );
    expect(make({ score: "dot", encoding: "line", labels: 4 })).to.throw(
      RangeError,
      /^TimeAligner: score must be "additive" or "multiplicative"; got dot$/,
    );
    expect(make({ score: "additive", encoding: "plane", labels: 4 })).to.throw(
      RangeError,
      /^TimeAligner: encoding must be "line" or "circle"; got plane$/,
    );
    const model = new TimeAligner(createRandom(1), {
      score: "additive",
      encoding: "line",
      labels: 5,
    });
    expect(() => model.forward([])).to.throw(
      RangeError,
      /^TimeAligner\.forward: examples must not be empty$/,
    );
    const uneven = [examples[0], { ...examples[1], times: examples[1].times.slice(1) }];
    expect(() => model.forward(uneven)).to.throw(
      RangeError,
      /^TimeAligner\.forward: every example needs 4 times and 4 labels/,
    );
    const unknownLabel = [{ ...examples[0], labels: [0, 1, 2, 9] }];
    expect(() => model.forward(unknownLabel)).to.throw(
      RangeError,
      /^TimeAligner\.forward: examples\[0\]\.labels\[3\] is 9; the model knows 5 labels$/,
    );
  });
});
