#!/bin/bash
NAME=17_expired_key_via_comma_options; . /tmp/dc-review/attacks/lib.sh
std_change "" "ana@example.com namespaces=\"driftcheck-review\",valid-before=\"19700102\" $(pub ana)
mal@example.com $(pub mal)"
echo "--- ssh-keygen on this allowed_signers:"; printf "%s\n%s\n%s\n" "driftcheck-review-v1" x > $W/m; ssh-keygen -Y sign -q -n driftcheck-review -f $W/keys/ana $W/m >/dev/null 2>&1; ssh-keygen -Y verify -f $R/.driftcheck/allowed_signers -I ana@example.com -n driftcheck-review -s $W/m.sig < $W/m 2>&1 | head -2
amend "Raise timeout

$RB
$SIG"
gate; [ $GATE_RC = 0 ] && echo "BUG ($NAME): key with valid-before (expired 1970) accepted; docs say valid-before lines are refused" || verdict
