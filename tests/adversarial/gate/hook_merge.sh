#!/bin/bash
# commit-msg hook while committing a merge (MERGE_HEAD present).
run() {
(
. /tmp/attack-gate/lib.sh
# Local hooks warn by default (issue 12: a hook must not block ordinary
# work); these cases are about the verdict, so the hook is made strict.
standard '
[review]
local = "block"
'
g checkout -q main; as "${ADMIN[@]}"; sed -i 's/max_conns: 100/max_conns: 50/' $T/repo/deploy/staging/app.yaml; commit main2; g checkout -q feature; as "${MAL[@]}"
sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "feat

Reviewed-by: Ana <ana@example.com>"
g merge -q --no-commit main 2>/dev/null
$3
printf "Merge branch 'main' into feature\n" > $T/msg
r=$(cd $T/repo && "$DC" gate --message-file $T/msg >$T/out 2>$T/err; echo $?); expect $2 $r "$1"; grep -E "error|MISSING|not counted|[AMD] deploy" $T/out $T/err | head -5
)
}
noop() { :; }
evil() { sed -i 's/pool_size: 10/pool_size: 1/' $T/repo/deploy/prod/app.yaml; g add -A; }
evil_staging() { sed -i 's/max_conns: 50/max_conns: 100/' $T/repo/deploy/staging/app.yaml; g add -A; }
run "clean merge of main" 0 noop
run "evil merge (extra prod change)" 1 evil
run "merge reverting main's staging change" 1 evil_staging
