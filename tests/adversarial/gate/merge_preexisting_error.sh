#!/bin/bash
# FALSE REFUSAL candidate: main lands a change that leaves an error finding (k8s-prod-capacity:
# staging replicas 4 > prod 3, main's own problem). Feature (signed) merges main cleanly.
# The finding exists at main's tip, so it is pre-existing, not introduced by the feature.
for MODE in hook ci; do
(
. /tmp/attack-gate/lib.sh
standard ''
g checkout -q main; as "${ADMIN[@]}"; sed -i 's/replicas: 3/replicas: 4/' $T/repo/deploy/staging/app.yaml; commit main2; g checkout -q feature; as "${MAL[@]}"
sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "feat

Reviewed-by: Ana <ana@example.com>"
if [ $MODE = hook ]; then
  g merge -q --no-commit main 2>/dev/null; printf "Merge branch 'main' into feature\n" > $T/msg
  r=$(cd $T/repo && "$DC" gate --message-file $T/msg >$T/out 2>$T/err; echo $?)
else
  g merge -q --no-edit main; r=$(cd $T/repo && "$DC" gate --base main >$T/out 2>$T/err; echo $?)
fi
expect 0 $r "$MODE: clean merge of main carrying main's own pre-existing error"; grep -E '^  error|introduced' $T/out
(cd $T/repo && "$DC" gate --base main --head main~0 >/dev/null 2>&1; true)
)
done
