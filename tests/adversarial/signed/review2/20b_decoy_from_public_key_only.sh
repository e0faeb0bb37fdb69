#!/bin/bash
# 20 without any genuine signature by Ana: the decoy is built from Ana's PUBLIC key
# (it is in allowed_signers) and 64 zero bytes. Mallory's key is listed for mal@ and ana@.
NAME=20b_decoy_pub; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
setup_base "" "ana@example.com $(pub ana)
mal@example.com,ana@example.com $(pub mal)"
raise; mal add -A; mal commit -q -m "Raise timeout"
approve_as Ana ana@example.com $W/keys/mal
BASE=$(git -C $R merge-base main HEAD)
DECOY=$(python3 $(dirname "${BASH_SOURCE[0]}")/mkdecoy.py ana@example.com $BASE $W/keys/ana.pub)
amend "Raise timeout

$RB
$DECOY
$SIG"
gate; echo "-- forged decoy + Mallory's signature as Ana: expect refused"; verdict
