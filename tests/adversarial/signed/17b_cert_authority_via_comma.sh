#!/bin/bash
NAME=17b_cert_authority_via_comma; . /tmp/dc-review/attacks/lib.sh
std_change "" "ana@example.com namespaces=\"driftcheck-review\",cert-authority $(pub ana)
mal@example.com $(pub mal)"
amend "Raise timeout

$RB
$SIG"
gate; [ $GATE_RC = 0 ] && echo "BUG ($NAME): cert-authority line accepted (should be refused, exit 2) and CA key used as plain signer" || verdict
