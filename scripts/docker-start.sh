#!/usr/bin/env bash
# Starts the course's JupyterLab in the container: on 0.0.0.0:8888, never without a token.
# Pass JUPYTER_TOKEN to choose the token; otherwise a random one is made and printed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

token="${JUPYTER_TOKEN:-}"
# A token of spaces alone would be as good as none: it is replaced too.
if [[ -z "${token//[[:space:]]/}" ]]; then
  token="$("$root/.venv/bin/python" -c 'import secrets; print(secrets.token_hex(24))')"
  echo "spotlight: no JUPYTER_TOKEN given; generated one for this container."
fi
echo "spotlight: open http://127.0.0.1:8888/lab?token=$token (map the port with -p 8888:8888)"

export JUPYTER_PREFER_ENV_PATH=1
command=("$root/.venv/bin/jupyter" lab
  --ip=0.0.0.0 --port=8888 --no-browser
  --ServerApp.root_dir="$root/notebooks"
  --IdentityProvider.token="$token")
# SPOTLIGHT_PRINT_ONLY=1 prints the command instead of running it (the tests use it).
if [[ -n "${SPOTLIGHT_PRINT_ONLY:-}" ]]; then
  printf '%s\n' "${command[*]}"
  exit 0
fi
exec "${command[@]}"
