#!/bin/bash
# Merge-queue shapes: the queue commit is main + PR (first parent main), gate --head <queue commit>.
mk() {
. /tmp/attack-gate/lib.sh
standard ''
sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "raise

Reviewed-by: Ana <ana@example.com>"
}
queue() { # build queue commit: merge feature into main tip, as GitHub
  g checkout -q -b queue main; as GitHub noreply@github.com; g merge -q --no-ff --no-edit feature; Q=$(git -C $T/repo rev-parse HEAD); g checkout -q feature; as "${MAL[@]}"; }
( mk; queue; r=$(cd $T/repo && "$DC" gate --base main --head $Q >$T/out 2>&1; echo $?); expect 0 $r "queue: main unchanged" )
( mk; g checkout -q main; as "${ADMIN[@]}"; sed -i 's/replicas: 3/replicas: 4/' $T/repo/deploy/staging/app.yaml; sed -i 's/replicas: 3/replicas: 4/' $T/repo/deploy/prod/app.yaml 2>/dev/null; commit m; g checkout -q feature; as "${MAL[@]}"; true )
( mk; g checkout -q main; as "${ADMIN[@]}"; W deploy/staging/new.yaml 'a: 1
'; W deploy/prod/new.yaml 'a: 1
'; commit m; g checkout -q feature; as "${MAL[@]}"; queue; r=$(cd $T/repo && "$DC" gate --base main --head $Q >$T/out 2>&1; echo $?); expect 0 $r "queue: main added other guarded files" )
( mk; W src/main.rs 'fn main() { println!("x"); }
'; as "${BO[@]}"; commit "code only"; as "${MAL[@]}"; queue; r=$(cd $T/repo && "$DC" gate --base main --head $Q >$T/out 2>&1; echo $?); expect 0 $r "queue: PR has a later code-only commit by Bo" )
( mk; queue; g checkout -q -b queue2 main; as GitHub noreply@github.com; W src/other.rs 'x
'; commit "other PR"; g merge -q --no-ff --no-edit $Q; Q2=$(git -C $T/repo rev-parse HEAD); r=$(cd $T/repo && "$DC" gate --base main --head $Q2 >$T/out 2>&1; echo $?); expect 0 $r "queue: stacked queue entries (other PR first)" )
