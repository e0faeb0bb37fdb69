#!/usr/bin/env bash
# The gate's cost against the working-tree `check`, on a committed
# repository of N generated files per environment (shared/bench/gen_envs.py,
# two environments, a driftcheck.toml):
#   1. `check` of the working tree (the yardstick),
#   2. `gate --base main` on a one-file change,
#   3. `gate --base main` on a change touching every file of both environments,
# the gate each way side by side in one run, interleaved: over the keys the
# change can affect (the default, src/gate/scope.rs) and over whole trees
# (DRIFTCHECK_GATE_FULL=1, the path before). Medians of R runs in
# milliseconds, and peak memory (KB) of one run.
# Targets (issue 12): one-file gate <= 100 ms; every-file gate <= 1.2x check;
# <= 100 MB.
#
#   bench/gate.sh [--files N[,N...]] [--runs R] [--bin PATH] [--before PATH] [--keep]
#
# --before PATH: an older binary measured in the same run, each of its runs
# interleaved with the current binary's (rows marked "before").
#
# Generated repositories go to bench/out/gate-N and are removed at the end
# unless --keep. DRIFTCHECK_CORPUS locates shared/ (default ../shared).
set -euo pipefail
cd "$(dirname "$0")/.."
FILES=2000
RUNS=5
BIN="$PWD/target/release/driftcheck"
KEEP=
BEFORE=
while [[ $# -gt 0 ]]; do
  case "$1" in
    --files) FILES="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --bin) BIN="$2"; shift 2 ;;
    --before) BEFORE="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -x $BIN ]] || cargo build --release --locked
if [[ $FILES == *,* ]]; then
  IFS=, read -ra sizes <<<"$FILES"
  for n in "${sizes[@]}"; do
    "$0" --files "$n" --runs "$RUNS" --bin "$BIN" ${BEFORE:+--before "$BEFORE"} ${KEEP:+--keep}
  done
  exit 0
fi
unset DRIFTCHECK_GATE_FULL
. "$PWD/bench/envs_repo.sh"
envs_repo gate "$FILES"
for b in one every; do git branch -D -q "$b" 2>/dev/null || true; done

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { # command... -> elapsed ms
  local s e
  s=$(date +%s%N)
  "$@" >/dev/null 2>&1 || true
  e=$(date +%s%N)
  echo $(((e - s) / 1000000))
}
peak() { # command... -> peak RSS KB
  local tmp kb
  tmp=$(mktemp)
  /usr/bin/time -f %M -o "$tmp" "$@" >/dev/null 2>&1 || true
  kb=$(tail -1 "$tmp")
  rm -f "$tmp"
  echo "$kb"
}
row() { # name, median ms, KB
  printf '%-48s %8s ms  %8s KB\n' "$1" "$2" "$3"
}
# Interleaved: run i of each variant in turn (the subset path, the
# whole-tree path, and the same two with the --before binary).
pair() { # name, command (its first word is the binary)...
  local name=$1; shift
  local bin=$1; shift
  local a=() b=() c=() d=()
  for _ in $(seq "$RUNS"); do
    a+=("$(ms "$bin" "$@")")
    b+=("$(ms env DRIFTCHECK_GATE_FULL=1 "$bin" "$@")")
    if [[ -n $BEFORE ]]; then
      c+=("$(ms "$BEFORE" "$@")")
      d+=("$(ms env DRIFTCHECK_GATE_FULL=1 "$BEFORE" "$@")")
    fi
  done
  row "$name (change's keys)" "$(printf '%s\n' "${a[@]}" | median)" "$(peak "$bin" "$@")"
  row "$name (whole trees)" "$(printf '%s\n' "${b[@]}" | median)" \
    "$(peak env DRIFTCHECK_GATE_FULL=1 "$bin" "$@")"
  if [[ -n $BEFORE ]]; then
    row "$name (change's keys, before)" "$(printf '%s\n' "${c[@]}" | median)" "$(peak "$BEFORE" "$@")"
    row "$name (whole trees, before)" "$(printf '%s\n' "${d[@]}" | median)" \
      "$(peak env DRIFTCHECK_GATE_FULL=1 "$BEFORE" "$@")"
  fi
}

echo "files per environment: $FILES, runs: $RUNS, binary: $BIN${BEFORE:+, before: $BEFORE}"
t=() u=()
for _ in $(seq "$RUNS"); do
  t+=("$(ms "$BIN" check)")
  [[ -z $BEFORE ]] || u+=("$(ms "$BEFORE" check)")
done
row "check (working tree, whole)" "$(printf '%s\n' "${t[@]}" | median)" "$(peak "$BIN" check)"
[[ -z $BEFORE ]] || row "check (working tree, whole, before)" "$(printf '%s\n' "${u[@]}" | median)" "$(peak "$BEFORE" check)"

git checkout -q -b one
first=$(git ls-files prod | grep '\.yaml$' | sed -n 1p)
printf '\n# bench edit\n' >>"$first"
git commit -qam "one file"
"$BIN" gate --base main >/dev/null 2>&1 || true # tree facts stored once
pair "gate --base main (one-file change)" "$BIN" gate --base main
git checkout -q main

git checkout -q -b every
git ls-files staging prod | while read -r f; do echo >>"$f"; done
git commit -qam "every file"
pair "gate --base main (every file changed)" "$BIN" gate --base main
git checkout -q main
for b in one every; do git branch -D -q "$b"; done
cd - >/dev/null
[[ -n $KEEP ]] || rm -rf "$out"
