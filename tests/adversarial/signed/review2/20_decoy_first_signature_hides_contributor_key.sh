#!/bin/bash
# signer_key() picks the FIRST parseable Review-Signature whose key speaks for the
# reviewer, not the one check() verified: a decoy (Ana's real signature copied from
# an older state) placed first hides that the verifying key is also Mallory's.
NAME=20_decoy; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
setup_base "" "ana@example.com $(pub ana)
bo@example.com $(pub bo)
mal@example.com,ana@example.com $(pub mal)"
raise; mal add -A; mal commit -q -m "Raise timeout"
approve_as Ana ana@example.com $W/keys/ana; DECOY=$SIG      # Ana's genuine signature, old digest
raise 60 90; mal add -A; mal commit -q --amend -m "Raise timeout"
approve_as Ana ana@example.com $W/keys/mal                  # Mallory signs as Ana
amend "Raise timeout

$RB
$SIG"
gate; echo "-- control (04b, no decoy): expect refused"; verdict
amend "Raise timeout

$RB
$DECOY
$SIG"
gate; echo "-- with decoy first: expect refused (key also listed for contributor mal)"; verdict
python3 -c 'import json;d=json.load(open("'$W'/gate.json"))["gate"];print([(s["identity"],s["counted"],s.get("assurance"),s.get("reason")) for s in d["signoffs"]])'
