#!/usr/bin/env python3
"""detect-secrets as a differential peer on a generic-shape round (round 3-5).

usage: peer_round.py BIN DETECT_SECRETS_PYTHON [--corpus FILE.jsonl]

Writes every vector's tree, scans them all with detect-secrets (run by the
given python, which has detect-secrets installed), runs driftcheck on each
vector as replay.py does, and counts:
  - lines detect-secrets flags whose secret (6+ characters, after a URL's
    scheme and host) driftcheck prints: must be 0;
  - vectors driftcheck masks that detect-secrets flags nothing in.
"""
import json, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.path.abspath(sys.argv[1])
PY = sys.argv[2]
ARGS = sys.argv[3:]
CORPUS = ARGS[ARGS.index("--corpus") + 1] if "--corpus" in ARGS else os.path.join(HERE, "round5.jsonl")

SCAN = r'''
import json, os, sys
from detect_secrets import SecretsCollection
from detect_secrets.settings import default_settings
root = sys.argv[1]
sc = SecretsCollection(root=root)
files = []
for d, _, fs in os.walk(root):
    files += [os.path.relpath(os.path.join(d, f), root) for f in fs]
with default_settings():
    for f in sorted(files):
        sc.scan_file(f)
print(json.dumps([{"file": f, "line": s.line_number, "secret": s.secret_value} for f, s in sc]))
'''

sys.argv = [sys.argv[0], BIN]  # replay.py reads its binary from argv
import importlib.util
spec = importlib.util.spec_from_file_location("replay_lib", os.path.join(HERE, "replay.py"))
src = open(os.path.join(HERE, "replay.py")).read().replace("\nmain()\n", "\n")
replay = importlib.util.module_from_spec(spec)
exec(compile(src, "replay.py", "exec"), replay.__dict__)


def public_part(s):
    if "://" in s:
        rest = s.split("://", 1)[1]
        s = rest.split("/", 1)[1] if "/" in rest else rest
    return s


def main():
    vs = [json.loads(l) for l in open(CORPUS)]
    vs = [v for v in vs if v.get("tree") and not v.get("git")]
    with tempfile.TemporaryDirectory() as root:
        for i, v in enumerate(vs):
            replay.write_tree(os.path.join(root, str(i)), v["tree"])
        r = subprocess.run([PY, "-c", SCAN, root], capture_output=True, text=True, check=True)
        flagged = {}
        for hit in json.loads(r.stdout):
            i = int(hit["file"].split(os.sep)[0])
            s = public_part(hit["secret"] or "")
            if len(s) >= 6:
                flagged.setdefault(i, set()).add(s)
    printed, peer_missed, total = [], 0, 0
    for i, v in enumerate(vs):
        with tempfile.TemporaryDirectory() as d:
            out, _ = replay.run_generic(v, d)
        out = replay.FP.sub("#", out)
        masked = not any(w in out for s in v["secrets"] for w in replay.windows(s))
        total += len(flagged.get(i, ()))
        for s in flagged.get(i, ()):
            if any(s[k:k + 6] in out for k in range(len(s) - 5)):
                printed.append((v["class"], s))
        if masked and i not in flagged:
            peer_missed += 1
    for cls, s in printed:
        print("PRINTED", cls, s[:60])
    print(f"detect-secrets flagged {total} secrets in {len(flagged)} of {len(vs)} vectors; "
          f"flagged but printed by driftcheck: {len(printed)}; "
          f"vectors driftcheck masks that detect-secrets does not flag: {peer_missed}")


main()
