#!/bin/bash
NAME=01_sig_other_commit; . /tmp/dc-review/attacks/lib.sh
std_change
amend "Raise timeout

$RB"
mal commit -q --allow-empty -m "sig

$SIG"
gate; verdict
