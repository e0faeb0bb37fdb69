#!/bin/bash
# FALSE PASS -> later FALSE REFUSALS: the head's config is validated for [review] and policies
# but not for its environments. A signed change adding `[env.dev] root = "deploy/dev"` (no such
# directory; or a root that is a file, or an empty dir) passes; once merged, every later pull
# request (even a fully signed one-line change) is refused with gate/environment.
# Expected: the first gate refuses (gate/config or gate/environment) -> exit 1. Got 0, then 1 forever.
for ROOT in missing_dir is_a_file; do
(
. /tmp/attack-gate/lib.sh
standard ''
case $ROOT in
 missing_dir) W driftcheck.toml "$CONFIG
[env.dev]
root = \"deploy/dev\"
" ;;
 is_a_file) W driftcheck.toml "$CONFIG
[env.dev]
root = \"deploy/prod/app.yaml\"
" ;;
esac
commit "add dev env

$RB_ANA"
r=$(gate); expect 1 "${r#exit=}" "$ROOT: head config with a dev env that cannot be compared"
g checkout -q main; as "${ADMIN[@]}"; g merge -q --ff-only feature
g checkout -q -b next; as "${MAL[@]}"; sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "next PR

$RB_ANA"
r=$(gate); expect 0 "${r#exit=}" "$ROOT: the next, properly signed PR"; grep -E '^  error' $T/out | head -2
)
done
