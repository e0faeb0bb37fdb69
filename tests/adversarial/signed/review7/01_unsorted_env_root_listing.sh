#!/bin/bash
# An unsorted (no duplicate) env dir deploy/prod on main (landed without the gate: admin/legacy),
# unchanged by the change C. [env.*] has `exclude` so the subset takes the listing path
# (incremental::listing -> git::list_under walks raw, never well_formed; write_subset ->
# mount_paths -> libgit2 get_path, a binary search over the raw order, misses app.yaml).
# C introduces a data_path drift in staging, signed by Ana. Expect: sparse gate = full gate
# (refuse, rc 1, or exit 2 both).
NAME=r7_01; . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_base
for e in staging prod; do mkdir -p $R/deploy/$e/sub/x1 $R/deploy/$e/sub/x2; echo k > $R/deploy/$e/sub/x1/keep.bak; echo k > $R/deploy/$e/sub/x2/keep.bak;  done
printf '[env.staging]\nroot = "deploy/staging"\nexclude = ["**/*.bak"]\n\n[env.prod]\nroot = "deploy/prod"\nexclude = ["**/*.bak"]\n\n[review]\nsigners = ".driftcheck/allowed_signers"\nsigned = "required"\n' > $R/driftcheck.toml
for e in staging prod; do for i in $(seq -w 1 30); do printf "kind: ConfigMap\nmetadata:\n  name: f%s\nval: %s\n" $i $i > $R/deploy/$e/f$i.yaml; done; done
git -C $R add -A; admin commit -q -m "base2"
git -C $R checkout -q main; git -C $R merge -q --ff-only feature
# X: main's tree with deploy/prod's entries in the order x1 x2 app.yaml (git checkout writes all)
P=$(git -C $R rev-parse HEAD:deploy/prod)
PU=$(lstree $P | awk '$2!="app.yaml"'; lstree $P | awk '$2=="app.yaml"')
PU=$(printf '%s\n' "$PU" | mktree_raw)
PR=$PU; DEP=$(printf "40000 prod %s\n40000 staging %s\n" $PR $(git -C $R rev-parse HEAD:deploy/staging) | mktree_raw)
ROOT=$(with_entry HEAD^{tree} deploy $DEP)
land_on_main $ROOT
echo "  git ls-tree X:deploy/prod: $(git -C $R ls-tree --name-only X 2>/dev/null; git -C $R ls-tree --name-only $X:deploy/prod | tr '\n' ' ')  git show X:deploy/prod/app.yaml: $(git -C $R show $X:deploy/prod/app.yaml >/dev/null 2>&1 && echo found || echo MISSING); checkout has it: $(test -f $R/deploy/prod/app.yaml && echo yes)"
git -C $R show $X:deploy/staging/app.yaml | sed "s#data_path: /var/lib/app#data_path: /srv/app#" > $W/app.tmp; AB=$(blob $W/app.tmp)
ST=$(with_entry $X:deploy/staging app.yaml $AB)
DEP2=$(with_entry $X:deploy staging $ST); ROOT2=$(with_entry $X^{tree} deploy $DEP2)
sign_tree Ana ana@example.com $W/keys/ana $ROOT2 "staging data_path (prod/sub kept as on main)"
echo "  prod id same at X and C: $([ $(git -C $R rev-parse $X:deploy/prod) = $(git -C $R rev-parse $C:deploy/prod) ] && echo yes || echo no)"
compare_gates $C
if [ $sp = 0 ] && [ $fu != 0 ]; then echo "BUG ($NAME): sparse gate passes an introduced drift error the full gate refuses (unsorted prod on main)"
elif [ $sp != $fu ]; then echo "BUG ($NAME): sparse rc=$sp full rc=$fu differ"
else echo "HELD ($NAME): sparse = full (rc=$sp)"; fi
