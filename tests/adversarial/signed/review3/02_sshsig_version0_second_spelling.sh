#!/bin/bash
# "One approval, one spelling: a byte changed anywhere is a refusal" (signature.rs module doc).
# The SSHSIG version (u32 after the magic) is not signed; ssh-key and OpenSSH read any version <= 1.
# Anyone can turn a valid Ed25519 approval into a second spelling by writing version 0.
# Expect: refused as not canonical.
NAME=r3_02_version0; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
std_change
amend "Raise timeout

$RB
$SIG"; gate; echo "control (original spelling): gate rc=$GATE_RC"
V=${SIG#Review-Signature: }; V2=$(python3 $HERE/v0.py "$V")
[ "$V2" != "$V" ] || { echo "flip failed"; exit 1; }
amend "Raise timeout

$RB
Review-Signature: $V2"
gate; echo "-- version-0 spelling: expect refused"; verdict
BASE=$(git -C $R merge-base main HEAD); DIG=${RB##*# config }
(echo "-----BEGIN SSH SIGNATURE-----"; echo "${V2##* }" | fold -w70; echo "-----END SSH SIGNATURE-----") > $W/sig; printf 'ana@example.com %s\n' "$(pub ana)" > $W/as
printf 'driftcheck-review-v1\ndigest: %s\nreviewer: ana@example.com\nbase: %s\n' "$DIG" "$BASE" | ssh-keygen -Y verify -f $W/as -I ana@example.com -n driftcheck-review -s $W/sig 2>&1 | sed 's/^/ssh-keygen oracle: /'
# Consequence check: audit agrees with the gate (the batch path), and both spellings together
# count once (counting is per key), as for ECDSA's (r, n-s) in review 2 case 35.
audit; echo "audit (version-0 spelling) rc=$AUDIT_RC: $(python3 -c 'import json,sys; print(open(sys.argv[1]).read()[:400])' $W/audit.json | tr '\n' ' ' | cut -c1-300)"
amend "Raise timeout

$RB
$SIG
Review-Signature: $V2"; gate
echo "both spellings: gate rc=$GATE_RC; $(grep -o '"signoffs".\{0,300\}' $W/gate.json | head -c 300)"
