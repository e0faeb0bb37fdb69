#!/usr/bin/env bash
# driftcheck audit vs `git log --name-only --format='%(trailers)'` on one generated history.
#
#   bench/audit.sh [--commits N] [--runs R] [--no-build]   (hyperfine if installed,
#   else alternating runs and medians)
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
if command -v hyperfine >/dev/null 2>&1; then
  hyperfine -N --warmup 2 --runs "$RUNS" --ignore-failure \
    --command-name "driftcheck audit" "$BIN audit --format json" \
    --command-name "git log --name-only --format=%(trailers)" "git log --name-only --format=%(trailers)"
  exit 0
fi
# Without hyperfine: the two commands alternated, medians side by side.
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(((e - s) / 1000)); }
a=() g=()
ms "$BIN" audit --format json >/dev/null
for _ in $(seq "$RUNS"); do
  a+=("$(ms "$BIN" audit --format json)")
  g+=("$(ms git log --name-only --format=%\(trailers\))")
done
python3 - "${a[*]}" "${g[*]}" <<'PY'
import statistics, sys
a, g = (statistics.median(int(x) for x in s.split()) / 1000 for s in sys.argv[1:3])
print(f"  driftcheck audit --format json             median {a:7.1f} ms  {a / g:.2f}x")
print(f"  git log --name-only --format=%(trailers)   median {g:7.1f} ms  1.00x")
PY
