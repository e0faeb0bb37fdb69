#!/bin/bash
# ECDSA approvals: the signature's r and s are SSH mpints, which have redundant spellings
# (a leading 0x00 the sign does not need; a dropped 0x00 read as negative). parse re-encodes the
# decoded blob and compares: each must be refused (review 2 case 35's (r, n-s) is a decided limit).
NAME=r4_02_ecdsa_mpint; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
ssh-keygen -q -t ecdsa -b 256 -N '' -C ana -f $W/keys/ana_ec
setup_base '' "ana@example.com $(awk '{print $1" "$2}' $W/keys/ana_ec.pub)
bo@example.com $(pub bo)"
raise; mal add -A; mal commit -q -m "Raise timeout"; bad=0
for try in 1 2 3 4 5 6; do   # until r or s has a sign byte (high bit set), to test dropping it too
  approve_as Ana ana@example.com $W/keys/ana_ec; V=${SIG#Review-Signature: }
  python3 $HERE/ecdsa_mpint.py "$V" 2>/dev/null | grep -c dropped >/dev/null && break
done
printf 'Raise timeout\n\n%s\nReview-Signature: %s\n' "$RB" "$V" > $W/msg; commit_msg_bytes $W/msg; gate
echo "control (ECDSA approval as written): gate rc=$GATE_RC"; [ $GATE_RC = 0 ] || { cat $W/gate.err; exit 1; }
while IFS=$'\t' read -r n v; do
  printf 'Raise timeout\n\n%s\nReview-Signature: %s\n' "$RB" "$v" > $W/msg; commit_msg_bytes $W/msg; gate
  if [ $GATE_RC = 0 ]; then echo "BUG ($NAME/$n): second spelling accepted"; bad=1
  else echo "  $n: refused rc=$GATE_RC $(grep -o '"signature": *"[^"]*"' $W/gate.json | head -1 | cut -c1-150)"; fi
done < <(python3 $HERE/ecdsa_mpint.py "$V" 2>/dev/null)
[ $bad = 0 ] && echo "HELD ($NAME): every mpint re-spelling refused"
