#!/usr/bin/env bash
# Prints the figures: the runtime natively (`cargo bench`, with Erlang/OTP's ring in the same
# run when `erl` is installed, and the console's Elixir next to real Elixir when `elixir` is),
# and in headless Chromium (wasm32, the release build the page
# ships): ring, spawn, a million live processes, and the observer's frame time at 100, 1,000
# and 10,000 sessions.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/install.sh test
export PATH="$HOME/.cargo/bin:$root/tools/node_modules/.bin:$PATH"

echo "== native (cargo bench)"
cargo bench --offline --bench runtime --bench memory --bench observer --bench interpreter 2>&1 | grep -vE '^\s*(Compiling|Finished|Running|Blocking)'

# Instructions per message: unlike time, the same on every run, so the figure to compare when
# changing the scheduler's hot path. callgrind counts only inside `bench::run_ring`.
if command -v valgrind >/dev/null; then
  echo "== instructions per message (callgrind, 1,000,000 hops)"
  bin="$(cargo bench --offline --bench runtime --no-run 2>&1 | grep -o 'target/release/deps/runtime-[0-9a-f]*' | head -1)"
  valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect='*run_ring*' "$bin" --test 2>&1 \
    | awk '/Collected/ { printf "ring: %.1f instructions/message\n", $4 / 1000000 }'
  # the console's Elixir: instructions per call of a function typed into a module
  echo "== instructions per Fib.fib call (callgrind, Fib.fib(18): 8,361 calls)"
  cargo build --offline --release --example fib_calls 2>/dev/null
  count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/fib_calls "$@" 2>&1 | awk '/Collected/ { print $4 }'; }
  with="$(count 18)"; without="$(count 18 --baseline)"
  awk -v a="$with" -v b="$without" 'BEGIN { printf "Fib.fib: %.0f instructions/call\n", (a - b) / 8361 }'
else
  echo "== instructions per message: valgrind not installed (apt-get install valgrind)"
fi

echo "== wasm32 in headless Chromium (the shipped release profile: opt-level z, lto)"
# Each benchmark in a page of its own: after the observer's 10,000 sessions, the heap the
# page keeps made the spawn figure 2-3x slower in some runs, which measures that page's heap,
# not the runtime.
for bench in browser_benchmark observer_frame_time interpreter_benchmark time_travel_benchmark sequence_chart_scroll; do
  CHROMEDRIVER=/usr/bin/chromedriver \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  WASM_BINDGEN_TEST_TIMEOUT=300 \
    cargo test --offline --release --target wasm32-unknown-unknown --test web_bench \
    -- --include-ignored --nocapture --exact "$bench" 2>&1 | grep -E 'wasm |test result|panicked|error' || true
done
