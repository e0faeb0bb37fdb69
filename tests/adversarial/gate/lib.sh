# Common harness: a clean git environment and the standard repository.
set -u
DC=${DC:-/work/rev-gate/target/debug/driftcheck}
T=$(mktemp -d /tmp/attack-gate/run.XXXXXX); [ -z "${KEEP:-}" ] && trap 'rm -rf "$T"' EXIT
mkdir -p "$T/home" "$T/repo"; : > "$T/gitconfig"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$T/gitconfig" HOME="$T/home"
export GIT_EDITOR=true GIT_MERGE_AUTOEDIT=no
unset GITHUB_BASE_REF GITHUB_EVENT_NAME GITHUB_EVENT_PATH 2>/dev/null || true
TICK=0
as() { # as NAME EMAIL -- sets author and committer
  export GIT_AUTHOR_NAME="$1" GIT_AUTHOR_EMAIL="$2" GIT_COMMITTER_NAME="$1" GIT_COMMITTER_EMAIL="$2"; }
tick() { TICK=$((TICK+1)); export GIT_AUTHOR_DATE="@$((1700000000+TICK*60)) +0000" GIT_COMMITTER_DATE="@$((1700000000+TICK*60)) +0000"; }
g() { tick; git -C "$T/repo" "$@"; }
W() { mkdir -p "$(dirname "$T/repo/$1")"; printf '%s' "$2" > "$T/repo/$1"; }
APP='replicas: 3
data_path: /var/lib/app
log_level: info
db:
  pool_size: 10
  max_conns: 100
timeout: 30
'
CONFIG='[env.staging]
root = "deploy/staging"

[env.prod]
root = "deploy/prod"
'
ADMIN=("Base Admin" admin@example.com); MAL=(Mallory mal@example.com)
ANA=(Ana ana@example.com); BO=(Bo bo@example.com); CAROL=(Carol carol@example.com)
RB_ANA="Reviewed-by: Ana <ana@example.com>"; RB_BO="Reviewed-by: Bo <bo@example.com>"
# standard REVIEW_TOML: main with two envs, feature checked out, Mallory as author
standard() {
  git -C "$T/repo" init -q -b main
  W driftcheck.toml "$CONFIG$1"
  W deploy/staging/app.yaml "$APP"; W deploy/prod/app.yaml "$APP"; W src/main.rs 'fn main() {}
'
  as "${ADMIN[@]}"; g add -A; g commit -qm "Initial config"
  g checkout -q -b feature; as "${MAL[@]}"
}
commit() { g add -A; g commit -q -m "$1"; }  # commit MESSAGE (all changes)
gate() { # gate [args] -> prints verdict line + exit code
  (cd "$T/repo" && "$DC" gate --base main "$@" >"$T/out" 2>"$T/err"); rc=$?
  echo "exit=$rc"; }
gate_json() { (cd "$T/repo" && "$DC" gate --base main --format json "$@" >"$T/out.json" 2>"$T/err"); rc=$?; echo "exit=$rc"; }
expect() { # expect WANT_RC GOT_RC LABEL
  if [ "$1" = "$2" ]; then echo "HELD  $3 (exit $2)"; else echo "BUG   $3: expected exit $1, got $2"; fi; }
