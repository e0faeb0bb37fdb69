#!/bin/bash
NAME=13b_namespaces_quote_trick; . /tmp/dc-review/attacks/lib.sh
std_change "" "ana@example.com namespaces=\"git\",cert-authority $(pub ana)
mal@example.com $(pub mal)"
amend "Raise timeout

$RB
$SIG"
gate; verdict
