// Compares an executed notebook with the outputs committed in its source, the regression layer
// of the notebook tests. Both sides go through the sanitisers of test/notebook-checks.json;
// numbers are then compared within a tolerance, everything else to the letter; cells tagged
// with the skip tag are not compared. A mismatch comes with a unified diff of the cell.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createTwoFilesPatch } from "diff";

export interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[] | unknown>;
  ename?: string;
  evalue?: string;
}

export interface Cell {
  cell_type: string;
  id?: string;
  source: string | string[];
  metadata: { tags?: string[] };
  outputs?: Output[];
}

export interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
}

export interface CheckConfig {
  skipTag: string;
  tolerance: { relative: number; absolute: number };
  sanitizers: { pattern: string; replacement: string; why: string }[];
}

export interface CellMismatch {
  /** 1-based, counting every cell, as JupyterLab lists them. */
  cell: number;
  diff: string;
}

export const CONFIG_PATH = join(__dirname, "..", "notebook-checks.json");

export function loadConfig(path = CONFIG_PATH): CheckConfig {
  return JSON.parse(readFileSync(path, "utf8")) as CheckConfig;
}

export function readNotebook(path: string): Notebook {
  return JSON.parse(readFileSync(path, "utf8")) as Notebook;
}

export function joinText(text: string | string[] | undefined): string {
  return Array.isArray(text) ? text.join("") : (text ?? "");
}

// Mime types a person reads; anything else (widget state, vendor types) is not compared.
const SHOWN_TYPES = ["text/plain", "text/html", "image/svg+xml", "text/markdown", "text/latex"];

/** A cell's outputs as one block of text, in order, each part headed by its kind. */
export function renderOutputs(cell: Cell): string {
  const parts: string[] = [];
  for (const output of cell.outputs ?? []) {
    if (output.output_type === "stream") {
      parts.push(`[${output.name}]\n${joinText(output.text)}`);
    } else if (output.output_type === "error") {
      parts.push(`[error]\n${output.ename}: ${output.evalue}`);
    } else {
      const data = output.data ?? {};
      for (const type of SHOWN_TYPES) {
        if (type in data) parts.push(`[${type}]\n${joinText(data[type] as string | string[])}`);
      }
    }
  }
  return parts.map((part) => (part.endsWith("\n") ? part : part + "\n")).join("");
}

export function sanitize(text: string, config: CheckConfig): string {
  return config.sanitizers.reduce(
    (result, { pattern, replacement }) => result.replace(new RegExp(pattern, "gu"), replacement),
    text,
  );
}

const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/g;

/** True when the texts differ only in numbers, each within the tolerance of the other. */
export function sameWithinTolerance(
  expected: string,
  actual: string,
  tolerance: CheckConfig["tolerance"],
): boolean {
  if (expected.replace(NUMBER, "#") !== actual.replace(NUMBER, "#")) return false;
  const want = expected.match(NUMBER) ?? [];
  const got = actual.match(NUMBER) ?? [];
  return want.every((text, i) => {
    const a = Number(text);
    const b = Number(got[i]);
    return Math.abs(a - b) <= tolerance.absolute + tolerance.relative * Math.abs(a);
  });
}

/**
 * Every code cell whose outputs in `executed` differ from those in `committed`, with a diff.
 * The two notebooks must have the same cells (same count, same sources).
 */
export function compareNotebooks(
  committed: Notebook,
  executed: Notebook,
  config: CheckConfig = loadConfig(),
): CellMismatch[] {
  if (committed.cells.length !== executed.cells.length) {
    const counts = `${committed.cells.length} cells committed, ${executed.cells.length} executed`;
    const diff = `the notebooks differ in their number of cells: ${counts}`;
    return [{ cell: 0, diff }];
  }
  const mismatches: CellMismatch[] = [];
  committed.cells.forEach((cell, index) => {
    if (cell.cell_type !== "code" || cell.metadata.tags?.includes(config.skipTag)) return;
    const other = executed.cells[index];
    if (joinText(cell.source) !== joinText(other.source)) {
      mismatches.push({ cell: index + 1, diff: "the cell's source differs between the notebooks" });
      return;
    }
    const expected = sanitize(renderOutputs(cell), config);
    const actual = sanitize(renderOutputs(other), config);
    if (!sameWithinTolerance(expected, actual, config.tolerance)) {
      const label = `cell ${index + 1}`;
      const diff = createTwoFilesPatch(
        `${label} (committed)`,
        `${label} (executed)`,
        expected,
        actual,
      );
      mismatches.push({ cell: index + 1, diff: diff.split("\n").slice(1).join("\n") });
    }
  });
  return mismatches;
}

/** A readable report of mismatches, long lines (SVG) cut so the diff stays legible. */
export function describeMismatches(notebook: string, mismatches: CellMismatch[]): string {
  const clip = (line: string) => (line.length > 240 ? line.slice(0, 240) + " …" : line);
  const blocks = mismatches.map(
    ({ cell, diff }) => `${notebook}, cell ${cell}:\n${diff.split("\n").map(clip).join("\n")}`,
  );
  return (
    `outputs of ${notebook} drifted from the committed ones ` +
    `(run \`npm run course -- --refresh\` if the change is intended):\n\n${blocks.join("\n")}`
  );
}

/** The text a cell tagged `tag` printed (stdout and plain-text results), for fact specs. */
export function taggedOutput(notebook: Notebook, tag: string): string {
  const cells = notebook.cells.filter((cell) => cell.metadata.tags?.includes(tag));
  if (cells.length !== 1) {
    throw new Error(`expected exactly one cell tagged ${tag}; found ${cells.length}`);
  }
  return (cells[0].outputs ?? [])
    .map((output) =>
      output.output_type === "stream"
        ? joinText(output.text)
        : joinText(output.data?.["text/plain"] as string | string[] | undefined),
    )
    .join("");
}

/** Every HTML output of the notebook (figures among them), joined, for fact specs. */
export function htmlOutputs(notebook: Notebook): string {
  return notebook.cells
    .flatMap((cell) => cell.outputs ?? [])
    .map((output) => joinText(output.data?.["text/html"] as string | string[] | undefined))
    .join("\n");
}

/** The number printed right after `label` in a cell's output text, for fact specs. */
export function numberAfter(text: string, label: string): number {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = text.match(new RegExp(`${escaped}\\s*(-?\\d+(?:\\.\\d+)?)`));
  if (!match) throw new Error(`no number after "${label}" in:\n${text}`);
  return Number(match[1]);
}

/** The prose of a chapter: its markdown cells joined, with runs of white space made one space. */
export function prose(notebook: Notebook): string {
  return notebook.cells
    .filter((cell) => cell.cell_type === "markdown")
    .map((cell) => joinText(cell.source))
    .join("\n")
    .replace(/\s+/g, " ");
}

/** The lines of an output that match `pattern`, as their capture groups. */
export function rows(text: string, pattern: RegExp): string[][] {
  return text
    .split("\n")
    .map((line) => line.match(pattern))
    .filter((match): match is RegExpMatchArray => match !== null)
    .map((match) => match.slice(1));
}

/**
 * Asserts that a chapter, as committed and executed, ends with `count` exercises left open:
 * each cell calling `check("<chapter>.k", …)`, in order, prints "Exercise <chapter>.k (…): not
 * answered yet. Hint: …". Returns each such cell's printed text.
 */
export function expectOpenExercises(notebook: Notebook, chapter: number, count: number): string[] {
  const calls = new RegExp(`\\bcheck\\("${chapter}\\.\\d+"`);
  const outputs = notebook.cells
    .filter((cell) => cell.cell_type === "code" && calls.test(joinText(cell.source)))
    .map((cell) => (cell.outputs ?? []).map((o) => joinText(o.text)).join(""));
  expect(outputs, `cells calling check("${chapter}.…")`).to.have.length(count);
  outputs.forEach((text, k) =>
    expect(text).to.match(
      new RegExp(`Exercise ${chapter}\\.${k + 1} \\(.+\\): not answered yet\\. Hint: \\S`),
    ),
  );
  return outputs;
}
