// The library against an independent implementation: PyTorch 2.13.0 on the CPU in float64.
// scripts/make_fixtures.py computed softmax, log-sum-exp, the score functions,
// F.scaled_dot_product_attention and nn.MultiheadAttention on seeded inputs and stored inputs
// and results in test/fixtures/*.json (see the README there); here the same inputs go through
// the library and the results must agree to a relative error of 1e-9. PyTorch is not needed to
// run this file.

import { expect } from "chai";
import { readFileSync, statSync } from "fs";
import { join } from "path";
import {
  additiveScore,
  attend,
  bilinearScore,
  causalMask,
  dotScore,
  logSumExp,
  matrix,
  multiHeadAttention,
  scaledDotScore,
  softmax,
} from "../src";
import { CloseOptions, expectClose } from "./support/close";
import { FIXTURE_DIR, loadFixture, Meta } from "./support/fixtures";

type Grid = number[][];
type Mask = boolean[][];

// Tolerances. Both sides are float64, so the rounding error of either is near 1e-16 times the
// size of the numbers involved; rtol 1e-9 leaves a wide margin yet catches any real mistake.
//
// Probabilities (softmax and attention weights) are exp(s − max) / Σ, with no cancellation: an
// absolute error δ in a score is a relative error δ in its weight however small the weight. So
// they are compared relatively all the way down; the floor of 1e-300 only excuses the
// subnormals (below 2.2e-308), which carry fewer significant bits than a double.
const PROBABILITIES: CloseOptions = { rtol: 1e-9, atol: 1e-300 };
// Sums of products (scores, attention outputs, log-sum-exp) can cancel to near 0: their
// rounding error is then about 1e-16 × (number of terms) × (size of the terms), terms of order
// 1 here, not 1e-16 × the small result. The floor of 1e-12 sits well above that error (≤ 64
// terms, ≲ 1e-14) and far below the entries of order 1e-2 … 1 that carry the information.
const SUMS: CloseOptions = { rtol: 1e-9, atol: 1e-12 };

interface SoftmaxFixtures {
  meta: Meta;
  vectors: { name: string; x: number[]; softmax: number[]; logSumExp: number }[];
  matrices: { name: string; x: Grid; mask: Mask | null; softmax: Grid; logSumExp: number[] }[];
}

interface AttentionFixtures {
  meta: Meta;
  cases: {
    name: string;
    n: number;
    m: number;
    dK: number;
    dV: number;
    queries: Grid;
    keys: Grid;
    values: Grid;
    variants: {
      variant: string;
      options: { mask?: Mask; causal?: boolean };
      /** The mask PyTorch applied: `options.mask`, the causal triangle, or both combined. */
      effectiveMask: Mask | null;
      output: Grid;
      weights: Grid;
    }[];
  }[];
}

interface MultiheadFixtures {
  meta: Meta;
  cases: {
    name: string;
    n: number;
    dModel: number;
    heads: number;
    x: Grid;
    wQuery: Grid;
    wKey: Grid;
    wValue: Grid;
    wOut: Grid;
    variants: {
      variant: string;
      options: { heads: number; mask?: Mask; causal?: boolean };
      output: Grid;
      /** One [n, n] weight matrix per head. */
      weights: Grid[];
    }[];
  }[];
}

interface ScoreFixtures {
  meta: Meta;
  dot: { name: string; queries: Grid; keys: Grid; dot: Grid; scaledDot: Grid }[];
  bilinear: { name: string; queries: Grid; keys: Grid; w: Grid; scores: Grid }[];
  additive: {
    name: string;
    queries: Grid;
    keys: Grid;
    wQuery: Grid;
    wKey: Grid;
    v: number[];
    scores: Grid;
  }[];
}

const FILES = ["softmax", "attention", "multihead", "scores"] as const;

function load<T>(name: (typeof FILES)[number]): T {
  return loadFixture<T>(name);
}

const softmaxFixtures = load<SoftmaxFixtures>("softmax");
const attentionFixtures = load<AttentionFixtures>("attention");
const multiheadFixtures = load<MultiheadFixtures>("multihead");
const scoreFixtures = load<ScoreFixtures>("scores");
const metas: Record<(typeof FILES)[number], Meta> = {
  softmax: softmaxFixtures.meta,
  attention: attentionFixtures.meta,
  multihead: multiheadFixtures.meta,
  scores: scoreFixtures.meta,
};

/** Entry-wise AND of two masks of the same shape. */
function both(a: Mask, b: Mask): Mask {
  return a.map((row, i) => row.map((x, j) => x && b[i][j]));
}

describe("reference fixtures", () => {
  for (const name of FILES) {
    it(`${name}.json records PyTorch 2.13.0, float64 and the script's seed`, () => {
      const meta = metas[name];
      expect(meta.generator).to.equal("scripts/make_fixtures.py");
      expect(meta.torch).to.match(/^2\.13\.0(\+cpu)?$/);
      expect(meta.dtype).to.equal("float64");
      // The seed in the file must be the one the script uses now, or the file is stale.
      const script = readFileSync(join(__dirname, "..", "scripts", "make_fixtures.py"), "utf8");
      const seed = new RegExp(`"${name}": (\\d+)`).exec(script);
      expect(seed, `no seed for "${name}" in SEEDS of make_fixtures.py`).to.not.equal(null);
      expect(meta.seed).to.equal(Number(seed![1]));
    });
  }

  it("stay small: all fixture files together under 1 MB", () => {
    const bytes = FILES.reduce((s, f) => s + statSync(join(FIXTURE_DIR, `${f}.json`)).size, 0);
    expect(bytes).to.be.below(1_000_000);
  });
});

describe("softmax (PyTorch reference)", () => {
  for (const c of softmaxFixtures.vectors) {
    it(`vector, ${c.name}: matches torch.softmax`, () => {
      expectClose(softmax(c.x), c.softmax, PROBABILITIES);
    });
  }

  for (const c of softmaxFixtures.matrices) {
    it(`matrix, ${c.name}: matches torch.softmax over rows`, () => {
      const options = c.mask === null ? {} : { mask: c.mask };
      expectClose(softmax(matrix(c.x), options), c.softmax, PROBABILITIES);
    });
  }
});

describe("logSumExp (PyTorch reference)", () => {
  for (const c of softmaxFixtures.vectors) {
    it(`vector, ${c.name}: matches torch.logsumexp`, () => {
      expectClose(logSumExp(c.x), c.logSumExp, SUMS);
    });
  }

  for (const c of softmaxFixtures.matrices) {
    it(`matrix, ${c.name}: matches torch.logsumexp row by row`, () => {
      // A masked row's log-sum-exp runs over its visible entries only.
      const rows = c.x.map((row, i) => row.filter((_, j) => c.mask === null || c.mask[i][j]));
      expectClose(rows.map(logSumExp), c.logSumExp, SUMS);
    });
  }
});

describe("dotScore and scaledDotScore (PyTorch reference)", () => {
  for (const c of scoreFixtures.dot) {
    it(`${c.name}: dotScore matches Q·Kᵀ`, () => {
      expectClose(dotScore(matrix(c.queries), matrix(c.keys)), c.dot, SUMS);
    });

    it(`${c.name}: scaledDotScore matches Q·Kᵀ/√dK`, () => {
      expectClose(scaledDotScore(matrix(c.queries), matrix(c.keys)), c.scaledDot, SUMS);
    });
  }
});

describe("bilinearScore (PyTorch reference)", () => {
  for (const c of scoreFixtures.bilinear) {
    it(`${c.name}: matches Q·W·Kᵀ`, () => {
      const score = bilinearScore(matrix(c.w));
      expectClose(score(matrix(c.queries), matrix(c.keys)), c.scores, SUMS);
    });
  }
});

describe("additiveScore (PyTorch reference)", () => {
  for (const c of scoreFixtures.additive) {
    it(`${c.name}: matches vᵀ·tanh(q·Wq + k·Wk)`, () => {
      const score = additiveScore({ wQuery: matrix(c.wQuery), wKey: matrix(c.wKey), v: c.v });
      expectClose(score(matrix(c.queries), matrix(c.keys)), c.scores, SUMS);
    });
  }
});

describe("attend (PyTorch reference)", () => {
  for (const c of attentionFixtures.cases) {
    const [queries, keys, values] = [c.queries, c.keys, c.values].map((rows) => matrix(rows));

    for (const v of c.variants) {
      it(`${c.name}, ${v.variant}: matches F.scaled_dot_product_attention`, () => {
        const { output, weights } = attend(queries, keys, values, v.options);
        expectClose(weights, v.weights, PROBABILITIES);
        expectClose(output, v.output, SUMS);
      });

      if (v.options.causal === true) {
        it(`${c.name}, ${v.variant}: applies the mask PyTorch applied (key j ≤ query i)`, () => {
          const causal = causalMask(c.n, c.m);
          const applied = v.options.mask === undefined ? causal : both(causal, v.options.mask);
          expect(applied).to.deep.equal(v.effectiveMask);
        });
      }
    }
  }
});

describe("multiHeadAttention (PyTorch reference)", () => {
  for (const c of multiheadFixtures.cases) {
    // Stored already mapped to X·W: wQuery = in_proj_weight[0:E]ᵀ, …, wOut = out_proj.weightᵀ.
    const projections = {
      wQuery: matrix(c.wQuery),
      wKey: matrix(c.wKey),
      wValue: matrix(c.wValue),
      wOut: matrix(c.wOut),
    };

    for (const v of c.variants) {
      it(`${c.name}, ${v.variant}: matches nn.MultiheadAttention`, () => {
        const { output, weights } = multiHeadAttention(matrix(c.x), projections, v.options);
        expect(weights).to.have.length(c.heads);
        weights.forEach((w, h) => expectClose(w, v.weights[h], PROBABILITIES));
        expectClose(output, v.output, SUMS);
      });
    }
  }
});
