#!/bin/bash
# A history that cannot be read to the end: audit must exit 2 (an error), never report the commits
# it could read as if they were all. 100 signed commits; in copies of the repository one loose
# object is removed: the tree of commit 50, the tree of commit 90 (after the first group of 64),
# the commit object 70, and the allowed_signers blob that commit 80 introduced (read for commit 81).
NAME=r4_08_read_fails; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
setup_base; git -C $R checkout -q main; bad=0
for i in $(seq 1 100); do bump $((100+i))
  [ $i = 80 ] && { echo "carol@example.com $(pub carol)" >> $R/.driftcheck/allowed_signers; git -C $R add -A; }
  signed_commit Ana ana@example.com $W/keys/ana "c$i"; done
obj() { echo $1 | sed 's|^\(..\)|\1/|'; }
try() { # try LABEL OBJECT
  rm -rf $W/copy; cp -a $R $W/copy; rm -f $W/copy/.git/objects/$(obj $2) || return
  (cd $W/copy && timeout 120 $DC audit HEAD --format json > $W/c.json 2>$W/c.err); rc=$?
  n=$(python3 -c 'import json,sys
try: print(len(json.load(open(sys.argv[1]))["commits"]))
except Exception: print("-")' $W/c.json)
  (cd $W/copy && timeout 60 $DC gate --base main~20 --head main > /dev/null 2>$W/g.err); g=$?
  if [ $rc = 2 ] && [ "$n" = - ]; then echo "  $1: audit rc=2, no report ($(head -c 120 $W/c.err | tr '\n' ' ')); gate over it rc=$g"
  else echo "BUG ($NAME/$1): audit rc=$rc with $n commits reported ($(grep -o '"signature": *"[^"]*"' $W/c.json | sort | uniq -c | sort -rn | head -2 | tr '\n' ' ' | cut -c1-200)); gate over it rc=$g"; bad=1; fi
}
try tree_of_c50 $(git -C $R rev-parse main~50^{tree})
try tree_of_c90 $(git -C $R rev-parse main~10^{tree})
try commit_c70 $(git -C $R rev-parse main~30)
try signers_blob_of_c80 $(git -C $R rev-parse main~20:.driftcheck/allowed_signers)
[ $bad = 0 ] && echo "HELD ($NAME): every unreadable history ends audit with exit 2"
