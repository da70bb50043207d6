// Solutions to chapter 5's exercises. The tests run every right answer and every wrong one
// through the same checkers the notebook calls (test/exercises.test.ts).
import { causalMask, sinusoidalPositions } from "../src";
import type { Solution } from "./solution";

/** PE(first)·PE(second) for encodings of size dModel. */
function encodingDot(dModel: number, first: number, second: number): number {
  const positions = sinusoidalPositions(Math.max(first, second) + 1, dModel);
  const a = positions.row(first);
  const b = positions.row(second);
  return a.reduce((total, x, c) => total + x * b[c], 0);
}

/** Query i sees key j when |i − j| ≤ w. */
const windowMask = (n: number, w: number): boolean[][] =>
  Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Math.abs(i - j) <= w));

export const chapter05Solutions: Solution[] = [
  {
    id: "5.1",
    // Any two positions 7 apart give the same dot product.
    right: () => encodingDot(16, 40, 47),
    wrong: [
      () => encodingDot(16, 10, 10), // a position with itself: dModel / 2
      () => encodingDot(64, 3, 10), // the right positions, the wrong size
      () => encodingDot(16, 3, 10) / 8, // the cosine, not the dot product
      () => NaN,
    ],
  },
  {
    id: "5.2",
    right: () => windowMask,
    wrong: [
      // Strictly less than w: too narrow by one on each side.
      () => (n: number, w: number) =>
        Array.from({ length: n }, (_, i) =>
          Array.from({ length: n }, (_, j) => Math.abs(i - j) < w),
        ),
      // Only the keys before the query: the window made causal.
      () => (n: number, w: number) =>
        Array.from({ length: n }, (_, i) =>
          Array.from({ length: n }, (_, j) => j <= i && i - j <= w),
        ),
      // The causal mask, ignoring w.
      () => (n: number) => causalMask(n),
      // 0/1 numbers instead of booleans.
      () => (n: number, w: number) => windowMask(n, w).map((row) => row.map(Number)),
      () => 3,
    ],
  },
  {
    id: "5.3",
    right: () => 4 * 512 * 512,
    wrong: [
      () => 4 * 512 * 64, // one head's projections only
      () => 8 * 4 * 512 * 512, // as if each head had full-width projections
      () => 3 * 512 * 512, // forgot the output projection wOut
      () => "1048576",
    ],
  },
];
