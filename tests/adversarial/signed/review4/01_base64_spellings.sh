#!/bin/bash
# Issue 16 parse (base64ct + ssh-encoding, canonical re-encoding compared): every other byte-spelling
# of a valid approval must be refused (gate rc!=0), and no refusal may quote the signature.
NAME=r4_01_spellings; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
std_change
V=${SIG#Review-Signature: }
printf 'Raise timeout\n\n%s\nReview-Signature: %s\n' "$RB" "$V" > $W/msg; commit_msg_bytes $W/msg; gate
echo "control (original spelling): gate rc=$GATE_RC"; [ $GATE_RC = 0 ] || { echo "control failed"; cat $W/gate.err; exit 1; }
B64=${V##* }; bad=0
while IFS=$'\t' read -r n v; do
  { printf 'Raise timeout\n\n%s\nReview-Signature: ' "$RB"; unesc "$v"; printf '\n'; } > $W/msg
  commit_msg_bytes $W/msg; gate
  leak=$(cat $W/gate.json $W/gate.err | grep -c -F "${B64:20:40}")
  if [ $GATE_RC = 0 ] && [ $n = trailing_tab ]; then echo "  $n: accepted, as git itself trims ASCII blanks (the same trailer value)"
  elif [ $GATE_RC = 0 ]; then echo "BUG ($NAME/$n): second spelling accepted"; bad=1
  elif [ $GATE_RC -gt 2 ]; then echo "BUG ($NAME/$n): rc=$GATE_RC (crash?) $(head -c 200 $W/gate.err)"; bad=1
  elif [ "$leak" != 0 ]; then echo "BUG ($NAME/$n): refusal quotes the signature"; bad=1
  else echo "  $n: refused rc=$GATE_RC $(python3 -c "import json,sys; print(\"; \".join(str(s.get(\"signature\") or s.get(\"reason\")) for s in json.load(open(sys.argv[1]))[\"gate\"][\"signoffs\"])[:160])" $W/gate.json)"; fi
done < <(python3 $HERE/spell.py "$V")
[ $bad = 0 ] && echo "HELD ($NAME): every other spelling refused, none quoted"
