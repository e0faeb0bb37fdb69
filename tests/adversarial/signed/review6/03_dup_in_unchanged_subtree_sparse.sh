#!/bin/bash
# The gate refuses a tree naming a path twice when it writes the tree out whole (materialize) or,
# on the sparse path, when named_twice(base, head) finds one in a directory the change touches;
# the base's own directories are assumed vetted. X (signed by Ana) adds a second `allowed_signers`
# blob to `.driftcheck` (first entry: the current list without Carol, second: the old list with
# Carol; git show X:.driftcheck/allowed_signers = the first). C changes only deploy/*/app.yaml
# (sparse write-out), signed by Carol. Expect gate and audit to refuse C (git's list has no Carol)
# or both fail closed. Variants: dup order, DRIFTCHECK_GATE_FULL=1.
NAME=r6_03_dup_sparse; . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_base '' "ana@example.com $(pub ana)
bo@example.com $(pub bo)
carol@example.com $(pub carol)"
# many files per environment, so a one-key change takes the sparse write-out
for e in staging prod; do for i in $(seq 1 40); do printf 'name: f%s\nvalue: %s\n' $i $i > $R/deploy/$e/f$i.yaml; done; done
admin add -A; admin commit -q -m "more files"; git -C $R branch -f main HEAD
S0=$(git -C $R rev-parse HEAD:.driftcheck/allowed_signers)
grep -v carol $R/.driftcheck/allowed_signers > $W/nocarol; cp $W/nocarol $R/.driftcheck/allowed_signers; git -C $R add -A
signed_commit Ana ana@example.com $W/keys/ana "Revoke Carol"
R1=$(git -C $R rev-parse HEAD); S1=$(git -C $R rev-parse HEAD:.driftcheck/allowed_signers)
bad=0
for ord in "$S1 $S0" "$S0 $S1"; do set -- $ord
  git -C $R update-ref refs/heads/feature $R1
  DD=$(printf '100644 allowed_signers %s\n100644 allowed_signers %s\n' $1 $2 | mktree_raw)
  XT=$(with_entry $R1 .driftcheck $DD)
  sign_tree Ana ana@example.com $W/keys/ana $XT "second allowed_signers"; X=$C
  CT=$(with_entry $X deploy $(bumped_deploy $R1 61))
  sign_tree Carol carol@example.com $W/keys/carol $CT "Raise timeout"
  label=$([ $1 = $S1 ] && echo "first=no-carol" || echo "first=carol")
  gv=$(git -C $R show $X:.driftcheck/allowed_signers | grep -c carol)
  for full in "" 1; do
    (cd $R && DRIFTCHECK_GATE_FULL=$full timeout 60 $DC gate -v --base $C^ --head $C > $W/gv.out 2>&1); g=$?
    sc=$(grep -o "compared [^.]*" $W/gv.out | head -1); er=$(grep -o "error: .*" $W/gv.out | head -1 | cut -c1-110)
    sig=$(grep -io "carol[^\n]*" $W/gv.out | head -1 | cut -c1-120)
    echo "  [$label, git shows carol=$gv] gate${full:+ (FULL)} rc=$g $sc $er | $sig"
    if [ $g = 0 ] && [ $gv = 0 ]; then bad=1; echo "    ^ gate accepts Carol, revoked in the list git shows at X"; fi
  done
  audit_passed $C main..feature; echo "    audit range: C passed=$AP"
  if [ "$AP" = True ] && [ $gv = 0 ]; then bad=1; echo "    ^ audit accepts Carol, revoked in the list git shows at X"; fi
  audit_vs_gate main..feature | sed 's/^/  /'
  [ "${DIS:-1}" = 0 ] || { [ "$AUDIT_RC" = 2 ] && [ $g = 2 ]; } || bad=1   # both exit 2: fail closed
done
[ $bad = 0 ] && echo "HELD ($NAME)" || echo "BUG ($NAME): see above"
