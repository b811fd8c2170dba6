#!/usr/bin/env bash
# Runs fuzz targets one after another, each for $FUZZ_SECONDS (default 300), the fixtures as seeds:
#   fuzz/run.sh                      # every target
#   FUZZ_SECONDS=1800 fuzz/run.sh zip_parts
#   FUZZ_FLAGS="-s none --release" FUZZ_MAX_LEN=4096 FUZZ_TIMEOUT=120 FUZZ_CMIN=1 fuzz/run.sh roster
# Settings (environment):
#   FUZZ_SECONDS  how long each target runs (default 300)
#   FUZZ_FLAGS    cargo-fuzz flags, e.g. "-s none --release" (no AddressSanitizer: 10-100 times
#                 the executions)
#   FUZZ_MAX_LEN  libFuzzer's -max_len (default: libFuzzer's own, the largest input of the corpus);
#                 longer inputs of the corpus are cut to it, so it must leave the seeds whole where
#                 a cut one would be of no use (a zip without its central directory)
#   FUZZ_TIMEOUT  seconds an input may run before it counts as a hang (default 20; 120 where the
#                 fuzzer may be paused with SIGSTOP, since libFuzzer counts the pause in the time)
#   FUZZ_CMIN=1   after each run, minimise the target's corpus (cargo fuzz cmin)
# To use both cores, start two of these at once with different targets. Needs cargo-fuzz
# (`cargo install cargo-fuzz`); on a stable toolchain RUSTC_BOOTSTRAP=1 lets it use the nightly
# flags it needs. Logs go to fuzz/logs/<target>-<date>.log, crashes to fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
seconds=${FUZZ_SECONDS:-300}
timeout=${FUZZ_TIMEOUT:-20}
read -r -a flags <<<"${FUZZ_FLAGS:-}"
limits=(-rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout="$timeout")
[ -n "${FUZZ_MAX_LEN:-}" ] && limits+=(-max_len="$FUZZ_MAX_LEN")
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(read_bytes read_published read_pdf read_docx zip_parts roster)
# Two runs started at once would copy the same seeds at once (cp fails on a file the other just
# made): one at a time.
mkdir -p logs
flock logs/.seed.lock ./seed.sh
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
  log="logs/$t-$(date +%Y%m%d-%H%M%S).log"
  echo "== $t: ${seconds}s, flags: ${flags[*]} ${dict[*]} ${limits[*]}" | tee "$log" >&2
  nice -n 19 cargo fuzz run "${flags[@]}" "$t" "corpus/$t" "${existing[@]}" -- "${dict[@]}" \
    "${limits[@]}" -max_total_time="$seconds" -print_final_stats=1 2>&1 | tee -a "$log" |
    grep -E "^#[0-9]+.*(INITED|DONE)|ERROR|SUMMARY|stat::number_of_executed_units|stat::peak_rss_mb|Test unit written" >&2 || true
  if [ "${FUZZ_CMIN:-}" = 1 ]; then
    before=$(find "corpus/$t" -type f | wc -l)
    nice -n 19 cargo fuzz cmin "${flags[@]}" "$t" "corpus/$t" -- "${dict[@]}" "${limits[@]}" \
      >"logs/cmin-$t.out" 2>&1 || echo "cmin of $t failed: see fuzz/logs/cmin-$t.out" >&2
    echo "== $t: corpus minimised from $before to $(find "corpus/$t" -type f | wc -l) inputs ($(du -sh "corpus/$t" | cut -f1))" >&2
  fi
done
