#!/bin/bash
NAME=06_mailmap_base_alias; . /tmp/dc-review/attacks/lib.sh
setup_base
git -C $R checkout -q main
printf "Mallory <mal@example.com> <mal-old@example.com>\n" > $R/.mailmap; admin add -A; admin commit -q -m mm; git -C $R checkout -q -B feature
raise; as Mallory mal-old@example.com add -A; as Mallory mal-old@example.com commit -q -m "Raise timeout"
approve_as Mallory mal@example.com $W/keys/mal
as Mallory mal-old@example.com commit -q --amend -m "Raise timeout

$RB
$SIG"
gate; verdict
