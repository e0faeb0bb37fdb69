#!/bin/bash
# Entry kinds at the merge base X (made by a raw tree, signed by Ana): `.driftcheck` as a submodule
# (160000, the commit id of main), a symlink (120000 -> a dir holding the list), a file (blob of
# the list); `allowed_signers` as 100755 (same blob), 120000 (link to a sibling copy), 160000,
# a directory holding `allowed_signers`; `.mailmap` (mapping mal-alt@ to Mallory) as 100755,
# symlink, submodule, dir. C on X changes deploy/ and carries a valid signature by Bo, plus one by
# Mallory as her alias mal-alt@ (allowed_signers lists her key for mal-alt@ only), so .mailmap
# decides whether she is a peer. Expect gate --base X --head C = audit range = audit all =
# audit --gate for every variant (or both fail closed).
NAME=r6_04_kinds; . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
MAP='Mallory <mal@example.com> <mal-alt@example.com>'
setup_base 'signers = ".driftcheck/allowed_signers"
signed = "required"
required = 2' "ana@example.com $(pub ana)
bo@example.com $(pub bo)
mal-alt@example.com $(pub mal)"
echo "$MAP" > $R/.mailmap; admin add -A; admin commit -q -m mailmap; git -C $R branch -f main HEAD
M=$(git -C $R rev-parse main); T0=$(git -C $R rev-parse main^{tree})
S=$(git -C $R rev-parse main:.driftcheck/allowed_signers); D=$(git -C $R rev-parse main:.driftcheck)
MM=$(git -C $R rev-parse main:.mailmap)
lnk() { printf '%s' "$1" > $W/lnk; blob $W/lnk; }
# sign2 TREE MSG: commit TREE with Bo's and mal-alt's signatures (both over the same digest/base)
sign2() { local c0 dig base b64a b64b; base=$(git -C $R rev-parse feature)
  c0=$(mal commit-tree $1 -p $base -m "$2")
  dig=$(cd $R && $DC audit $base..$c0 --format json 2>/dev/null | python3 -c 'import json,sys; c=json.load(sys.stdin)["commits"]; print(c[0]["digest"] if c else "none")')
  for who in bo:bo mal-alt:mal; do e=${who%%:*}@example.com; k=${who##*:}
    printf 'driftcheck-review-v1\ndigest: %s\nreviewer: %s\nbase: %s\n' "$dig" "$e" "$base" > $W/stmt
    rm -f $W/stmt.sig; ssh-keygen -q -Y sign -f $W/keys/$k -n driftcheck-review $W/stmt 2>/dev/null
    eval "b64_${k}=\$(grep -v -- ----- \$W/stmt.sig | tr -d '\n')"; done
  C=$(mal commit-tree $1 -p $base -m "$2

Reviewed-by: Bo <bo@example.com> # config $dig
Reviewed-by: Alt <mal-alt@example.com> # config $dig
Review-Signature: bo@example.com $base $b64_bo
Review-Signature: mal-alt@example.com $base $b64_mal")
  git -C $R update-ref refs/heads/feature $C; }
bad=0; n=0
variant() { local label=$1 XT=$2; n=$((n+1))
  git -C $R update-ref refs/heads/feature $M
  sign_tree Ana ana@example.com $W/keys/ana $XT "make $label"; X=$C
  sign2 $(with_entry $X deploy $(bumped_deploy $M 61)) "Raise timeout"
  gate_at $C; g=$GATE_RC; ge=$(head -c 100 $W/gate.err | tr '\n' ' ')
  audit_passed $C main..feature; a1=$AP; audit_passed $C feature; a2=$AP
  (cd $R && timeout 120 $DC audit main..feature --gate --format json > $W/ag.json 2>$W/ag.err); agrc=$?
  ag=$(python3 -c 'import json,sys
c=[c for c in json.load(open(sys.argv[1]))["commits"] if c["commit"]==sys.argv[2]]; print(c[0]["passed"] if c else "absent")' $W/ag.json $C 2>/dev/null || echo "err(rc=$agrc)")
  why=$(python3 -c 'import json,sys
c=[c for c in json.load(open(sys.argv[1]))["commits"] if c["commit"]==sys.argv[2]][0]; print("; ".join(s["email"]+": "+s["reason"][:70] for s in c["signoffs"]))' $W/audit.json $C 2>/dev/null)
  gb=$([ $g = 0 ] && echo True || echo False)
  flag=""; { [ "$gb" = "$a1" ] && [ "$gb" = "$a2" ] && [ "$gb" = "$ag" ]; } || { bad=1; flag="  <-- DISAGREE"; }
  printf '  %-22s gate=%s audit=%s/%s --gate=%s%s\n      gate: %s\n      audit: %s\n' "$label" $g $a1 $a2 $ag "$flag" "$ge" "$why"
}
root() { lstree $T0 | awk -v n="$1" -v m="$2" -v id="$3" '{ if ($2==n) { $1=m; $3=id }; print }' | mktree_raw; }
dc() { printf '%s' "$1" | mktree_raw; }
variant control $T0
variant dc_submodule "$(root .driftcheck 160000 $M)"
RL=$(lstree $T0 | sed "s/^40000 \.driftcheck .*/120000 .driftcheck $(lnk real-dc)/"; echo "40000 real-dc $D")
variant dc_symlink "$(echo "$RL" | sort -k2 | mktree_raw)"
variant dc_file "$(root .driftcheck 100644 $S)"
variant as_exec "$(root .driftcheck 40000 $(dc "100755 allowed_signers $S"))"
variant as_symlink "$(root .driftcheck 40000 $(dc "120000 allowed_signers $(lnk copy)
100644 copy $S"))"
variant as_submodule "$(root .driftcheck 40000 $(dc "160000 allowed_signers $M"))"
variant as_dir "$(root .driftcheck 40000 $(dc "40000 allowed_signers $D"))"
variant mm_exec "$(root .mailmap 100755 $MM)"
variant mm_symlink "$( (lstree $T0 | sed "s/^100644 \.mailmap .*/120000 .mailmap $(lnk mailmap-real)/"; echo "100644 mailmap-real $MM") | sort -k2 | mktree_raw)"
variant mm_submodule "$(root .mailmap 160000 $M)"
variant mm_dir "$(root .mailmap 40000 $(dc "100644 .mailmap $MM"))"
[ $bad = 0 ] && echo "HELD ($NAME): $n variants, gate = audit = audit --gate" || echo "BUG ($NAME): see above"
