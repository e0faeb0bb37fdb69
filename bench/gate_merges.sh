#!/usr/bin/env bash
# The gate's time over many merges is linear-ish: a change made of N "evil"
# merges (each adds a guarded file of its own beside a side branch's, so
# each is a merge requirement with its own sign-off) is gated at N and 4N,
# RUNS times each, interleaved, and the medians printed side by side with
# their ratio. Linear is 4x; the n^2 floor of flat directories (each merge's
# tree holds O(N) files) shows above it; before the fix (a reachability walk
# per merge and entry) 100 -> 200 merges took 8x (cubic).
#
#   bench/gate_merges.sh [--n N] [--runs R] [--bin PATH] [--max-ratio X]
#
# Builds target/release/driftcheck unless --bin is given. Repositories under
# bench/out/merges-N (clean git environment). CPU time (user + sys) is
# compared; wall time is printed too. Fails when the ratio of medians
# exceeds --max-ratio (default 10: between linear, 4, and quadratic, 16).
set -euo pipefail

N=100
RUNS=5
BIN=
MAX=10
while [[ $# -gt 0 ]]; do
  case $1 in
    --n) N=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --bin) BIN=$2; shift 2 ;;
    --max-ratio) MAX=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
if [[ -n $BIN ]]; then
  BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
else
  (cd "$root" && cargo build --locked --release --quiet)
  BIN=$root/target/release/driftcheck
fi

make_repo() { # make_repo N DIR
  local n=$1 repo=$2
  [[ -d $repo/.git ]] && return
  rm -rf "$repo"; mkdir -p "$repo"
  (
    cd "$repo"
    export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null HOME=$repo
    export GIT_AUTHOR_NAME=Admin GIT_AUTHOR_EMAIL=admin@example.com
    export GIT_COMMITTER_NAME=Admin GIT_COMMITTER_EMAIL=admin@example.com
    export GIT_AUTHOR_DATE='@1700000000 +0000' GIT_COMMITTER_DATE='@1700000000 +0000'
    git init -q -b main
    mkdir -p deploy/staging deploy/prod
    printf '[env.staging]\nroot = "deploy/staging"\n\n[env.prod]\nroot = "deploy/prod"\n' > driftcheck.toml
    printf 'timeout: 30\n' | tee deploy/staging/app.yaml > deploy/prod/app.yaml
    git add -A && git commit -qm init
    export GIT_AUTHOR_NAME=Mallory GIT_AUTHOR_EMAIL=mal@example.com
    export GIT_COMMITTER_NAME=Mallory GIT_COMMITTER_EMAIL=mal@example.com
    local blob base prev side i
    blob=$(printf 'a: 1\n' | git hash-object -w --stdin)
    export GIT_INDEX_FILE=$repo/.git/bench-index
    base=$(git rev-parse HEAD); prev=$base
    for ((i = 1; i <= n; i++)); do
      git read-tree "$base"
      git update-index --add --cacheinfo "100644,$blob,deploy/staging/s$i.yaml"
      side=$(git commit-tree "$(git write-tree)" -p "$base" -m "side $i")
      git read-tree "$prev"
      git update-index --add --cacheinfo "100644,$blob,deploy/staging/s$i.yaml" \
        --add --cacheinfo "100644,$blob,deploy/prod/e$i.yaml"
      prev=$(git commit-tree "$(git write-tree)" -p "$prev" -p "$side" \
        -m "merge $i" -m "Reviewed-by: Ana <ana@example.com>")
    done
    unset GIT_INDEX_FILE
    git update-ref refs/heads/feature "$prev"
    git checkout -q feature
  )
}

small=$here/out/merges-$N
large=$here/out/merges-$((4 * N))
make_repo "$N" "$small"
make_repo "$((4 * N))" "$large"

once() { # once DIR -> "cpu wall"
  (cd "$1" && /usr/bin/time -o "$1.time" -f '%e %U %S' "$BIN" gate --base main --format json > /dev/null 2>&1) || true
  awk '{ printf "%.3f %.3f\n", $2 + $3, $1 }' < "$1.time"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

: > "$small.runs"; : > "$large.runs"
for ((r = 0; r < RUNS; r++)); do
  once "$small" >> "$small.runs"
  once "$large" >> "$large.runs"
done
sc=$(cut -d' ' -f1 "$small.runs" | median); sw=$(cut -d' ' -f2 "$small.runs" | median)
lc=$(cut -d' ' -f1 "$large.runs" | median); lw=$(cut -d' ' -f2 "$large.runs" | median)
ratio=$(awk -v a="$sc" -v b="$lc" 'BEGIN { printf "%.2f", (a > 0) ? b / a : 0 }')
echo "evil merges, $BIN, medians of $RUNS (load: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown))"
printf '%-14s %12s %12s\n' "" "n=$N" "4n=$((4 * N))"
printf '%-14s %12s %12s\n' "cpu (s)" "$sc" "$lc"
printf '%-14s %12s %12s\n' "wall (s)" "$sw" "$lw"
echo "ratio (cpu, 4n/n): $ratio (linear 4, quadratic 16, limit $MAX)"
awk -v r="$ratio" -v m="$MAX" 'BEGIN { exit !(r > m) }' && { echo "SLOW"; exit 1; }
exit 0
