#!/usr/bin/env python3
"""Measure driftcheck on the real-world corpus (issue 13).

For every case (a folder of ../shared/realworld/repos holding a driftcheck*.toml):
  1. each hand-written config: `diff --format json` over all its envs; findings at warning/error level
     are judged against bench/realworld-judgement.tsv (true | noise | wrong; unjudged = "?"), and the
     rows marked `must` (true drift from EXPECTED.md) must be reported at any severity;
  2. `init` in a temp copy without any driftcheck*.toml: the envs it wrote and the same judgement;
  3. `diff A B` with no config in a temp copy: right (compares, every `must` row of that pair reported,
     no missing-file noise) or exit 2 listing candidates, per bench/realworld-noconfig.tsv.

Judgement rows: case-glob  rule-glob  target-glob  verdict  note
  case is "<case>:<config file>" (init runs use "<case>:init"); target is "<file>|<key>".
"""
import fnmatch, json, os, shutil, subprocess, sys, tempfile, tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("DRIFTCHECK_CORPUS", ROOT.parent / "shared")) / "realworld" / "repos"
BIN = os.environ.get("DRIFTCHECK_BIN", str(ROOT / "target" / "debug" / "driftcheck"))
VERBOSE = "-v" in sys.argv
# --check: exit 1 unless every `must` row is reported, no finding is judged wrong or left
# unjudged, init and diff-without-config are right in every case (CI runs this: a change that
# costs a real repository a true finding, or adds one nobody judged, is seen the day it lands).
CHECK = "--check" in sys.argv


def rows(name):
    out = []
    for line in (ROOT / "bench" / name).read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        out.append(line.split("\t"))
    return out


JUDGE = rows("realworld-judgement.tsv")
NOCONFIG = rows("realworld-noconfig.tsv")


def run(args, cwd):
    env = dict(os.environ, NO_COLOR="1", GIT_CONFIG_NOSYSTEM="1")
    p = subprocess.run([BIN, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120)
    return p.returncode, p.stdout, p.stderr


def target(f):
    return f"{f.get('file') or ''}|{f.get('key') or ''}"


def targets(f):
    """`file|key`, and `file|document|key` for multi-document files (Kubernetes resources)."""
    out = [target(f)]
    if f.get("document"):
        out.append(f"{f.get('file') or ''}|{f['document']}|{f.get('key') or ''}")
    return out


def hit(glob, f):
    return any(fnmatch.fnmatchcase(t, glob) for t in targets(f))


def verdict(case, f):
    for c, rule, tgt, v, *_ in JUDGE:
        if v == "must":
            continue
        if fnmatch.fnmatchcase(case, c) and fnmatch.fnmatchcase(f["rule"], rule) and hit(tgt, f):
            return v
    return "?"


def musts(case, envs=None):
    out = []
    for c, rule, tgt, v, *rest in JUDGE:
        if v == "must" and fnmatch.fnmatchcase(case, c):
            need = set(rest[1].split(",")) if len(rest) > 1 and rest[1] else None
            if envs is None or need is None or need <= set(envs):
                out.append((rule, tgt, rest[0] if rest else ""))
    return out


def wrong_setup(case, r):
    """Setup is wrong when it pairs the wrong files: a missing-file finding judged wrong."""
    return any(v == "wrong" and rule == "drift/missing-file" for rule, v in r.get("verdicts", []))


def judge(case, code, out, err, envs=None):
    """Counts by severity and verdict, and the missed `must` rows."""
    res = {"exit": code, "error": 0, "warning": 0, "note": 0, "true": 0, "noise": 0, "wrong": 0, "?": 0, "missed": []}
    try:
        d = json.loads(out)
    except Exception:
        res["fail"] = (err.strip().splitlines() or ["no output"])[-1][:160]
        res["missed"] = [m[2] or m[1] for m in musts(case, envs)]
        return res
    fs = d.get("findings", [])
    for f in fs:
        res[f["severity"]] = res.get(f["severity"], 0) + 1
        if f["severity"] in ("error", "warning"):
            v = verdict(case, f)
            res[v] += 1
            res.setdefault("verdicts", []).append((f["rule"], v))
            if VERBOSE and v != "true":
                print(f"      {v:5} {f['severity']:7} {f['rule']}\t{target(f)}\t{f['message'][:100]}")
    for rule, tgt, note in musts(case, envs or d.get("envs")):
        if not any(fnmatch.fnmatchcase(f["rule"], rule) and hit(tgt, f) for f in fs):
            res["missed"].append(note or f"{rule} {tgt}")
    return res


CANON = {"stage": "staging", "stg": "staging", "prod": "production", "dev": "development"}


def canon(envs):
    """Env sets compared by meaning: init may name `stage` as `staging`, `prod` as `production`."""
    return sorted(CANON.get(e, e) for e in envs.split(","))


def envs_of(cfg):
    try:
        return sorted(tomllib.loads(cfg.read_text()).get("env", {}).keys())
    except Exception:
        return []


def line(label, r):
    s = f"  {label:42} exit={r['exit']} E={r['error']:<3} W={r['warning']:<3} N={r['note']:<3} " \
        f"true={r['true']:<3} noise={r['noise']:<3} wrong={r['wrong']:<3} ?={r['?']:<3} missed={len(r['missed'])}"
    print(s)
    if r.get("fail"):
        print(f"      ! {r['fail']}")
    for m in r["missed"]:
        print(f"      missed: {m}")


def copy_case(src, dst):
    shutil.copytree(src, dst, symlinks=True, ignore=shutil.ignore_patterns("driftcheck*.toml"))


def main():
    cases = sorted({p.parent for p in CORPUS.glob("*/**/driftcheck*.toml")})
    tot = {"true": 0, "noise": 0, "wrong": 0, "?": 0, "missed": 0, "init_ok": 0, "init_n": 0, "nc_ok": 0, "nc_n": 0}
    itot = {"true": 0, "noise": 0, "wrong": 0, "?": 0, "missed": 0}
    for case_dir in cases:
        case = str(case_dir.relative_to(CORPUS))
        print(f"{case}")
        hw_missed = None
        hw_exit = 0
        for cfg in sorted(case_dir.glob("driftcheck*.toml")):
            envs = envs_of(cfg)
            key = f"{case}:{cfg.name}"
            r = judge(key, *run(["diff", "--format", "json", "--config", str(cfg), *envs], case_dir), envs)
            line(cfg.name, r)
            for k in ("true", "noise", "wrong", "?"):
                tot[k] += r[k]
            tot["missed"] += len(r["missed"])
            if cfg.name == "driftcheck.toml" or hw_missed is None:
                hw_missed = len(r["missed"])
                hw_exit = r["exit"]
        hw_missed = hw_missed or 0
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp) / "repo"
            copy_case(case_dir, work)
            for c, kind, pair, want, *_ in NOCONFIG:
                if c != case or kind != "diff":
                    continue
                a, b = pair.split(",")
                code, out, err = run(["diff", "--format", "json", a, b], work)
                tot["nc_n"] += 1
                if code == 2:
                    ok = "exit2" in want and bool(err.strip())
                    print(f"  diff {a} {b} (no config): exit 2 {'RIGHT' if ok else 'NOT RIGHT'}: {(err.strip().splitlines() or [''])[0][:90]}")
                else:
                    r = judge(f"{case}:noconfig", code, out, err, [a, b])
                    mf = sum(1 for f in json.loads(out).get("findings", []) if f["rule"] == "drift/missing-file") if out.strip().startswith("{") else 0
                    ok = "compare" in want and len(r["missed"]) <= hw_missed and not wrong_setup(f"{case}:noconfig", r)
                    line(f"diff {a} {b} (no config) {'RIGHT' if ok else 'NOT RIGHT'} missing-file={mf}", r)
                tot["nc_ok"] += ok
            code, out, err = run(["init"], work)
            cfg = work / "driftcheck.toml"
            init_envs = envs_of(cfg) if cfg.exists() else []
            expect = [r for r in NOCONFIG if r[0] == case and r[1] == "init"]
            exp_envs = expect[0][2] if expect else "?"
            tot["init_n"] += 1
            if cfg.exists() and len(init_envs) >= 2:
                r = judge(f"{case}:init", *run(["diff", "--format", "json", *init_envs], work), init_envs)
                ok = canon(exp_envs) == canon(",".join(init_envs)) and len(r["missed"]) <= hw_missed and r["exit"] in (0, 1, hw_exit) and not wrong_setup(f"{case}:init", r)
                line(f"init [{','.join(init_envs)}] {'RIGHT' if ok else 'NOT RIGHT'}", r)
                for k in ("true", "noise", "wrong", "?"):
                    itot[k] += r[k]
                itot["missed"] += len(r["missed"])
                if VERBOSE:
                    print("      " + cfg.read_text().replace("\n", "\n      "))
            else:
                ok = exp_envs == "exit2" and code == 2
                msg = (err.strip().splitlines() or [""])[0][:100]
                print(f"  init exit={code} envs={init_envs} {'RIGHT' if ok else 'NOT RIGHT'} ({msg})")
            tot["init_ok"] += ok
    judged = tot["true"] + tot["noise"] + tot["wrong"] + tot["?"]
    print()
    print(f"hand-written configs: warning/error findings {judged}: true {tot['true']} ({100*tot['true']//max(judged,1)}%), "
          f"noise {tot['noise']}, wrong {tot['wrong']}, unjudged {tot['?']}; true drifts missed {tot['missed']}")
    ij = itot["true"] + itot["noise"] + itot["wrong"] + itot["?"]
    print(f"init configs: warning/error findings {ij}: true {itot['true']}, noise {itot['noise']}, wrong {itot['wrong']}, "
          f"unjudged {itot['?']}; missed {itot['missed']}")
    print(f"init right (the envs EXPECTED.md names, compared at least as well as the hand-written config): {tot['init_ok']} of {tot['init_n']} cases")
    print(f"diff without config right (same, or exit 2 where EXPECTED.md allows it): {tot['nc_ok']} of {tot['nc_n']}")
    if CHECK:
        bad = [name for name, n in (("missed", tot["missed"] + itot["missed"]), ("wrong", tot["wrong"] + itot["wrong"]),
                                    ("unjudged", tot["?"] + itot["?"]), ("init not right", tot["init_n"] - tot["init_ok"]),
                                    ("diff without config not right", tot["nc_n"] - tot["nc_ok"])) if n]
        if bad or not cases:
            print(f"realworld.py --check: FAILED ({', '.join(bad) or 'no cases found'}); rerun with -v for the findings")
            sys.exit(1)
        print("realworld.py --check: ok")


if __name__ == "__main__":
    main()
