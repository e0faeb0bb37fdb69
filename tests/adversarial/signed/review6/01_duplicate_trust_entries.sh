#!/bin/bash
# Duplicate entries with one name, raw trees (git fsck: duplicateEntries): the merge base X of a
# commit C signed by Carol (revoked by Ana before X) holds two `.driftcheck` dirs (old with Carol,
# new without), or one `.driftcheck` with two `allowed_signers` blobs, in both orders, with filler
# entries around to move the binary search. Expect: gate --base X --head C = audit (range and
# whole history) = audit --gate, and the list used is the one git itself shows at X:path (else the
# verdict depends on which duplicate a binary search lands on).
NAME=r6_01_dups; . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_base '' "ana@example.com $(pub ana)
bo@example.com $(pub bo)
carol@example.com $(pub carol)"
D0=$(git -C $R rev-parse HEAD:.driftcheck); S0=$(git -C $R rev-parse HEAD:.driftcheck/allowed_signers)
grep -v carol $R/.driftcheck/allowed_signers > $W/nocarol; cp $W/nocarol $R/.driftcheck/allowed_signers; git -C $R add -A
signed_commit Ana ana@example.com $W/keys/ana "Revoke Carol"
R1=$(git -C $R rev-parse HEAD); D1=$(git -C $R rev-parse HEAD:.driftcheck); S1=$(git -C $R rev-parse HEAD:.driftcheck/allowed_signers)
E=$(blob /dev/null)
bad=0; n=0
variant() { # NAME then root-lines generator
  local label=$1 root=$2; n=$((n+1))
  git -C $R update-ref refs/heads/feature $R1
  X=$(printf '%s' "$root" | mktree_raw) || { echo "  $label: mktree failed"; return; }
  sign_tree Ana ana@example.com $W/keys/ana $X "dup $label"; XC=$C
  dep=$(bumped_deploy $XC 61)
  CT=$(lstree $XC | awk -v id=$dep '{ if ($2=="deploy") $3=id; print }' | mktree_raw)
  sign_tree Carol carol@example.com $W/keys/carol $CT "Raise timeout ($label)"
  gate_at $C
  audit_passed $C main..feature; a1=$AP
  audit_passed $C feature; a2=$AP
  (cd $R && timeout 120 $DC audit main..feature --gate --format json > $W/ag.json 2>$W/ag.err)
  ag=$(python3 -c 'import json,sys
try: c=[c for c in json.load(open(sys.argv[1]))["commits"] if c["commit"]==sys.argv[2]]; print(c[0]["passed"] if c else "absent")
except Exception: print("err")' $W/ag.json $C)
  gitview=$(git -C $R show $XC:.driftcheck/allowed_signers 2>&1 | grep -c carol)
  gsig=$(python3 -c 'import json,sys
try:
  d=json.load(open(sys.argv[1]))["gate"]; print("; ".join(str(s.get("identity"))[:20]+": "+str(s.get("reason"))[:90] for s in d["signoffs"]))
except Exception as e: print(open(sys.argv[2]).read()[:160].replace("\n"," "))' $W/gate.json $W/gate.err)
  echo "  $label: gate rc=$GATE_RC audit(range)=$a1 audit(all)=$a2 audit--gate=$ag  git show X:signers has carol: $gitview | $gsig"
  g=$(outcome $GATE_RC)   # exit 2 everywhere (the tree refused) is agreement, and fails closed
  { [ "$g" = "$(norm $a1)" ] && [ "$g" = "$(norm $a2)" ] && [ "$g" = "$(norm $ag)" ]; } || { bad=1; echo "    ^ DISAGREE"; }
  if [ $GATE_RC = 0 ] && [ "$gitview" = 0 ]; then bad=1; echo "    ^ gate accepts Carol while git shows a list without her"; fi
  # audit_vs_gate for the whole range as well
  avg=$(audit_vs_gate main..feature)
  echo "$avg" | grep -q " 0 disagree" || { [ $GATE_RC = 2 ] && echo "$avg" | grep -q "^audit rc=2"; } \
    || { bad=1; echo "    ^ audit_vs_gate disagreement"; }
}
base_lines() { lstree $R1 | grep -v ' \.driftcheck '; }
variant dirs_new_old "$(echo "40000 .driftcheck $D1"; echo "40000 .driftcheck $D0"; base_lines)"
variant dirs_old_new "$(echo "40000 .driftcheck $D0"; echo "40000 .driftcheck $D1"; base_lines)"
for k in 0 1 2 3 5 8; do
  fill=""; for i in $(seq 1 $k); do fill="$fill
100644 a$i $E"; done
  for ord in "$S1 $S0" "$S0 $S1"; do set -- $ord
    DD=$(printf '%s\n100644 allowed_signers %s\n100644 allowed_signers %s\n' "$fill" $1 $2 | mktree_raw)
    variant "blobs_fill${k}_$( [ $1 = $S1 ] && echo new_old || echo old_new)" "$(echo "40000 .driftcheck $DD"; base_lines)"
    DD=$(printf '100644 allowed_signers %s\n100644 allowed_signers %s\n%s\n' $1 $2 "$(echo "$fill" | sed 's/ a/ z/')" | mktree_raw)
    variant "blobs_after${k}_$( [ $1 = $S1 ] && echo new_old || echo old_new)" "$(echo "40000 .driftcheck $DD"; base_lines)"
  done
done
# file and dir with the same name: .driftcheck blob + .driftcheck dir (with Carol)
variant blob_then_dir "$(echo "100644 .driftcheck $S0"; echo "40000 .driftcheck $D1"; base_lines)"
variant dir_then_blob "$(echo "40000 .driftcheck $D1"; echo "100644 .driftcheck $S0"; base_lines)"
[ $bad = 0 ] && echo "HELD ($NAME): $n variants, gate = audit = audit --gate" || echo "BUG ($NAME): see above"
