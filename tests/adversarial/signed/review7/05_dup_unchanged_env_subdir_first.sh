#!/bin/bash
# As 04 with fillers a0/ a1/ before the duplicates (libgit2 get_path then lands on the FIRST app.yaml,
# git checkout writes the SECOND). Duplicate app.yaml in an UNCHANGED env subdir on main (deploy/prod/sub: app.yaml=/srv/app, app.yaml=/var/lib/app,
# x1/, x2/), listing path. C moves staging to /srv/app. named_twice only vets changed dirs; list_under
# walks raw; mount_paths get_path picks one duplicate. Expect sparse = full (full mount refuses: exit 2).
# As 01, with the unsorted tree one level down (deploy/prod/sub/ = x1/ x2/ app.yaml)
# An unsorted (no duplicate) env dir deploy/prod on main (landed without the gate: admin/legacy),
# unchanged by the change C. [env.*] has `exclude` so the subset takes the listing path
# (incremental::listing -> git::list_under walks raw, never well_formed; write_subset ->
# mount_paths -> libgit2 get_path, a binary search over the raw order, misses app.yaml).
# C introduces a data_path drift in staging, signed by Ana. Expect: sparse gate = full gate
# (refuse, rc 1, or exit 2 both).
NAME=r7_05; . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
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
XT=$(git -C $R rev-parse HEAD:deploy/prod/sub/x1)
PU=$( { echo "40000 a0 $XT"; echo "40000 a1 $XT"; echo "100644 app.yaml $NB"; echo "100644 app.yaml $OB"; lstree $P | awk '$2!="app.yaml"'; } | mktree_raw)
PR=$(printf "40000 sub %s\n" $PU | mktree_raw); DEP=$(printf "40000 prod %s\n40000 staging %s\n" $PR $(git -C $R rev-parse HEAD:deploy/staging) | mktree_raw)
ROOT=$(with_entry HEAD^{tree} deploy $DEP)
land_on_main $ROOT
echo "  git checkout of X wrote prod/sub/app.yaml data_path: $(grep data_path $R/deploy/prod/sub/app.yaml)"
echo "  git ls-tree X:deploy/prod/sub: $(git -C $R ls-tree --name-only X 2>/dev/null; git -C $R ls-tree --name-only $X:deploy/prod/sub | tr '\n' ' ')  git show X:deploy/prod/sub/app.yaml: $(git -C $R show $X:deploy/prod/sub/app.yaml >/dev/null 2>&1 && echo found || echo MISSING); checkout has it: $(test -f $R/deploy/prod/sub/app.yaml && echo yes)"
git -C $R show $X:deploy/staging/sub/app.yaml | sed "s#data_path: /var/lib/app#data_path: /srv/app#" > $W/app.tmp; AB=$(blob $W/app.tmp)
SS=$(with_entry $X:deploy/staging/sub app.yaml $AB); ST=$(with_entry $X:deploy/staging sub $SS)
DEP2=$(with_entry $X:deploy staging $ST); ROOT2=$(with_entry $X^{tree} deploy $DEP2)
sign_tree Ana ana@example.com $W/keys/ana $ROOT2 "staging data_path (prod/sub kept as on main)"
echo "  prod/sub id same at X and C: $([ $(git -C $R rev-parse $X:deploy/prod/sub) = $(git -C $R rev-parse $C:deploy/prod/sub) ] && echo yes || echo no)"
compare_gates $C
if { [ $sp = 0 ] && [ $fu != 0 ]; } || { [ $sp != 0 ] && [ $fu = 0 ]; }; then echo "BUG ($NAME): one of sparse (rc=$sp) / full (rc=$fu) passes"
else echo "HELD ($NAME): both refuse (sparse rc=$sp drift finding, full rc=$fu named twice): fail-closed, exit codes differ"; fi
