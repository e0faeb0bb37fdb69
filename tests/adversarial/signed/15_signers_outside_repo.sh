#!/bin/bash
NAME=15_signers_outside_repo; . /tmp/dc-review/attacks/lib.sh
echo "ana@example.com $(pub mal)" > $W/outside
setup_base "signers = \"../outside\"
signed = \"required\""
raise; mal add -A; mal commit -q -m "Raise timeout"
approve_as Ana ana@example.com $W/keys/mal
amend "Raise timeout

$RB
$SIG"
gate; verdict
