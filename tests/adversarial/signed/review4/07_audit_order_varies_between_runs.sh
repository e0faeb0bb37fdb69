#!/bin/bash
# audit JSON must be identical across runs. With two branches merged, git::Repo::history's Kahn
# walk takes children from HashMaps (random order per process), so the commits of parallel branches
# come out in a different order from run to run (verdicts per commit are the same).
NAME=r4_07_order; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
setup_base; git -C $R checkout -q main
bump 101; mal commit -q -m c1
git -C $R checkout -q -b x; bump 500; mal commit -q -m x1; bump 501; mal commit -q -m x2
git -C $R checkout -q -b y main; bump 600; mal commit -q -m y1; bump 601; mal commit -q -m y2
git -C $R checkout -q x; mal merge -q --no-ff -s ours --no-commit y >/dev/null 2>&1; bump 777; mal commit -q -m merge
for i in $(seq 1 12); do (cd $R && $DC audit HEAD --format json 2>/dev/null | md5sum); done | sort | uniq -c > $W/sums
n=$(wc -l < $W/sums); cat $W/sums | sed 's/^/  /'
for i in 1 2 3; do (cd $R && $DC audit HEAD --format json 2>/dev/null | python3 -c 'import json,sys,subprocess
print("  order:", " ".join(subprocess.run(["git","log","-1","--format=%s",c["commit"]],capture_output=True,text=True).stdout.strip() for c in json.load(sys.stdin)["commits"]))'); done
[ $n = 1 ] && echo "HELD ($NAME): 12 runs, one JSON" || echo "BUG ($NAME): 12 runs of audit HEAD gave $n different JSON outputs (commit order)"
