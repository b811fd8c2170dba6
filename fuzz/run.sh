#!/usr/bin/env bash
# Runs fuzz targets one after another, each for $FUZZ_SECONDS (default 300), the fixtures as seeds:
#   fuzz/run.sh                      # every target
#   FUZZ_SECONDS=1800 fuzz/run.sh zip_parts
# Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable toolchain RUSTC_BOOTSTRAP=1 lets it
# use the nightly flags it needs. Logs go to fuzz/logs/<target>-<date>.log, crashes to
# fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
seconds=${FUZZ_SECONDS:-300}
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(read_bytes read_published read_pdf read_docx zip_parts roster)
./seed.sh
mkdir -p logs
for t in "${targets[@]}"; do
  case $t in
    read_bytes) seeds=(../fixtures/workbooks ../fixtures/agency ../fixtures/broken ../fixtures/district ../fixtures/regressions) ;;
    read_published | read_pdf | read_docx) seeds=("seeds/$t") ;;
    *) seeds=() ;;
  esac
  # read_pdf: the dictionary, and more time for the inputs that run fast (the small seeds run ten
  # times as fast as the fixtures' PDFs, which are mostly embedded fonts).
  dict=()
  [ "$t" = read_pdf ] && dict=(-dict=pdf.dict -entropic_scale_per_exec_time=1)
  mkdir -p "corpus/$t"
  existing=()
  for s in "${seeds[@]}"; do [ -d "$s" ] && existing+=("$s"); done
  echo "== $t: ${seconds}s" >&2
  # FUZZ_FLAGS: e.g. "-s none --release" (no AddressSanitizer: 10-100 times the executions).
  # shellcheck disable=SC2086
  nice -n 19 cargo fuzz run ${FUZZ_FLAGS:-} "$t" "corpus/$t" "${existing[@]}" -- "${dict[@]}" \
    -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=20 \
    -print_final_stats=1 2>&1 | tee "logs/$t-$(date +%Y%m%d-%H%M%S).log" | grep -E "^#[0-9]+.*(INITED|DONE)|ERROR|SUMMARY|stat::number_of_executed_units|stat::peak_rss_mb|Test unit written" >&2 || true
done
