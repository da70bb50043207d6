#!/usr/bin/env bash
# Sets up everything the course and its tests need, inside the project folder:
#   1. checks Node (>= 20.19) and Python (>= 3.11 with venv),
#   2. a project-local Python environment (.venv) with the pinned Jupyter side,
#   3. npm ci, when package-lock.json changed since the last install,
#   4. the link node_modules/attention-spotlight -> the project, so notebooks resolve the
#      library by its package name,
#   5. the library built to dist/, when src/ changed,
#   6. the tslab kernel registered into .venv, started with this project's Node and tslab.
# Each step is skipped when already done, and a run with nothing to do prints nothing.
# Set SPOTLIGHT_PYTHON to choose the Python that creates .venv (default: python3).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

fail() {
  printf 'setup: %s\n' "$*" >&2
  exit 1
}
step() { printf 'setup: %s\n' "$*"; }

# A stamp holds the hash of what a step was last done for; the step runs again when it differs.
hash_of() { cat "$@" | sha256sum | cut -d' ' -f1; }
stamp_matches() { [[ -f "$1" && "$(cat "$1")" == "$2" ]]; }

# 1. Node and Python. @observablehq/plot is ESM-only; CommonJS code (tslab cells, dist/) can
# require() it only from Node 20.19 on, where require(esm) is enabled without a flag.
node_bin="${npm_node_execpath:-$(command -v node || true)}"
[[ -n "$node_bin" ]] || fail "Node.js is not installed; the course needs Node >= 20.19."
node_bin="$(readlink -f "$node_bin")"
"$node_bin" -e '
  const [major, minor] = process.versions.node.split(".").map(Number);
  const ok = major > 20 || (major === 20 && minor >= 19);
  if (!ok) {
    console.error(`setup: Node ${process.versions.node} is too old; ` +
      "the course needs Node >= 20.19 (@observablehq/plot is ESM-only " +
      "and loads through require() only from 20.19 on).");
    process.exit(1);
  }' || exit 1

python_bin="${SPOTLIGHT_PYTHON:-python3}"
command -v "$python_bin" >/dev/null ||
  fail "Python 3 is not installed ('$python_bin' not found); the course needs Python >= 3.11."

# 2. The Python environment with the pinned Jupyter side.
venv_python="$root/.venv/bin/python"
requirements_stamp="$(hash_of requirements.txt) $root"
# A virtual environment's scripts hold its absolute path: one made before the project folder
# was moved or renamed cannot run there, so it is made again.
if [[ -d .venv ]] && [[ ! -f .venv/.spotlight-requirements ||
  "$(cut -d' ' -f2- .venv/.spotlight-requirements)" != "$root" ]]; then
  step "the project folder moved since .venv was made; making .venv again"
  rm -rf .venv
fi
if [[ ! -x "$venv_python" ]]; then
  "$python_bin" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
    fail "$("$python_bin" --version 2>&1) is too old;" \
      "the pinned Jupyter packages need Python >= 3.11."
  "$python_bin" -c 'import venv, ensurepip' 2>/dev/null ||
    fail "'$python_bin' has no working venv module;" \
      "on Debian or Ubuntu: apt-get install python3-venv"
  step "creating the Python environment in .venv"
  "$python_bin" -m venv "$root/.venv"
fi
if ! stamp_matches .venv/.spotlight-requirements "$requirements_stamp"; then
  step "installing the Jupyter side from requirements.txt into .venv (a minute or two)"
  "$venv_python" -m pip install --quiet --disable-pip-version-check -r requirements.txt ||
    fail "pip could not install requirements.txt into .venv (see pip's message above;" \
      "no network, or no package index reachable?)"
  printf '%s\n' "$requirements_stamp" >.venv/.spotlight-requirements
fi

# 3. Node packages, exactly as locked.
lock_hash="$(hash_of package-lock.json)"
if ! stamp_matches node_modules/.spotlight-lock "$lock_hash"; then
  command -v npm >/dev/null || fail "npm is not installed; it comes with Node.js (Debian: apt-get install npm)."
  step "installing Node packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error ||
    fail "npm ci could not install the Node packages (see npm's message above)."
  printf '%s\n' "$lock_hash" >node_modules/.spotlight-lock
fi

# 4. tslab compiles each cell with Node10 module resolution, which does not follow a package's
# self-reference through "exports"; a link in node_modules, read through package.json's
# "main" and "types" (both in dist/), resolves `import ... from "attention-spotlight"`.
link=node_modules/attention-spotlight
if [[ "$(readlink "$link" 2>/dev/null || true)" != ".." ]]; then
  rm -rf "$link"
  ln -s .. "$link"
fi

# 5. The library, built when any of its sources or its build settings changed.
build_hash="$(find src -type f -name '*.ts' -print0 | sort -z | xargs -0 -r sha256sum |
  cat - tsconfig.build.json package-lock.json | sha256sum | cut -d' ' -f1)"
if ! stamp_matches dist/.spotlight-build "$build_hash" || [[ ! -f dist/index.js ]]; then
  step "building the library into dist/"
  rm -rf dist
  "$node_bin" node_modules/typescript/bin/tsc -p tsconfig.build.json
  printf '%s\n' "$build_hash" >dist/.spotlight-build
fi

# 6. The kernel. Jupyter starts kernels with its own PATH, on which another Node (or none)
# may come first, so the kernel spec runs a launcher that names this project's Node and tslab.
launcher="$root/.venv/bin/spotlight-tslab"
launcher_text="#!/bin/sh
# Starts the tslab kernel with the Node and tslab of $root (written by scripts/setup.sh).
exec \"$node_bin\" \"$root/node_modules/tslab/bin/tslab\" \"\$@\""
kernel_json="$root/.venv/share/jupyter/kernels/tslab/kernel.json"
if [[ ! -f "$launcher" || "$(cat "$launcher")" != "$launcher_text" ]] ||
  ! grep -qF "\"$launcher\"" "$kernel_json" 2>/dev/null; then
  step "registering the TypeScript (tslab) kernel in .venv"
  printf '%s\n' "$launcher_text" >"$launcher"
  chmod +x "$launcher"
  "$node_bin" node_modules/tslab/bin/tslab install --python "$venv_python" --binary "$launcher" \
    --sys-prefix >/dev/null
fi
