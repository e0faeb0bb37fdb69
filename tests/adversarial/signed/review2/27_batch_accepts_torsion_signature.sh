#!/bin/bash
# verify_many trusts ed25519-dalek verify_batch: a signature whose R carries an order-2
# component (made by the key holder) fails single verification (gate, ssh-keygen) but passes
# a batch whose deterministic z is even. audit then records it as proven in the memo and
# reports the sign-off signed; gate --base C^ --head C refuses it. They must agree.
NAME=27_batch_torsion; . $(dirname "${BASH_SOURCE[0]}")/lib.sh; . $(dirname "${BASH_SOURCE[0]}")/auditlib.sh
setup_base
raise; mal add -A; mal commit -q -m "Raise timeout"
approve_as Ana ana@example.com $W/keys/ana
BASE=$(git -C $R merge-base main HEAD); DIG=${RB##*# config }
# sanity: honest signature from the python signer verifies in the gate
V=$(python3 $(dirname "${BASH_SOURCE[0]}")/torsion_sign.py $W/keys/ana ana@example.com $BASE $DIG honest)
amend "Raise timeout

$RB
Review-Signature: $V"
gate; [ $GATE_RC = 0 ] && echo "(python signer sane: honest signature passes the gate)" || { echo "python signer broken"; exit 1; }
for i in $(seq 1 12); do
  V=$(python3 $(dirname "${BASH_SOURCE[0]}")/torsion_sign.py $W/keys/ana ana@example.com $BASE $DIG)
  amend "Raise timeout

$RB
Review-Signature: $V"
  gate; G=$GATE_RC
  A=$(audit_head)
  echo "try $i: gate rc=$G audit: $A"
  case "$A" in *"[True]"*) [ $G != 0 ] && { echo "BUG (27): audit says signed/counted (batch), gate refuses (single verify), try $i";
     printf '%s\n' "$V" > $W/sig.txt; ssh-keygen -Y check-novalidate -n driftcheck-review -s <(echo "-----BEGIN SSH SIGNATURE-----"; echo "${V##* }" | fold -w70; echo "-----END SSH SIGNATURE-----") < <(printf 'driftcheck-review-v1\ndigest: %s\nreviewer: ana@example.com\nbase: %s\n' "$DIG" "$BASE") 2>&1 | sed 's/^/ssh-keygen oracle: /'; exit 0; };;
  esac
done
echo "HELD (27): no try passed audit while the gate refused"
