#!/bin/bash
# .mailmap named twice at the merge base: X (signed by Ana) keeps the base's `.mailmap` (mal-alt@ is
# Mallory) as the FIRST entry (what `git show X:.mailmap` and a checkout give) and adds a second,
# empty `.mailmap` entry. C (by Mallory) changes one key of deploy/ (sparse write-out) and carries
# valid signatures by Bo and by Mallory's alias mal-alt@ (allowed_signers lists her key for
# mal-alt@ only); required = 2. By the mailmap git shows at X, mal-alt is Mallory: not a peer.
# Expect gate and audit to refuse C (or fail closed), with and without DRIFTCHECK_GATE_FULL.
NAME=r6_05_dup_mailmap; . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_base 'signers = ".driftcheck/allowed_signers"
signed = "required"
required = 2' "ana@example.com $(pub ana)
bo@example.com $(pub bo)
mal-alt@example.com $(pub mal)"
for e in staging prod; do for i in $(seq 1 40); do printf 'name: f%s\nvalue: %s\n' $i $i > $R/deploy/$e/f$i.yaml; done; done
echo 'Mallory <mal@example.com> <mal-alt@example.com>' > $R/.mailmap; admin add -A; admin commit -q -m "mailmap, files"; git -C $R branch -f main HEAD
M=$(git -C $R rev-parse main); MM=$(git -C $R rev-parse main:.mailmap); E=$(blob /dev/null)
XT=$(lstree $M | awk -v e=$E '{print} $2==".mailmap"{print "100644 .mailmap " e}' | mktree_raw)
git -C $R update-ref refs/heads/feature $M
sign_tree Ana ana@example.com $W/keys/ana $XT "second .mailmap"; X=$C
echo "  git show X:.mailmap -> $(git -C $R show $X:.mailmap)"
# C: Bo + mal-alt signatures (as 04's sign2)
base=$X; CT=$(with_entry $X deploy $(bumped_deploy $M 61)); c0=$(mal commit-tree $CT -p $base -m "Raise timeout")
dig=$(cd $R && $DC audit $base..$c0 --format json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["commits"][0]["digest"])')
for who in bo:bo mal-alt:mal; do e=${who%%:*}@example.com; k=${who##*:}
  printf 'driftcheck-review-v1\ndigest: %s\nreviewer: %s\nbase: %s\n' "$dig" "$e" "$base" > $W/stmt
  rm -f $W/stmt.sig; ssh-keygen -q -Y sign -f $W/keys/$k -n driftcheck-review $W/stmt 2>/dev/null
  eval "b64_${k}=\$(grep -v -- ----- \$W/stmt.sig | tr -d '\n')"; done
C=$(mal commit-tree $CT -p $base -m "Raise timeout

Reviewed-by: Bo <bo@example.com> # config $dig
Reviewed-by: Alt <mal-alt@example.com> # config $dig
Review-Signature: bo@example.com $base $b64_bo
Review-Signature: mal-alt@example.com $base $b64_mal")
git -C $R update-ref refs/heads/feature $C
bad=0
for full in "" 1; do
  (cd $R && DRIFTCHECK_GATE_FULL=$full timeout 60 $DC gate -v --base $X --head $C > $W/gv.out 2>&1); g=$?
  echo "  gate${full:+ (FULL)} rc=$g: $(grep -o "compared [^.]*\|error: .*" $W/gv.out | head -1 | cut -c1-100)"
  [ $g = 0 ] && { bad=1; echo "    ^ gate passes: Mallory's alias counted as a peer"; }
done
audit_passed $C main..feature; echo "  audit C passed=$AP"; [ "$AP" = True ] && { bad=1; echo "    ^ audit passes"; }
audit_vs_gate main..feature
[ $bad = 0 ] && echo "HELD ($NAME)" || echo "BUG ($NAME): a second .mailmap entry (read by binary search, not by git) makes Mallory's alias a peer"
