#!/bin/bash
NAME=16c_sig_in_merge_message; . /tmp/dc-review/attacks/lib.sh
std_change
git -C $R checkout -q main; echo "fn main() { }" > $R/src/main.rs; admin add -A; admin commit -q -m code; git -C $R checkout -q feature
mal merge -q --no-edit main
approve_as Ana ana@example.com $W/keys/ana main
# put the (valid, new-base) signature into the commit on main side? no: put into merge message by Ana-forged merge
as Ana ana@example.com commit -q --amend -m "Merge main

$RB
$SIG"
gate; [ $GATE_RC = 0 ] && echo "HELD-ish ($NAME): valid new signature in merge message counted (expected)" || verdict
