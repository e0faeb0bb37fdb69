NAME=r6_probe; . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_base
B=$(git -C $R rev-parse main)
lstree $B > $W/rootlines; cat $W/rootlines
python3 - $W/rootlines > $W/perms <<'PY'
import itertools,sys
ls=open(sys.argv[1]).read().splitlines()
for p in itertools.permutations(ls): print("|".join(p))
PY
while read -r perm; do
  TT=$(echo "$perm" | tr '|' '\n' | mktree_raw)
  P=$(mal commit-tree $TT -p $B -m reorder)
  names=$(echo "$perm" | tr '|' '\n' | awk '{print $2}' | tr '\n' ' ')
  gshow=$(git -C $R cat-file -e $P:driftcheck.toml 2>/dev/null && echo git-finds || echo git-misses)
  # libgit2: gate with base P, head P (no change) - config location via regular_blob_at
  out=$(cd $R && $DC gate --base $P --head $P 2>&1 >/dev/null | head -c 120); rc=$?
  echo "$names| $gshow | $(echo "$out" | grep -q "merge base's config is no" && echo lib-misses || echo lib-finds)"
done < $W/perms
