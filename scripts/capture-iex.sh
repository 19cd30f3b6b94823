#!/usr/bin/env bash
# Captures what real iex (Elixir 1.14 on OTP 25: `apt-get install elixir`) prints for each
# corpus file in tests/fixtures/iex/*.exs, into the matching .out file. The interpreter's
# test (tests/it/elixir/corpus.rs) feeds the same lines to the console and compares.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v iex >/dev/null || { echo "iex not found: apt-get install elixir" >&2; exit 1; }
iex --version 2>/dev/null | grep -q "Elixir 1.14" || echo "warning: not Elixir 1.14" >&2
for f in tests/fixtures/iex/*.exs; do
  out="${f%.exs}.out"
  TERM=dumb iex < "$f" > "$out" 2>&1 || true
  echo "captured $out ($(wc -l < "$out") lines)"
done
