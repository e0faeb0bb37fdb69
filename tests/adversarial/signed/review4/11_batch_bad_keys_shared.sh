#!/bin/bash
# ed25519::batch_holds decodes each distinct key once per batch. (A key that does not decode,
# y = p+2, cannot be listed: allowed_signers refuses it -- as "a point of small order", a
# misnomer -- so no batch meets one.) allowed_signers lists for Carol the sign-bit twin of Ana's
# key (-A). 70 commits (two batches of 64): i%3=0 Ana + Bo's key with random (R, s); i%3=1 Ana +
# Carol's twin key carrying Ana's signature bytes; i%3=2 only Ana's signature made before the
# change was edited (Invalid, same key as the valid ones in the batch). Expect: audit = gate,
# Ana's valid signatures counted, every other one refused.
NAME=r4_11_batch_keys; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
BO=$(python3 -c 'import base64,sys; print(base64.b64decode(sys.argv[1].split()[1])[-32:].hex())' "$(cat $W/keys/bo.pub)")
TW=$(python3 -c 'import base64,sys; b=base64.b64decode(sys.argv[1].split()[1]); k=bytearray(b[-32:]); k[31]^=0x80; print(bytes(k).hex())' "$(cat $W/keys/ana.pub)")
setup_base '' "ana@example.com $(pub ana)
bo@example.com $(pub bo)
carol@example.com $(python3 $HERE/badkey.py pub $TW)"
git -C $R checkout -q main; bad=0; PREV=
for i in $(seq 1 70); do bump $((100+i)); mal commit -q -m "c$i"; approve_as Ana ana@example.com $W/keys/ana HEAD~1
  B=$(git -C $R rev-parse HEAD~1); V=${SIG#Review-Signature: }; EXTRA=
  case $((i % 3)) in
    0) EXTRA="Reviewed-by: Bo <bo@example.com>
Review-Signature: $(python3 $HERE/badkey.py sig bo@example.com $B $BO s$i)";;
    1) EXTRA="Reviewed-by: Carol <carol@example.com>
Review-Signature: carol@example.com $B $(python3 -c 'import base64,sys,struct
b=bytearray(base64.b64decode(sys.argv[1])); i=b.find(bytes.fromhex(sys.argv[2])[:31]); b[i+31]^=0x80; print(base64.b64encode(bytes(b)).decode())' ${V##* } $(python3 -c 'import base64,sys; print(base64.b64decode(sys.argv[1].split()[1])[-32:].hex())' "$(cat $W/keys/ana.pub)"))";;
    2) bump $((900+i)); mal commit -q --amend -m "c$i";;
  esac
  mal commit -q --amend -m "c$i

$RB
$SIG
$EXTRA"; PREV=$V
done
audit_vs_gate HEAD; [ "$DIS" = 0 ] || bad=1
python3 -c 'import json,sys
cs=json.load(open(sys.argv[1]))["commits"][1:]
ana=[s["counted"] for i,c in enumerate(cs,1) for s in c["signoffs"] if s["email"]=="ana@example.com" and i%3!=2]
stale=[s["counted"] for i,c in enumerate(cs,1) for s in c["signoffs"] if s["email"]=="ana@example.com" and i%3==2]
oth=[s["counted"] for c in cs for s in c["signoffs"] if s["email"]!="ana@example.com"]
print(f"  Ana valid counted {sum(ana)}/{len(ana)}; Ana stale counted {sum(stale)}/{len(stale)}; Bo/Carol counted {sum(oth)}/{len(oth)}")
sys.exit(0 if len(ana)==47 and all(ana) and len(stale)==23 and not any(stale) and len(oth)==47 and not any(oth) else 1)' $W/audit.json || bad=1
[ $bad = 0 ] && echo "HELD ($NAME): bad and twin keys shared across a batch refuse only their own items" || echo "BUG ($NAME)"
