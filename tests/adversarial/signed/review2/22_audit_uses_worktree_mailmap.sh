#!/bin/bash
# audit verifies a commit's signatures with the WORKING TREE's .mailmap (commands/audit.rs),
# while the gate uses the merge base's. A .mailmap line added later makes an old
# signature, refused by the gate at its time, show as signed in audit.
NAME=22_audit_mailmap; . $(dirname "${BASH_SOURCE[0]}")/lib.sh
setup_base "" "ana@example.com $(pub ana)
mal@example.com $(pub mal)
malbot@example.com $(pub carol)"
raise; mal add -A; mal commit -q -m "Raise timeout"
approve_as Ana ana@example.com $W/keys/carol     # Mallory's bot key, listed for malbot@ only
amend "Raise timeout

$RB
$SIG"
C=$(git -C $R rev-parse HEAD)
gate main HEAD; echo "-- gate --base C^ --head C: expect refused"; verdict
git -C $R checkout -q main; git -C $R merge -q --ff-only feature      # pushed without the gate
printf 'Ana <ana@example.com> <malbot@example.com>\n' > $R/.mailmap; admin add -A; admin commit -q -m "mailmap"
audit; echo "audit rc=$AUDIT_RC"
python3 - $W/audit.json $C <<'PY'
import json,sys
d=json.load(open(sys.argv[1])); c=[x for x in (d if isinstance(d,list) else d["commits"]) if x.get("commit","").startswith(sys.argv[2][:7]) or x.get("id","").startswith(sys.argv[2][:7])]
c=c[0] if c else None
so=c and [(s.get("identity","")[:25],s.get("counted"),s.get("assurance"),s.get("signed"),s.get("reason")) for s in c.get("signoffs",[])]
print("audit of C:", c and c.get("passed"), so)
bad = c and any(s[1] or s[3] or (s[2] or "").startswith("signed") for s in so)
print(("BUG (22): audit says signed/counted; gate refused" if bad else "HELD (22): audit agrees with gate"))
PY
