#!/bin/bash
# Duplicate app.yaml in an UNCHANGED env subdir on main (deploy/prod/sub: app.yaml=/srv/app, app.yaml=/var/lib/app,
# x1/, x2/), listing path. C moves staging to /srv/app. named_twice only vets changed dirs; list_under
# walks raw; mount_paths get_path picks one duplicate. Expect sparse = full (full mount refuses: exit 2).
# As 01, with the unsorted tree one level down (deploy/prod/sub/ = x1/ x2/ app.yaml)
# An unsorted (no duplicate) env dir deploy/prod on main (landed without the gate: admin/legacy),
# unchanged by the change C. [env.*] has `exclude` so the subset takes the listing path
# (incremental::listing -> git::list_under walks raw, never well_formed; write_subset ->
# mount_paths -> libgit2 get_path, a binary search over the raw order, misses app.yaml).
# C introduces a data_path drift in staging, signed by Ana. Expect: sparse gate = full gate
# (refuse, rc 1, or exit 2 both).
NAME=r7_04; . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_base
for e in staging prod; do mkdir -p $R/deploy/$e/sub/x1 $R/deploy/$e/sub/x2; echo k > $R/deploy/$e/sub/x1/keep.bak; echo k > $R/deploy/$e/sub/x2/keep.bak; git -C $R mv deploy/$e/app.yaml deploy/$e/sub/app.yaml; done
printf '[env.staging]\nroot = "deploy/staging"\nexclude = ["**/*.bak"]\n\n[env.prod]\nroot = "deploy/prod"\nexclude = ["**/*.bak"]\n\n[review]\nsigners = ".driftcheck/allowed_signers"\nsigned = "required"\n' > $R/driftcheck.toml
for e in staging prod; do for i in $(seq -w 1 30); do printf "kind: ConfigMap\nmetadata:\n  name: f%s\nval: %s\n" $i $i > $R/deploy/$e/f$i.yaml; done; done
git -C $R add -A; admin commit -q -m "base2"
git -C $R checkout -q main; git -C $R merge -q --ff-only feature
# X: main's tree with deploy/prod's entries in the order x1 x2 app.yaml (git checkout writes all)
P=$(git -C $R rev-parse HEAD:deploy/prod/sub)
git -C $R show HEAD:deploy/prod/sub/app.yaml | sed "s#data_path: /var/lib/app#data_path: /srv/app#" > $W/new.tmp; NB=$(blob $W/new.tmp)
OB=$(git -C $R rev-parse HEAD:deploy/prod/sub/app.yaml)
PU=$( { echo "100644 app.yaml $NB"; echo "100644 app.yaml $OB"; lstree $P | awk '$2!="app.yaml"'; } | mktree_raw)
PR=$(printf "40000 sub %s\n" $PU | mktree_raw); DEP=$(printf "40000 prod %s\n40000 staging %s\n" $PR $(git -C $R rev-parse HEAD:deploy/staging) | mktree_raw)
ROOT=$(with_entry HEAD^{tree} deploy $DEP)
X=$(admin commit-tree $ROOT -p HEAD -m "admin: reorder prod (no gate)"); git -C $R update-ref refs/heads/main $X
git -C $R checkout -q -B feature $X 2>/dev/null || { git -C $R update-ref refs/heads/feature $X; git -C $R symbolic-ref HEAD refs/heads/feature; git -C $R reset -q --hard; }
echo "  git checkout of X wrote prod/sub/app.yaml data_path: $(grep data_path $R/deploy/prod/sub/app.yaml)"
echo "  git ls-tree X:deploy/prod/sub: $(git -C $R ls-tree --name-only X 2>/dev/null; git -C $R ls-tree --name-only $X:deploy/prod/sub | tr '\n' ' ')  git show X:deploy/prod/sub/app.yaml: $(git -C $R show $X:deploy/prod/sub/app.yaml >/dev/null 2>&1 && echo found || echo MISSING); checkout has it: $(test -f $R/deploy/prod/sub/app.yaml && echo yes)"
git -C $R show $X:deploy/staging/sub/app.yaml | sed "s#data_path: /var/lib/app#data_path: /srv/app#" > $W/app.tmp; AB=$(blob $W/app.tmp)
SS=$(with_entry $X:deploy/staging/sub app.yaml $AB); ST=$(with_entry $X:deploy/staging sub $SS)
DEP2=$(with_entry $X:deploy staging $ST); ROOT2=$(with_entry $X^{tree} deploy $DEP2)
sign_tree Ana ana@example.com $W/keys/ana $ROOT2 "staging data_path (prod/sub kept as on main)"
echo "  prod/sub id same at X and C: $([ $(git -C $R rev-parse $X:deploy/prod/sub) = $(git -C $R rev-parse $C:deploy/prod/sub) ] && echo yes || echo no)"
gate main $C; sp=$GATE_RC; spout=$(python3 -c 'import json;d=json.load(open("'$W'/gate.json"));print([f["rule"] for f in d["findings"] if f["severity"]=="error"], d["gate"]["passed"])' 2>/dev/null || head -c 200 $W/gate.err)
(cd $R && DRIFTCHECK_GATE_FULL=1 timeout 60 $DC gate --base main --head $C --format json >$W/full.json 2>$W/full.err); fu=$?
fuout=$(python3 -c 'import json;d=json.load(open("'$W'/full.json"));print([f["rule"] for f in d["findings"] if f["severity"]=="error"])' 2>/dev/null || head -c 200 $W/full.err)
(cd $R && timeout 60 $DC audit main..$C --gate --format json >$W/ag.json 2>$W/ag.err); ag=$?
agout=$(python3 -c 'import json;print([(c["commit"][:8],c["passed"]) for c in json.load(open("'$W'/ag.json"))["commits"]])' 2>/dev/null || head -c 200 $W/ag.err)
echo "  $(cd $R && $DC gate --base main --head $C -v 2>&1 | grep "^gate: compared")"
echo "  sparse gate rc=$sp $spout | full gate rc=$fu $fuout | audit --gate rc=$ag $agout"
if { [ $sp = 0 ] && [ $fu != 0 ]; } || { [ $sp != 0 ] && [ $fu = 0 ]; }; then echo "BUG ($NAME): one of sparse (rc=$sp) / full (rc=$fu) passes"
else echo "HELD ($NAME): both refuse (sparse rc=$sp drift finding, full rc=$fu named twice): fail-closed, exit codes differ"; fi
