#!/bin/bash
NAME=04b_author_key_also_listed_for_reviewer; . /tmp/dc-review/attacks/lib.sh
setup_base "" "ana@example.com $(pub ana)
mal@example.com,ana@example.com $(pub mal)"
raise; mal add -A; mal commit -q -m "Raise timeout"
approve_as Ana ana@example.com $W/keys/mal
amend "Raise timeout

$RB
$SIG"
gate; verdict
