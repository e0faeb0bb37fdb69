#!/bin/bash
# An object that cannot be read is read as empty: Repo::blob_at(..).unwrap_or_default() for the
# merge base's .mailmap (gate: gate/mod.rs base_review; audit: signed::KeyCache::at) and for
# allowed_signers (signed::read_allowed). An empty allowed_signers refuses (fail closed, wrong
# reason, exit 1 not 2: case 08). An empty .mailmap fails OPEN: Mallory's alias mal-alt@, which
# the base's .mailmap says is Mallory, signs Mallory's own change with the key listed for the alias.
# Readable: refused (not a peer). The base's .mailmap blob missing (a blob:none partial clone, a
# damaged object store): counted, gate passes. Expect: exit 2 (cannot read the base), never a pass.
NAME=r4_09_mailmap_unreadable; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
setup_base '' "ana@example.com $(pub ana)
bo@example.com $(pub bo)
mal-alt@example.com $(pub mal)"
git -C $R checkout -q main; printf 'Mallory <mal@example.com> <mal-alt@example.com>\n' > $R/.mailmap
admin add -A; admin commit -q -m "mailmap"; git -C $R checkout -q -B feature
raise; git -C $R rm -q .mailmap; mal add -A; mal commit -q -m "Raise timeout, drop the mailmap"
approve_as Mallory mal-alt@example.com $W/keys/mal; amend "Raise timeout, drop the mailmap

$RB
$SIG"
gate; echo "control (base .mailmap readable): gate rc=$GATE_RC $(grep -o '"reason": *"[^"]*"' $W/gate.json | head -1)"
audit main..feature; echo "control: audit passed=$(python3 -c 'import json,sys; print([c["passed"] for c in json.load(open(sys.argv[1]))["commits"]])' $W/audit.json)"
[ $GATE_RC = 0 ] && { echo "control failed"; exit 1; }
# a blob:none partial clone of the same repository (feature checked out: the base's .mailmap
# blob is not fetched; libgit2 does not fetch missing objects)
git -C $R config uploadpack.allowFilter true; git -C $R config uploadpack.allowAnySHA1InWant true
rm -rf $W/pc; git clone -q --filter=blob:none --no-local -b feature file://$R $W/pc 2>/dev/null
git -C $W/pc branch -q main origin/main
(cd $W/pc && timeout 60 $DC gate --base main --head HEAD --format json > $W/pc.json 2>$W/pc.err); PC=$?
echo "-- partial clone (blob:none): gate rc=$PC $(grep -o '"reason": *"[^"]*"' $W/pc.json | head -1) $(head -c 200 $W/pc.err)"
[ $PC = 0 ] && echo "BUG ($NAME/partial_clone): gate passed in a blob:none clone"
MB=$(git -C $R rev-parse main:.mailmap); rm -f $R/.git/objects/${MB:0:2}/${MB:2}
git -C $R cat-file -e $MB 2>/dev/null && { echo "could not remove the blob"; exit 1; }
gate; echo "-- the base's .mailmap blob unreadable: gate rc=$GATE_RC $(grep -o '"reason": *"[^"]*"' $W/gate.json | head -1) $(head -c 150 $W/gate.err)"
audit main..feature; echo "   audit rc=$AUDIT_RC passed=$(python3 -c 'import json,sys; print([c["passed"] for c in json.load(open(sys.argv[1]))["commits"]])' $W/audit.json 2>/dev/null)"
[ $GATE_RC = 0 ] && echo "BUG ($NAME): gate passed the author's own alias signature when the base's .mailmap could not be read" || echo "HELD ($NAME): rc=$GATE_RC"
