#!/bin/bash
NAME=13_namespaces_git_only; . /tmp/dc-review/attacks/lib.sh
std_change "" "ana@example.com namespaces=\"git\" $(pub ana)
mal@example.com $(pub mal)"
amend "Raise timeout

$RB
$SIG"
gate; verdict
