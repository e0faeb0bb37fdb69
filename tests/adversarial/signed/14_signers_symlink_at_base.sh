#!/bin/bash
NAME=14_signers_symlink_at_base; . /tmp/dc-review/attacks/lib.sh
setup_base "signers = \"keys\"
signed = \"required\""
git -C $R checkout -q main; ln -s .driftcheck/allowed_signers $R/keys; admin add -A; admin commit -q -m l; git -C $R checkout -q -B feature
raise; mal add -A; mal commit -q -m "Raise timeout"
approve_as Ana ana@example.com $W/keys/ana
amend "Raise timeout

$RB
$SIG"
gate; [ $GATE_RC = 0 ] && echo "BUG ($NAME): symlinked signers followed" || verdict
