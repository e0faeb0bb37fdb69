#!/bin/bash
NAME=02_two_rb_one_sig; . /tmp/dc-review/attacks/lib.sh
std_change "signers = \".driftcheck/allowed_signers\"
signed = \"required\"
required = 2"
RB2=$(echo "$RB" | sed "s/Ana <ana@/Bo <bo@/")
amend "Raise timeout

$RB
$RB2
$SIG"
gate; verdict
