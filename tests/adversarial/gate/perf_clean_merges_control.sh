#!/bin/bash
# Long-input family (history shape): a change made of N "evil" merges (each merge adds a guarded
# file of its own, so each is a merge requirement) plus N side commits. Time the gate for N and 2N.
for N in ${NS:-100 200 400}; do
(
. /tmp/attack-gate/lib.sh
standard ''
cd $T/repo
BLOB=$(printf 'a: 1\n' | git hash-object -w --stdin)
export GIT_INDEX_FILE=$T/idx; git read-tree HEAD
prev=$(git rev-parse HEAD); base=$prev
for i in $(seq 1 $N); do
  git read-tree $base; git update-index --add --cacheinfo 100644,$BLOB,deploy/staging/s$i.yaml
  side=$(git commit-tree $(git write-tree) -p $base -m "side $i")
  git read-tree $prev; git update-index --add --cacheinfo 100644,$BLOB,deploy/staging/s$i.yaml
  prev=$(git commit-tree $(git write-tree) -p $prev -p $side -m "merge $i")
done
unset GIT_INDEX_FILE; git update-ref refs/heads/feature $prev; git reset -q --hard feature
/usr/bin/time -f "%U %S %e" -o $T/time "$DC" gate --base main >/dev/null 2>&1; rc=$?
read u s e < <(tail -1 $T/time); echo "clean merges N=$N exit=$rc cpu=$(echo "$u+$s"|bc) wall=$e"
)
done
