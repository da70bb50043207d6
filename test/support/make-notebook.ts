// Builds small TypeScript notebooks for the tests of the runner and the output checker.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Cell, Notebook, Output } from "./notebook-check";

export interface CellSpec {
  source: string;
  /** What the committed notebook claims the cell printed on stdout. */
  stdout?: string;
  tags?: string[];
}

export function makeNotebook(cells: CellSpec[]): Notebook {
  return {
    cells: cells.map(
      ({ source, stdout, tags }, index): Cell => ({
        cell_type: "code",
        id: `cell-${index}`,
        metadata: tags ? { tags } : {},
        source,
        outputs:
          stdout === undefined
            ? []
            : [{ output_type: "stream", name: "stdout", text: stdout } satisfies Output],
      }),
    ),
    metadata: {
      kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" },
    },
  };
}

export function writeNotebook(path: string, cells: CellSpec[]): string {
  mkdirSync(dirname(path), { recursive: true });
  const notebook = { ...makeNotebook(cells), nbformat: 4, nbformat_minor: 5 };
  for (const cell of notebook.cells) Object.assign(cell, { execution_count: null });
  writeFileSync(path, JSON.stringify(notebook, null, 1) + "\n");
  return path;
}
