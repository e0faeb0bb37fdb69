#!/bin/bash
# Non-fast-forward pushes: must be refused (exit 2); fast-forward ones judged normally.
mk() {
. /tmp/attack-gate/lib.sh
standard ''
sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "reviewed

Reviewed-by: Ana <ana@example.com>"
g checkout -q main; g merge -q --ff-only feature; OLD=$(git -C $T/repo rev-parse main)
}
( mk; g reset -q --hard main~1; sed -i 's/pool_size: 10/pool_size: 1/' $T/repo/deploy/prod/app.yaml; commit "replace

Reviewed-by: Ana <ana@example.com>"; NEW=$(git -C $T/repo rev-parse HEAD)
  r=$(cd $T/repo && PRE_COMMIT_FROM_REF=$OLD PRE_COMMIT_TO_REF=$NEW "$DC" gate --pre-push >$T/out 2>$T/err; echo $?); expect 2 $r "pre-push force-push replacing a reviewed commit" )
( mk; g reset -q --hard main~1; NEW=$(git -C $T/repo rev-parse HEAD)
  echo "{\"before\":\"$OLD\",\"after\":\"$NEW\"}" > $T/ev.json
  r=$(cd $T/repo && GITHUB_EVENT_NAME=push GITHUB_EVENT_PATH=$T/ev.json "$DC" gate --base $OLD --head $NEW >$T/out 2>$T/err; echo $?); expect 2 $r "push event rewinding main (removes reviewed change)" )
( mk; g reset -q --hard main~1; NEW=$(git -C $T/repo rev-parse HEAD)
  echo "{\"before\":\"$OLD\",\"after\":\"$NEW\"}" > $T/ev.json
  r=$(cd $T/repo && GITHUB_EVENT_NAME=push GITHUB_EVENT_PATH=$T/ev.json "$DC" gate --base ${OLD:0:12} --head $NEW >$T/out 2>$T/err; echo $?); expect 2 $r "push event rewinding, --base as short sha" )
( mk; g reset -q --hard main~1; NEW=$(git -C $T/repo rev-parse HEAD); g branch -f old $OLD
  echo "{\"before\":\"$OLD\",\"after\":\"$NEW\"}" > $T/ev.json
  r=$(cd $T/repo && GITHUB_EVENT_NAME=push GITHUB_EVENT_PATH=$T/ev.json "$DC" gate --base old --head HEAD >$T/out 2>$T/err; echo $?); expect 2 $r "push event rewinding, --base as ref name" )
( mk; g reset -q --hard main~1; NEW=$(git -C $T/repo rev-parse HEAD)
( mk; sed -i 's/pool_size: 10/pool_size: 1/' $T/repo/deploy/prod/app.yaml; commit "direct push, unsigned"; NEW=$(git -C $T/repo rev-parse HEAD)
  r=$(cd $T/repo && PRE_COMMIT_FROM_REF=$OLD PRE_COMMIT_TO_REF=$NEW "$DC" gate --pre-push >$T/out 2>$T/err; echo $?); expect 1 $r "pre-push fast-forward unsigned guarded change" )
