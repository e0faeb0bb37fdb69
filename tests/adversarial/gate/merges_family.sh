#!/bin/bash
# Merge family (all HELD). Note: an update-branch merge of a main that changed the SAME guarded file
# makes a default-mode sign-off stale by design (pre-image moved).
# Merge family. Feature: Mallory raises prod timeout, Ana signs. Then main moves / merges happen.
setup() {
. /tmp/attack-gate/lib.sh
standard ''
sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml
commit "raise

$RB_ANA"
}
main_change() { # main_change SED FILE
  g checkout -q main; as "${ADMIN[@]}"; sed -i "$1" $T/repo/$2; commit "main: $1"; g checkout -q feature; as "${MAL[@]}"; }
( setup; main_change 's/replicas: 3/replicas: 4/' deploy/staging/app.yaml
  g merge -q --no-edit main; r=$(gate); expect 0 "${r#exit=}" "update-branch merge, main changed another guarded file" )
( setup; main_change 's/replicas: 3/replicas: 4/' deploy/staging/app.yaml
  as "${CAROL[@]}"; g merge -q --no-edit main; as "${MAL[@]}"; r=$(gate); expect 0 "${r#exit=}" "update-branch merge by Carol" )
( setup; main_change 's/replicas: 3/replicas: 4/' deploy/prod/app.yaml
  g merge -q -s ours --no-edit main; r=$(gate); expect 1 "${r#exit=}" "merge -s ours reverting main's prod change" )
( setup; main_change 's/replicas: 3/replicas: 4/' deploy/staging/app.yaml
  g merge -q --no-commit main; sed -i 's/pool_size: 10/pool_size: 1/' $T/repo/deploy/prod/app.yaml; g add -A; g commit -q --no-edit; r=$(gate); expect 1 "${r#exit=}" "evil merge adds pool_size change" )
( setup; main_change 's/replicas: 3/replicas: 4/' deploy/staging/app.yaml
  g merge -q --no-commit main; sed -i 's/pool_size: 10/pool_size: 1/' $T/repo/deploy/prod/app.yaml; g add -A; g commit -q -m "Merge

$RB_BO"; r=$(gate); expect 0 "${r#exit=}" "evil merge signed by Bo on the merge" )
( setup; main_change 's/timeout: 30/timeout: 45/' deploy/prod/app.yaml
  g merge -q --no-edit main 2>/dev/null; sed -i 's/^<<<<<<<.*//; s/^=======//; s/^>>>>>>>.*//; /timeout: 45/d' $T/repo/deploy/prod/app.yaml; g add -A; g commit -q --no-edit; r=$(gate); expect 1 "${r#exit=}" "conflict merge resolved by Mallory, unsigned" )
( setup; main_change 's/timeout: 30/timeout: 45/' deploy/prod/app.yaml
  g merge -q --no-edit main 2>/dev/null; sed -i 's/^<<<<<<<.*//; s/^=======//; s/^>>>>>>>.*//; /timeout: 45/d' $T/repo/deploy/prod/app.yaml; g add -A; g commit -q -m "Merge main

$RB_BO"; r=$(gate); expect 0 "${r#exit=}" "conflict merge resolved, Bo signs the merge" )
( setup; g checkout -q -b side main; as "${CAROL[@]}"; sed -i 's/max_conns: 100/max_conns: 5/' $T/repo/deploy/staging/app.yaml; commit "side"; g checkout -q feature; as "${MAL[@]}"
  g merge -q --no-edit side; r=$(gate); expect 1 "${r#exit=}" "side branch (unsigned guarded change) merged cleanly" )
( setup; g checkout -q -b s1 main; sed -i 's/max_conns: 100/max_conns: 5/' $T/repo/deploy/staging/app.yaml; commit "s1"; g checkout -q -b s2 main; W deploy/prod/extra.yaml 'a: 1
'; commit s2
  g checkout -q feature; g merge -q --no-edit s1 s2; r=$(gate); expect 1 "${r#exit=}" "octopus merge of unsigned side branches" )
( setup; main_change 's/replicas: 3/replicas: 4/' deploy/staging/app.yaml
  g checkout -q -b oct main; g checkout -q feature; g merge -q --no-edit main oct 2>/dev/null; r=$(gate); expect 0 "${r#exit=}" "octopus 'update' merge (main twice)" )
