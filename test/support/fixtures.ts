// Reads the PyTorch reference fixtures in test/fixtures/ (see its README), for the reference
// tests of the attention functions and of the models.
import { readFileSync } from "fs";
import { join } from "path";

export const FIXTURE_DIR = join(__dirname, "..", "fixtures");

/** Provenance block at the top of every fixture file. */
export interface Meta {
  generator: string;
  torch: string;
  dtype: string;
  seed: number;
  inputDecimals: number;
}

/** The parsed fixture file `test/fixtures/<name>.json`. */
export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, `${name}.json`), "utf8")) as T;
}
