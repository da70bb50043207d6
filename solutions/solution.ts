/** One exercise's right answer and some wrong ones, each built by a function. */
export interface Solution {
  /** The exercise id, e.g. "2.1". */
  id: string;
  right: () => unknown;
  /** Answers the checker must reject: common slips, wrong kinds, NaN. */
  wrong: (() => unknown)[];
}
