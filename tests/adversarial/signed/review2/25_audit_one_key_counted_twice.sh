#!/bin/bash
# audit does not apply "one key counts once" (11 in the gate): Ana's one key, listed for
# ana@ and ana.lima@, makes two counted sign-offs in audit.
NAME=25_audit_one_key_twice; . $(dirname "${BASH_SOURCE[0]}")/lib.sh; . $(dirname "${BASH_SOURCE[0]}")/auditlib.sh
setup_base "signers = \".driftcheck/allowed_signers\"
signed = \"required\"
required = 2" "ana@example.com,ana.lima@example.com $(pub ana)
mal@example.com $(pub mal)"
raise; mal add -A; mal commit -q -m "Raise timeout"
approve_as Ana ana@example.com $W/keys/ana; RB1=$RB; S1=$SIG
approve_as "Ana Lima" ana.lima@example.com $W/keys/ana
amend "Raise timeout

$RB1
$S1
$RB
$SIG"
gate main HEAD; echo "-- gate: expect refused"; verdict
A=$(audit_head); echo "audit of C: $A"
case "$A" in True*) echo "BUG (25): audit passed with one key counted twice; gate refuses";; *) echo "HELD (25)";; esac
