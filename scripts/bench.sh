#!/usr/bin/env bash
# Prints the figures: the runtime natively (`cargo bench`, with Erlang/OTP's ring in the same
# run when `erl` is installed), and in headless Chromium (wasm32, the release build the page
# ships): ring, spawn, a million live processes, and the observer's frame time at 100, 1,000
# and 10,000 sessions.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/install.sh test
export PATH="$HOME/.cargo/bin:$root/tools/node_modules/.bin:$PATH"

echo "== native (cargo bench)"
cargo bench --offline --bench runtime --bench memory 2>&1 | grep -vE '^\s*(Compiling|Finished|Running|Blocking)'

echo "== wasm32 in headless Chromium (the shipped release profile: opt-level z, lto)"
CHROMEDRIVER=/usr/bin/chromedriver \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
WASM_BINDGEN_TEST_TIMEOUT=300 \
  cargo test --offline --release --target wasm32-unknown-unknown --test web_bench \
  -- --include-ignored --nocapture 2>&1 | grep -E 'wasm |test result|panicked|error' || true
