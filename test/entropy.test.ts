import { expect } from "chai";
import * as math from "mathjs";
import { createRandom } from "../src/random";
import { matrix, Matrix } from "../src/tensor";
import { sum } from "../src/ops";
import { softmax } from "../src/softmax";
import {
  entropy,
  jointEntropy,
  maxEntropy,
  normalize,
  normalizeMatrix,
  perplexity,
  rowEntropies,
} from "../src/entropy";
import { expectClose } from "./support/close";

// An independent oracle: −Σ p log p in 64-digit mathjs BigNumbers, skipping zeros.
const big = math.create(math.all, { number: "BigNumber", precision: 64 });

function entropyOracle(p: readonly number[]): number {
  const terms = p.filter((x) => x > 0).map((x) => big.bignumber(x).times(big.bignumber(x).ln()));
  return -terms.reduce((s, t) => s.plus(t), big.bignumber(0)).toNumber();
}

describe("entropy", () => {
  it("is log 2 nats for a fair coin", () => {
    expect(entropy([0.5, 0.5])).to.equal(Math.LN2);
  });

  it("is 1 bit for a fair coin in base 2", () => {
    expect(entropy([0.5, 0.5], { base: 2 })).to.equal(1);
  });

  it("is log n for the uniform distribution over n outcomes", () => {
    expectClose(entropy(new Array(8).fill(1 / 8)), Math.log(8));
  });

  it("is 0 for a one-hot distribution", () => {
    expect(entropy([0, 1, 0])).to.equal(0);
  });

  it("counts zero probabilities as 0·log 0 = 0", () => {
    expect(entropy([0.5, 0, 0.5, 0])).to.equal(entropy([0.5, 0.5]));
  });

  it("is 0 for size 1", () => {
    expect(entropy([1])).to.equal(0);
  });

  it("agrees with a 64-digit oracle on a seeded distribution", () => {
    const rng = createRandom(1);
    const p = softmax(Array.from({ length: 30 }, () => rng.normal(0, 2)));
    expectClose(entropy(p), entropyOracle(p), { rtol: 1e-13 });
  });

  it("converts between bases by dividing by log b", () => {
    const p = [0.1, 0.2, 0.7];
    expectClose(entropy(p, { base: 10 }), entropy(p) / Math.LN10);
  });

  it("accepts a sum off by less than 1e-9", () => {
    expect(() => entropy([0.5, 0.5 + 5e-10])).to.not.throw();
  });

  it("reports the sum and suggests normalize when p does not sum to 1", () => {
    expect(() => entropy([0.5, 0.6])).to.throw(
      RangeError,
      /^entropy: p must sum to 1 \(within 1e-9\); got sum 1\.1; call normalize\(p\) first$/,
    );
  });

  it("names a negative probability", () => {
    expect(() => entropy([1.5, -0.5])).to.throw(
      RangeError,
      /^entropy: p\[1\] is -0\.5; probabilities must be >= 0$/,
    );
  });

  it("names the index of a NaN probability", () => {
    expect(() => entropy([0.5, NaN])).to.throw(RangeError, /^entropy: p\[1\] is NaN/);
  });

  it("rejects an empty distribution", () => {
    expect(() => entropy([])).to.throw(
      RangeError,
      /^entropy: p is empty; expected at least one probability$/,
    );
  });

  it("rejects bases 1, 0, negative and non-finite", () => {
    for (const base of [1, 0, -2, NaN, Infinity]) {
      expect(() => entropy([1], { base })).to.throw(RangeError, /^entropy: base must be/);
    }
  });

  it("rejects a base in (0, 1), which would flip the sign, and says so", () => {
    expect(() => entropy([0.5, 0.5], { base: 0.5 })).to.throw(
      RangeError,
      /^entropy: base must be > 1; got 0\.5; a base in \(0, 1\) .* flip the sign of the entropy$/,
    );
    expect(() => maxEntropy(4, { base: 0.25 })).to.throw(
      RangeError,
      /^maxEntropy: base must be > 1/,
    );
  });

  it("rejects a misspelt option instead of ignoring it", () => {
    const options = { bas: 2 } as unknown as { base: number };
    expect(() => entropy([1], options)).to.throw(
      TypeError,
      /^entropy: unknown option "bas"; expected one of base$/,
    );
    expect(() => maxEntropy(2, options)).to.throw(TypeError, /^maxEntropy: unknown option "bas"/);
    expect(() => jointEntropy(matrix([[1]]), options)).to.throw(
      TypeError,
      /^jointEntropy: unknown option "bas"/,
    );
    expect(() => rowEntropies(matrix([[1]]), options)).to.throw(
      TypeError,
      /^rowEntropies: unknown option "bas"/,
    );
  });
});

describe("normalize", () => {
  it("divides by the sum", () => {
    expect(normalize([1, 1, 2])).to.deep.equal([0.25, 0.25, 0.5]);
  });

  it("gives a list that entropy accepts", () => {
    expectClose(entropy(normalize([2, 2])), Math.LN2);
  });

  it("keeps zeros at zero", () => {
    expect(normalize([0, 3])).to.deep.equal([0, 1]);
  });

  it("rejects a zero sum", () => {
    expect(() => normalize([0, 0])).to.throw(
      RangeError,
      /^normalize: xs must have a sum > 0 to be normalised; got 0$/,
    );
  });

  it("rejects negative entries", () => {
    expect(() => normalize([2, -1])).to.throw(
      RangeError,
      /^normalize: xs\[1\] is -1; expected a number >= 0$/,
    );
  });

  it("rejects an empty list", () => {
    expect(() => normalize([])).to.throw(RangeError, /^normalize: xs must have a sum > 0/);
  });

  it("handles entries whose sum overflows float64 ([1.7e308, 1.7e308])", () => {
    expect(normalize([1.7e308, 1.7e308])).to.deep.equal([0.5, 0.5]);
    expect(
      normalize([Number.MAX_VALUE, 0, Number.MAX_VALUE / 2, Number.MAX_VALUE / 2]),
    ).to.deep.equal([0.5, 0, 0.25, 0.25]);
  });

  it("keeps an overflowing sum's shares exact, as if the sum had not overflowed", () => {
    // Scaling by a power of two is exact, so the shares equal those of the same list / 2^64.
    const xs = [1.5e308, 1e308, 3e307, 7];
    const scaled = xs.map((x) => x / 2 ** 64);
    expect(normalize(xs)).to.deep.equal(normalize(scaled));
    expectClose(normalize(xs), [1.5 / 2.8, 1 / 2.8, 0.3 / 2.8, 0], { rtol: 1e-15 });
  });

  it("handles the smallest subnormals ([5e-324, 5e-324])", () => {
    expect(normalize([5e-324, 5e-324])).to.deep.equal([0.5, 0.5]);
  });
});

describe("perplexity", () => {
  it("is n for the uniform distribution over n outcomes", () => {
    expectClose(perplexity([0.25, 0.25, 0.25, 0.25]), 4);
  });

  it("is 1 for a one-hot distribution", () => {
    expect(perplexity([0, 1])).to.equal(1);
  });

  it("equals 2 to the entropy in bits", () => {
    const p = [0.6, 0.3, 0.1];
    expectClose(perplexity(p), 2 ** entropy(p, { base: 2 }));
  });

  it("names perplexity, not entropy, in its errors", () => {
    expect(() => perplexity([])).to.throw(
      RangeError,
      /^perplexity: p is empty; expected at least one probability$/,
    );
    expect(() => perplexity([1, 1])).to.throw(
      RangeError,
      /^perplexity: p must sum to 1 \(within 1e-9\); got sum 2; call normalize\(p\) first$/,
    );
    expect(() => perplexity("p" as unknown as number[])).to.throw(
      TypeError,
      /^perplexity: p must be an array; got string$/,
    );
  });
});

describe("maxEntropy", () => {
  it("is log n", () => {
    expect(maxEntropy(8)).to.equal(Math.log(8));
    expectClose(maxEntropy(8, { base: 2 }), 3);
  });

  it("is reached by the uniform distribution and bounds every other", () => {
    expectClose(entropy(new Array(5).fill(0.2)), maxEntropy(5));
    expect(entropy([0.7, 0.1, 0.1, 0.05, 0.05])).to.be.below(maxEntropy(5));
  });

  it("is 0 for a single outcome", () => {
    expect(maxEntropy(1)).to.equal(0);
  });

  it("rejects n = 0", () => {
    expect(() => maxEntropy(0)).to.throw(
      RangeError,
      /^maxEntropy: n must be an integer >= 1; got 0$/,
    );
  });
});

describe("normalizeMatrix", () => {
  // Chapter 2's example: an attention matrix whose entries sum to 1.10 rather than 1.
  const weights = matrix([
    [0.3, 0.1, 0.05, 0.05],
    [0.05, 0.2, 0.05, 0.05],
    [0.05, 0.05, 0.05, 0.1],
  ]);

  it("makes all entries together sum to 1", () => {
    expectClose(sum(weights), 1.1);
    expectClose(sum(normalizeMatrix(weights)), 1);
  });

  it("divides every entry by the total", () => {
    expectClose(
      normalizeMatrix(weights),
      weights.toArray().map((row) => row.map((x) => x / 1.1)),
    );
  });

  it("rejects a negative entry by row and column", () => {
    expect(() =>
      normalizeMatrix(
        matrix([
          [1, 2],
          [-1, 1],
        ]),
      ),
    ).to.throw(RangeError, /^normalizeMatrix: m\[1, 0\] is -1; expected a number >= 0$/);
  });

  it("handles entries whose sum overflows float64", () => {
    const m = matrix([
      [1.7e308, 0],
      [1.7e308, 1.7e308],
    ]);
    expectClose(
      normalizeMatrix(m),
      [
        [1 / 3, 0],
        [1 / 3, 1 / 3],
      ],
      { rtol: 1e-15 },
    );
  });

  it("rejects an all-zero matrix", () => {
    expect(() => normalizeMatrix(matrix([[0, 0]]))).to.throw(
      RangeError,
      /^normalizeMatrix: m must have a sum > 0/,
    );
  });
});

describe("jointEntropy", () => {
  it("is 2 bits for the uniform 2×2 distribution", () => {
    expect(
      jointEntropy(
        matrix([
          [0.25, 0.25],
          [0.25, 0.25],
        ]),
        { base: 2 },
      ),
    ).to.equal(2);
  });

  it("equals the entropy of the flattened entries", () => {
    const p = normalizeMatrix(
      matrix([
        [1, 2, 3],
        [4, 5, 0],
      ]),
    );
    expectClose(jointEntropy(p), entropyOracle(Array.from(p.data)));
  });

  it("suggests normalizeMatrix when the entries do not sum to 1", () => {
    expect(() => jointEntropy(matrix([[0.5, 0.6]]))).to.throw(
      RangeError,
      /^jointEntropy: p must sum to 1 .*got sum 1\.1; call normalizeMatrix\(p\) first$/,
    );
  });
});

describe("rowEntropies", () => {
  it("gives one entropy per row", () => {
    expect(
      rowEntropies(
        matrix([
          [0.5, 0.5],
          [1, 0],
        ]),
        { base: 2 },
      ),
    ).to.deep.equal([1, 0]);
  });

  it("matches entropy row by row on softmax weights", () => {
    const w = softmax(
      matrix([
        [1, 2, 3],
        [0, 0, 5],
      ]),
    );
    expectClose(rowEntropies(w), [entropy(w.row(0)), entropy(w.row(1))]);
  });

  it("rejects a fully masked (all-zero) row, naming it", () => {
    const w = new Matrix(new Float64Array([0.5, 0.5, 0, 0]), 2, 2);
    expect(() => rowEntropies(w)).to.throw(
      RangeError,
      /^rowEntropies: weights row 1 must sum to 1 .*got sum 0/,
    );
  });

  it("names a negative weight by its row and column, weights[i, j]", () => {
    const w = matrix([
      [0.5, 0.5],
      [1.5, -0.5],
    ]);
    expect(() => rowEntropies(w)).to.throw(
      RangeError,
      /^rowEntropies: weights\[1, 1\] is -0\.5; probabilities must be >= 0$/,
    );
  });
});
