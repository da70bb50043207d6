// Solutions to chapter 1's exercises. The tests run every right answer and every wrong one
// through the same checkers the notebook calls (test/exercises.test.ts).
import { ROTATION_ALIGNMENT, toyTranslationTask, WORD_ORDER_SENTENCE } from "../src";
import type { Solution } from "./solution";

// Three gates, each with an input weight [dIn, H], a hidden weight [H, H] and two biases [1, H].
const gruParameters = (dIn: number, hidden: number) => 3 * hidden * (dIn + hidden + 2);

// The chapter's language; the answer to 1.2 does not depend on its dictionary.
const task = toyTranslationTask({ seed: 1, words: 16 });
const sentence = [...WORD_ORDER_SENTENCE];
const reference = task.translate(sentence);
const wordByWord = sentence.flatMap((word) => task.translate([word]));
const rightWords = wordByWord.filter((word, t) => word === reference[t]).length;

const argmax = (row: readonly number[]) => row.indexOf(Math.max(...row));
const columns = ROTATION_ALIGNMENT[0].map((_, s) => ROTATION_ALIGNMENT.map((row) => row[s]));

export const chapter01Solutions: Solution[] = [
  {
    id: "1.1",
    right: () => gruParameters,
    wrong: [
      // no biases
      () => (dIn: number, hidden: number) => 3 * hidden * (dIn + hidden),
      // one bias per gate
      () => (dIn: number, hidden: number) => 3 * hidden * (dIn + hidden + 1),
      // one gate only
      () => (dIn: number, hidden: number) => hidden * (dIn + hidden + 2),
      // right for the chapter's encoder size only
      () => () => 4800,
      () => 4800,
    ],
  },
  {
    id: "1.2",
    right: () => rightWords / sentence.length,
    wrong: [
      // the count, not the share
      () => rightWords,
      // only the odd last word lines up
      () => 1 / sentence.length,
      // forgot the odd last word
      () => (rightWords - 1) / sentence.length,
      // whole-sentence accuracy
      () => 0,
      () => NaN,
    ],
  },
  {
    id: "1.3",
    right: () => ROTATION_ALIGNMENT.map(argmax),
    wrong: [
      // read by columns: for each source word, the output word that looks at it most
      () => columns.map(argmax),
      // the diagonal
      () => [0, 1, 2, 3, 4, 5],
      // counted from 1
      () => ROTATION_ALIGNMENT.map((row) => argmax(row) + 1),
      () => ROTATION_ALIGNMENT.map(argmax).slice(0, 3),
      () => "1 2 0 4 5 3",
    ],
  },
];
