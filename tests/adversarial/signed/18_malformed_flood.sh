#!/bin/bash
NAME=18_malformed_flood; . /tmp/dc-review/attacks/lib.sh
std_change
B=$(echo "$SIG" | cut -d" " -f3)
python3 - "$RB" "$SIG" > $W/msg <<PY
import sys,base64,struct
rb,sig=sys.argv[1],sys.argv[2]
parts=sig.split(" ")
lines=["Raise timeout","",rb]
# bogus SSHSIG with huge length fields
bog=base64.b64encode(b"SSHSIG"+struct.pack(">I",1)+struct.pack(">I",0xffffffff)+b"A"*64).decode()
for i in range(1500): lines.append("Review-Signature: ana@example.com %s %s"%(parts[2],bog))
lines.append("Review-Signature: ana@example.com %s %s"%(parts[2],"A"*2000000))
lines.append("Review-Signature: ana@example.com "+parts[2])
lines.append("Review-Signature: \u200bana@example.com %s %s"%(parts[2],parts[3]))
lines.append("Review-Signature:")
lines.append("Review-Signature: ana@example.com %s %s=" % (parts[2], parts[3]))
print("\n".join(lines))
PY
sed -i "1s/$/ \xff\xfe/" $W/msg
mal commit -q --amend --allow-empty -F $W/msg
start=$(date +%s); gate; echo "gate took $(( $(date +%s)-start ))s rc=$GATE_RC"; grep -i panick $W/gate.err && echo "BUG ($NAME): panic"
(cd $R; timeout 60 $DC trailers HEAD > $W/tr.out 2>&1; echo "trailers rc=$?"); grep -c "$(echo "$SIG"|cut -d" " -f4|head -c 40)" $W/tr.out | sed "s/^/full-sig-bytes-in-trailers: /"
verdict
