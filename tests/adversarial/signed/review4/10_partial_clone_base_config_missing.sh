#!/bin/bash
# blob:none partial clone (actions/checkout `filter: blob:none`): the merge base's blobs that the
# change modified are not in the clone, and libgit2 does not fetch them. gate reads the base's
# driftcheck.toml with blob_at(..)? -> None, i.e. as if the base had no config. Mallory edits a
# comment in driftcheck.toml, raises the timeout and types `Reviewed-by: Ana` (no signature) while
# the base requires signed sign-offs. Full clone: refused. Expect the same (or exit 2) in the
# partial clone; a pass is a BUG.
NAME=r4_10_partial_clone_config; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
setup_base; raise; echo "# tidy" >> $R/driftcheck.toml; mal add -A; mal commit -q -m "Raise timeout"
digest_of_change; amend "Raise timeout

Reviewed-by: Ana <ana@example.com> # config $DIG"
gate; echo "control (full clone): gate rc=$GATE_RC $(grep -o '"reason": *"[^"]*"' $W/gate.json | head -1)"
git -C $R config uploadpack.allowFilter true; git -C $R config uploadpack.allowAnySHA1InWant true
git clone -q --filter=blob:none --no-local -b feature file://$R $W/pc 2>/dev/null; git -C $W/pc branch -q main origin/main
echo "   missing in the clone: $(git -C $W/pc rev-list --objects --missing=print main | grep -c '^?') objects of main"
(cd $W/pc && timeout 60 $DC gate --base main --head HEAD --format json > $W/pc.json 2>$W/pc.err); PC=$?
echo "-- partial clone: gate rc=$PC $(grep -o '"reason": *"[^"]*"' $W/pc.json | head -2 | tr '\n' ' ') $(head -c 200 $W/pc.err)"
(cd $W/pc && timeout 60 $DC audit main..HEAD --format json > $W/pca.json 2>&1); echo "   partial clone audit rc=$?"
[ $GATE_RC != 0 ] && [ $PC = 0 ] && echo "BUG ($NAME): a typed sign-off passes the gate in a blob:none clone (base config read as absent)" || echo "HELD ($NAME): rc=$PC"
