#!/bin/bash
# Judgment call (the mirror of 26). lists() keeps wildcard principals out of the mailmap
# path, yet a wildcard still matches the reviewer's RAW address, and the sign-off is then
# counted for the mailmap's person. Base: "*@contractors.example" -> Mallory's key; .mailmap
# says ana@contractors.example is Ana (ana@example.com, who has her own key). Mallory
# approves as ana@contractors.example with his key: counted as Ana, signed.
NAME=36_wildcard_reviewer_mailmap; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
setup_base "" "ana@example.com $(pub ana)
*@contractors.example $(pub mal)"
git -C $R checkout -q main; printf 'Ana <ana@example.com> <ana@contractors.example>\n' > $R/.mailmap; admin add -A; admin commit -q -m mm; git -C $R checkout -q -B feature
raise; mal add -A; mal commit -q -m "Raise timeout"
approve_as Ana ana@contractors.example $W/keys/mal
amend "Raise timeout

$RB
$SIG"
gate; echo "-- Mallory's wildcard key approving as Ana's mailmapped address: expect refused"; verdict
python3 -c 'import json;d=json.load(open("'$W'/gate.json"))["gate"];print([(s.get("email"),s["counted"],s.get("assurance")) for s in d["signoffs"]])' 2>/dev/null
