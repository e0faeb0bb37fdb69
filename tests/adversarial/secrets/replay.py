#!/usr/bin/env python3
"""Replay leaks.jsonl against a driftcheck binary and count what still leaks.

usage: replay.py BIN [--show REGEX] [--corpus FILE.jsonl]
  -> prints per-class counts and a total. The default corpus is leaks.jsonl
  (the review's 672 vectors); round3.jsonl (gen_round3.py) uses the generic
  shape: {"tree": {path: content}, "git": {base, change, message}?, "command"}.
A vector leaks when a 6-character window of its secret (or of its base64 or
hex encoding) appears in stdout/stderr, or in the markdown step summary
(every run has GITHUB_STEP_SUMMARY set to a file outside the repository),
after fingerprints are scrubbed.
"""
import base64, json, os, re, subprocess, sys, tempfile, collections

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.path.abspath(sys.argv[1])
ARGS = sys.argv[2:]
SHOW = ARGS[ARGS.index("--show") + 1] if "--show" in ARGS else None
CORPUS = ARGS[ARGS.index("--corpus") + 1] if "--corpus" in ARGS else os.path.join(HERE, "leaks.jsonl")

def windows(s):
    forms = [s]
    for pad in ["", "x", "xy"]:
        e = base64.b64encode((pad + s).encode()).decode()
        skip = (len(pad) * 4 + 2) // 3 + 1
        if len(e) > skip + 10:
            forms.append(e[skip:len(e) - 4])
    forms.append(s.encode().hex())
    return {f[i:i + 6] for f in forms for i in range(len(f) - 5)}

SCRUB = re.compile(r"[0-9a-f]{12,64}")
FP = re.compile(r"fp=[0-9a-f]+")

def git(d, *a, env=None):
    subprocess.run(["git", *a], cwd=d, check=True, capture_output=True, env=env)

def genv(home):
    e = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", HOME=home, NO_COLOR="1",
             GIT_AUTHOR_NAME="T", GIT_AUTHOR_EMAIL="t@example.com",
             GIT_COMMITTER_NAME="T", GIT_COMMITTER_EMAIL="t@example.com")
    return e

def write_tree(d, tree):
    for path, content in tree.items():
        p = os.path.join(d, path)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w", newline="") as f:
            f.write(content)


def run_cmd(cmd, cwd, env):
    """Run with GITHUB_STEP_SUMMARY set to a fresh file outside the
    repository; the summary is part of the output."""
    with tempfile.TemporaryDirectory() as s:
        path = os.path.join(s, "summary.md")
        env = dict(env, GITHUB_STEP_SUMMARY=path)
        r = subprocess.run(cmd, cwd=cwd, capture_output=True, env=env, timeout=60)
        summary = open(path, "rb").read() if os.path.exists(path) else b""
    return (r.stdout + r.stderr + summary).decode("utf-8", "replace"), r.returncode


def run_generic(v, d):
    """The generic shape (round 3): a tree, an optional repository, a command."""
    env = genv(d)
    write_tree(d, v.get("tree", {}))
    g = v.get("git")
    if g:
        git(d, "init", "-q", "-b", "main", env=env)
        write_tree(d, g["base"])
        git(d, "add", "-A", env=env); git(d, "commit", "-qm", "base", env=env)
        git(d, "checkout", "-qb", "change", env=env)
        write_tree(d, g["change"])
        git(d, "add", "-A", env=env); git(d, "commit", "-qm", g["message"], env=env)
    return run_cmd([BIN] + v["command"], d, env)


def run_one(v, d):
    if "tree" in v:
        return run_generic(v, d)
    cmd = list(v["command"])
    cmd[0] = BIN
    # Drop -C <dir> (we run in our own directory).
    if "-C" in cmd:
        i = cmd.index("-C"); del cmd[i:i + 2]
    env = genv(d)
    cls = v["class"]
    where = v["where"]
    if where == "core report":
        sf = v.get("staging_file") or v["file"]
        pf = v.get("prod_file") or v["file"]
        for env_name, f, c in (("staging", sf, v["staging"]), ("prod", pf, v["prod"])):
            p = os.path.join(d, env_name, f)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            open(p, "w").write(c)
    elif cmd[1] == "trailers":
        open(os.path.join(d, "msg.txt"), "w").write(v["staging"])
        i = cmd.index("--message-file"); cmd[i + 1] = "msg.txt"
        git(d, "init", "-q", "-b", "main", env=env)
    elif where.startswith("error path"):
        open(os.path.join(d, "driftcheck.toml"), "w").write(v["staging"])
        for e in ("staging", "prod"):
            os.makedirs(os.path.join(d, e), exist_ok=True)
            open(os.path.join(d, e, "a.yaml"), "w").write("a: 1\n")
    else:
        # gate / audit / approve: a repository with main, then a change.
        git(d, "init", "-q", "-b", "main", env=env)
        for e in ("staging", "prod"):
            os.makedirs(os.path.join(d, e), exist_ok=True)
            open(os.path.join(d, e, "a.yaml"), "w").write("a: 1\n")
        git(d, "add", "-A", env=env); git(d, "commit", "-qm", "base", env=env)
        git(d, "checkout", "-qb", "change", env=env)
        if v["class"].startswith("filename"):
            p = os.path.join(d, v["file"]); os.makedirs(os.path.dirname(p), exist_ok=True)
            open(p, "w").write(v["prod"])
        else:
            open(os.path.join(d, "prod", "a.yaml"), "w").write("a: 2\n")
        git(d, "add", "-A", env=env)
        msg = v["staging"] if v["file"] == "COMMIT_MSG" else "change"
        git(d, "commit", "-qm", msg, env=env)
    return run_cmd(cmd, d, env)

def main():
    vs = [json.loads(l) for l in open(CORPUS)]
    counts = collections.Counter(); totals = collections.Counter()
    leaking = 0
    for v in vs:
        with tempfile.TemporaryDirectory() as d:
            try:
                out, code = run_one(v, d)
            except Exception as e:  # noqa
                out, code = f"harness error {e}", -1
        if "secrets" in v:
            # Only fingerprints are scrubbed: hex secrets must be found too.
            sout = FP.sub("#", out)
            secrets = v["secrets"]
        else:
            sout = SCRUB.sub("#", out)
            secrets = [v["secret"]] + ([v["secret_prod"]] if v.get("secret_prod") else [])
        if code not in (0, 1, 2):
            print("CRASH", v["class"], code, out[:300])
        hit = next((w for s in secrets for w in windows(s) if w in sout), None)
        key = v["class"].split("/")[0]
        totals[key] += 1
        if hit:
            leaking += 1; counts[key] += 1
            if SHOW and re.search(SHOW, v["class"]):
                print("LEAK", v["class"], v.get("format", v.get("command")), repr(hit), "\n   ", out.replace("\n", "\n    ")[:1500])
    for k in sorted(totals):
        print(f"{k:40} {counts[k]:4} / {totals[k]}")
    print(f"TOTAL leaking {leaking} / {len(vs)}")

main()
