#!/bin/bash
NAME=07_case_variant; . /tmp/dc-review/attacks/lib.sh
std_change
S2=$(echo "$SIG" | sed "s/Review-Signature: ana@example.com/Review-Signature: ANA@example.com/")
amend "Raise timeout

$RB
$S2"
gate; verdict
