#!/bin/bash
NAME=10_forged_author_identity; . /tmp/dc-review/attacks/lib.sh
setup_base; raise
# Mallory commits under a made-up identity (git identities are unauthenticated) and signs with his own listed key
as Zed zed@example.com add -A; as Zed zed@example.com commit -q -m "Raise timeout"
approve_as Mallory mal@example.com $W/keys/mal
as Zed zed@example.com commit -q --amend -m "Raise timeout

$RB
$SIG"
gate; verdict
