#!/usr/bin/env bash
# What verifying signed sign-offs costs `driftcheck audit`: one generated
# history of N config commits (default 1,000), each approved by a peer,
# built twice: SIGNED (every approval carries a `Review-Signature` made by
# `driftcheck approve --sign`, `[review] signers` + `signed = "required"`)
# and TYPED (the same commits and `Reviewed-by` lines, no signatures, no
# `signers`). Times `driftcheck audit --format json` on both, alternating,
# and prints the medians side by side: SIGNED warm (signatures verified by
# an earlier audit are remembered in .git/driftcheck/verified-signatures,
# see src/gate/memo.rs) and SIGNED cold (that memo deleted before each run:
# every signature verified). Fails when cold SIGNED (every signature
# verified) is more than --max-percent (default 20) slower than TYPED.
#
#   bench/audit_signed.sh [--commits N] [--runs R] [--max-percent P] [--no-build]
#
# Needs git and ssh-keygen (to make the reviewer's key). The histories are
# kept under bench/out/signed-N and bench/out/typed-N.
set -euo pipefail
COMMITS=1000
RUNS=11
MAX=20
BUILD=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --commits) COMMITS="${2:?}"; shift 2 ;;
    --runs) RUNS="${2:?}"; shift 2 ;;
    --max-percent) MAX="${2:?}"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) sed -n 2,14p "$0"; exit 0 ;;
    *) echo "audit_signed.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[[ "$BUILD" == 1 ]] && (cd "$ROOT" && cargo build --release --locked)
BIN="$ROOT/target/release/driftcheck"
OUT="$ROOT/bench/out"
SIGNED="$OUT/signed-$COMMITS"
TYPED="$OUT/typed-$COMMITS"

# A clean git environment: no system or user config, fixed identities.
export GIT_CONFIG_NOSYSTEM=1 HOME="$OUT/home" GIT_CONFIG_GLOBAL="$OUT/home/.gitconfig"
export GIT_AUTHOR_NAME=Mallory GIT_AUTHOR_EMAIL=mal@example.com
export GIT_COMMITTER_NAME=Mallory GIT_COMMITTER_EMAIL=mal@example.com
export GIT_AUTHOR_DATE="@1700000000 +0000" GIT_COMMITTER_DATE="@1700000000 +0000"

app() { printf 'replicas: 3\ntimeout: %s\nlog_level: info\n' "$1"; }

generate() {
  rm -rf "$SIGNED" "$TYPED" "$HOME"
  mkdir -p "$HOME" "$SIGNED" "$TYPED"
  printf '[user]\n\tname = Ana\n\temail = ana@example.com\n' >"$HOME/.gitconfig"
  ssh-keygen -q -t ed25519 -N '' -C ana -f "$HOME/ana" </dev/null
  local envs='[env.staging]\nroot = "deploy/staging"\n\n[env.prod]\nroot = "deploy/prod"\n\n[review]\n'
  for repo in "$SIGNED" "$TYPED"; do
    git -C "$repo" init -q -b main
    mkdir -p "$repo/deploy/staging" "$repo/deploy/prod" "$repo/.driftcheck"
    app 0 >"$repo/deploy/staging/app.yaml"
    app 0 >"$repo/deploy/prod/app.yaml"
    echo "ana@example.com $(cat "$HOME/ana.pub")" >"$repo/.driftcheck/allowed_signers"
  done
  printf "$envs"'signers = ".driftcheck/allowed_signers"\nsigned = "required"\n' >"$SIGNED/driftcheck.toml"
  printf "$envs" >"$TYPED/driftcheck.toml"
  for repo in "$SIGNED" "$TYPED"; do
    git -C "$repo" add -A && git -C "$repo" commit -q -m "Initial config"
  done
  for ((i = 1; i <= COMMITS; i++)); do
    for repo in "$SIGNED" "$TYPED"; do
      app "$i" >"$repo/deploy/staging/app.yaml"
      app "$i" >"$repo/deploy/prod/app.yaml"
      git -C "$repo" commit -q -am "Timeout $i"
    done
    # Ana approves the commit (its merge base is its parent) and signs it.
    local doc reviewed sig
    doc=$(cd "$SIGNED" && "$BIN" approve --sign --key "$HOME/ana" --base HEAD~1 --format json)
    reviewed=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["trailer"])' <<<"$doc")
    sig=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["signature"])' <<<"$doc")
    git -C "$SIGNED" commit -q --amend -m "Timeout $i" -m "$reviewed"$'\n'"$sig"
    git -C "$TYPED" commit -q --amend -m "Timeout $i" -m "$reviewed"
    (( i % 100 == 0 )) && echo "  generated $i of $COMMITS"
  done
  touch "$SIGNED/.done"
}

if [[ ! -f "$SIGNED/.done" ]]; then
  echo "==> generating $COMMITS signed and typed commits"
  generate
fi

echo "==> checking: every signed sign-off verifies, every typed one counts"
# Exit 1 is expected: the initial commit has no sign-off.
(cd "$SIGNED" && "$BIN" audit --format json >"$OUT/audit-signed.json") || [[ $? == 1 ]]
(cd "$TYPED" && "$BIN" audit --format json >"$OUT/audit-typed.json") || [[ $? == 1 ]]
python3 - "$OUT/audit-signed.json" "$OUT/audit-typed.json" "$COMMITS" <<'EOF'
import json, sys
signed, typed = (json.load(open(p))["commits"] for p in sys.argv[1:3])
n = int(sys.argv[3])
assert len(signed) == len(typed) == n + 1, (len(signed), len(typed))
ok = [c for c in signed if c["signoffs"] and all(s["signed"] for s in c["signoffs"]) and c["passed"]]
assert len(ok) == n, f"{len(ok)} of {n} signed commits verified"
assert sum(c["passed"] for c in typed) == n
print(f"  {n} signed sign-offs verified, {n} typed sign-offs counted")
EOF

echo "==> timing ($RUNS runs each, alternating)"
time_one() {
  local start end
  start=$(date +%s%N)
  (cd "$1" && "$BIN" audit --format json >/dev/null) || true
  end=$(date +%s%N)
  echo $(((end - start) / 1000))
}
: >"$OUT/times-signed" && : >"$OUT/times-typed" && : >"$OUT/times-cold"
(cd "$SIGNED" && "$BIN" audit --format json >/dev/null) || true  # warm the memo
for ((r = 0; r < RUNS; r++)); do
  time_one "$TYPED" >>"$OUT/times-typed"
  time_one "$SIGNED" >>"$OUT/times-signed"
  rm -rf "$SIGNED/.git/driftcheck"
  time_one "$SIGNED" >>"$OUT/times-cold"
done
python3 - "$OUT/times-typed" "$OUT/times-signed" "$OUT/times-cold" "$MAX" <<'EOF'
import statistics, sys
typed, warm, cold = ([int(x) for x in open(p)] for p in sys.argv[1:4])
t = statistics.median(typed)
def row(name, xs):
    m = statistics.median(xs)
    print(f"  {name:<44} median {m/1000:8.1f} ms  (min {min(xs)/1000:.1f}, max {max(xs)/1000:.1f})  {(m - t) / t * 100:+6.1f}%")
    return (m - t) / t * 100
row("audit, typed sign-offs (no signers)", typed)
row("audit, signed, warm (memo of verified)", warm)
pct = row("audit, signed, cold (every signature verified)", cold)
print(f"  verifying every signature (cold) adds {pct:+.1f}% (limit +{sys.argv[4]}%)")
sys.exit(0 if pct <= float(sys.argv[4]) else 1)
EOF
