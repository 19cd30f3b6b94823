#!/usr/bin/env bash
# Installs what Redfour's build and tests need, each piece only when it is missing or
# at the wrong version. A second run installs nothing and takes a few seconds.
#
#   scripts/install.sh build   # what `trunk serve` / `trunk build` need
#   scripts/install.sh test    # the above, plus wasm-pack, Chromium and its driver
#
# Versions and traps: see docs/toolchain.md. Everything is printed as it happens;
# a failure names the piece that could not be installed.
set -euo pipefail

mode="${1:-test}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

TRUNK_VERSION="0.21.14"      # 0.22.x needs rustc 1.96.1, newer than these machines'
WASM_PACK_VERSION="0.15.1"
WASM_OPT_VERSION="version_132" # Debian's binaryen 108 cannot parse current rustc output

say() { printf '[install] %s\n' "$*"; }
fail() { printf '[install] FAILED: %s\n' "$*" >&2; exit 1; }

export PATH="$HOME/.cargo/bin:$root/tools/node_modules/.bin:$PATH"

command -v cargo >/dev/null || fail "cargo is not on PATH (install Rust with rustup first)"
command -v rustup >/dev/null || fail "rustup is not on PATH (the wasm32 target is added with rustup)"

# 1. The wasm32 target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown || fail "rustup target add wasm32-unknown-unknown"
fi

# 2. wasm-bindgen-cli at exactly the version in Cargo.lock (a mismatch breaks the build).
wb_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
[ -n "$wb_version" ] || fail "could not read the wasm-bindgen version from Cargo.lock"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  say "installing wasm-bindgen-cli $wb_version (about 2 minutes)"
  # Not --locked: with it, 0.2.130's install fails here (a locked dependency is missing upstream).
  cargo install wasm-bindgen-cli --version "$wb_version" --force \
    || fail "wasm-bindgen-cli $wb_version (cargo install wasm-bindgen-cli --version $wb_version)"
fi

# 3. trunk, pinned.
if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (about 7 minutes)"
  cargo install --locked trunk --version "$TRUNK_VERSION" --force \
    || fail "trunk $TRUNK_VERSION (cargo install --locked trunk --version $TRUNK_VERSION)"
fi

# 4. Node tools: wasm-opt (binaryen 132) and playwright-core, pinned in tools/package-lock.json.
command -v npm >/dev/null || fail "npm is not on PATH (Node.js 20 and npm are expected on the machine)"
lock_stamp="tools/node_modules/.redfour-lock"
if [ ! -f "$lock_stamp" ] || ! cmp -s tools/package-lock.json "$lock_stamp" \
   || [ "$(wasm-opt --version 2>/dev/null | grep -o 'version_[0-9]*')" != "$WASM_OPT_VERSION" ]; then
  say "installing node tools (binaryen's wasm-opt, playwright-core) into tools/"
  (cd tools && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci in tools/ (binaryen, playwright-core)"
  cp tools/package-lock.json "$lock_stamp"
fi

# 5. Crate sources, so that builds work offline afterwards.
cargo fetch --quiet || fail "cargo fetch (crates.io unreachable?)"

if [ "$mode" = "test" ]; then
  # 6. wasm-pack.
  if [ "$(wasm-pack --version 2>/dev/null | awk '{print $2}')" != "$WASM_PACK_VERSION" ]; then
    say "installing wasm-pack $WASM_PACK_VERSION (about 2 minutes)"
    cargo install wasm-pack --version "$WASM_PACK_VERSION" --force \
      || fail "wasm-pack $WASM_PACK_VERSION (cargo install wasm-pack)"
  fi

  # 7. Debian's Chromium and ChromeDriver (wasm-pack would otherwise try to download a driver).
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    say "installing Debian's chromium and chromium-driver"
    $sudo apt-get update -qq || fail "apt-get update"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null \
      || fail "apt-get install chromium chromium-driver"
  fi
  chromium_major="$(/usr/bin/chromium --version | grep -o '[0-9]*' | head -1)"
  driver_major="$(/usr/bin/chromedriver --version | grep -o '[0-9]*' | head -1)"
  [ "$chromium_major" = "$driver_major" ] \
    || fail "chromium ($chromium_major) and chromedriver ($driver_major) major versions differ: apt-get install --only-upgrade chromium chromium-driver"
fi

say "toolchain ready ($mode)"
