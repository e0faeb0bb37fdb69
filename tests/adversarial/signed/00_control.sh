#!/bin/bash
NAME=00_control; . /tmp/dc-review/attacks/lib.sh
setup_base; raise; mal add -A; mal commit -q -m "Raise timeout"
approve_as Ana ana@example.com $W/keys/ana
mal commit -q --amend -m "Raise timeout

$RB
$SIG"
gate; [ $GATE_RC = 0 ] && echo "CONTROL OK (valid signed peer passes)" || { echo "CONTROL FAILED rc=$GATE_RC"; head -c 1500 $W/gate.json; cat $W/gate.err; }
mal commit -q --amend -m "Raise timeout

$RB" --allow-empty; gate; verdict
