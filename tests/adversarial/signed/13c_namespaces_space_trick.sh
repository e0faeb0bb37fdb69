#!/bin/bash
NAME=13c_namespaces_space_trick; . /tmp/dc-review/attacks/lib.sh
std_change "" "ana@example.com namespaces=\"git, file\" $(pub ana)
mal@example.com $(pub mal)"
amend "Raise timeout

$RB
$SIG"
gate; verdict
