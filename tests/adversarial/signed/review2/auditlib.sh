# audit_of_head: audit JSON of the commit at HEAD -> prints "passed counted_list signed_list"
audit_head() { (cd "$R" && rm -f .git/driftcheck/verified-signatures; timeout 60 $DC audit HEAD --format json > "$W/audit.json" 2>"$W/audit.err"); python3 - $W/audit.json $(git -C $R rev-parse HEAD) <<'PY'
import json,sys
d=json.load(open(sys.argv[1])); c=[x for x in d["commits"] if x["commit"]==sys.argv[2]][0]
print(c["passed"], [s["counted"] for s in c["signoffs"]], [s["signed"] for s in c["signoffs"]], [s["reason"][:90] for s in c["signoffs"]])
PY
}
