// The HTML book as a reader meets it: opened from disk (file://) in Debian's Chromium with every
// request that is not a file aborted, so that a page passes only if it reads offline. It reads
// the book that the course run shared by the notebook tests wrote (build/test/course/course).
import { expect } from "chai";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import {
  figureCells,
  launchChromium,
  mathCells,
  PageWatch,
  screenshotPath,
  watchPage,
} from "../support/browser";
import { courseNotebooks, executedCourse } from "../support/course";

const MATH_SVG = "mjx-container svg";
const FIGURE_SVG = ".jp-OutputArea-output svg:not(mjx-container svg)";
// Markup that would make the browser fetch from the network when the page loads: an http(s)
// URL as a script, stylesheet, image or frame source, in a module import or in CSS.
const LOADING_TAGS = "script|link|img|iframe|source|embed|object|audio|video";
const REMOTE_LOADS = [
  new RegExp(`<(${LOADING_TAGS})\\b[^>]*\\b(src|href|data)\\s*=\\s*["']?\\s*(https?:)?//`, "gi"),
  /\bimport\s*\(\s*["'`](https?:)?\/\//gi,
  /\bimport\s+[^;]*?from\s*["'`](https?:)?\/\//gi,
  /url\(\s*["']?(https?:)?\/\//gi,
  /@import\s+["'](https?:)?\/\//gi,
];

describe("the HTML book's files", function () {
  this.timeout(20 * 60_000); // the first spec to need the course runs it

  it("loads nothing from the network: no http(s) script, stylesheet, image or import", () => {
    const pages = join(executedCourse().out, "course");
    const files = readdirSync(pages).filter((name) => name.endsWith(".html"));
    expect(files).to.include("index.html");
    for (const file of files) {
      const text = readFileSync(join(pages, file), "utf8");
      for (const pattern of REMOTE_LOADS) {
        const found = text.match(pattern);
        expect(found, `${file}: loads from the network`).to.equal(null);
      }
    }
    expect(existsSync(join(pages, "mathjax", "tex-svg-full.js")), "MathJax in the book").to.equal(
      true,
    );
    for (const file of files.filter((name) => name !== "index.html")) {
      const text = readFileSync(join(pages, file), "utf8");
      expect(text, `${file}: MathJax by a relative URL`).to.include(
        'src="mathjax/tex-svg-full.js"',
      );
    }
  });
});

describe("the HTML book, from disk in Chromium with the network blocked", function () {
  const chapters = courseNotebooks().map((path) => basename(path, ".ipynb"));
  let pages = "";
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;

  before(async function () {
    this.timeout(20 * 60_000); // the first spec to need the course runs it
    pages = join(executedCourse().out, "course");
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close();
  });

  /** Opens a page of the book from disk, with the network blocked, and waits for MathJax. */
  async function open(file: string): Promise<{ page: Page; watch: PageWatch }> {
    const page = await context!.newPage();
    const watch = await watchPage(page, ["file:"]);
    await page.goto(pathToFileURL(join(pages, file)).href);
    return { page, watch };
  }

  async function typeset(page: Page): Promise<void> {
    // MathJax (loaded with defer) has run by the load event; its promise settles once every
    // equation of the page is typeset.
    await page.evaluate("window.MathJax.startup.promise.then(() => true)");
  }

  /** The book file a link of `page` points to, checked to exist. */
  async function target(page: Page, selector: string): Promise<string> {
    const href = await page.locator(selector).first().getAttribute("href");
    expect(href, `${selector}: href`).to.be.a("string");
    const file = resolve(dirname(fileURLToPath(page.url())), decodeURIComponent(href!));
    expect(existsSync(file), `${selector} -> ${href}: no such file`).to.equal(true);
    return basename(file);
  }

  it("lists every chapter on the index page, in order, each link to an existing page", async () => {
    const { page, watch } = await open("index.html");
    const links = page.locator("ul a");
    const targets: string[] = [];
    for (let i = 0; i < (await links.count()); i++) {
      targets.push(await target(page, `ul li:nth-child(${i + 1}) a`));
    }
    expect(targets).to.deep.equal(chapters.map((chapter) => `${chapter}.html`));
    await page.screenshot({ path: screenshotPath("book-index"), fullPage: true });
    expect(watch.blocked, "requests that left the disk").to.deep.equal([]);
    expect(watch.problems, "browser errors").to.deep.equal([]);
    await page.close();
  });

  chapters.forEach((chapter, number) => {
    const title = `${chapter}: equations typeset, figures drawn, links to index and neighbours`;
    it(title, async function () {
      this.timeout(2 * 60_000);
      const executed = executedCourse().executed(chapter);
      const { page, watch } = await open(`${chapter}.html`);
      await typeset(page);

      // 1. Equations: MathJax drew every one (as SVG), none is left as TeX, none failed.
      if (mathCells(executed).length > 0) {
        expect(await page.locator(MATH_SVG).count(), "equations drawn").to.be.greaterThan(0);
        const box = await page.locator(MATH_SVG).first().boundingBox();
        expect(box?.width ?? 0, "width of the first equation").to.be.greaterThan(0);
      }
      const prose = await page.locator(".jp-MarkdownCell .jp-RenderedMarkdown").allInnerTexts();
      const rawTex = prose.filter((text) => text.includes("$$") || /\$[^$]*\\[A-Za-z]/.test(text));
      expect(rawTex, "markdown cells that still show TeX").to.deep.equal([]);
      const errors = await page.locator('mjx-container [data-mml-node="merror"]').count();
      expect(errors, "equations MathJax could not typeset").to.equal(0);

      // 2. Figures: as many cells show an SVG figure as the executed notebook holds, each sized.
      const figures = figureCells(executed);
      const shown = page.locator(".jp-Cell").filter({ has: page.locator(FIGURE_SVG) });
      expect(await shown.count(), "cells with an SVG figure").to.equal(figures.length);
      for (let i = 0; i < figures.length; i++) {
        const box = await shown.nth(i).locator(FIGURE_SVG).first().boundingBox();
        expect((box?.width ?? 0) * (box?.height ?? 0), `figure ${i + 1}: area`).to.be.greaterThan(
          0,
        );
      }

      // 3. Navigation, at the top and the bottom: the index, and the previous and next chapter.
      for (const bar of ["nav.book-nav >> nth=0", "nav.book-nav >> nth=-1"]) {
        const index = `${bar} >> a[rel=index]`;
        const previous = `${bar} >> a[rel=prev]`;
        const next = `${bar} >> a[rel=next]`;
        expect(await target(page, index)).to.equal("index.html");
        if (number > 0)
          expect(await target(page, previous)).to.equal(`${chapters[number - 1]}.html`);
        else expect(await page.locator(previous).count(), "a link before the first").to.equal(0);
        if (number + 1 < chapters.length)
          expect(await target(page, next)).to.equal(`${chapters[number + 1]}.html`);
        else expect(await page.locator(next).count(), "a link after the last").to.equal(0);
      }

      await page.screenshot({ path: screenshotPath(`book-${chapter}`), fullPage: true });
      expect(watch.blocked, "requests that left the disk").to.deep.equal([]);
      expect(watch.problems, "browser errors").to.deep.equal([]);
      await page.close();
    });
  });

  it("follows its links: the index, each next chapter, one back, the index", async function () {
    this.timeout(2 * 60_000);
    const { page, watch } = await open("index.html");
    const at = () => basename(fileURLToPath(page.url()));
    await page.locator("ul a").first().click();
    await page.waitForURL(/\.html$/);
    expect(at()).to.equal(`${chapters[0]}.html`);
    for (const chapter of chapters.slice(1)) {
      await page.locator("nav.book-nav a[rel=next]").first().click();
      await page.waitForURL((url) => url.pathname.endsWith(`/${chapter}.html`));
      expect(await page.title(), `${chapter}: title`).to.not.equal("");
    }
    if (chapters.length > 1) {
      await page.locator("nav.book-nav a[rel=prev]").first().click();
      await page.waitForURL((url) => url.pathname.endsWith(`/${chapters.at(-2)}.html`));
    }
    await page.locator("nav.book-nav a[rel=index]").last().click();
    await page.waitForURL((url) => url.pathname.endsWith("/index.html"));
    expect(watch.blocked, "requests that left the disk").to.deep.equal([]);
    await page.close();
  });
});
