#!/usr/bin/env bash
# Stages the corpora in fuzz/corpus/ for a commit, so that a lost machine loses no coverage: for each
# target its smallest inputs, up to its share of about 8 MB in all (below). Run it after the corpora
# are minimised (FUZZ_CMIN=1 fuzz/run.sh …), then commit. The inputs are libFuzzer's, named by their
# SHA-1; the seeds seed.sh makes are left out (it makes them again). fuzz/.gitignore ignores the
# corpus, so a run's new inputs do not show in `git status`; the kept ones are added with -f.
#   fuzz/keep.sh                 # every target
#   fuzz/keep.sh roster read_pdf
set -euo pipefail
cd "$(dirname "$0")"
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(read_bytes read_published read_pdf read_docx zip_parts roster)
for t in "${targets[@]}"; do
  case $t in
    read_pdf) kb=2000 ;;
    read_docx | zip_parts | roster) kb=1500 ;;
    *) kb=700 ;;
  esac
  [ -d "corpus/$t" ] || continue
  git rm -r -q --cached --ignore-unmatch "corpus/$t" >/dev/null
  find "corpus/$t" -type f -regextype posix-extended -regex '.*/[0-9a-f]{40}' -printf '%s %p\n' |
    sort -n | awk -v max=$((kb * 1024)) '{ s += $1; if (s <= max) print $2 }' |
    xargs -r git add -f --
  all=$(find "corpus/$t" -type f -regextype posix-extended -regex '.*/[0-9a-f]{40}' -printf '%s\n' |
    awk '{ n++; s += $1 } END { printf "%d inputs, %d KB", n, s / 1024 }')
  kept=$(git ls-files -z "corpus/$t" | xargs -0 -r stat -c %s |
    awk '{ n++; s += $1 } END { printf "%d inputs, %d KB", n, s / 1024 }')
  echo "$t: $kept kept of $all (share $kb KB)"
done
