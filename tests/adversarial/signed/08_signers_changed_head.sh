#!/bin/bash
NAME=08_signers_changed_head; . /tmp/dc-review/attacks/lib.sh
std_change
echo "ana@example.com $(pub mal)" >> $R/.driftcheck/allowed_signers
mal add -A; mal commit -q -m "add key"
approve_as Ana ana@example.com $W/keys/mal
amend "Raise timeout

$RB
$SIG"
gate; verdict
