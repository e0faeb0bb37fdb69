#!/bin/bash
# audit pipeline (groups of 64, one batch per group, keys decoded once per batch): a chain of 129
# commits all approved by Ana's one key; stale signatures (approved, then the change edited: Invalid)
# at chain positions 1 63 64 65 100 and a previous commit's trailer reused at 66 (OtherBase).
# For ranges of 1, 63, 64, 65, 128, 129 commits and the whole history, audit's verdicts must equal
# gate --base C^ --head C for every commit; the JSON must be identical cold, warm, and run again.
NAME=r4_03_lengths; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
setup_base; git -C $R checkout -q main; bad=0
for i in $(seq 1 129); do
  bump $((100+i)); mal commit -q -m "c$i"; approve_as Ana ana@example.com $W/keys/ana HEAD~1
  case " 1 63 64 65 100 " in *" $i "*) bump $((1000+i)); mal commit -q --amend -m "c$i";; esac
  [ $i = 66 ] && { RB=$PRB; SIG=$PSIG; }
  mal commit -q --amend -m "c$i

$RB
$SIG"; PRB=$RB; PSIG=$SIG
done
for n in 1 63 64 65 128 129; do echo "range main~$n..main:"; audit_vs_gate main~$n..main; [ "$DIS" = 0 ] || bad=1
  [ $n = 129 ] || continue
  python3 -c 'import json,sys; print("  refused in audit:", [i for i,c in enumerate(json.load(open(sys.argv[1]))["commits"],1) if not c["passed"]])' $W/audit.json
done
echo "whole history:"; audit_vs_gate HEAD; [ "$DIS" = 0 ] || bad=1
cp $W/audit.json $W/cold.json; audit_raw() { (cd $R && $DC audit HEAD --format json > $W/$1.json 2>/dev/null); }
audit_raw warm; audit_raw warm2; rm -f $R/.git/driftcheck/verified-signatures; audit_raw cold2
for f in warm warm2 cold2; do cmp -s $W/cold.json $W/$f.json || { echo "BUG ($NAME): audit JSON $f differs from cold"; bad=1; }; done
[ $bad = 0 ] && echo "HELD ($NAME): audit = gate for every commit at every length; JSON identical cold/warm"
