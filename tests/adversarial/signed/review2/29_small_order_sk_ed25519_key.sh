#!/bin/bash
# Item 3 refuses an Ed25519 key of small order, but only KeyData::Ed25519 is checked
# (signature.rs AllowedSigners::parse). An sk-ssh-ed25519@openssh.com key (FIDO, verified by
# ssh-key via ed25519-dalek too) whose point is the identity is accepted, and then anyone
# forges "its" signatures: R = sB verifies for every message.
NAME=29_sk_small_order; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
WEAK=$(python3 $(dirname "${BASH_SOURCE[0]}")/sk_forge.py publine)
setup_base "" "ana@example.com $WEAK
mal@example.com $(pub mal)"
raise; mal add -A; mal commit -q -m "Raise timeout"
approve_as Ana ana@example.com $W/keys/mal     # only to get the Reviewed-by line and digest
BASE=$(git -C $R merge-base main HEAD); DIG=${RB##*# config }
FORGED=$(python3 $(dirname "${BASH_SOURCE[0]}")/sk_forge.py forge ana@example.com $BASE $DIG)
amend "Raise timeout

$RB
Review-Signature: $FORGED"
gate; python3 -c 'import json;print([s.get("assurance") for s in json.load(open("'$W'/gate.json"))["gate"]["signoffs"]])'
echo "-- Mallory forges Ana's signature with no private key: expect refused (or allowed_signers refused)"; verdict
echo "-- control: the same identity point as plain ssh-ed25519 is refused by parse:"
PLAIN="ssh-ed25519 $(python3 -c 'import base64,struct;s=lambda b:struct.pack(">I",len(b))+b;print(base64.b64encode(s(b"ssh-ed25519")+s((1).to_bytes(32,"little"))).decode())')"
git -C $R checkout -q main; printf 'ana@example.com %s\nmal@example.com %s\n' "$PLAIN" "$(pub mal)" > $R/.driftcheck/allowed_signers; admin commit -qam weak; git -C $R checkout -q feature; git -C $R rebase -q main 2>/dev/null
gate; echo "   rc=$GATE_RC $(head -c 200 $W/gate.err)"
