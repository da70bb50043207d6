// The course as a learner meets it: each chapter opened in the project's JupyterLab, in
// Debian's Chromium, and run from the Run menu with the TypeScript kernel. JupyterLab serves a
// temporary copy of notebooks/, so running the chapters changes nothing in the repository.
import { expect } from "chai";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import {
  figureCells,
  JupyterLab,
  launchChromium,
  screenshotPath,
  startJupyterLab,
  waitUntil,
  watchPage,
} from "../support/browser";
import { courseNotebooks, ROOT } from "../support/course";
import { readNotebook } from "../support/notebook-check";

const KERNEL = { name: "tslab", displayName: "TypeScript" };
// A kernel starts in 5-30 s on the 2-core machine; a chapter that trains models runs 1-2 min.
const KERNEL_START_MS = 3 * 60_000;
const RUN_ALL_MS = 10 * 60_000;
const FIGURE_SVG = ".jp-OutputArea-output svg:not(mjx-container svg)";
const ERROR_OUTPUT =
  ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], " +
  ".jp-OutputArea-output.jp-mod-error";

interface Session {
  id: string;
  path: string;
  kernel: { name: string } | null;
}

interface CellState {
  code: boolean;
  /** Whether the cell has source to run (JupyterLab leaves empty cells without a number). */
  runnable: boolean;
  prompt: string;
}

/** Every cell of the open notebook, in order, with its input prompt ("[3]:", "[*]:", ""). */
async function cellStates(cells: Locator): Promise<CellState[]> {
  return cells.evaluateAll((elements) =>
    elements.map((cell) => ({
      code: cell.classList.contains("jp-CodeCell"),
      runnable: (cell.querySelector(".jp-InputArea-editor")?.textContent ?? "").trim() !== "",
      prompt: (cell.querySelector(".jp-InputPrompt")?.textContent ?? "").trim(),
    })),
  );
}

/** The kernel status the status bar shows, e.g. "TypeScript | Idle". */
async function kernelStatus(page: Page): Promise<string> {
  const texts = await page.locator(".jp-StatusBar-Widget").allInnerTexts();
  return texts.join(" ").replace(/\s+/g, " ");
}

/** Clicks an entry of JupyterLab's menu bar, then the item that runs `command`. */
async function menu(page: Page, title: string, command: string): Promise<void> {
  await page.locator(".lm-MenuBar-item", { hasText: new RegExp(`^${title}$`) }).click();
  await page.locator(`.lm-Menu li[data-command='${command}']`).click();
}

describe("the chapters in JupyterLab, in Chromium", function () {
  const chapters = courseNotebooks();
  let root: string | undefined;
  let lab: JupyterLab | undefined;
  let browser: Browser | undefined;

  before(async function () {
    this.timeout(3 * 60_000);
    // Inside the project, so that the kernel resolves attention-spotlight from node_modules.
    mkdirSync(join(ROOT, "build", "test"), { recursive: true });
    root = mkdtempSync(join(ROOT, "build", "test", "jupyterlab-"));
    for (const path of chapters) cpSync(path, join(root, basename(path)));
    lab = await startJupyterLab(root);
    browser = await launchChromium();
  });

  after(async function () {
    this.timeout(2 * 60_000);
    try {
      await browser?.close();
    } finally {
      try {
        await lab?.stop();
      } finally {
        if (root) rmSync(root, { recursive: true, force: true });
      }
    }
  });

  for (const path of chapters) {
    const file = basename(path);
    const chapter = basename(path, ".ipynb");

    const title = `${chapter}: every cell runs in the TypeScript kernel, no error, SVG figures`;
    it(title, async function () {
      this.timeout(KERNEL_START_MS + RUN_ALL_MS + 2 * 60_000);
      const server = lab!;
      const notebook = readNotebook(join(root!, file)); // the copy JupyterLab runs
      const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
      let session: Session | undefined;
      try {
        const page = await context.newPage();
        const watch = await watchPage(page, [server.origin]);
        // A workspace of its own, reset, so that only this chapter opens.
        const workspace = encodeURIComponent(`spotlight-${chapter}`);
        await page.goto(
          `${server.origin}/lab/workspaces/${workspace}/tree/${encodeURIComponent(file)}` +
            `?reset&token=${server.token}`,
        );
        const panel = page.locator(".jp-NotebookPanel");
        await panel.waitFor({ timeout: 60_000 });
        // Fold the file browser away, so that the screenshot shows the notebook at full width.
        const fileBrowserTab = page.locator(
          ".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current",
        );
        if ((await fileBrowserTab.count()) > 0) await fileBrowserTab.click();

        // 1. The kernel: TypeScript in the toolbar, tslab in the server's session, and idle.
        await waitUntil(
          async () => /\S \| Idle/.test(await kernelStatus(page)),
          KERNEL_START_MS,
          async () => `no kernel became idle; status bar: ${await kernelStatus(page)}`,
        );
        const shownKernel = await panel.locator(".jp-KernelName").innerText();
        expect(shownKernel.trim(), "kernel name in the toolbar").to.equal(KERNEL.displayName);
        const sessions = (await server.api("/api/sessions")) as Session[];
        session = sessions.find((candidate) => candidate.path === file);
        expect(session?.kernel?.name, `the kernel of ${file}'s session`).to.equal(KERNEL.name);

        // 2. Clear the committed outputs (Edit menu), so that every number and figure checked
        // below comes from this run; then run all cells from the Run menu, and wait until none
        // is queued or running.
        const cells = panel.locator(".jp-Cell");
        expect(await cells.count(), "cells shown").to.equal(notebook.cells.length);
        await menu(page, "Edit", "editmenu:clear-all");
        await waitUntil(
          async () => (await panel.locator(".jp-OutputArea-output").count()) === 0,
          30_000,
          async () => "the outputs were not cleared",
        );
        await menu(page, "Run", "runmenu:run-all");
        const started = Date.now();
        let idleChecks = 0;
        await waitUntil(
          async () => {
            const busy = (await cellStates(cells)).some((cell) => cell.prompt === "[*]:");
            const idle = (await kernelStatus(page)).includes("| Idle");
            idleChecks = !busy && idle ? idleChecks + 1 : 0;
            return idleChecks >= 3; // idle three checks in a row, not between two cells
          },
          RUN_ALL_MS,
          async () => `the cells did not finish: ${JSON.stringify(await cellStates(cells))}`,
          1000,
        );
        const seconds = ((Date.now() - started) / 1000).toFixed(1);

        // 3. No error shown: tslab reports a thrown or type error on stderr, and Run All stops
        // there, leaving the cells after it without a number.
        const errors = await cells.evaluateAll(
          (elements, selector) =>
            elements.flatMap((cell, index) =>
              Array.from(cell.querySelectorAll(selector), (output) => {
                const lines = (output.textContent ?? "").trim().split("\n");
                return `cell ${index + 1}: ${lines.slice(0, 4).join("\n")}`;
              }),
            ),
          ERROR_OUTPUT,
        );
        expect(errors, `errors shown in ${file}`).to.deep.equal([]);
        const states = await cellStates(cells);
        const unnumbered = states
          .map((cell, index) => ({ ...cell, number: index + 1 }))
          .filter((cell) => cell.code && cell.runnable && !/^\[\d+\]:$/.test(cell.prompt));
        expect(unnumbered, "code cells that did not run").to.deep.equal([]);

        // 4. Every cell whose committed output holds a figure shows it as an SVG with a size
        // (MathJax may draw equations as SVG too; those are not figures).
        const figures = figureCells(notebook);
        for (const index of figures) {
          const svg = cells.nth(index).locator(FIGURE_SVG).first();
          await svg.scrollIntoViewIfNeeded({ timeout: 10_000 });
          const box = await svg.boundingBox();
          const area = (box?.width ?? 0) * (box?.height ?? 0);
          expect(area, `cell ${index + 1}: area of its SVG figure`).to.be.greaterThan(0);
        }
        const withFigures = await cells.evaluateAll(
          (elements, selector) =>
            elements.flatMap((cell, index) => (cell.querySelector(selector) ? [index + 1] : [])),
          FIGURE_SVG,
        );
        const expected = figures.map((index) => index + 1);
        expect(withFigures, "the cells that show SVG figures").to.deep.equal(expected);
        expect(watch.blocked, "requests outside JupyterLab").to.deep.equal([]);
        expect(watch.problems, "browser errors").to.deep.equal([]);

        // 5. The screenshot: the first figure, or the top of the chapter if it has none.
        const shown = figures.length > 0 ? cells.nth(figures[0]) : cells.first();
        await shown.scrollIntoViewIfNeeded();
        await page.screenshot({ path: screenshotPath(chapter) });
        console.log(`      ${chapter}: all cells ran in ${seconds} s in JupyterLab`);
      } finally {
        if (session) await server.api(`/api/sessions/${session.id}`, "DELETE").catch(() => null);
        await context.close();
      }
    });
  }
});
