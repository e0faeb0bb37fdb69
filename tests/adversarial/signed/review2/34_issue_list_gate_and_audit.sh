#!/bin/bash
# The issue's refusal list, each checked in the gate AND in audit of the same commit:
# key added at head, key revoked at base, signature copied from another PR (other base),
# other digest, folded trailer, one byte altered. Expect: gate refuses, audit not signed.
NAME=34_issue_list; . $(dirname "${BASH_SOURCE[0]}")/lib.sh; . $(dirname "${BASH_SOURCE[0]}")/auditlib.sh
bad=0
check() { gate main HEAD; A=$(audit_head); case "$A" in *"[True]"*) as_=signed;; *) as_=unsigned;; esac
  if [ $GATE_RC != 0 ] && [ $as_ = unsigned ]; then echo "  ok   $1: gate rc=$GATE_RC, audit unsigned; $(grep -o '"reason":"[^"]*' $W/gate.json | head -1 | cut -c1-110)"
  else echo "  FAIL $1: gate rc=$GATE_RC audit=$as_"; bad=1; fi; }
fresh() { rm -rf "$R"; T=1700000000; setup_base "" "${1:-}"; }
# key added at head
fresh "ana@example.com $(pub ana)
mal@example.com $(pub mal)"
raise; echo "ana@example.com $(pub carol)" >> $R/.driftcheck/allowed_signers; mal add -A; mal commit -q -m "Raise timeout"
approve_as Ana ana@example.com $W/keys/carol; amend "Raise timeout

$RB
$SIG"; check "key added at head"
# key revoked at base (listed when signed, removed on main since; rebased)
fresh "ana@example.com $(pub ana)
mal@example.com $(pub mal)"
raise; mal add -A; mal commit -q -m "Raise timeout"; approve_as Ana ana@example.com $W/keys/ana
git -C $R checkout -q main; echo "mal@example.com $(pub mal)" > $R/.driftcheck/allowed_signers; echo x > $R/src/x.rs; admin add -A; admin commit -q -m revoke
git -C $R checkout -q feature; mal rebase -q main; approve_as Ana ana@example.com $W/keys/ana; amend "Raise timeout

$RB
$SIG"
# re-signed on the new base with the revoked key
check "key revoked at base"
# copied from another PR: same change on another branch from an older base
fresh; raise; mal add -A; mal commit -q -m "Raise timeout"; approve_as Ana ana@example.com $W/keys/ana; C1=$SIG; R1=$RB
git -C $R checkout -q main; echo y > $R/src/y.rs; admin add -A; admin commit -q -m other; git -C $R checkout -q -b pr2
raise; mal add -A; mal commit -q -m "Raise timeout"; amend "Raise timeout

$R1
$C1"; check "signature copied from another PR (other base)"
# other digest
fresh; raise; mal add -A; mal commit -q -m "Raise timeout"; approve_as Ana ana@example.com $W/keys/ana; OS=$SIG
raise 60 61; mal add -A; mal commit -q --amend -m x; approve_as Ana ana@example.com $W/keys/ana; amend "Raise timeout

$RB
$OS"; check "other digest"
# folded
V=${SIG#Review-Signature: }; amend "Raise timeout

$RB
Review-Signature: ${V:0:120}
 ${V:120}"; check "folded"
# one byte altered (last base64 char before padding)
i=$(( ${#SIG} - 5 )); c=${SIG:$i:1}; [ "$c" = A ] && n=B || n=A
amend "Raise timeout

$RB
${SIG:0:$i}$n${SIG:$((i+1))}"; check "one byte altered"
[ $bad = 0 ] && echo "HELD (34)" || echo "BUG (34)"
