#!/usr/bin/env bash
# Sums the runs logged in fuzz/logs/ per target: runs, executions, seconds (executions over the
# average rate), peak RSS. A run's log is
# <target>-<date>.log (run.sh); one stopped before its end has no final stats and counts the last
# status line's executions. `fuzz/tally.sh --runs` lists each run as well: its log, -max_len,
# executions, seconds, exec/s, peak RSS.
set -euo pipefail
cd "$(dirname "$0")/logs"
for t in read_bytes read_published read_pdf read_docx zip_parts roster; do
  runs=0 execs=0 secs=0 rss=0
  for f in "$t"-*.log; do
    [ -e "$f" ] || continue
    n=$(grep -m1 -oP 'stat::number_of_executed_units:\s*\K[0-9]+' "$f" ||
      grep -oP '^#\K[0-9]+(?=\s)' "$f" | tail -1 || true)
    [ -n "$n" ] || continue
    r=$(grep -m1 -oP 'stat::peak_rss_mb:\s*\K[0-9]+' "$f" || grep -oP 'rss: \K[0-9]+' "$f" | tail -1 || echo 0)
    e=$(grep -m1 -oP 'stat::average_exec_per_sec:\s*\K[0-9]+' "$f" || grep -oP 'exec/s: \K[0-9]+' "$f" | tail -1 || echo 0)
    s=0
    [ "$e" -gt 0 ] && s=$((n / e))
    if [ "${1:-}" = --runs ]; then
      m=$(grep -m1 -oP '^== .*-max_len=\K[0-9]+' "$f" || echo default)
      printf '  %-32s max_len %-7s %10d executions %6d s %6d/s %5d MB\n' "$f" "$m" "$n" "$s" "$e" "$r"
    fi
    runs=$((runs + 1)) execs=$((execs + n)) secs=$((secs + s))
    [ "$r" -gt "$rss" ] && rss=$r
  done
  printf '%-15s %3d runs %12d executions %7d s %6d MB peak\n' "$t" "$runs" "$execs" "$secs" "$rss"
done
