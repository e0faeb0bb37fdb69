#!/bin/bash
# Round 3, item 1: the config is located in the merge base's tree however git finds the
# repository: GIT_DIR/GIT_WORK_TREE from elsewhere, a linked worktree, core.worktree. A weaker or
# missing head config never chooses the base config.
refused() { if [ "$1" != 0 ]; then echo "HELD  $2 (exit $1)"; else echo "BUG   $2: expected refusal, got exit 0"; fi; }
WEAK='[env.prod]
root = "deploy/prod"

[review]
paths = ["nothing/**"]
'
# 1. GIT_DIR + GIT_WORK_TREE from another directory; the change deletes the config.
( . /tmp/attack-gate/lib.sh; standard $'\n[review]\nrequired = 2'
  sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; git -C $T/repo rm -q driftcheck.toml; commit "x"
  r=$(cd /tmp && GIT_DIR=$T/repo/.git GIT_WORK_TREE=$T/repo "$DC" gate --base main >$T/out 2>&1; echo $?)
  refused $r "GIT_DIR/GIT_WORK_TREE from /tmp, config deleted, 0 sign-offs" )
# 2. linked worktree whose checkout has a weaker config (committed on the change).
( . /tmp/attack-gate/lib.sh; standard $'\n[review]\nrequired = 2'
  sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; W driftcheck.toml "$WEAK"; commit "x

$RB_ANA"
  g worktree add -q $T/wt feature 2>/dev/null || g worktree add -q --detach $T/wt feature
  r=$(cd $T/wt && "$DC" gate --base main >$T/out 2>&1; echo $?)
  refused $r "linked worktree, weaker head config, 1 of 2 sign-offs" )
# 3. core.worktree pointing at a directory with a weaker uncommitted config.
( . /tmp/attack-gate/lib.sh; standard $'\n[review]\nrequired = 2'
  sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "x

$RB_ANA"
  mkdir -p $T/other; cp -r $T/repo/deploy $T/other/; printf '%s' "$WEAK" > $T/other/driftcheck.toml
  g config core.worktree $T/other
  r=$(cd $T/repo && "$DC" gate --base main >$T/out 2>&1; echo $?)
  refused $r "core.worktree at a dir with a weaker config, 1 of 2 sign-offs" )
# 4. GIT_WORK_TREE pointing at a decoy tree, the real repo's head is unsigned.
( . /tmp/attack-gate/lib.sh; standard ''
  sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "x"
  mkdir -p $T/decoy; printf '%s' "$WEAK" > $T/decoy/driftcheck.toml; mkdir -p $T/decoy/deploy/prod; cp $T/repo/deploy/prod/app.yaml $T/decoy/deploy/prod/
  r=$(cd $T/decoy && GIT_DIR=$T/repo/.git GIT_WORK_TREE=$T/decoy "$DC" gate --base main >$T/out 2>&1; echo $?)
  refused $r "GIT_WORK_TREE decoy with a weaker config, 0 sign-offs" )
