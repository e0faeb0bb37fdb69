#!/bin/bash
# The verification memo (.git/driftcheck/verified-signatures) written by the OLD binary, which keyed
# entries on the allowed_signers id it INFERRED for a tree (review 5's bug), read by the new one.
# Two directions: (a) review 5's case (old audit verified Carol against the inferred old list);
# (b) the inverse: a slash-named root entry holding the list WITHOUT Carol while the real file HAS
# her, so the old binary may key a verification made with the real (Carol) content on the id of
# the no-Carol blob. Then commit D whose real base file IS the no-Carol blob, re-using Carol's
# trailer value... (the memo key also holds digest and base commit id, so this needs the same base
# commit: expected impossible). Expect: new audit with the old memo = new audit cold = gate.
NAME=r6_06_old_memo; . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
OLD=/tmp/dc-old
setup_base '' "ana@example.com $(pub ana)
bo@example.com $(pub bo)
carol@example.com $(pub carol)"
cp $R/.driftcheck/allowed_signers $W/with_carol; grep -v carol $W/with_carol > $W/nocarol
# (a) review 5's chain
cp $W/nocarol $R/.driftcheck/allowed_signers; git -C $R add -A
signed_commit Ana ana@example.com $W/keys/ana "Revoke Carol"
copy_commit .driftcheck/allowed_signers $W/with_carol "Keep a copy"
bump 61; signed_commit Carol carol@example.com $W/keys/carol "Raise timeout"
# (b) inverse: restore Carol, then a slash-named copy of the no-Carol list, then Carol signs
cp $W/with_carol $R/.driftcheck/allowed_signers; git -C $R add -A
signed_commit Ana ana@example.com $W/keys/ana "Restore Carol"
copy_commit .driftcheck/allowed_signers $W/nocarol "Keep a copy of the revoked list"
bump 62; signed_commit Carol carol@example.com $W/keys/carol "Raise again"
cp $W/nocarol $R/.driftcheck/allowed_signers; git -C $R add -A
signed_commit Ana ana@example.com $W/keys/ana "Revoke Carol again"
bump 63; signed_commit Carol carol@example.com $W/keys/carol "Raise a third time"
res() { python3 -c 'import json,sys; print(" ".join(c["commit"][:7]+"="+str(c["passed"])[0] for c in json.load(open(sys.argv[1]))["commits"]))' $1; }
bad=0
for range in main..feature feature; do
  rm -f $R/.git/driftcheck/verified-signatures
  (cd $R && $DC audit $range --format json > $W/cold.json 2>/dev/null)
  rm -f $R/.git/driftcheck/verified-signatures
  (cd $R && $OLD audit $range --format json > $W/old.json 2>/dev/null; $OLD audit main..feature --format json >/dev/null 2>&1; $OLD audit feature --format json >/dev/null 2>&1)
  n=$(wc -c < $R/.git/driftcheck/verified-signatures 2>/dev/null)
  (cd $R && $DC audit $range --format json > $W/warm.json 2>/dev/null)
  echo "  $range: old=$(res $W/old.json)"
  echo "  $range: new cold=$(res $W/cold.json)"
  echo "  $range: new with old memo ($n bytes)=$(res $W/warm.json)"
  cmp -s <(res $W/cold.json) <(res $W/warm.json) || { bad=1; echo "    ^ the old memo changes a verdict"; }
  audit_vs_gate $range > $W/avg.out; tail -1 $W/avg.out; [ "$DIS" = 0 ] || bad=1
done
[ $bad = 0 ] && echo "HELD ($NAME): the memo key holds the base commit, which pins the tree: an old entry is true of the real file" || echo "BUG ($NAME)"
