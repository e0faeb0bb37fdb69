#!/usr/bin/env python3
"""Check `driftcheck audit --format json` against gen_history.py's truth.json.

Usage: audit_truth.py REPO AUDIT_JSON

For every commit (truth.json lists them oldest first, as `git rev-list --reverse`
does): the Reviewed-by emails driftcheck read must be exactly the ones git parses
(truth `reviewed_by`), and each must count if and only if it is a peer (not the
author). Prints the number of commits checked and every disagreement; exits 1 on any.
"""
import json
import subprocess
import sys

repo, audit_path = sys.argv[1], sys.argv[2]
truth = json.load(open(f"{repo}/.git/truth.json"))
ids = subprocess.run(["git", "-C", repo, "rev-list", "--reverse", "HEAD"],
                     capture_output=True, text=True, check=True).stdout.split()
audited = {c["commit"]: c for c in json.load(open(audit_path))["commits"]}
bad = []
checked = 0
for commit, t in zip(ids, truth):
    a = audited.get(commit)
    if a is None:
        bad.append(f"{commit[:12]}: not in the audit (touched {t['files']})")
        continue
    checked += 1
    read = sorted(s["email"] for s in a["signoffs"] if s["key"].lower() == "reviewed-by")
    want = sorted(e.lower() for e in t["reviewed_by"])
    if read != want:
        bad.append(f"{commit[:12]} ({t['case']}): read {read}, git parses {want}")
        continue
    for s in a["signoffs"]:
        peer = s["email"] != t["author"]
        if s["counted"] != peer:
            bad.append(f"{commit[:12]} ({t['case']}): {s['email']} counted={s['counted']}, peer={peer}: {s['reason']}")
    if a["passed"] != any(e != t["author"] for e in want):
        bad.append(f"{commit[:12]} ({t['case']}): passed={a['passed']}")
print(f"{checked} commits checked against truth.json, {len(bad)} disagreements")
for b in bad[:20]:
    print("  " + b)
sys.exit(1 if bad or checked != len(truth) else 0)
