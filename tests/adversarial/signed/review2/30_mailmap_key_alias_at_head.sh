#!/bin/bash
# The change itself adds .mailmap "Ana <ana@example.com> <malbot@example.com>" so that the
# key listed for malbot@ (Mallory's) would speak for Ana. Only the base's mailmap may count.
NAME=30_mailmap_head_keys; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
setup_base "" "ana@example.com $(pub ana)
mal@example.com $(pub mal)
malbot@example.com $(pub carol)"
raise; printf 'Ana <ana@example.com> <malbot@example.com>\n' > $R/.mailmap
mal add -A; mal commit -q -m "Raise timeout"
approve_as Ana ana@example.com $W/keys/carol
amend "Raise timeout

$RB
$SIG"
gate; echo "-- expect refused (head mailmap ignored for keys)"; verdict
