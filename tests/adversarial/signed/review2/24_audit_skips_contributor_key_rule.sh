#!/bin/bash
# audit (gate/audit.rs judge) never calls Signing::signer_key: a key allowed_signers also
# lists for the commit's author is counted as a peer's signature in audit, while the gate
# refuses it (04b). gate --base C^ --head C and audit of C must agree.
NAME=24_audit_contrib_key; . $(dirname "${BASH_SOURCE[0]}")/lib.sh; . $(dirname "${BASH_SOURCE[0]}")/auditlib.sh
setup_base "" "ana@example.com $(pub ana)
mal@example.com,ana@example.com $(pub mal)"
raise; mal add -A; mal commit -q -m "Raise timeout"
approve_as Ana ana@example.com $W/keys/mal
amend "Raise timeout

$RB
$SIG"
gate main HEAD; echo "-- gate: expect refused"; verdict
A=$(audit_head); echo "audit of C: $A"
case "$A" in True*) echo "BUG (24): audit passed/counted the commit the gate refuses";; *) echo "HELD (24): audit refuses too";; esac
