#!/bin/bash
NAME=11_one_key_two_principals; . /tmp/dc-review/attacks/lib.sh
std_change "signers = \".driftcheck/allowed_signers\"
signed = \"required\"
required = 2" "ana@example.com,ana.lima@example.com $(pub ana)
mal@example.com $(pub mal)"
RB1=$RB; S1=$SIG
approve_as "Ana Lima" ana.lima@example.com $W/keys/ana
amend "Raise timeout

$RB1
$S1
$RB
$SIG"
gate; verdict
