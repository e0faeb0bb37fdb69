#!/bin/bash
# Round 3, item 8: push events that are not fast-forwards are refused whatever the trees say;
# a fast-forward and a new branch are judged normally.
mk() { . /tmp/attack-gate/lib.sh; standard ''
  sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "reviewed

$RB_ANA"; g checkout -q main; g merge -q --ff-only feature; OLD=$(git -C $T/repo rev-parse main); }
push() { echo "{\"before\":\"$1\",\"after\":\"$2\",\"forced\":${3:-false}}" > $T/ev.json
  (cd $T/repo && GITHUB_EVENT_NAME=push GITHUB_EVENT_PATH=$T/ev.json "$DC" gate --base $1 --head $2 >$T/out 2>$T/err; echo $?); }
nonzero() { if [ "$1" != 0 ]; then echo "HELD  $2 (exit $1)"; else echo "BUG   $2: expected refusal, got exit 0"; fi; }
# 1. force-push of an amended commit with the SAME tree (message rewritten, trailer added).
( mk; g commit -q --amend -m "reviewed

$RB_ANA
$RB_BO"; NEW=$(git -C $T/repo rev-parse HEAD); nonzero $(push $OLD $NEW true) "force-push, same tree, rewritten message" )
# 2. force-push to an unrelated history (orphan branch) with a weaker config.
( mk; g checkout -q --orphan evil; W driftcheck.toml '[env.prod]
root = "deploy/prod"
'; g add -A; g commit -q -m orphan; NEW=$(git -C $T/repo rev-parse HEAD); nonzero $(push $OLD $NEW true) "force-push to an unrelated orphan history" )
# 3. force-push that rewinds then adds an unreviewed change on top (old not an ancestor).
( mk; g reset -q --hard main~1; sed -i 's/pool_size: 10/pool_size: 1/' $T/repo/deploy/prod/app.yaml; commit "replace"; NEW=$(git -C $T/repo rev-parse HEAD); nonzero $(push $OLD $NEW true) "force-push rewinding + unreviewed change" )
# 4. the same with forced=false in the payload (the flag is not trusted, ancestry is).
( mk; g reset -q --hard main~1; NEW=$(git -C $T/repo rev-parse HEAD); nonzero $(push $OLD $NEW false) "rewind with forced=false in the event" )
# 5. control: a fast-forward push of a reviewed commit passes.
( mk; sed -i 's/log_level: info/log_level: warn/' $T/repo/deploy/*/app.yaml; commit "ff

$RB_ANA"; NEW=$(git -C $T/repo rev-parse HEAD); r=$(push $OLD $NEW); expect 0 $r "control: fast-forward push of a reviewed commit" )
