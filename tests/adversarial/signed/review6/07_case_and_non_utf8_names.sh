#!/bin/bash
# Names that differ from the trust paths only by letter case or by a non-UTF-8 byte: X (signed by
# Ana) adds `.Driftcheck/allowed_signers` and `.DRIFTCHECK` (lists with Carol, revoked at R1),
# `.driftcheck\xff` (dir with Carol's list), `.mailmap\x80` and `.MAILMAP` (mapping carol@ to Bo).
# git reads none of them as the trust files. C signed by Carol. Expect gate and audit to refuse C,
# same verdict for every commit (range, whole history, --gate).
NAME=r6_07_case; . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_base '' "ana@example.com $(pub ana)
bo@example.com $(pub bo)
carol@example.com $(pub carol)"
D0=$(git -C $R rev-parse HEAD:.driftcheck); S0=$(git -C $R rev-parse HEAD:.driftcheck/allowed_signers)
grep -v carol $R/.driftcheck/allowed_signers > $R/.driftcheck/allowed_signers.new; mv $R/.driftcheck/allowed_signers.new $R/.driftcheck/allowed_signers; git -C $R add -A
signed_commit Ana ana@example.com $W/keys/ana "Revoke Carol"; R1=$(git -C $R rev-parse HEAD)
printf 'Mallory <mal@example.com> <carol@example.com>\n' > $W/mm; MB=$(blob $W/mm)
XT=$( (lstree $R1; echo "40000 .Driftcheck $D0"; echo "100644 .DRIFTCHECK $S0"; echo '40000 .driftcheck\xff '$D0; echo '100644 .mailmap\x80 '$MB; echo "100644 .MAILMAP $MB") | python3 -c '
import sys
rows=[l.split(" ",1)[0:1]+l.split(" ",1)[1].rsplit(" ",1) for l in sys.stdin.read().splitlines()]
key=lambda r: r[1].encode().decode("unicode_escape").encode("latin-1")+(b"/" if r[0]=="40000" else b"")
for r in sorted(rows,key=key): print(" ".join(r))' | mktree_raw)
git -C $R ls-tree $XT | cat -A | cut -c1-90
sign_tree Ana ana@example.com $W/keys/ana $XT "case variants"; X=$C
sign_tree Carol carol@example.com $W/keys/carol $(with_entry $X deploy $(bumped_deploy $R1 61)) "Raise timeout"
gate_at $C; echo "  gate C rc=$GATE_RC $(head -c 120 $W/gate.err)"
bad=0; [ $GATE_RC = 0 ] && bad=1
for range in main..feature feature; do audit_vs_gate $range > $W/avg.out; cat $W/avg.out; [ "$DIS" = 0 ] || bad=1; done
audit_passed $C main..feature; echo "  audit C passed=$AP"; [ "$AP" = True ] && bad=1
[ $bad = 0 ] && echo "HELD ($NAME): exact-byte lookups; gate = audit" || echo "BUG ($NAME)"
