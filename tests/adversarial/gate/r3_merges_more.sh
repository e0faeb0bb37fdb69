#!/bin/bash
# Round 3, item 11 (and 7): merge shapes the earlier scripts do not build. Clean merges
# must need nothing of their own; merges that add or revert something must.
S=$'\n\nReviewed-by: Ana <ana@example.com>'
# 1. merge queue batch of 3 reviewed PRs, each touching a different guarded file.
( . /tmp/attack-gate/lib.sh; standard ''
  W deploy/prod/a.yaml 'a: 1
'; W deploy/staging/a.yaml 'a: 1
'; W deploy/prod/b.yaml 'b: 1
'; W deploy/staging/b.yaml 'b: 1
'; as "${ADMIN[@]}"; commit "more files"; g checkout -q main; g merge -q --ff-only feature; g branch -q -D feature
  for x in timeout a b; do g checkout -q -b pr-$x main; as "${MAL[@]}"
    case $x in timeout) sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/*/app.yaml;; *) sed -i "s/$x: 1/$x: 2/" $T/repo/deploy/*/$x.yaml;; esac
    commit "pr $x$S"; done
  g checkout -q -b queue main; as "${CAROL[@]}"
  for x in timeout a b; do g merge -q --no-ff -m "merge queue: pr-$x" pr-$x; done
  r=$(gate); expect 0 "${r#exit=}" "merge queue batch of 3 reviewed PRs" )
# 2. merge of merges: two update-branch merges then a merge of a branch that itself merged main.
( . /tmp/attack-gate/lib.sh; standard ''
  sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/*/app.yaml; commit "timeout$S"
  g checkout -q main; as "${ADMIN[@]}"; sed -i 's/log_level: info/log_level: warn/' $T/repo/deploy/*/app.yaml; commit "main 1"
  g checkout -q -b side feature; as "${BO[@]}"; g merge -q --no-ff -m "update side" main
  g checkout -q main; as "${ADMIN[@]}"; W deploy/prod/extra.yaml 'x: 1
'; W deploy/staging/extra.yaml 'x: 1
'; commit "main 2"
  g checkout -q feature; as "${MAL[@]}"; g merge -q --no-ff -m "merge side" side; g merge -q --no-ff -m "update again" main
  r=$(gate); expect 0 "${r#exit=}" "merge of merges (clean), reviewed change" )
# 3. rebase-merge: the PR's reviewed commits replayed onto a moved main (same net change): passes.
( . /tmp/attack-gate/lib.sh; standard ''
  sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/*/app.yaml; commit "timeout$S"
  g checkout -q main; as "${ADMIN[@]}"; sed -i 's/log_level: info/log_level: warn/' $T/repo/deploy/*/app.yaml; commit "main 1"
  g checkout -q feature; as "${MAL[@]}"; g rebase -q main
  r=$(gate); expect 0 "${r#exit=}" "rebased reviewed commit onto moved main (other lines)" )
# 4. rebase that resolves a conflict over a moved pre-image of the same line: a digest-bound
#    sign-off names the old change, so it is stale (default mode: documented limit, a rewritten
#    commit's copied trailer is the author's claim about the new commit).
( . /tmp/attack-gate/lib.sh; standard '
[review]
bind = "digest"'
  sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; g add -A; g commit -q -m wip
  D=$(cd $T/repo && "$DC" approve --base main 2>/dev/null | grep -o 'v2-sha256:[0-9a-f]*' | head -1)
  g commit -q --amend -m "timeout

Reviewed-by: Ana <ana@example.com> # config $D"
  g checkout -q main; as "${ADMIN[@]}"; sed -i 's/timeout: 30/timeout: 10/' $T/repo/deploy/prod/app.yaml; commit "main timeout 10"
  g checkout -q feature; as "${MAL[@]}"; g rebase -q -X theirs main 2>/dev/null
  r=$(gate); expect 1 "${r#exit=}" "digest mode: rebase over a moved pre-image of the same line" )
# 5. squash: a reviewed branch squashed by the merger; the squash commit carries the trailers.
( . /tmp/attack-gate/lib.sh; standard ''
  sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/*/app.yaml; commit "timeout"
  sed -i 's/pool_size: 10/pool_size: 20/' $T/repo/deploy/*/app.yaml; commit "pool"
  g checkout -q -b squashed main; g merge -q --squash feature; g commit -q -m "squash$S"
  r=$(gate); expect 0 "${r#exit=}" "squash commit carrying the sign-off" )
# 6. squash without trailer but branch commits signed: the squash is a new unsigned change.
( . /tmp/attack-gate/lib.sh; standard ''
  sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/*/app.yaml; commit "timeout$S"
  g checkout -q -b squashed main; g merge -q --squash feature; sed -i 's/pool_size: 10/pool_size: 1/' $T/repo/deploy/prod/app.yaml; g add -A; g commit -q -m "squash + extra"
  r=$(gate); expect 1 "${r#exit=}" "squash adding an extra prod change, no sign-off" )
# 7. octopus merge of two clean reviewed PRs with different guarded files (octopus adds nothing new).
( . /tmp/attack-gate/lib.sh; standard ''
  g checkout -q -b pr1 main; sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/*/app.yaml; commit "pr1$S"
  g checkout -q -b pr2 main; sed -i 's/pool_size: 10/pool_size: 20/' $T/repo/deploy/*/app.yaml; commit "pr2$S"
  g checkout -q feature; g merge -q --no-ff -m "octopus, evil" pr1 pr2
  sed -i 's/max_conns: 100/max_conns: 1/' $T/repo/deploy/prod/app.yaml; g add -A; g commit -q --amend --no-edit
  r=$(gate); expect 1 "${r#exit=}" "evil octopus (extra prod change in the merge)" )
# 8. merge that reverts main's change on a path the PR also touches (other line), then signed earlier.
( . /tmp/attack-gate/lib.sh; standard ''
  sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "timeout$S"
  g checkout -q main; as "${ADMIN[@]}"; sed -i 's/log_level: info/log_level: warn/' $T/repo/deploy/prod/app.yaml; commit "main"
  g checkout -q feature; as "${MAL[@]}"; g merge -q --no-commit main; git -C $T/repo checkout -q feature -- deploy/prod/app.yaml; g commit -q -m "update branch (keeps mine)"
  r=$(gate); expect 1 "${r#exit=}" "merge reverting main's change to the same file" )
# 9. clean merge then a reviewed commit on top covering a conflict resolution.
( . /tmp/attack-gate/lib.sh; standard ''
  sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "timeout$S"
  g checkout -q main; as "${ADMIN[@]}"; sed -i 's/timeout: 30/timeout: 45/' $T/repo/deploy/prod/app.yaml; commit "main"
  g checkout -q feature; as "${MAL[@]}"; g merge -q main 2>/dev/null; sed -i 's/^<<<<<<<.*//; s/^=======//; s/^>>>>>>>.*//; /timeout: 45/d' $T/repo/deploy/prod/app.yaml
  sed -i '/^$/d' $T/repo/deploy/prod/app.yaml; g add -A; g commit -q --no-edit
  sed -i 's/log_level: info/log_level: debug/' $T/repo/deploy/*/app.yaml; commit "after$S"
  r=$(gate); expect 0 "${r#exit=}" "conflict merge then a reviewed commit on top (Ana)" )
# 10. merge queue batch of 3 reviewed PRs editing other lines of the SAME guarded file.
( . /tmp/attack-gate/lib.sh; standard ''
  g checkout -q main; g branch -q -D feature
  for x in timeout log_level replicas; do g checkout -q -b pr-$x main; as "${MAL[@]}"
    case $x in timeout) sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/*/app.yaml;; log_level) sed -i 's/log_level: info/log_level: warn/' $T/repo/deploy/*/app.yaml;; replicas) sed -i 's/replicas: 3/replicas: 4/' $T/repo/deploy/*/app.yaml;; esac
    commit "pr $x$S"; done
  g checkout -q -b queue main; as "${CAROL[@]}"
  for x in timeout log_level replicas; do g merge -q --no-ff -m "merge queue: pr-$x" pr-$x; done
  r=$(gate); expect 0 "${r#exit=}" "merge queue batch of 3 reviewed PRs, same file other lines" )
# 11. the same batch with required = 2 where each PR has one reviewer: refused (each edit needs 2).
( . /tmp/attack-gate/lib.sh; standard $'\n[review]\nrequired = 2'
  g checkout -q main; g branch -q -D feature
  for x in timeout log_level; do g checkout -q -b pr-$x main; as "${MAL[@]}"
    case $x in timeout) sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/*/app.yaml; R="$RB_ANA";; log_level) sed -i 's/log_level: info/log_level: warn/' $T/repo/deploy/*/app.yaml; R="$RB_BO";; esac
    commit "pr $x

$R"; done
  g checkout -q -b queue main; as "${CAROL[@]}"
  for x in timeout log_level; do g merge -q --no-ff -m "merge queue: pr-$x" pr-$x; done
  r=$(gate); expect 1 "${r#exit=}" "required 2: batch of PRs each with 1 reviewer on one file" )
