#!/bin/bash
# Base .mailmap: mal-old@ is Mallory. allowed_signers lists one key for ana@ and mal-old@
# (Mallory's old address, e.g. a shared key). Mallory (mal@) signs as Ana with it: the key
# speaks for a contributor through the mailmap -> no peer review. Also with the author
# committing under a +tag / upper-case / fullwidth spelling of his address.
NAME=31_contrib_old_addr; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
run() { rm -rf "$R"; T=1700000000
setup_base "" "ana@example.com,mal-old@example.com $(pub mal)
bo@example.com $(pub bo)"
git -C $R checkout -q main; printf 'Mallory <mal@example.com> <mal-old@example.com>\n' > $R/.mailmap; admin add -A; admin commit -q -m mm; git -C $R checkout -q -B feature
raise; as Mallory "$1" add -A; as Mallory "$1" commit -q -m "Raise timeout"
approve_as Ana ana@example.com $W/keys/mal
as Mallory "$1" commit -q --amend -m "Raise timeout

$RB
$SIG"; gate; }
for a in mal@example.com MAL+x@Example.COM. 'ｍａｌ@example.com' 'mal-old@example.com' $'mal\u200b@example.com' 'mal@EXAMPLE.com.'; do run "$a"; echo "-- author <$a>: expect refused"; verdict; done
