# shared setup: source with NAME set (the harness of ../lib.sh, this review's binary default)
DC=${DC:-/work/wt-daily3/target/debug/driftcheck}
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# digest_of_change -> DIG (from a throwaway approval by bo)
digest_of_change() { approve_as Bo bo@example.com $W/keys/bo; DIG=${RB##*# config }; BASE=$(git -C $R merge-base main HEAD); }
audit() { (cd "$R" && timeout 60 $DC audit "${1:-HEAD}" --format json > "$W/audit.json" 2>"$W/audit.err"); AUDIT_RC=$?; }
