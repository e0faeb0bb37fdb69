#!/bin/bash
NAME=05_mailmap_head; . /tmp/dc-review/attacks/lib.sh
std_change
printf "Ana <ana@example.com> <mal@example.com>\n" > $R/.mailmap
mal add -A; mal commit -q -m "mailmap"
approve_as Mallory mal@example.com $W/keys/mal
mal commit -q --amend -m "mailmap

$RB
$SIG"
gate; verdict
