#!/bin/bash
NAME=03_same_reviewer_twice; . /tmp/dc-review/attacks/lib.sh
std_change "signers = \".driftcheck/allowed_signers\"
signed = \"required\"
required = 2"
RB2=$(echo "$RB" | sed "s/ana@example.com/ana+x@example.com/")
SIG2=$(echo "$SIG" | sed "s/^Review-Signature: ana@example.com/Review-Signature: ana+x@example.com/")
amend "Raise timeout

$RB
$RB2
$SIG
$SIG2"
gate; verdict
