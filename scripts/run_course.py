"""Executes the course: every notebook, in order, with the real tslab kernel through nbclient.

For each notebook it shows progress (name, cells done of total, seconds), gives each cell a
timeout, and stops at the first failing cell with a report that names the notebook, the cell
number (counting every cell from 1, as JupyterLab lists them) and the error. A failure is:
a thrown error or a TypeScript type error (tslab answers with an error status and writes the
error on stderr), a kernel that dies, a cell that runs past its timeout, and an error thrown
asynchronously after its cell returned. For the last kind, a hidden first execution records
every uncaught exception and unhandled rejection in the kernel, and a hidden check after each
cell lets pending timers and promise jobs run, then fails if anything was recorded (tslab on
its own only prints such errors into whichever cell happens to run next, or nowhere when none
runs). The hidden executions leave no trace in the notebook.

It writes the executed notebooks to build/notebooks/ and the HTML book (scripts/book.py: an
index page, a page per chapter and the MathJax it loads) to build/course/, each file
atomically. The source notebooks are rewritten (with fresh outputs) only with --refresh, and
only after they ran without error.

Exit status: 0 when every notebook ran, 1 when one failed, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    from jupyter_core.utils import run_sync

    import book  # scripts/book.py: the HTML book's pages
except KeyboardInterrupt:  # Ctrl-C while the Jupyter libraries load: nothing has started yet
    print("\ncourse: interrupted before any notebook ran", file=sys.stderr)
    sys.exit(130)

ROOT = Path(__file__).resolve().parent.parent
UMASK = os.umask(0)
os.umask(UMASK)
KERNEL_NAME = "tslab"
TYPE_ERROR = re.compile(r"^\d+:\d+ - ", re.MULTILINE)
# tslab's own handlers only print such errors; ours record them for the checks below instead.
RECORD_LATE_ERRORS = """
{
  const late: unknown[] = ((globalThis as any).__spotlightLateErrors = []);
  process.removeAllListeners("uncaughtException");
  process.removeAllListeners("unhandledRejection");
  process.on("uncaughtException", (error) => late.push(error));
  process.on("unhandledRejection", (reason) => late.push(reason));
  (globalThis as any).__spotlightTimers = () =>
    // Why the cast: tslab may type-check against an older @types/node that lacks this API.
    ((process as any).getActiveResourcesInfo() as string[]).filter((kind) => kind === "Timeout")
      .length;
  (globalThis as any).__spotlightBaseTimers = (globalThis as any).__spotlightTimers();
}
"""
# A timer of 0 ms runs after the cell's own 0 ms timers and after its promise jobs, so errors
# they throw are recorded by the time it fires. After the last cell, the check first waits
# (up to SETTLE_SECONDS) until no timer the notebook set is pending, so that a callback due
# later still runs, and fails, inside the run.
CHECK_LATE_ERRORS = """
await new Promise<void>((resolve) => setTimeout(resolve, 0));
{
  const late: unknown[] = (globalThis as any).__spotlightLateErrors.splice(0);
  for (const error of late) {
    console.error(error instanceof Error ? (error.stack ?? String(error)) : String(error));
  }
  if (late.length > 0) throw new Error("spotlight: asynchronous error");
}
"""
SETTLE_SECONDS = 10
WAIT_FOR_TIMERS = """
{
  const spotlight = globalThis as any;
  const deadline = Date.now() + SETTLE_MS;
  while (spotlight.__spotlightTimers() > spotlight.__spotlightBaseTimers && Date.now() < deadline) {
    await new Promise<void>((resolve) => setTimeout(resolve, 10));
  }
}
""" + CHECK_LATE_ERRORS
# Stack frames inside tslab or Node itself say nothing about the learner's code.
NOISE_FRAME = re.compile(r"^\s+at .*(node_modules/tslab/|node:internal|node:vm|sigintHandlersWrap)")


@dataclass
class Failure:
    notebook: str
    cell: int | None
    kind: str
    message: str
    source: str

    def describe(self) -> str:
        where = f"{self.notebook}, cell {self.cell}" if self.cell else self.notebook
        lines = [f"course: FAILED {where}: {self.kind}"]
        if self.source:
            excerpt = self.source.strip().splitlines()
            shown = excerpt[:6] + (["..."] if len(excerpt) > 6 else [])
            lines.append("  cell source:")
            lines.extend(f"    | {line}" for line in shown)
        lines.append("  error:")
        lines.extend(f"    {line}" for line in self.message.strip().splitlines())
        return "\n".join(lines)


class NotebookFailed(Exception):
    def __init__(self, failure: Failure):
        super().__init__(failure.describe())
        self.failure = failure


class Progress:
    """One live line on a terminal; on a log (CI), a line when a notebook starts, at most one
    every few seconds while it runs, and one when it ends. While a cell runs, a heartbeat
    keeps the clock moving (every second on a terminal, every 15 s on a log), so a long cell
    does not look like a hang."""

    def __init__(self, stream=sys.stdout):
        self.stream = stream
        self.live = stream.isatty()
        self.last_print = 0.0
        self.state = None
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        threading.Thread(target=self._heartbeat, daemon=True).start()

    def update(self, label: str, done: int, total: int, started: float, final: bool = False):
        with self.lock:
            self.state = None if final else (label, done, total, started)
            self._render(label, done, total, started, final, running=False)

    def halt(self):
        """Stops the heartbeat of the current notebook (it failed) without printing."""
        with self.lock:
            self.state = None

    def close(self):
        self.stopped.set()

    def _heartbeat(self):
        while not self.stopped.wait(1.0):
            with self.lock:
                if self.state is None:
                    continue
                if self.live or time.monotonic() - self.last_print >= 15.0:
                    self._render(*self.state, final=False, running=True)

    def _render(self, label, done, total, started, final, running):
        now = time.monotonic()
        text = f"{label}  {done}/{total} cells  {now - started:5.1f} s"
        if running and done < total:
            text += f"  (cell {done + 1} running)"
        if self.live:
            self.stream.write("\r\x1b[2K" + text + ("\n" if final else ""))
        elif final or running or (now - self.last_print >= 5.0 and done < total):
            self.stream.write(text + "\n")
            self.last_print = now
        self.stream.flush()


def error_text(cell) -> str:
    """The error as tslab wrote it (stderr), without the frames of tslab and Node themselves."""
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            parts.append(output.get("text", ""))
        elif output.get("output_type") == "error":
            parts.append(f"{output.get('ename')}: {output.get('evalue')}")
    lines = "".join(parts).splitlines()
    return "\n".join(line for line in lines if not NOISE_FRAME.match(line)) or "(no message)"


def execute_notebook(path: Path, timeout: float, progress: Progress, label: str):
    """Runs every cell of the notebook at `path` in a fresh kernel; returns the executed
    notebook or raises NotebookFailed."""
    nb = nbformat.read(path, as_version=4)
    name = display_name(path)
    spec = nb.metadata.get("kernelspec", {}).get("name")
    if spec != KERNEL_NAME:
        raise NotebookFailed(
            Failure(
                name, None, "wrong kernel", f"kernelspec is {spec!r}; expected {KERNEL_NAME!r}", ""
            )
        )
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=KERNEL_NAME,
        record_timing=False,
        coalesce_streams=True,
        shutdown_kernel="immediate",
        resources={"metadata": {"path": str(path.parent)}},
    )
    total = len(nb.cells)
    started = time.monotonic()
    current = {"cell": None}

    def fail(kind: str, index: int | None, message: str) -> NotebookFailed:
        source = nb.cells[index].source if index is not None else ""
        cell_number = index + 1 if index is not None else None
        return NotebookFailed(Failure(name, cell_number, kind, message, source))

    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None

    client.reset_execution_trackers()
    progress.update(label, 0, total, started)
    try:
        with client.setup_kernel():
            reply = client.wait_for_reply(client.kc.kernel_info())
            nb.metadata["language_info"] = reply["content"]["language_info"]
            # The hidden executions run in a slot after the last cell, removed at the end.
            nb.cells.append(nbformat.v4.new_code_cell(""))

            def run_hidden(source: str):
                nb.cells[total] = nbformat.v4.new_code_cell(source, id="spotlight-hidden")
                client.execute_cell(nb.cells[total], total, store_history=False)

            # The wait after the last cell stays well inside the cell timeout.
            settle_ms = int(min(SETTLE_SECONDS, timeout / 2) * 1000)
            wait_for_timers = WAIT_FOR_TIMERS.replace("SETTLE_MS", str(settle_ms))
            try:
                run_hidden(RECORD_LATE_ERRORS)
                code = [i for i, c in enumerate(nb.cells[:total]) if is_code(c)]
                last_code = code[-1] if code else -1
                count = 0
                for index in range(total):
                    current["cell"] = index
                    cell = nb.cells[index]
                    if is_code(cell):
                        count += 1
                        try:
                            client.execute_cell(cell, index, execution_count=count)
                        except CellTimeoutError:
                            raise fail(
                                "timeout",
                                index,
                                f"the cell ran longer than the {timeout:g} s cell timeout "
                                "(--timeout sets it)",
                            ) from None
                        except CellExecutionError:
                            stderr = error_text(cell)
                            typed = TYPE_ERROR.search(stderr)
                            kind = "TypeScript error" if typed else "thrown error"
                            raise fail(kind, index, stderr) from None
                        try:
                            last = index == last_code
                            run_hidden(wait_for_timers if last else CHECK_LATE_ERRORS)
                        except CellExecutionError:
                            # Keep what the check printed, not the trace of its own throw.
                            text = error_text(nb.cells[total])
                            message = text[: text.find("Error: spotlight: asynchronous")].strip()
                            raise fail(
                                "asynchronous error, thrown by a callback or promise after the "
                                "cell returned (this cell's, or a timer set by an earlier cell)",
                                index,
                                message,
                            ) from None
                    progress.update(label, index + 1, total, started)
            finally:
                nb.cells.pop()
    except KeyboardInterrupt:
        # Ctrl-C can land while the kernel is still starting, before setup_kernel's own clean-up
        # is in place: shut down whatever was started, so no kernel outlives the run.
        if client.km is not None:
            try:
                run_sync(client.km.shutdown_kernel)(now=True)
            except Exception:  # best effort: the kernel may be half started or already gone
                pass
        raise
    except DeadKernelError as error:
        raise fail("kernel died", current["cell"], str(error) or "the kernel process exited")
    except RuntimeError as error:
        if "died" in str(error).lower():
            raise fail("kernel died", current["cell"], str(error))
        raise
    progress.update(label, total, total, started, final=True)
    return nb


def is_code(cell) -> bool:
    """A code cell with something to run (nbclient skips empty ones)."""
    return cell.cell_type == "code" and bool(cell.source.strip())


def display_name(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def write_atomically(path: Path, text: str):
    """Writes through a temporary file in the same folder and a rename, so that a reader (or a
    run that is interrupted) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        # mkstemp makes the file private (0600); give it the mode the file had, or the mode a
        # new file gets under the user's umask.
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~UMASK)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def notebook_text(nb) -> str:
    return nbformat.writes(nb) + "\n"


def export_html(executed: list[tuple[Path, object]], out: Path, full_run: bool):
    """Writes the HTML book to `out`/course: a page for every chapter whose executed copy this
    runner wrote to `out`/notebooks (those executed now from memory, the others from their
    copies; notebooks of the user's own in that folder are left out), so that
    running one chapter keeps the others in the book and every page links its neighbours in the
    current order; an index of them all; and the MathJax files the pages load. A run of the
    whole course also removes copies and pages of notebooks that no longer exist."""
    pages = out / "course"
    if full_run:
        # Only files this runner wrote (listed in its manifest) are ever removed: a folder given
        # as --out may hold the user's own notebooks and pages.
        current = {path.stem for path, _ in executed}
        written = read_manifest(out)
        stale = [f for f in (out / "notebooks").glob("*.ipynb") if f.stem not in current]
        stale += [f for f in pages.glob("*.html") if f.stem not in current and f.name != "index.html"]
        for file in stale:
            if relative_to_out(file, out) in written:
                file.unlink()
    fresh = {path.stem: nb for path, nb in executed}
    written = read_manifest(out)
    notebooks = {
        copy.stem: fresh[copy.stem] if copy.stem in fresh else nbformat.read(copy, as_version=4)
        for copy in sorted((out / "notebooks").glob("*.ipynb"))
        if copy.stem in fresh or relative_to_out(copy, out) in written
    }
    chapters = [book.Chapter(stem, book.chapter_title(nb, stem)) for stem, nb in notebooks.items()]
    exporter = book.BookExporter()
    for number, chapter in enumerate(chapters):
        previous = chapters[number - 1] if number > 0 else None
        following = chapters[number + 1] if number + 1 < len(chapters) else None
        page = exporter.chapter_page(notebooks[chapter.stem], chapter, previous, following)
        write_atomically(pages / chapter.page, page)
        record_written(out, pages / chapter.page)
    for source, target in book.ASSETS:
        text = source.read_text(encoding="utf-8")
        destination = pages / target
        if not destination.is_file() or destination.read_text(encoding="utf-8") != text:
            write_atomically(destination, text)
    write_atomically(pages / "index.html", book.index_page(chapters))


MANIFEST = ".spotlight-written.json"


def relative_to_out(file: Path, out: Path) -> str:
    return file.resolve().relative_to(out.resolve()).as_posix()


def read_manifest(out: Path) -> set[str]:
    """The files (relative to `out`) that this runner has written there, in any run."""
    try:
        return set(json.loads((out / MANIFEST).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return set()


def record_written(out: Path, file: Path) -> None:
    written = read_manifest(out)
    name = relative_to_out(file, out)
    if name not in written:
        write_atomically(out / MANIFEST, json.dumps(sorted(written | {name}), indent=1) + "\n")


def whole_seconds(text: str) -> int:
    """nbclient counts a cell's timeout in whole seconds, so --timeout takes them too."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"--timeout must be a whole number of seconds, at least 1; got {text!r}"
        )
    return value


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="npm run course --",
        description="Execute the course's notebooks with the tslab kernel and export them.",
    )
    parser.add_argument(
        "notebooks",
        nargs="*",
        type=Path,
        help="notebooks to run, in this order (default: every notebooks/*.ipynb, by name)",
    )
    parser.add_argument(
        "--timeout", type=whole_seconds, default=300, help="whole seconds per cell (300)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="where executed notebooks go (build/; build/scratch/ for notebooks outside notebooks/)",
    )
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="also rewrite the source notebooks with their fresh outputs (for authors)",
    )
    parser.add_argument("--no-html", action="store_true", help="skip the HTML export")
    parser.add_argument("--report", type=Path, help="write a JSON report of the run here")
    parser.add_argument(
        "--keep-going", action="store_true", help="run every notebook even after a failure"
    )
    args = parser.parse_args(argv)
    args.all_notebooks = not args.notebooks
    if not args.notebooks:
        args.notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
        if not args.notebooks:
            parser.error("no notebooks found in notebooks/")
    for path in args.notebooks:
        if path.suffix != ".ipynb" or not path.is_file():
            parser.error(f"not a notebook file: {path}")
        try:
            nbformat.validate(nbformat.read(path, as_version=4))
        except Exception as error:  # nbformat raises several kinds for a broken file
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            parser.error(f"{path} is not a valid notebook: {reason}")
    for path in args.notebooks:
        if not path.resolve().is_relative_to(ROOT):
            parser.error(
                f"{path} is outside the project folder, where the kernel cannot find "
                f"attention-spotlight; copy it inside, e.g. to build/scratch/"
            )
    if args.out is None:
        # The course's own chapters go to build/ and its book; anything else (a scratch copy
        # with answers filled in) to build/scratch/, so it never replaces a chapter in the book.
        sources = ROOT / "notebooks"
        outside = any(path.resolve().parent != sources for path in args.notebooks)
        args.out = ROOT / "build" / "scratch" if outside else ROOT / "build"
    for path in args.notebooks:
        if (args.out / "notebooks" / path.name).resolve() == path.resolve():
            parser.error(
                f"--out {args.out} would write the executed copy of {path} over the notebook "
                f"itself; choose another folder (--refresh is the way to update a source)"
            )
    missing = [] if args.no_html else book.missing_assets()
    if missing:
        parser.error(f"the HTML book needs {display_name(missing[0])}; run `npm run setup` first")
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=args.out, prefix=".write-test.")
        probe.close()
    except OSError as error:
        parser.error(f"cannot write to --out {args.out}: {error.strerror}")
    if args.report is not None and args.report.is_dir():
        parser.error(f"--report {args.report} is a folder; give a file name, e.g. build/report.json")
    if args.report is not None and not os.access(args.report.parent.resolve(), os.W_OK):
        parser.error(f"cannot write --report {args.report}: its folder is missing or read-only")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")
    progress = Progress()
    executed, failures, timings = [], [], {}
    count = len(args.notebooks)
    print(f"course: running {count} notebook{'s' if count != 1 else ''} with the tslab kernel")
    for number, path in enumerate(args.notebooks, start=1):
        label = f"[{number}/{count}] {path.stem}"
        started = time.monotonic()
        try:
            nb = execute_notebook(path, args.timeout, progress, label)
        except NotebookFailed as error:
            progress.halt()
            if progress.live:
                sys.stdout.write("\n")
            sys.stdout.flush()
            print(error.failure.describe(), file=sys.stderr)
            failures.append(error.failure)
            if args.keep_going:
                continue
            break
        timings[display_name(path)] = round(time.monotonic() - started, 1)
        text = notebook_text(nb)
        write_atomically(args.out / "notebooks" / path.name, text)
        record_written(args.out, args.out / "notebooks" / path.name)
        if args.refresh and path.read_text(encoding="utf-8") != text:
            write_atomically(path, text)
            print(f"course: refreshed the outputs stored in {display_name(path)}")
        executed.append((path, nb))

    progress.close()
    if executed and not args.no_html:
        export_html(executed, args.out, full_run=args.all_notebooks and not failures)
    if args.report:
        report = {"failures": [asdict(f) for f in failures], "seconds": timings}
        write_atomically(args.report, json.dumps(report, indent=2) + "\n")
    if failures:
        print(f"course: {len(failures)} notebook(s) failed; see above", file=sys.stderr)
        return 1
    where = display_name(args.out)
    html_note = "" if args.no_html else f" and {where}/course/index.html"
    ran = "the notebook ran" if count == 1 else f"all {count} notebooks ran"
    print(f"course: {ran}; executed copies in {where}/notebooks/{html_note}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ncourse: interrupted; the kernel was shut down, no source notebook was changed",
              file=sys.stderr)
        sys.exit(130)
