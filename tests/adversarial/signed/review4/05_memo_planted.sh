#!/bin/bash
# The verification memo (.git/driftcheck/verified-signatures): garbage, a truncated entry, a
# directory in its place, entries copied from another repository, a gate run (must not write it),
# and an entry forged for a stale signature (anyone can compute memo.rs's unkeyed SHA-256).
# Expect: garbage/copied memos change nothing (JSON = cold run); the gate never writes or reads it.
# The forged entry is memo.rs's documented limit ("whoever can write .git can already rewrite
# the history"): shown, not counted as BUG, with audit --gate's verdict beside gate's.
NAME=r4_05_memo; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
setup_base; git -C $R checkout -q main; bad=0; M=$R/.git/driftcheck/verified-signatures
for i in 1 2 3; do bump $((100+i)); signed_commit Ana ana@example.com $W/keys/ana "c$i"; done
bump 200; mal commit -q -m c4; approve_as Ana ana@example.com $W/keys/ana HEAD~1; bump 201; mal commit -q --amend -m "c4 stale

$RB
$SIG"
run() { (cd $R && $DC audit HEAD --format json > $W/$1.json 2>$W/$1.err; echo $? > $W/$1.rc); }
V=${SIG#Review-Signature: }; rm -f $M; run cold; rm -f $M
(cd $R && $DC gate --base HEAD^ --head HEAD >/dev/null 2>&1); [ -e $M ] && { echo "BUG ($NAME): rm'd memo, gate wrote it"; bad=1; }
run cold_again
same() { cmp -s $W/cold.json $W/$1.json && [ "$(cat $W/$1.rc)" = "$(cat $W/cold.rc)" ] && echo "  $1: same as cold" || { echo "BUG ($NAME): $1 differs (rc $(cat $W/$1.rc))"; bad=1; }; }
same cold_again
head -c 1000 /dev/urandom > $M; run garbage; same garbage
head -c 45 /dev/urandom > $M; run truncated; same truncated
rm -f $M; mkdir -p $M; run memo_is_dir; same memo_is_dir; rmdir $M
# a memo of another repository (same key files, other history)
O=$W/other; git clone -q $R $O; RR=$R; R=$O; git -C $R reset -q --hard HEAD~3
for i in 1 2 3; do bump $((300+i)); signed_commit Ana ana@example.com $W/keys/ana "other c$i"; done
(cd $R && $DC audit HEAD --format json >/dev/null 2>&1); R=$RR
cp $O/.git/driftcheck/verified-signatures $M; run other_repo; same other_repo
# the forged entry for c4 (stale signature)
DIG=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["commits"][-1]["digest"])' $W/cold.json)
python3 $HERE/memokey.py $(git -C $R rev-parse HEAD^:.driftcheck/allowed_signers) 0000000000000000000000000000000000000000 ana@example.com "$DIG" $(git -C $R rev-parse HEAD^) "$V" >> $M
run forged; (cd $R && $DC gate --base HEAD^ --head HEAD >/dev/null 2>&1); G=$?
(cd $R && $DC audit HEAD^..HEAD --gate --format json > $W/ag.json 2>/dev/null)
echo "  forged memo entry for the stale c4: audit passed=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["commits"][-1]["passed"])' $W/forged.json), audit --gate passed=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["commits"][-1]["passed"])' $W/ag.json), gate rc=$G (documented limit)"
[ $bad = 0 ] && echo "HELD ($NAME): planted, corrupt and foreign memos change no verdict; gate neither reads nor writes it"
