#!/bin/bash
# Merges and one trailer in several commits: x1 and y1 are siblings (same parent, same change: the
# same statement, so x1's trailer is valid on y1 too), y2 carries x1's trailer over another digest,
# a merge with its own config resolution signed for its first parent, another signed for its second
# parent. audit (whole history, groups/batches, memo cold and warm) must equal gate --base C^ --head C.
NAME=r4_06_merges; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
setup_base; git -C $R checkout -q main; bad=0
bump 101; signed_commit Ana ana@example.com $W/keys/ana "c1"
git -C $R checkout -q -b x; bump 500; signed_commit Ana ana@example.com $W/keys/ana "x1"; XRB=$RB; XSIG=$SIG
git -C $R checkout -q -b y main; bump 500; mal commit -q -m "y1 (x1's trailer)

$XRB
$XSIG"
bump 501; mal commit -q -m "y2 (x1's trailer, other digest)

$XRB
$XSIG"
git -C $R checkout -q x; mal merge -q --no-ff -s ours --no-commit y >/dev/null 2>&1; bump 777
signed_commit Ana ana@example.com $W/keys/ana "merge y into x, own resolution"
Y2=$(git -C $R rev-parse y); git -C $R checkout -q y; mal merge -q --no-ff -s ours --no-commit x >/dev/null 2>&1; bump 778
mal commit -q -m m2; approve_as Ana ana@example.com $W/keys/ana HEAD^2
mal commit -q --amend -m "merge x into y, signed for the second parent

$RB
$SIG"
audit_vs_gate HEAD; [ "$DIS" = 0 ] || bad=1
rm -f $R/.git/driftcheck/verified-signatures; (cd $R && $DC audit HEAD --format json > $W/a1.json 2>/dev/null; $DC audit HEAD --format json > $W/a2.json 2>/dev/null)
# (compared per commit: the order of commits on parallel branches varies from run to run, case 07)
srt() { python3 -c 'import json,sys; print(json.dumps(sorted(json.load(open(sys.argv[1]))["commits"],key=lambda c:c["commit"])))' $1; }
[ "$(srt $W/a1.json)" = "$(srt $W/a2.json)" ] || { echo "BUG ($NAME): cold and warm audit verdicts differ"; bad=1; }
python3 -c 'import json,sys,subprocess
for c in json.load(open(sys.argv[1]))["commits"]:
  m=subprocess.run(["git","-C",sys.argv[2],"log","-1","--format=%s",c["commit"]],capture_output=True,text=True).stdout.strip()
  print("   ", "pass  " if c["passed"] else "refuse", m, "|", "; ".join((s.get("signature") or s["reason"])[:60] for s in c["signoffs"]))' $W/a1.json $R
[ $bad = 0 ] && echo "HELD ($NAME): audit = gate on merges and reused trailers; cold = warm"
