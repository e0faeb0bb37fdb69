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
base_with_subdirs
P=$(git -C $R rev-parse HEAD:deploy/prod/sub)
git -C $R show HEAD:deploy/prod/sub/app.yaml | sed "s#data_path: /var/lib/app#data_path: /srv/app#" > $W/new.tmp; NB=$(blob $W/new.tmp)
OB=$(git -C $R rev-parse HEAD:deploy/prod/sub/app.yaml)
XT=$(git -C $R rev-parse HEAD:deploy/prod/sub/x1)
PU=$( { echo "40000 a0 $XT"; echo "40000 a1 $XT"; echo "100644 app.yaml $NB"; echo "100644 app.yaml $OB"; lstree $P | awk '$2!="app.yaml"'; } | mktree_raw)
land_prod_sub $PU
echo "  git checkout of X wrote prod/sub/app.yaml data_path: $(grep data_path $R/deploy/prod/sub/app.yaml)"
staging_change_signed
if { [ $sp = 0 ] && [ $fu != 0 ]; } || { [ $sp != 0 ] && [ $fu = 0 ]; }; then echo "BUG ($NAME): one of sparse (rc=$sp) / full (rc=$fu) passes"
else echo "HELD ($NAME): both refuse (sparse rc=$sp drift finding, full rc=$fu named twice): fail-closed, exit codes differ"; fi
