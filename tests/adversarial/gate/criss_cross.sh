#!/bin/bash
# Criss-cross: main merges the feature's first commit while the feature merges main; two merge
# bases. Feature then adds an unsigned guarded change on top.  Two variants.
for V in clean_followup unsigned_followup; do
(
. /tmp/attack-gate/lib.sh
standard ''
sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "F1

$RB_ANA"; F1=$(git -C $T/repo rev-parse HEAD)
g checkout -q main; as "${ADMIN[@]}"; sed -i 's/replicas: 3/replicas: 4/' $T/repo/deploy/staging/app.yaml; commit M1; M1=$(git -C $T/repo rev-parse HEAD)
g merge -q --no-edit $F1                               # M2 = M1 + F1 (main lands F1)
g checkout -q feature; as "${MAL[@]}"; g merge -q --no-edit $M1   # F2 = F1 + M1
g checkout -q main; as "${ADMIN[@]}"; sed -i 's/max_conns: 100/max_conns: 90/' $T/repo/deploy/staging/app.yaml; commit M3; g checkout -q feature; as "${MAL[@]}"
if [ $V = unsigned_followup ]; then sed -i 's/pool_size: 10/pool_size: 1/' $T/repo/deploy/prod/app.yaml; commit "F3 unsigned"; W=1; else W=0; fi
echo "merge bases: $(git -C $T/repo merge-base --all main feature | cut -c1-8 | tr '\n' ' ')"
r=$(gate); expect $W "${r#exit=}" "criss-cross $V"; grep -E '^  [AMD] |MISSING|not counted' $T/out
)
done
