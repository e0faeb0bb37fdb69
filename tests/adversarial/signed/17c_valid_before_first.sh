#!/bin/bash
NAME=17c_valid_before_first; . /tmp/dc-review/attacks/lib.sh
std_change "" "ana@example.com valid-before=\"19700102\",namespaces=\"driftcheck-review\" $(pub ana)
mal@example.com $(pub mal)"
amend "Raise timeout

$RB
$SIG"
gate; verdict
