#!/usr/bin/env bash
# driftcheck audit vs `git log --name-only --format='%(trailers)'` on one generated history.
#
#   bench/audit.sh [--commits N] [--runs R] [--no-build]
#
# Generates bench/out/history-N with ../shared/bench/gen_history.py (once), checks
# that `driftcheck audit` agrees with REPO/.git/truth.json on every commit
# (bench/audit_truth.py), then times both commands in one hyperfine run.
set -euo pipefail
COMMITS=10000
RUNS=10
BUILD=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --commits) COMMITS="${2:?}"; shift 2 ;;
    --runs) RUNS="${2:?}"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) sed -n 2,8p "$0"; exit 0 ;;
    *) echo "audit.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${DRIFTCHECK_SHARED:-$ROOT/../shared}"
REPO="$ROOT/bench/out/history-$COMMITS"
[[ "$BUILD" == 1 ]] && (cd "$ROOT" && cargo build --release --locked)
BIN="$ROOT/target/release/driftcheck"
if [[ ! -f "$REPO/.git/truth.json" ]]; then
  rm -rf "$REPO"
  mkdir -p "$(dirname "$REPO")"
  python3 "$SHARED/bench/gen_history.py" "$REPO" --commits "$COMMITS"
fi
echo "==> checking driftcheck audit against truth.json"
(cd "$REPO" && "$BIN" audit --format json >"$ROOT/bench/out/audit-$COMMITS.json") || [[ $? == 1 ]]
python3 "$ROOT/bench/audit_truth.py" "$REPO" "$ROOT/bench/out/audit-$COMMITS.json"
echo "==> timing ($RUNS runs)"
cd "$REPO"
hyperfine -N --warmup 2 --runs "$RUNS" --ignore-failure \
  --command-name "driftcheck audit" "$BIN audit --format json" \
  --command-name "git log --name-only --format=%(trailers)" "git log --name-only --format=%(trailers)"
