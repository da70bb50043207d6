// Runs the course runner (scripts/run_course.py, in the project's Python environment) from the
// tests, and executes the real course once per test run for every spec that reads it.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { Notebook, readNotebook } from "./notebook-check";

export const ROOT = join(__dirname, "..", "..");
export const NOTEBOOKS = join(ROOT, "notebooks");
const PYTHON = join(ROOT, ".venv", "bin", "python");
const RUNNER = join(ROOT, "scripts", "run_course.py");

export interface RunnerFailure {
  notebook: string;
  cell: number | null;
  kind: string;
  message: string;
  source: string;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
  failures: RunnerFailure[];
  seconds: Record<string, number>;
}

/** Runs the runner on `notebooks` with its output in `out`; never throws on a failing run. */
export function runCourse(notebooks: string[], out: string, extraArgs: string[] = []): RunResult {
  if (!existsSync(PYTHON)) {
    throw new Error(`no Python environment at ${PYTHON}; run \`npm run setup\` first`);
  }
  const report = join(out, "report.json");
  rmSync(report, { force: true });
  const args = [RUNNER, "--out", out, "--report", report, ...extraArgs, ...notebooks];
  const result = spawnSync(PYTHON, args, { cwd: ROOT, encoding: "utf8", timeout: 15 * 60_000 });
  const parsed = existsSync(report)
    ? (JSON.parse(readFileSync(report, "utf8")) as Pick<RunResult, "failures" | "seconds">)
    : { failures: [], seconds: {} };
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, ...parsed };
}

export function courseNotebooks(): string[] {
  return readdirSync(NOTEBOOKS)
    .filter((name) => name.endsWith(".ipynb"))
    .sort()
    .map((name) => join(NOTEBOOKS, name));
}

export interface ExecutedCourse {
  run: RunResult;
  out: string;
  /** The executed copy of a chapter, by file name without extension. */
  executed(chapter: string): Notebook;
}

let course: ExecutedCourse | undefined;

/** The whole course, executed once into build/test/course for all specs of this test run. */
export function executedCourse(): ExecutedCourse {
  if (course) return course;
  const out = join(ROOT, "build", "test", "course");
  rmSync(out, { recursive: true, force: true });
  const run = runCourse(courseNotebooks(), out);
  if (run.status !== 0) {
    throw new Error(`the course did not run (exit ${run.status}):\n${run.stderr}`);
  }
  course = {
    run,
    out,
    executed: (chapter) => readNotebook(join(out, "notebooks", `${basename(chapter)}.ipynb`)),
  };
  return course;
}
