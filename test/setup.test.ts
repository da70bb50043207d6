// scripts/setup.sh refuses, with one line that says what to install, a Node older than 20.19,
// a missing Python, a Python older than 3.11 and a Python without venv. Each case runs a copy of
// the script in a temporary folder (so that nothing of the project's .venv or node_modules is
// touched) with a stand-in for the Node or Python at fault.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./support/course";

describe("scripts/setup.sh", function () {
  this.timeout(60_000);
  let work = "";

  before(() => {
    work = mkdtempSync(join(tmpdir(), "spotlight-setup-"));
    mkdirSync(join(work, "project", "scripts"), { recursive: true });
    copyFileSync(join(ROOT, "scripts", "setup.sh"), join(work, "project", "scripts", "setup.sh"));
    for (const file of ["requirements.txt", "package-lock.json"]) {
      copyFileSync(join(ROOT, file), join(work, "project", file));
    }
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  /** An executable shell script at `name` in the work folder. */
  function script(name: string, text: string): string {
    const path = join(work, name);
    writeFileSync(path, `#!/bin/sh\n${text}\n`);
    chmodSync(path, 0o755);
    return path;
  }

  function setup(env: Record<string, string>) {
    const result = spawnSync("bash", [join(work, "project", "scripts", "setup.sh")], {
      env: { PATH: process.env.PATH ?? "", npm_node_execpath: process.execPath, ...env },
      encoding: "utf8",
    });
    return { status: result.status, stderr: result.stderr, stdout: result.stdout };
  }

  it("refuses a Node older than 20.19 and names the version needed", () => {
    const preload = join(work, "old-node.js");
    writeFileSync(
      preload,
      'Object.defineProperty(process, "versions", ' +
        '{ value: { ...process.versions, node: "20.18.1" } });\n',
    );
    const node = script("node", `exec "${process.execPath}" --require "${preload}" "$@"`);
    const run = setup({ npm_node_execpath: node });
    expect(run.status).to.equal(1);
    expect(run.stderr).to.match(
      /^setup: Node 20\.18\.1 is too old; the course needs Node >= 20\.19/m,
    );
  });

  it("refuses a missing Python and names the version needed", () => {
    const run = setup({ SPOTLIGHT_PYTHON: join(work, "no-such-python3") });
    expect(run.status).to.equal(1);
    expect(run.stderr).to.match(/^setup: Python 3 is not installed .*needs Python >= 3\.11/m);
  });

  it("refuses a Python older than 3.11", () => {
    const python = script(
      "python3.10",
      'case "$1" in --version) echo "Python 3.10.12";; *) exit 1;; esac',
    );
    const run = setup({ SPOTLIGHT_PYTHON: python });
    expect(run.status).to.equal(1);
    expect(run.stderr).to.match(/^setup: Python 3\.10\.12 is too old; .*Python >= 3\.11/m);
  });

  it("refuses a Python without venv and says which package brings it", () => {
    // The version check passes (exit 0); the check for venv and ensurepip fails.
    const python = script(
      "python3-no-venv",
      'case "$2" in *venv*) echo "No module named ensurepip" >&2; exit 1;; *) exit 0;; esac',
    );
    const run = setup({ SPOTLIGHT_PYTHON: python });
    expect(run.status).to.equal(1);
    expect(run.stderr).to.match(
      /^setup: .* has no working venv module; .*apt-get install python3-venv/m,
    );
  });
});
