// Tests of the notebook machinery itself: the course runner fails loudly on every kind of
// broken cell and leaves sources alone, and the output checker catches drift but tolerates
// what it is configured to tolerate.
import { expect } from "chai";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, runCourse, RunResult } from "./support/course";
import { makeNotebook, writeNotebook } from "./support/make-notebook";
import {
  compareNotebooks,
  describeMismatches,
  loadConfig,
  readNotebook,
  taggedOutput,
} from "./support/notebook-check";

const WORK = join(ROOT, "build", "test", "checker");

describe("the output checker", () => {
  const config = loadConfig();
  const committed = (stdout: string, tags?: string[]) =>
    makeNotebook([{ source: "console.log(x)", stdout, tags }]);

  it("passes identical outputs", () => {
    expect(compareNotebooks(committed("0.3000\n"), committed("0.3000\n"), config)).to.deep.equal(
      [],
    );
  });

  it("passes a number that moved within the tolerance", () => {
    const moved = committed("loss 0.693147180\n");
    expect(compareNotebooks(committed("loss 0.693147181\n"), moved, config)).to.deep.equal([]);
  });

  it("fails a number that moved beyond the tolerance, with a diff naming the cell", () => {
    const mismatches = compareNotebooks(committed("0.4000\n"), committed("0.3000\n"), config);
    expect(mismatches).to.have.length(1);
    expect(mismatches[0].cell).to.equal(1);
    const report = describeMismatches("notebooks/x.ipynb", mismatches);
    expect(report).to.match(/notebooks\/x\.ipynb, cell 1/);
    expect(report).to.match(/^--- cell 1 \(committed\)/m);
    expect(report).to.match(/^\+\+\+ cell 1 \(executed\)/m);
    expect(report).to.match(/^-0\.4000$/m);
    expect(report).to.match(/^\+0\.3000$/m);
  });

  it("fails changed words even when the numbers agree", () => {
    const mismatches = compareNotebooks(committed("R → E\n"), committed("G → E\n"), config);
    expect(mismatches).to.have.length(1);
  });

  it("fails a cell that lost its output", () => {
    expect(compareNotebooks(committed("42\n"), committed(""), config)).to.have.length(1);
  });

  it("ignores what a sanitiser removes (timings)", () => {
    const mismatches = compareNotebooks(committed("12.5 ms/call\n"), committed("9.1 ms/call\n"));
    expect(mismatches).to.deep.equal([]);
  });

  it("skips cells carrying the skip tag", () => {
    const tags = [config.skipTag];
    expect(compareNotebooks(committed("1\n", tags), committed("2\n", tags), config)).to.deep.equal(
      [],
    );
  });

  it("reads the output of a tagged cell for fact specs, and insists the tag is unique", () => {
    const notebook = committed("break-even 8192/193\n", ["fact-break-even"]);
    expect(taggedOutput(notebook, "fact-break-even")).to.equal("break-even 8192/193\n");
    expect(() => taggedOutput(notebook, "fact-missing")).to.throw(/exactly one cell tagged/);
  });
});

describe("the course runner", function () {
  this.timeout(5 * 60_000);

  let run: RunResult;
  const sources: Record<string, string> = {};
  const broken = {
    thrown: [{ source: 'console.log("before")' }, { source: 'throw new Error("boom")' }],
    typeError: [{ source: 'const n: number = "x";' }],
    asyncError: [{ source: 'setTimeout(() => { throw new Error("late boom"); }, 0);' }],
    rejection: [{ source: 'void Promise.reject(new Error("nobody caught me"));' }],
    lateTimer: [{ source: 'setTimeout(() => { throw new Error("200 ms later"); }, 200);' }],
    hang: [{ source: "while (true) {}" }],
    kernelDeath: [{ source: "process.exit(3);" }],
  };

  before(() => {
    rmSync(WORK, { recursive: true, force: true });
    const paths = Object.entries(broken).map(([name, cells]) => {
      const path = writeNotebook(join(WORK, "notebooks", `${name}.ipynb`), cells);
      sources[name] = readFileSync(path, "utf8");
      return path;
    });
    run = runCourse(paths, join(WORK, "out"), ["--keep-going", "--timeout", "4", "--no-html"]);
  });

  const failureOf = (name: string) => {
    const failure = run.failures.find((f) => f.notebook.endsWith(`/${name}.ipynb`));
    expect(failure, `no failure reported for ${name}; stderr:\n${run.stderr}`).to.not.equal(
      undefined,
    );
    return failure!;
  };

  it("exits non-zero and reports every broken notebook", () => {
    expect(run.status).to.equal(1);
    expect(run.failures.map((f) => f.notebook.split("/").pop())).to.have.members(
      Object.keys(broken).map((name) => `${name}.ipynb`),
    );
  });

  it("names the notebook, the cell and the error of a thrown error", () => {
    const failure = failureOf("thrown");
    expect(failure).to.include({ cell: 2, kind: "thrown error" });
    expect(failure.message).to.match(/Error: boom/);
    expect(run.stderr).to.match(/FAILED build\/test\/checker\/notebooks\/thrown\.ipynb, cell 2/);
  });

  it("reports a TypeScript type error", () => {
    const failure = failureOf("typeError");
    expect(failure).to.include({ cell: 1, kind: "TypeScript error" });
    expect(failure.message).to.match(/Type 'string' is not assignable to type 'number'/);
  });

  it("reports an error thrown by a timer after the cell returned", () => {
    const failure = failureOf("asyncError");
    expect(failure.cell).to.equal(1);
    expect(failure.kind).to.match(/^asynchronous error/);
    expect(failure.message).to.match(/late boom/);
  });

  it("reports an unhandled promise rejection", () => {
    const failure = failureOf("rejection");
    expect(failure.kind).to.match(/^asynchronous error/);
    expect(failure.message).to.match(/nobody caught me/);
  });

  it("waits for timers left by the last cell and reports the error they throw", () => {
    const failure = failureOf("lateTimer");
    expect(failure.cell).to.equal(1);
    expect(failure.message).to.match(/200 ms later/);
    expect(failure.message, "reported once").to.not.match(/200 ms later[\s\S]*200 ms later/);
  });

  it("stops a cell that hangs past its timeout", () => {
    const failure = failureOf("hang");
    expect(failure).to.include({ cell: 1, kind: "timeout" });
    expect(failure.message).to.match(/4 s cell timeout/);
  });

  it("reports a kernel that dies", () => {
    expect(failureOf("kernelDeath")).to.include({ cell: 1, kind: "kernel died" });
  });

  it("leaves every source notebook byte-for-byte unchanged", () => {
    for (const name of Object.keys(broken)) {
      const path = join(WORK, "notebooks", `${name}.ipynb`);
      expect(readFileSync(path, "utf8"), name).to.equal(sources[name]);
    }
  });
});

describe("the course runner on notebooks that run", function () {
  this.timeout(5 * 60_000);
  const dir = join(WORK, "good");

  it("catches drift, leaves the source alone, and rewrites it only with --refresh", () => {
    const path = writeNotebook(join(dir, "drift.ipynb"), [
      { source: "console.log((0.1 + 0.2).toFixed(4));", stdout: "0.4000\n" },
    ]);
    const before = readFileSync(path, "utf8");

    const run = runCourse([path], join(dir, "out"));
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/\[1\/1\] drift {2}1\/1 cells/);
    expect(readFileSync(path, "utf8")).to.equal(before);
    const executed = readNotebook(join(dir, "out", "notebooks", "drift.ipynb"));
    const mismatches = compareNotebooks(readNotebook(path), executed);
    expect(describeMismatches("drift.ipynb", mismatches)).to.match(/^\+0\.3000$/m);
    const index = readFileSync(join(dir, "out", "course", "index.html"), "utf8");
    expect(index).to.match(/<a href="drift\.html">/);

    const refreshed = runCourse([path], join(dir, "out"), ["--refresh", "--no-html"]);
    expect(refreshed.status, refreshed.stderr).to.equal(0);
    expect(compareNotebooks(readNotebook(path), executed)).to.deep.equal([]);
  });
});

describe("the course runner refuses, before running anything", function () {
  this.timeout(60_000);
  const dir = join(WORK, "refuse");
  const chapter = join(ROOT, "notebooks", "02-spotlight-and-entropy.ipynb");

  it("an --out that would write an executed copy over its source notebook", () => {
    const before = readFileSync(chapter, "utf8");
    const run = runCourse([chapter], ROOT, ["--no-html"]);
    expect(run.status).to.equal(2);
    expect(run.stderr).to.match(/would write the executed copy of .* over the notebook itself/);
    expect(readFileSync(chapter, "utf8")).to.equal(before);
  });

  it("a notebook outside the project folder, saying where to copy it", () => {
    const outside = join(mkdtempSync(join(tmpdir(), "spotlight-outside-")), "copy.ipynb");
    copyFileSync(chapter, outside);
    const run = runCourse([outside], join(dir, "out"), ["--no-html"]);
    expect(run.status).to.equal(2);
    expect(run.stderr).to.match(
      /is outside the project folder, .* copy it inside, e\.g\. to build\/scratch\//,
    );
    rmSync(outside, { force: true });
  });

  it("a --report that is a folder", () => {
    mkdirSync(join(dir, "a-folder"), { recursive: true });
    const run = runCourse([chapter], join(dir, "out"), ["--report", join(dir, "a-folder")]);
    expect(run.status).to.equal(2);
    expect(run.stderr).to.match(/--report .*a-folder is a folder; give a file name/);
  });
});

describe("the course runner in an --out folder that holds the user's own files", function () {
  this.timeout(5 * 60_000);
  const dir = join(WORK, "own-files");

  it("neither lists nor overwrites them in the book", () => {
    rmSync(dir, { recursive: true, force: true });
    const out = join(dir, "out");
    mkdirSync(join(out, "notebooks"), { recursive: true });
    mkdirSync(join(out, "course"), { recursive: true });
    writeNotebook(join(out, "notebooks", "mine.ipynb"), [{ source: "1", stdout: "" }]);
    writeFileSync(join(out, "course", "mine.html"), "<p>my page</p>");
    const path = writeNotebook(join(dir, "ok.ipynb"), [
      { source: 'console.log("ok");', stdout: "ok\n" },
    ]);

    const run = runCourse([path], out);
    expect(run.status, run.stderr).to.equal(0);
    expect(readFileSync(join(out, "course", "mine.html"), "utf8")).to.equal("<p>my page</p>");
    expect(existsSync(join(out, "notebooks", "mine.ipynb"))).to.equal(true);
    const index = readFileSync(join(out, "course", "index.html"), "utf8");
    expect(index).to.match(/<a href="ok\.html">/);
    expect(index).not.to.match(/mine\.html/);
  });
});
