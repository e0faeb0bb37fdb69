#!/bin/bash
# A wildcard principal (*@contractors.example) covering the author's commit address proves
# no peer review (04 HELD). If the base .mailmap maps that address to another one, the
# contributor is checked only in canonical form (mal@example.com), which the wildcard does
# not match, and lists() skips wildcards on the mailmap path: the protection is lost.
NAME=26_wildcard_mailmap; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
run() { rm -rf "$R"; T=1700000000
setup_base "" "ana@example.com $(pub ana)
*@contractors.example $(pub mal)"
if [ "${1:-}" = mm ]; then git -C $R checkout -q main
  printf 'Mallory <mal@example.com> <mal@contractors.example>\n' > $R/.mailmap; admin add -A; admin commit -q -m mailmap
  git -C $R checkout -q -B feature; fi
raise; as Mallory mal@contractors.example add -A; as Mallory mal@contractors.example commit -q -m "Raise timeout"
approve_as Bo bo@contractors.example $W/keys/mal
as Mallory mal@contractors.example commit -q --amend -m "Raise timeout

$RB
$SIG"
gate; }
run; echo "-- control, no mailmap: expect refused"; verdict
run mm; echo "-- base mailmap maps mal@contractors.example -> mal@example.com: expect refused"; verdict
