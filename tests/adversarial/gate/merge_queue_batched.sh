#!/bin/bash
# FALSE REFUSAL: a batched merge-queue group (main + PR2 + PR1, each PR fully signed for its own,
# disjoint guarded file) is refused: each sign-off is "stale" because the final change also holds
# the other PR's path. Same for a branch that merges another approved, unlanded PR.
# Expected exit 0 (every guarded path covered by a non-stale sign-off), got 1.
. /tmp/attack-gate/lib.sh
standard ''
sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "pr1

$RB_ANA"
g checkout -q -b pr2 main; as "${CAROL[@]}"; sed -i 's/max_conns: 100/max_conns: 90/' $T/repo/deploy/staging/app.yaml; commit "pr2

$RB_BO"
g checkout -q -b queue main; as GitHub noreply@github.com
g merge -q --no-ff --no-edit pr2; g merge -q --no-ff --no-edit feature; Q=$(git -C $T/repo rev-parse HEAD)
r=$(cd $T/repo && "$DC" gate --base main --head $Q >$T/out 2>&1; echo $?); expect 0 $r "batched queue group of two signed PRs"; grep -E 'not counted' $T/out
