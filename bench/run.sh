#!/usr/bin/env bash
# driftcheck benchmark: driftcheck vs `diff -r` vs a DeepDiff peer script, on one generated tree.
#
#   bench/run.sh [--files N] [--runs R] [--peer-runs P] [--no-peer] [--no-build] [--bin PATH]
#
# See docs/benchmarks.md for what is measured and the targets.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/run.sh [options]

  --files N       config files per environment in the generated tree (default 2000)
  --runs R        timed runs per command for driftcheck and diff -r (default 5)
  --peer-runs P   timed runs for the DeepDiff peer, which is slow (default 1)
  --no-peer       skip the DeepDiff peer
  --no-build      do not run cargo build; use target/release/driftcheck as it is
  --bin PATH      time this driftcheck binary instead of target/release/driftcheck (implies --no-build)
  -h, --help      this help

Environment: DRIFTCHECK_SHARED overrides the path to shared/ (default: ../shared next to the repository).
The tree is generated under bench/out/ and regenerated only if missing or if --files changed.
EOF
}

FILES=2000
RUNS=5
PEER_RUNS=1
PEER=1
BUILD=1
BIN=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --files) FILES="${2:?--files needs a number}"; shift 2 ;;
    --files=*) FILES="${1#*=}"; shift ;;
    --runs) RUNS="${2:?--runs needs a number}"; shift 2 ;;
    --runs=*) RUNS="${1#*=}"; shift ;;
    --peer-runs) PEER_RUNS="${2:?--peer-runs needs a number}"; shift 2 ;;
    --peer-runs=*) PEER_RUNS="${1#*=}"; shift ;;
    --no-peer) PEER=0; shift ;;
    --no-build) BUILD=0; shift ;;
    --bin) BIN="${2:?--bin needs a path}"; BUILD=0; shift 2 ;;
    --bin=*) BIN="${1#*=}"; BUILD=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
for v in "$FILES" "$RUNS" "$PEER_RUNS"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: expected a positive integer, got '$v'" >&2; exit 2; }
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${DRIFTCHECK_SHARED:-$ROOT/../shared}"
[[ -f "$SHARED/bench/gen_envs.py" ]] || {
  echo "run.sh: $SHARED/bench/gen_envs.py not found; set DRIFTCHECK_SHARED to the shared/ directory" >&2
  exit 2
}
SHARED="$(cd "$SHARED" && pwd)"
command -v python3 >/dev/null || { echo "run.sh: python3 is required" >&2; exit 2; }

OUTBASE="$ROOT/bench/out"
OUT="$OUTBASE/envs"
WORK="$OUTBASE/work"
mkdir -p "$OUTBASE" "$WORK"

# 1. Build.
if [[ "$BUILD" == 1 ]]; then
  echo "==> cargo build --release --locked"
  (cd "$ROOT" && cargo build --release --locked)
fi
BIN="${BIN:-$ROOT/target/release/driftcheck}"
[[ -x "$BIN" ]] || { echo "run.sh: driftcheck binary not found or not executable: $BIN" >&2; exit 2; }
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"

# 2. Generate the tree (only if missing or --files changed).
have_files="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["files"])' "$OUT/manifest.json" 2>/dev/null || true)"
if [[ "$have_files" != "$FILES" || ! -d "$OUT/staging" || ! -d "$OUT/prod" ]]; then
  echo "==> generating $FILES files per env in ${OUT#"$ROOT"/}"
  rm -rf -- "$OUT"
  python3 "$SHARED/bench/gen_envs.py" "$OUT" --files "$FILES"
else
  echo "==> reusing ${OUT#"$ROOT"/} ($FILES files per env)"
fi

# `diff` applies the shipped policy pack like every comparing command;
# `check` reads a driftcheck.toml (generated here) and applies it the gate's way.
mkdir -p "$WORK/check"
printf '[env.staging]\nroot = "%s/staging"\n[env.prod]\nroot = "%s/prod"\n' "$OUT" "$OUT" >"$WORK/check/driftcheck.toml"
DC_CMD=("$BIN" diff staging prod -C "$OUT" --format json)
CHECK_CMD=("$BIN" check -C "$WORK/check" --format json)
DIFF_CMD=(diff -r "$OUT/staging" "$OUT/prod")
PEER_CMD=(python3 "$SHARED/bench/peer_deepdiff.py" "$OUT/staging" "$OUT/prod")

if [[ "$PEER" == 1 ]] && ! python3 -c 'import deepdiff, yaml' 2>/dev/null; then
  echo "==> skipping the DeepDiff peer: python modules missing. Install with:  pip install deepdiff pyyaml"
  PEER=0
fi

# 3. Check each command once: driftcheck exits 0 or 1 (findings), never 2; diff -r exits 0 or 1.
echo "==> checking the commands"
set +e
"${DC_CMD[@]}" >"$WORK/driftcheck.json" 2>"$WORK/driftcheck.stderr"
dc_rc=$?
"${DIFF_CMD[@]}" >/dev/null 2>"$WORK/diff.stderr"
diff_rc=$?
set -e
if [[ $dc_rc -gt 1 ]]; then
  echo "run.sh: driftcheck exited $dc_rc (the tool could not do its job); stderr:" >&2
  head -n 40 "$WORK/driftcheck.stderr" >&2
  exit 1
fi
if [[ $diff_rc -gt 1 ]]; then
  echo "run.sh: diff -r exited $diff_rc; stderr:" >&2
  head -n 20 "$WORK/diff.stderr" >&2
  exit 1
fi
python3 - "$WORK/driftcheck.json" "$OUT/manifest.json" "$dc_rc" <<'PY' || true
import json, sys
out, manifest, rc = sys.argv[1], sys.argv[2], sys.argv[3]
m = json.load(open(manifest))
try:
    r = json.load(open(out))
    s = r.get("summary", {})
    print(f"    driftcheck exit {rc}: {len(r.get('findings', []))} findings "
          f"({s.get('errors', '?')} errors, {s.get('warnings', '?')} warnings, {s.get('notes', '?')} notes); "
          f"generator injected {len(m['drift'])} drifts")
except Exception as e:  # the JSON output may not exist yet while the tool is being built
    print(f"    driftcheck exit {rc}; could not read its JSON output ({e.__class__.__name__})")
PY

# 4. Time all commands in one run.
# Each timer writes "label<TAB>median_seconds" lines to $WORK/times.tsv.
: >"$WORK/times.tsv"

time_with_hyperfine() { # runs label cmd...
  local runs="$1" label="$2"; shift 2
  local quoted; quoted="$(printf '%q ' "$@")"
  local warm=1 noshell=()
  # no shell in between when this hyperfine supports it (1.13+): more precise for fast commands
  if hyperfine --help 2>/dev/null | grep -- '--shell=none' >/dev/null; then noshell=(-N); fi
  if [[ "$runs" -lt 3 ]]; then warm=0; fi
  hyperfine ${noshell[@]+"${noshell[@]}"} --style basic --warmup "$warm" --runs "$runs" --ignore-failure \
    --export-json "$WORK/hf-${label// /_}.json" --command-name "$label" "$quoted" >&2
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print(sys.argv[2], "%.6f" % r["median"], sep="\t")' \
    "$WORK/hf-${label// /_}.json" "$label" >>"$WORK/times.tsv"
}

time_with_loop() { # runs allowed_max_exit label cmd...
  local runs="$1" maxrc="$2" label="$3"; shift 3
  python3 - "$runs" "$maxrc" "$label" "$@" >>"$WORK/times.tsv" <<'PY'
import statistics, subprocess, sys, time
runs, maxrc, label, cmd = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
times = []
for i in range(runs):
    t0 = time.perf_counter()
    rc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL).returncode
    times.append(time.perf_counter() - t0)
    if rc < 0 or rc > maxrc:
        sys.exit(f"run.sh: {label} exited {rc} on run {i + 1}")
    print(f"    {label}: run {i + 1}/{runs} {times[-1]:.3f} s", file=sys.stderr)
print(f"{label}\t{statistics.median(times):.6f}")
PY
}

if command -v hyperfine >/dev/null; then
  echo "==> timing with hyperfine ($RUNS runs; peer $PEER_RUNS)"
  time_with_hyperfine "$RUNS" driftcheck "${DC_CMD[@]}"
  time_with_hyperfine "$RUNS" "driftcheck check" "${CHECK_CMD[@]}"
  time_with_hyperfine "$RUNS" "diff -r" "${DIFF_CMD[@]}"
  if [[ "$PEER" == 1 ]]; then time_with_hyperfine "$PEER_RUNS" peer_deepdiff "${PEER_CMD[@]}"; fi
else
  echo "==> timing with a python3 loop, median of $RUNS runs (hyperfine not installed; peer $PEER_RUNS)"
  time_with_loop "$RUNS" 1 driftcheck "${DC_CMD[@]}"
  time_with_loop "$RUNS" 1 "driftcheck check" "${CHECK_CMD[@]}"
  time_with_loop "$RUNS" 1 "diff -r" "${DIFF_CMD[@]}"
  if [[ "$PEER" == 1 ]]; then time_with_loop "$PEER_RUNS" 0 peer_deepdiff "${PEER_CMD[@]}"; fi
fi

# 5. Peak RSS of driftcheck.
echo "==> measuring driftcheck peak RSS"
rss_kb=""
if [[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1; then
  set +e
  /usr/bin/time -v -o "$WORK/time-v.txt" "${DC_CMD[@]}" >/dev/null 2>/dev/null
  rc=$?
  set -e
  [[ $rc -le 1 ]] || { echo "run.sh: driftcheck exited $rc under /usr/bin/time" >&2; exit 1; }
  rss_kb="$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$WORK/time-v.txt")"
fi
if [[ -z "$rss_kb" ]]; then
  rss_kb="$(python3 - "${DC_CMD[@]}" <<'PY'
import resource, subprocess, sys
rc = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL).returncode
if rc < 0 or rc > 1:
    sys.exit(f"run.sh: driftcheck exited {rc} under the RSS wrapper")
kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(kb // 1024 if sys.platform == "darwin" else kb)  # macOS reports bytes, Linux KiB
PY
)"
fi

# 6. Report.
echo
python3 - "$WORK/times.tsv" "$rss_kb" "$FILES" "$OUT/manifest.json" "$OUTBASE/results-$FILES.json" <<'PY'
import json, os, platform, sys
times_path, rss_kb, files, manifest, results_path = sys.argv[1:6]
rows = [l.rstrip("\n").split("\t") for l in open(times_path) if l.strip()]
t = {k: float(v) for k, v in rows}
base = t.get("diff -r")
rss_mb = int(rss_kb) / 1024 if rss_kb else None
m = json.load(open(manifest))
mb = sum(m["bytes"].values()) / 2 / 1e6
print(f"{files} files per env (~{mb:.1f} MB per env), {os.cpu_count()} CPUs, {platform.platform()}")
print(f"{'command':<18} {'median s':>10} {'x diff -r':>10} {'peak RSS MB':>12}")
for k, v in t.items():
    ratio = f"{v / base:.2f}" if base else "-"
    rss = f"{rss_mb:.1f}" if (k == "driftcheck" and rss_mb is not None) else "-"
    print(f"{k:<18} {v:>10.3f} {ratio:>10} {rss:>12}")
if "driftcheck" in t:
    print(f"driftcheck: {t['driftcheck'] * 1e6 / int(files):.1f} ms per 1,000 files per env"
          " (compare across --files runs for linear growth)")
json.dump({"files": int(files), "median_seconds": t, "driftcheck_peak_rss_mb": rss_mb,
           "cpus": os.cpu_count()}, open(results_path, "w"), indent=1)
print(f"(saved to {results_path})")
PY
