#!/usr/bin/env bash
# Prints the runtime's figures: native (`cargo bench`, with Erlang/OTP's ring in the same run
# when `erl` is installed) and in headless Chromium (wasm32, optimised build).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/install.sh test
export PATH="$HOME/.cargo/bin:$root/tools/node_modules/.bin:$PATH"

echo "== native (cargo bench)"
cargo bench --offline --bench runtime --bench memory 2>&1 | grep -vE '^\s*(Compiling|Finished|Running|Blocking)'

echo "== wasm32 in headless Chromium (cargo test --profile bench --target wasm32-unknown-unknown)"
CHROMEDRIVER=/usr/bin/chromedriver \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
WASM_BINDGEN_TEST_TIMEOUT=300 \
  cargo test --offline --profile bench --target wasm32-unknown-unknown --test web_bench \
  -- --include-ignored --nocapture 2>&1 | grep -E 'wasm |test result|panicked|error' || true
