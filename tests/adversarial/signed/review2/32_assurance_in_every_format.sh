#!/bin/bash
# signed = "optional": Ana signed (valid), Bo typed, Carol's signature is for another digest.
# Every format (human, json, sarif, github, markdown) must show the assurance of each:
# Ana "signed by a key in allowed_signers", Bo and Carol "typed trailer", and must not
# show Carol as signed.
NAME=32_formats; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
setup_base 'signers = ".driftcheck/allowed_signers"
signed = "optional"
required = 2' "ana@example.com $(pub ana)
bo@example.com $(pub bo)
carol@example.com $(pub carol)
mal@example.com $(pub mal)"
raise; mal add -A; mal commit -q -m "Raise timeout"
approve_as Carol carol@example.com $W/keys/carol; OLD=$SIG
raise 60 90; mal add -A; mal commit -q --amend -m "Raise timeout"
approve_as Ana ana@example.com $W/keys/ana; RA=$RB; SA=$SIG
approve_as Bo bo@example.com $W/keys/bo; RBO=$RB
approve_as Carol carol@example.com $W/keys/carol; RC=$RB
amend "Raise timeout

$RA
$SA
$RBO
$RC
$OLD"
bad=0
for f in human json sarif github markdown; do
  (cd $R && $DC gate --base main --head HEAD --format $f > $W/out.$f 2>&1)
  python3 - $W/out.$f $f <<'PY' || bad=1
import sys,re
t=open(sys.argv[1]).read(); f=sys.argv[2]
S="signed by a key in allowed_signers"; T="typed trailer"
# per reviewer: find text near each email
ok=True; notes=[]
for who,want in (("ana@example.com",S),("bo@example.com",T),("carol@example.com",T)):
    # lines/records mentioning the reviewer
    segs=[s for s in re.split(r'\n|\},\{|\\n', t) if who in s]
    has_w=any(want in s for s in segs); has_s=any(S in s for s in segs)
    if not has_w or (want==T and has_s): ok=False
    notes.append(f"{who.split('@')[0]}:{'ok' if has_w and not (want==T and has_s) else 'MISSING/WRONG'}")
print(f"{f:9s}", " ".join(notes))
sys.exit(0 if ok else 1)
PY
done
[ $bad = 0 ] && echo "HELD (32): every format names each sign-off's assurance" || echo "BUG (32): a format lacks or misstates an assurance (files in $W/out.*)"
