#!/bin/bash
NAME=17d_expired_key_hidden_after_namespaces; . /tmp/dc-review/attacks/lib.sh
std_change "" "ana@example.com namespaces=\"driftcheck-review,git\",valid-before=\"19700102\" $(pub ana)
mal@example.com $(pub mal)"
printf "hello\n" > $W/m; ssh-keygen -Y sign -q -n driftcheck-review -f $W/keys/ana $W/m >/dev/null 2>&1
echo "ssh-keygen: $(ssh-keygen -Y verify -f $R/.driftcheck/allowed_signers -I ana@example.com -n driftcheck-review -s $W/m.sig < $W/m 2>&1 | head -1)"
amend "Raise timeout

$RB
$SIG"
gate; [ $GATE_RC = 0 ] && echo "BUG ($NAME): expired (valid-before 1970) key accepted; docs: valid-before lines are refused (exit 2)" || verdict
