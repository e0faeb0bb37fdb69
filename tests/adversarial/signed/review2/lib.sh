# shared setup: source with NAME set
# The shared harness of ../lib.sh (same conventions), with this review's
# binary default.
DC=${DC:-/tmp/dc-review3/driftcheck}
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# audit_json [range] -> $W/audit.json, AUDIT_RC
audit() { (cd "$R" && timeout 60 $DC audit "${1:-HEAD}" --format json > "$W/audit.json" 2>"$W/audit.err"); AUDIT_RC=$?; }
# audit_signed SUBJECT -> prints "signed"/"typed"/... for the commit with that subject: counted+assurance summary
audit_view() { python3 - "$W/audit.json" "$1" <<'PY'
import json,sys
d=json.load(open(sys.argv[1]))
cs=d if isinstance(d,list) else d.get("commits",d)
for c in cs:
  if sys.argv[2] in json.dumps(c):
    print(json.dumps(c)[:1500]); break
PY
}
