#!/usr/bin/env bash
# Builds the app and serves it on http://127.0.0.1:8080, rebuilding on every change.
# Installs whatever is missing first (see scripts/install.sh).
#
#   scripts/serve.sh         the release build, as users get it (about 1 minute a rebuild)
#   scripts/serve.sh --dev   the debug build: compiles fast, runs slower, 4 MB of wasm
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/install.sh build
export PATH="$HOME/.cargo/bin:$root/tools/node_modules/.bin:$PATH"
profile=(--release)
if [ "${1:-}" = "--dev" ]; then
  profile=()
  shift
fi
echo "[serve] Redfour: open http://127.0.0.1:8080/ (Ctrl-C stops; ${profile[*]:-debug} build)"
exec trunk serve --address 127.0.0.1 --port 8080 "${profile[@]}" "$@"
