#!/usr/bin/env bash
# driftcheck on the real-world corpus (issue 13): per case, findings by severity and how they compare
# with EXPECTED.md (judgements in bench/realworld-judgement.tsv), init's config, diff without config.
#
#   bench/realworld.sh [-v] [--no-build]
#
# DRIFTCHECK_CORPUS: the shared folder holding realworld/repos (default ../shared next to the repository).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD=1
ARGS=()
for a in "$@"; do
  case "$a" in
    --no-build) BUILD=0 ;;
    -h|--help) sed -n 2,7p "$0"; exit 0 ;;
    *) ARGS+=("$a") ;;
  esac
done
export DRIFTCHECK_CORPUS="${DRIFTCHECK_CORPUS:-$ROOT/../shared}"
if [[ ! -d "$DRIFTCHECK_CORPUS/realworld/repos" ]]; then
  echo "realworld.sh: no corpus at $DRIFTCHECK_CORPUS/realworld/repos (set DRIFTCHECK_CORPUS)" >&2
  exit 2
fi
[[ "$BUILD" == 1 ]] && (cd "$ROOT" && cargo build --locked -q)
exec python3 "$ROOT/bench/realworld.py" "${ARGS[@]}"
