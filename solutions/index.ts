// Every chapter's solutions, for test/exercises.test.ts.
import { chapter01Solutions } from "./chapter01";
import { chapter02Solutions } from "./chapter02";
import { chapter03Solutions } from "./chapter03";
import { chapter04Solutions } from "./chapter04";
import { chapter05Solutions } from "./chapter05";
import { chapter06Solutions } from "./chapter06";
import type { Solution } from "./solution";

export type { Solution } from "./solution";

export const solutions: Solution[] = [
  ...chapter01Solutions,
  ...chapter02Solutions,
  ...chapter03Solutions,
  ...chapter04Solutions,
  ...chapter05Solutions,
  ...chapter06Solutions,
];
