#!/bin/bash
NAME=09_required_only_at_head; . /tmp/dc-review/attacks/lib.sh
std_change "signers = \".driftcheck/allowed_signers\""
sed -i "s/signers = /signed = \"required\"\nsigners = /" $R/driftcheck.toml
mal add -A; mal commit -q -m x
(cd $R; $DC approve --base main --format json | python3 -c "import json,sys;print(json.load(sys.stdin)[\"trailer\"])") > $W/rb
amend "Raise timeout

$(cat $W/rb)"
gate; [ $GATE_RC = 0 ] && echo "HELD ($NAME): by design, base optional => typed Ana counts (head setting ignored)" || verdict
