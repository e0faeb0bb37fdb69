#!/bin/bash
NAME=16_rebase_reuse; . /tmp/dc-review/attacks/lib.sh
std_change
amend "Raise timeout

$RB
$SIG"
git -C $R checkout -q main; echo "fn main() { }" > $R/src/main.rs; admin add -A; admin commit -q -m code; git -C $R checkout -q feature
mal rebase -q main
gate; verdict
