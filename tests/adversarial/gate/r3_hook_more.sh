#!/bin/bash
# Round 3, item 13: the commit-msg hook reads the message as git will record it (comment char,
# comment string, cleanup) and judges a merge/cherry-pick being committed by what it adds.
run() { # LABEL WANT MSG(printf) [config]
( . /tmp/attack-gate/lib.sh; standard $'\n[review]\nlocal = "block"\n'
  [ -n "${4:-}" ] && git -C $T/repo config $4
  sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; g add -A
  printf "$3" > $T/msg
  r=$(cd $T/repo && "$DC" gate --message-file $T/msg >$T/out 2>$T/err; echo $?); expect $2 $r "$1" )
}
run "commentString '//' hides a sign-off written as a comment" 1 "s\n\n// Reviewed-by: Ana <ana@example.com>\n" "core.commentString //"
run "commentChar ';': '#tag' is no comment, so git reads no trailer block (oracle)" 1 "s\n\n#tag\nReviewed-by: Ana <ana@example.com>\n" "core.commentChar ;"
run "commentChar auto with ';' template after trailer" 0 "s\n\nReviewed-by: Ana <ana@example.com>\n; template\n" "core.commentChar ;"
run "trailer only inside a comment block after scissors" 1 "s\n\nbody\n# ------------------------ >8 ------------------------\nReviewed-by: Ana <ana@example.com>\n"
# merge in progress (MERGE_HEAD): a clean merge of main needs nothing new; an evil one does.
for kind in clean evil; do
( . /tmp/attack-gate/lib.sh; standard $'\n[review]\nlocal = "block"\n'
  sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "x

$RB_ANA"
  g checkout -q main; as "${ADMIN[@]}"; W deploy/prod/other.yaml 'a: 1
'; W deploy/staging/other.yaml 'a: 1
'; commit "main"; g checkout -q feature; as "${MAL[@]}"
  g merge -q --no-commit --no-ff main 2>/dev/null
  [ $kind = evil ] && { sed -i 's/pool_size: 10/pool_size: 1/' $T/repo/deploy/prod/app.yaml; g add -A; }
  printf "Merge branch 'main' into feature\n" > $T/msg
  want=0; [ $kind = evil ] && want=1
  r=$(cd $T/repo && "$DC" gate --message-file $T/msg >$T/out 2>$T/err; echo $?); expect $want $r "hook during merge ($kind), no new sign-off" )
done
