#!/bin/bash
# "One approval, one spelling: a byte changed anywhere is a refusal" (signature.rs, docs).
# An ECDSA-P256 signature (r, s) has a second valid spelling (r, n-s) that anyone can
# compute from the first. Expect: refused as altered / not canonical.
NAME=35_ecdsa_malleable; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
ssh-keygen -q -t ecdsa -b 256 -N '' -f $W/keys/ec >/dev/null
setup_base "" "ana@example.com $(pub ec)
mal@example.com $(pub mal)"
raise; mal add -A; mal commit -q -m "Raise timeout"
approve_as Ana ana@example.com $W/keys/ec
amend "Raise timeout

$RB
$SIG"; gate; echo "control (original spelling): gate rc=$GATE_RC"
V=${SIG#Review-Signature: }; V2=$(python3 $(dirname "${BASH_SOURCE[0]}")/ecdsa_flip.py "$V")
[ "$V2" != "$V" ] || { echo "flip failed"; exit 1; }
amend "Raise timeout

$RB
Review-Signature: $V2"
gate; echo "-- second spelling (r, n-s): expect refused"; verdict
BASE=$(git -C $R merge-base main HEAD); DIG=${RB##*# config }
(echo "-----BEGIN SSH SIGNATURE-----"; echo "${V2##* }" | fold -w70; echo "-----END SSH SIGNATURE-----") > $W/sig; printf 'ana@example.com %s\n' "$(pub ec)" > $W/as
printf 'driftcheck-review-v1\ndigest: %s\nreviewer: ana@example.com\nbase: %s\n' "$DIG" "$BASE" | ssh-keygen -Y verify -f $W/as -I ana@example.com -n driftcheck-review -s $W/sig 2>&1 | sed 's/^/ssh-keygen oracle: /'
