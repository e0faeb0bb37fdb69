#!/usr/bin/env bash
# The daily loop's cost: `check --staged` and `gate` on a committed
# repository of N generated files per environment (shared/bench/gen_envs.py,
# two environments, a driftcheck.toml), for
#   1. a commit that stages no config (NOTES.md),
#   2. a commit that stages one config file,
#   3. `gate --base main` on a one-file change,
# each run R times; medians in milliseconds, and peak memory (KB) of one run.
# Several sizes side by side in one run: `--files 2000,20000,100000`
# (targets: nothing staged <= 10 ms, one file staged <= 50 ms, <= 100 MB).
#
#   bench/hook.sh [--files N[,N...]] [--runs R] [--bin PATH] [--skip-whole]
#
# --skip-whole leaves out the whole-tree staged check and the gate (minutes
# each at 100,000 files per environment).
#
# DRIFTCHECK_CORPUS locates shared/ (default ../shared beside the repository).
set -euo pipefail
cd "$(dirname "$0")/.."
FILES=20000
RUNS=5
BIN="$PWD/target/release/driftcheck"
SKIP_WHOLE=${SKIP_WHOLE:-}
while [[ $# -gt 0 ]]; do
  case "$1" in
    --files) FILES="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --bin) BIN="$2"; shift 2 ;;
    --skip-whole) SKIP_WHOLE=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -x $BIN ]] || cargo build --release --locked
if [[ $FILES == *,* ]]; then
  IFS=, read -ra sizes <<<"$FILES"
  for n in "${sizes[@]}"; do
    SKIP_WHOLE=$SKIP_WHOLE "$0" --files "$n" --runs "$RUNS" --bin "$BIN"
  done
  exit 0
fi
. "$PWD/bench/envs_repo.sh"
envs_repo hook "$FILES"
git branch -D -q change 2>/dev/null || true

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_it() { # name, command...
  local name=$1; shift
  local t=()
  for _ in $(seq "$RUNS"); do
    local s e
    s=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    e=$(date +%s%N)
    t+=($(((e - s) / 1000000)))
  done
  local kb tmp
  tmp=$(mktemp)
  /usr/bin/time -f %M -o "$tmp" "$@" >/dev/null 2>&1 || true
  kb=$(tail -1 "$tmp")
  rm -f "$tmp"
  printf '%-40s %8s ms  %8s KB\n' "$name" "$(printf '%s\n' "${t[@]}" | median)" "$kb"
}

echo "files per environment: $FILES, runs: $RUNS, binary: $BIN"
echo "notes" >NOTES.md
git add NOTES.md
time_it "check --staged (no config staged)" "$BIN" check --staged
git reset -q NOTES.md
rm NOTES.md
first=$(git ls-files prod | grep '\.yaml$' | sed -n 1p)
printf '\n# bench edit\n' >>"$first"
git add "$first"
time_it "check --staged (one file staged)" "$BIN" check --staged
[[ -n $SKIP_WHOLE ]] || time_it "check --staged --all (whole tree)" "$BIN" check --staged --all
time_it "check (working tree, whole)" "$BIN" check
git checkout -q -b change
git commit -q -m "one file"
[[ -n $SKIP_WHOLE ]] || time_it "gate --base main (one-file change)" "$BIN" gate --base main
git checkout -q main
git branch -D -q change
