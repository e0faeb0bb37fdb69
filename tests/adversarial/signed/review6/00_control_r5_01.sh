#!/bin/bash
# audit learnt where a tree keeps allowed_signers from its neighbour and the change between them,
# matching the change's display path: a root entry NAMED ".driftcheck/allowed_signers" (a '/' in
# one name, written as a raw object) shows as the nested file. Carol's key is revoked (V, signed by
# Ana); a commit X adds such an entry holding the old list (the same blob as the base's file); the
# next commit C drops it, changes the config and is signed by Carol. gate --base X --head C refuses
# (X's real file has no Carol). Expect audit = gate for every commit, range (parents first) and
# whole history (children first; a later commit restores Carol's key, so the old blob is read).
NAME=r6_00_control_r5_01; . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_base '' "ana@example.com $(pub ana)
bo@example.com $(pub bo)
carol@example.com $(pub carol)"
cp $R/.driftcheck/allowed_signers $W/with_carol
grep -v carol $W/with_carol > $R/.driftcheck/allowed_signers; git -C $R add -A
signed_commit Ana ana@example.com $W/keys/ana "Revoke Carol"
copy_commit .driftcheck/allowed_signers $W/with_carol "Keep a copy"
bump 61; signed_commit Carol carol@example.com $W/keys/carol "Raise timeout"; C=$(git -C $R rev-parse HEAD)
cp $W/with_carol $R/.driftcheck/allowed_signers; git -C $R add -A
signed_commit Ana ana@example.com $W/keys/ana "Restore Carol"
bump 62; signed_commit Carol carol@example.com $W/keys/carol "Raise again"
bad=0
for range in main..feature feature; do echo "$range:"; audit_vs_gate $range; [ "$DIS" = 0 ] || bad=1
  python3 -c 'import json,sys; c=[c for c in json.load(open(sys.argv[1]))["commits"] if c["commit"]==sys.argv[2]]; print("  C in audit: passed=%s" % (c[0]["passed"] if c else "not audited"))' $W/audit.json $C
done
[ $bad = 0 ] && echo "HELD ($NAME)" || echo "BUG ($NAME): audit verifies a key revoked at the merge base"
