#!/usr/bin/env bash
# Runs every check of the project, installing whatever is missing first:
# format, lints (native and wasm32), native tests, browser tests in headless Chromium,
# the release build, and the end-to-end tests against the built page.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/install.sh test
export PATH="$HOME/.cargo/bin:$root/tools/node_modules/.bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver

step() { printf '\n== %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (native, all targets)"
cargo clippy --all-targets --offline -- -D warnings

step "cargo clippy (wasm32: the browser-only code)"
cargo clippy --target wasm32-unknown-unknown --all-targets --offline -- -D warnings

step "native tests (cargo test)"
cargo test --offline

step "browser tests (wasm-pack test --headless --chrome)"
wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver -- --offline

step "release build (trunk build --release)"
trunk build --release --offline
wasm="$(ls dist/*.wasm)"
printf '[size] %s: %s bytes raw, %s bytes gzipped\n' "$wasm" "$(wc -c < "$wasm")" "$(gzip -9 -c "$wasm" | wc -c)"

step "end-to-end tests (headless Chromium against dist/)"
node tests/e2e/run.mjs dist
