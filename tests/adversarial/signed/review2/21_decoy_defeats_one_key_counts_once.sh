#!/bin/bash
# Same root cause as 20, other rule: "one key counts once". Ana's key is listed for
# ana@ and ana.lima@ (11 HELD). A decoy put before the second signature (any parseable
# SSHSIG whose key is listed for ana.lima@ -- here Bo's key is also listed there)
# changes the fingerprint used for the once-per-key rule.
NAME=21_decoy_once; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
setup_base "signers = \".driftcheck/allowed_signers\"
signed = \"required\"
required = 2" "ana@example.com,ana.lima@example.com $(pub ana)
ana.lima@example.com $(pub bo)
mal@example.com $(pub mal)"
raise; mal add -A; mal commit -q -m "Raise timeout"
approve_as "Ana Lima" ana.lima@example.com $W/keys/bo; DECOY=$SIG   # Bo's sig for ana.lima, old digest
raise 60 90; mal add -A; mal commit -q --amend -m "Raise timeout"
approve_as Ana ana@example.com $W/keys/ana; RB1=$RB; S1=$SIG
approve_as "Ana Lima" ana.lima@example.com $W/keys/ana
amend "Raise timeout

$RB1
$S1
$RB
$SIG"
gate; echo "-- control (11): one key, two addresses -> expect refused"; verdict
amend "Raise timeout

$RB1
$S1
$RB
$DECOY
$SIG"
gate; echo "-- with decoy before the second signature: expect refused"; verdict
python3 -c 'import json;d=json.load(open("'$W'/gate.json"))["gate"];print([(s["identity"][:30],s["counted"],s.get("reason")) for s in d["signoffs"]])'
