#!/bin/bash
# As 02 without `exclude` (the bounded path: bounded.rs env_of/treefacts summary, walk_group)
# As 01, with the unsorted tree one level down (deploy/prod/sub/ = x1/ x2/ app.yaml)
# An unsorted (no duplicate) env dir deploy/prod on main (landed without the gate: admin/legacy),
# unchanged by the change C. [env.*] has `exclude` so the subset takes the listing path
# (incremental::listing -> git::list_under walks raw, never well_formed; write_subset ->
# mount_paths -> libgit2 get_path, a binary search over the raw order, misses app.yaml).
# C introduces a data_path drift in staging, signed by Ana. Expect: sparse gate = full gate
# (refuse, rc 1, or exit 2 both).
NAME=r7_03 BOUNDED=1 exec bash "$(dirname "$0")/02_unsorted_env_subdir.sh"
