#!/bin/bash
# One audit over a history mixing ed25519 (valid, copied, duplicated, two signatures for one
# reviewer, key listed but trailer claims someone else), ecdsa-p256 and rsa signatures:
# audit's signed/not-signed must equal gate --base C^ --head C for every commit.
NAME=28_mixed_batch; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
ssh-keygen -q -t ecdsa -b 256 -N '' -f $W/keys/bo_ec >/dev/null; ssh-keygen -q -t rsa -b 2048 -N '' -f $W/keys/carol_rsa >/dev/null
setup_base "" "ana@example.com $(pub ana)
bo@example.com $(pub bo_ec)
carol@example.com $(pub carol_rsa)
mal@example.com $(pub mal)"
n=30
step() { n=$((n+1)); raise $((n-1)) $n 2>/dev/null; sed -i "s/timeout: .*/timeout: $n/" $R/deploy/staging/app.yaml $R/deploy/prod/app.yaml; mal add -A; mal commit -q -m "c$1"; }
step 1; approve_as Ana ana@example.com $W/keys/ana HEAD^; S1=$SIG; amend "c1

$RB
$SIG"
step 2; approve_as Ana ana@example.com $W/keys/ana HEAD^; amend "c2

$RB
$S1"
step 3; approve_as Bo bo@example.com $W/keys/bo_ec HEAD^; amend "c3

$RB
$SIG"
step 4; approve_as Carol carol@example.com $W/keys/carol_rsa HEAD^; amend "c4

$RB
$SIG"
step 5; approve_as Ana ana@example.com $W/keys/ana HEAD^; amend "c5

$RB
$S1
$SIG"
step 6; approve_as Ana ana@example.com $W/keys/ana HEAD^; amend "c6

$RB
$SIG
$SIG"
step 7; approve_as Ana ana@example.com $W/keys/ana HEAD^; amend "c7

$RB
$SIG"; S7=$SIG; RB7=$RB
step 8; approve_as Bo bo@example.com $W/keys/bo_ec HEAD^; amend "c8

$RB
${SIG/bo@example.com/ana@example.com}"
step 9; approve_as Ana ana@example.com $W/keys/ana HEAD^; amend "c9

${RB/ana@/ANA@}
$SIG"
(cd $R && rm -f .git/driftcheck/verified-signatures && $DC audit main..HEAD --format json > $W/audit.json 2>$W/audit.err)
(cd $R && $DC audit main..HEAD --format json > $W/audit2.json 2>>$W/audit.err)   # second run: from the memo
bad=0
for c in $(git -C $R rev-list --reverse main..HEAD); do
  (cd $R && $DC gate --base $c^ --head $c --format json > $W/g.json 2>/dev/null)
  G=$(python3 -c 'import json;print([s.get("assurance","").startswith("signed") for s in json.load(open("'$W'/g.json"))["gate"]["signoffs"]])')
  A=$(python3 -c 'import json,sys;print([s["signed"] for x in json.load(open(sys.argv[1]))["commits"] if x["commit"]=="'$c'" for s in x["signoffs"]])' $W/audit.json)
  A2=$(python3 -c 'import json,sys;print([s["signed"] for x in json.load(open(sys.argv[1]))["commits"] if x["commit"]=="'$c'" for s in x["signoffs"]])' $W/audit2.json)
  S=$(git -C $R log -1 --format=%s $c); echo "$S gate=$G audit=$A audit(memo)=$A2"
  [ "$G" = "$A" ] && [ "$A" = "$A2" ] || bad=1
done
[ $bad = 0 ] && echo "HELD (28): audit (fresh and memo) agrees with the gate on every commit" || echo "BUG (28): audit and gate disagree (see above)"
