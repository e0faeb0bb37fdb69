#!/bin/bash
NAME=09b_optional_at_head; . /tmp/dc-review/attacks/lib.sh
std_change
sed -i "s/signed = \"required\"/signed = \"optional\"/" $R/driftcheck.toml
mal add -A; mal commit -q -m x
(cd $R; $DC approve --base main --format json | python3 -c "import json,sys;print(json.load(sys.stdin)[\"trailer\"])") > $W/rb
amend "Raise timeout

$(cat $W/rb)"
gate; verdict
