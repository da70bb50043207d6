// The regression layer of the notebook tests: the whole course is executed with the real tslab
// kernel, and every chapter's outputs must match the ones committed with it.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import * as ts from "typescript";
import { courseNotebooks, executedCourse, NOTEBOOKS, ROOT } from "./support/course";
import { compareNotebooks, describeMismatches, readNotebook } from "./support/notebook-check";

describe("the course notebooks", function () {
  this.timeout(15 * 60_000);

  const paths = courseNotebooks();
  const sourcesBefore = new Map(paths.map((path) => [path, readFileSync(path, "utf8")]));

  it("resolve attention-spotlight by its package name from notebooks/, as tslab does", () => {
    // tslab compiles cells with Node10 resolution from the notebook's folder.
    const options = { moduleResolution: ts.ModuleResolutionKind.Node10 };
    const cell = join(NOTEBOOKS, "cell.ts");
    const resolved = ts.resolveModuleName("attention-spotlight", cell, options, ts.sys);
    expect(resolved.resolvedModule?.resolvedFileName).to.equal(join(ROOT, "dist", "index.d.ts"));
    expect(require.resolve("attention-spotlight", { paths: [NOTEBOOKS] })).to.equal(
      join(ROOT, "dist", "index.js"),
    );
  });

  it("are committed executed, so a reader sees every output without running them", () => {
    for (const path of paths) {
      const notebook = readNotebook(path);
      const code = notebook.cells.filter((cell) => cell.cell_type === "code");
      const unrun = code.filter((cell) => !("execution_count" in cell) || !cell.execution_count);
      expect(unrun.length, `${basename(path)} has code cells with no stored run`).to.equal(0);
      const errors = code
        .flatMap((cell) => cell.outputs ?? [])
        .filter((o) => o.output_type === "error");
      expect(errors.length, `${basename(path)} stores error outputs`).to.equal(0);
    }
  });

  it("all run with the tslab kernel, with progress for each", () => {
    const { run } = executedCourse();
    for (const path of paths) {
      const name = basename(path, ".ipynb");
      expect(run.stdout).to.match(new RegExp(`\\] ${name} {2}\\d+/\\d+ cells +\\d+\\.\\d s`));
      const executed = executedCourse().executed(name);
      expect(executed.metadata.kernelspec).to.deep.include({ name: "tslab" });
    }
  });

  for (const path of paths) {
    const name = basename(path, ".ipynb");
    it(`${name} prints what its committed outputs show`, () => {
      const mismatches = compareNotebooks(readNotebook(path), executedCourse().executed(name));
      // expect.fail keeps the report to the readable diff (deep.equal would repeat it as JSON).
      if (mismatches.length > 0)
        expect.fail(describeMismatches(`notebooks/${name}.ipynb`, mismatches));
    });
  }

  it("export to HTML pages, with an index that links every chapter", () => {
    const { out } = executedCourse();
    const index = readFileSync(join(out, "course", "index.html"), "utf8");
    for (const path of paths) {
      const page = `${basename(path, ".ipynb")}.html`;
      expect(index).to.include(`<a href="${page}">`);
      expect(readFileSync(join(out, "course", page), "utf8")).to.match(/<svg/);
    }
  });

  it("are left unchanged by running them", () => {
    executedCourse();
    for (const path of paths) {
      expect(readFileSync(path, "utf8"), basename(path)).to.equal(sourcesBefore.get(path));
    }
  });
});
