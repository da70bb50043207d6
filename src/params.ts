/**
 * Parameter counts of the three classic score functions, with exact fractions.
 *
 * - additive (Bahdanau, Cho & Bengio, 2015, Appendix A.1.2): score(s, h) = vᵀ tanh(s·W_q + h·W_k)
 *   with W_q of shape [d_s, d_a], W_k of shape [d_h, d_a] and v of length d_a;
 * - bilinear, Luong's "general" score (Luong, Pham & Manning, "Effective Approaches to
 *   Attention-based Neural Machine Translation", 2015, Eq. 8): score(s, h) = s·W·hᵀ with W of
 *   shape [d_s, d_h];
 * - dot (Luong et al., 2015, Eq. 8): score(s, h) = s·hᵀ, no parameters, and only defined when
 *   d_s = d_h.
 *
 * Names in code and symbols in formulas: dQuery = d_s (the decoder state, the query), dKey = d_h
 * (the encoder state, the key), dAttn = d_a (the additive hidden size).
 *
 * NOTE: the counts leave out biases. Bahdanau's alignment model has none inside the tanh, and
 * counting weights only keeps the break-even size a clean ratio; a bias b of length d_a would add
 * d_a to the additive count and change the break-even to d_s·d_h / (d_s + d_h + 2).
 */

import { fraction, parse } from "mathjs";
import type { Fraction, MathNode } from "mathjs";
import { checkPositiveInteger } from "./check";

/** Parameter counts returned by {@link attentionParameters}. */
export interface AttentionParameterCounts {
  /** d_s·d_a + d_h·d_a + d_a: the entries of W_q, W_k and v. */
  additive: number;
  /** d_s·d_h: the entries of W. */
  bilinear: number;
  /** 0: the dot score has no parameters. */
  dot: number;
  /** Whether the dot score applies at all: it needs dQuery = dKey. */
  dotDefined: boolean;
}

/**
 * Counts the learned parameters of the additive, bilinear and dot score functions.
 *
 * additive = d_s·d_a + d_h·d_a + d_a, bilinear = d_s·d_h, dot = 0
 *
 * @param dQuery d_s, the size of a query (decoder state), an integer ≥ 1.
 * @param dKey d_h, the size of a key (encoder state), an integer ≥ 1.
 * @param dAttn d_a, the hidden size of the additive score, an integer ≥ 1.
 * @returns the three counts, and whether the dot score is defined (dQuery = dKey).
 * @example
 * attentionParameters(64, 128, 32);
 * // { additive: 6176, bilinear: 8192, dot: 0, dotDefined: false }
 */
export function attentionParameters(
  dQuery: number,
  dKey: number,
  dAttn: number,
): AttentionParameterCounts {
  checkPositiveInteger("attentionParameters", "dQuery", dQuery);
  checkPositiveInteger("attentionParameters", "dKey", dKey);
  checkPositiveInteger("attentionParameters", "dAttn", dAttn);
  const additive = dQuery * dAttn + dKey * dAttn + dAttn; // W_q, W_k, v
  const bilinear = dQuery * dKey; // W
  if (!Number.isSafeInteger(additive) || !Number.isSafeInteger(bilinear)) {
    throw new RangeError(
      `attentionParameters: counts exceed 2^53 and would not be exact; ` +
        `got dQuery ${dQuery}, dKey ${dKey}, dAttn ${dAttn}`,
    );
  }
  return { additive, bilinear, dot: 0, dotDefined: dQuery === dKey };
}

/**
 * The additive hidden size at which additive and bilinear scores have equally many parameters,
 * as an exact fraction: a smaller dAttn makes additive the cheaper of the two.
 *
 * d_a* = d_s·d_h / (d_s + d_h + 1), from d_s·d_a + d_h·d_a + d_a = d_s·d_h
 *
 * @param dQuery d_s, an integer ≥ 1.
 * @param dKey d_h, an integer ≥ 1.
 * @returns a mathjs Fraction in lowest terms.
 * @example
 * const f = breakEvenAttentionSize(64, 128);
 * fmtFraction(f); // "8192/193"
 * f.valueOf(); // 42.44559585492228
 */
export function breakEvenAttentionSize(dQuery: number, dKey: number): Fraction {
  checkPositiveInteger("breakEvenAttentionSize", "dQuery", dQuery);
  checkPositiveInteger("breakEvenAttentionSize", "dKey", dKey);
  // Why mathjs fractions: the ratio is rarely an integer, and a float would hide whether the
  // break-even lands exactly on a whole size. Fraction arithmetic is exact (BigInt inside).
  return fraction(dQuery)
    .mul(dKey)
    .div(dQuery + dKey + 1);
}

/** One formula of {@link parameterFormulas}, in three forms. */
export interface ParameterFormula {
  /** The formula in mathjs syntax over the symbols d_s, d_h, d_a, e.g. `"d_s * d_h"`. */
  expression: string;
  /** The same formula as LaTeX, with d_s written d_{s}, for a notebook's Markdown or display. */
  tex: string;
  /** The parsed mathjs expression tree; `node.evaluate({ d_s: 64, d_h: 128 })` computes it. */
  node: MathNode;
}

/** The formulas returned by {@link parameterFormulas}. */
export interface ParameterFormulas {
  additive: ParameterFormula;
  bilinear: ParameterFormula;
  dot: ParameterFormula;
  breakEven: ParameterFormula;
}

/**
 * The counting formulas behind {@link attentionParameters} and {@link breakEvenAttentionSize},
 * as mathjs expressions and LaTeX, so a notebook can show the very formulas the code evaluates.
 *
 * additive = d_s d_a + d_h d_a + d_a, bilinear = d_s d_h, dot = 0,
 * breakEven = d_s d_h / (d_s + d_h + 1)
 *
 * @returns one {@link ParameterFormula} per count, over the symbols d_s (dQuery), d_h (dKey) and
 *   d_a (dAttn).
 * @example
 * const { breakEven } = parameterFormulas();
 * breakEven.tex; // "\\frac{ d_{s}\\cdot d_{h}}{ d_{s}+ d_{h}+1}"
 * breakEven.node.evaluate({ d_s: 64, d_h: 128 }); // 42.44559585492228
 */
export function parameterFormulas(): ParameterFormulas {
  return {
    additive: formula("d_s * d_a + d_h * d_a + d_a"),
    bilinear: formula("d_s * d_h"),
    dot: formula("0"),
    breakEven: formula("d_s * d_h / (d_s + d_h + 1)"),
  };
}

/**
 * Parses one counting formula and renders its LaTeX with subscripted symbols, so that a symbol
 * such as d_s reads d_{s}. Shared with the cost formulas of {@link ./cost}.
 *
 * @param expression a formula in mathjs syntax, e.g. `"2 * n * m * d_h"`.
 * @returns the expression, its LaTeX and its parsed tree.
 * @example formula("d_s * d_h").tex; // "d_{s}\\cdot d_{h}"
 */
export function formula(expression: string): ParameterFormula {
  const node = parse(expression);
  // Why the handler: mathjs writes the symbol d_s as the escaped text "d\_s"; the course wants
  // the subscript d_{s}. Every other node keeps mathjs's own rendering.
  const tex = node
    .toTex({
      parenthesis: "auto",
      handler: (n: MathNode) => {
        if (n.type !== "SymbolNode") return undefined;
        const name = (n as MathNode & { name: string }).name;
        const match = /^([a-zA-Z]+)_([a-zA-Z0-9]+)$/.exec(name);
        // The leading space keeps a preceding command apart: \cdot d_{a}, not \cdotd_{a}.
        if (match !== null) return ` ${match[1]}_{${match[2]}}`;
        // A one-letter symbol is a variable: left to mathjs, m would print as \mathrm{m}, the
        // unit metre.
        return /^[a-zA-Z]$/.test(name) ? ` ${name}` : undefined;
      },
    })
    .trim();
  return { expression, tex, node };
}
