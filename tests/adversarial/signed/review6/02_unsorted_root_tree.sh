#!/bin/bash
# An unsorted root tree (git fsck: treeNotSorted), no duplicate: P reorders main's root entries as
# "driftcheck.toml .driftcheck deploy src" (git show P:driftcheck.toml finds it; libgit2's binary
# search, used by the gate's config location, does not). driftcheck's own TreeCache sorts, so the
# change list is empty and allowed_signers/.mailmap are found. C on P: a real config change with a
# valid signature by Bo. Expect gate --base P --head C = audit (range, whole history) = audit --gate,
# or both fail closed. Also: what the gate says about P itself (no guarded change by our walk).
NAME=r6_02_unsorted; . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_base
B=$(git -C $R rev-parse main)
order() { lstree $1 | awk -v o="$2" 'BEGIN{n=split(o,a," "); for(i=1;i<=n;i++) r[a[i]]=i} {print r[$2]" "$0}' | sort -n | cut -d' ' -f2-; }
bad=0
for ord in "driftcheck.toml .driftcheck deploy src" "deploy .driftcheck src driftcheck.toml" "src .driftcheck driftcheck.toml deploy"; do
  git -C $R update-ref refs/heads/feature $B
  PT=$(order $B "$ord" | mktree_raw); P=$(mal commit-tree $PT -p $B -m "reorder"); git -C $R update-ref refs/heads/feature $P
  gate_at $P; gp=$GATE_RC; gpe=$(head -c 150 $W/gate.err | tr '\n' ' '; python3 -c 'import json,sys
try: d=json.load(open(sys.argv[1])); print([str(f.get("message",f))[:90] for f in d.get("findings",[])][:2])
except Exception: pass' $W/gate.json)
  dep=$(bumped_deploy $B 61)
  CT=$(order $B "$ord" | awk -v id=$dep '{ if ($2=="deploy") $3=id; print }' | mktree_raw)
  sign_tree Bo bo@example.com $W/keys/bo $CT "Raise timeout"
  gate_at $C; gc=$GATE_RC; gce=$(head -c 150 $W/gate.err | tr '\n' ' ')
  audit_passed $C main..feature; a1=$AP; audit_passed $C feature; a2=$AP
  (cd $R && timeout 120 $DC audit main..feature --gate --format json > $W/ag.json 2>$W/ag.err)
  ag=$(python3 -c 'import json,sys
c=[c for c in json.load(open(sys.argv[1]))["commits"] if c["commit"]==sys.argv[2]]; print(c[0]["passed"] if c else "absent")' $W/ag.json $C 2>/dev/null || echo err)
  ap=$(python3 -c 'import json,sys
c=[c for c in json.load(open(sys.argv[1]))["commits"] if c["commit"]==sys.argv[2]]; print(c[0]["passed"] if c else "absent")' $W/audit.json $P 2>/dev/null)
  echo "  [$ord] git: $(git -C $R cat-file -e $P:driftcheck.toml 2>/dev/null && echo finds || echo misses) config"
  echo "    P (reorder): gate rc=$gp $gpe; audit: $ap"
  echo "    C (signed by Bo): gate rc=$gc $gce; audit range=$a1 all=$a2 --gate=$ag"
  g=$(outcome $gc)   # exit 2 everywhere (the tree refused) is agreement, and fails closed
  { [ "$g" = "$(norm $a1)" ] && [ "$g" = "$(norm $a2)" ] && [ "$g" = "$(norm $ag)" ]; } || { bad=1; echo "    ^ DISAGREE on C"; }
done
[ $bad = 0 ] && echo "HELD ($NAME)" || echo "BUG ($NAME): audit passes C on an unsorted merge base the gate refuses (exit 2)"
