#!/bin/bash
# As 01, with the unsorted tree one level down (deploy/prod/sub/ = x1/ x2/ app.yaml)
# An unsorted (no duplicate) env dir deploy/prod on main (landed without the gate: admin/legacy),
# unchanged by the change C. [env.*] has `exclude` so the subset takes the listing path
# (incremental::listing -> git::list_under walks raw, never well_formed; write_subset ->
# mount_paths -> libgit2 get_path, a binary search over the raw order, misses app.yaml).
# C introduces a data_path drift in staging, signed by Ana. Expect: sparse gate = full gate
# (refuse, rc 1, or exit 2 both).
NAME=${NAME:-r7_02}; . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
base_with_subdirs ${BOUNDED:+bounded}
# X: main's tree with deploy/prod/sub's entries in the order x1 x2 app.yaml (git checkout writes all)
P=$(git -C $R rev-parse HEAD:deploy/prod/sub)
PU=$( { lstree $P | awk '$2!="app.yaml"'; lstree $P | awk '$2=="app.yaml"'; } | mktree_raw)
land_prod_sub $PU
staging_change_signed
if [ $sp = 0 ] && [ $fu != 0 ]; then echo "BUG ($NAME): sparse gate passes an introduced drift error the full gate refuses (unsorted prod on main)"
elif [ $sp != $fu ]; then echo "BUG ($NAME): sparse rc=$sp full rc=$fu differ"
else echo "HELD ($NAME): sparse = full (rc=$sp)"; fi
