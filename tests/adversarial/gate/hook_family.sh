#!/bin/bash
# commit-msg hook mode: `gate --message-file F` on the index (base HEAD).
run() { # LABEL WANT MSG(printf) [config]
(
. /tmp/attack-gate/lib.sh
# Local hooks warn by default (issue 12: a hook must not block ordinary
# work); these cases are about the verdict, so the hook is made strict.
standard '
[review]
local = "block"
'
[ -n "${4:-}" ] && git -C $T/repo config $4
sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; g add -A
printf "$3" > $T/msg
r=$(cd $T/repo && "$DC" gate --message-file $T/msg >$T/out 2>$T/err; echo $?); expect $2 $r "$1"
)
}
run "plain" 0 "s\n\nReviewed-by: Ana <ana@example.com>\n"
run "commentChar ; template lines" 0 "s\n\nReviewed-by: Ana <ana@example.com>\n; Please enter the commit message\n; Lines starting with ; are ignored\n" "core.commentChar ;"
run "commentChar ; and # line hides nothing" 1 "s\n\n# Reviewed-by: Ana <ana@example.com>\n" "core.commentChar ;"
run "# comment sign-off" 1 "s\n\n# Reviewed-by: Ana <ana@example.com>\n"
run "-v scissors diff" 1 "s\n\nbody\n# ------------------------ >8 ------------------------\n# Do not modify or remove the line above.\ndiff --git a/x b/x\n+Reviewed-by: Ana <ana@example.com>\n"
run "scissors after trailer" 0 "s\n\nReviewed-by: Ana <ana@example.com>\n# ------------------------ >8 ------------------------\ndiff\n+x\n"
run "committer signs own (env)" 1 "s\n\nReviewed-by: Mallory <mal@example.com>\n"
run "commentString multi-char" 0 "s\n\nReviewed-by: Ana <ana@example.com>\n// template\n" "core.commentString //"
run "commentChar auto" 0 "s\n\nReviewed-by: Ana <ana@example.com>\n# x\n" "core.commentChar auto"
