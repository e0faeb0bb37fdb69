#!/bin/bash
NAME=17e_cert_authority_hidden_after_namespaces; . /tmp/dc-review/attacks/lib.sh
std_change "" "ana@example.com namespaces=\"driftcheck-review,git\",cert-authority $(pub ana)
mal@example.com $(pub mal)"
printf "hello\n" > $W/m; ssh-keygen -Y sign -q -n driftcheck-review -f $W/keys/ana $W/m >/dev/null 2>&1
echo "ssh-keygen: $(ssh-keygen -Y verify -f $R/.driftcheck/allowed_signers -I ana@example.com -n driftcheck-review -s $W/m.sig < $W/m 2>&1 | head -1)"
amend "Raise timeout

$RB
$SIG"
gate; [ $GATE_RC = 0 ] && echo "BUG ($NAME): cert-authority line accepted, CA key trusted as a plain signer; docs: refused (exit 2)" || verdict
