// Every chapter's solutions, for test/exercises.test.ts.
import { chapter02Solutions } from "./chapter02";
import type { Solution } from "./solution";

export type { Solution } from "./solution";

export const solutions: Solution[] = [...chapter02Solutions];
