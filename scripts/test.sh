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

cargo test --all-targets --locked "$@"
cargo test --doc --locked
