#!/usr/bin/env python3
"""Round 4 of the adversarial secret corpus: places rounds 1-3 did not plant in.

usage: gen_round4.py > round4.jsonl ; replay.py BIN --corpus round4.jsonl

Same generic shape as round 3 (see replay.py). Families, each with several
secret kinds (catalogued tokens, an uncatalogued random token, a short
generated password, a Sidekiq hex pair, a UUID under a UUID issuer):
  keyname    the secret *is* a map key, or a secret word with a random tail,
             one character apart across environments, in YAML/JSON/TOML/.env/INI
  provider   a provider-named parent map with a neutral child (`heroku: {api:}`)
  pair       `user:secret` pairs (Sidekiq, Redis) in every placement
  filename   the secret in a file name
  envname    the secret as an environment's root directory / alias
  policy     a `[[rule]]` / `[[link]]` whose message, id or key pattern holds it
  parse      a malformed file whose parse error is near (or quotes) the secret:
             YAML, TOML, JSON, INI, XML, HCL, .env
  longline   a token at column 10,000
  continued  a token split by a line continuation (`\\` in .env/shell/properties)
  encoded    base64, hex, percent-encoding, `\\u` escapes, JSON-escaped
  commands   check / diff in every format (github annotations, markdown
             step summary, SARIF) with and without -v; explain and init
Deterministic (seeded).
"""
import base64, json, random, string, sys, urllib.parse

R = random.Random(20261204)
UP, LO, DG = string.ascii_uppercase, string.ascii_lowercase, string.digits
A62 = UP + LO + DG
HEX = "0123456789abcdef"
FORMATS = ["human", "json", "sarif", "github", "markdown"]
CFG = "[env.staging]\nroot = \"staging\"\n[env.prod]\nroot = \"prod\"\n"


def rnd(alpha, n):
    while True:
        s = "".join(R.choice(alpha) for _ in range(n))
        if alpha == A62 and not (any(c in UP for c in s) and any(c in LO for c in s) and any(c in DG for c in s)):
            continue
        if alpha == HEX and (s.isdigit() or not any(c in DG for c in s)):
            continue
        return s


def uuid():
    h = rnd(HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


KINDS = {
    "ghp": lambda: "ghp_" + rnd(A62, 36),
    "glpat": lambda: "glpat-" + rnd(A62, 20),
    "slack": lambda: "xoxb-" + rnd(DG, 11) + "-" + rnd(DG, 13) + "-" + rnd(A62, 24),
    "stripe": lambda: "sk_live_" + rnd(A62, 28),
    "random40": lambda: rnd(A62, 40),
    "password": lambda: rnd(A62, 13),
    "hexpair": lambda: rnd(HEX, 8) + ":" + rnd(HEX, 8),
}


def apart(s):
    """Change the last letter or digit within its class."""
    for i in range(len(s) - 1, -1, -1):
        c = s[i]
        if c.isalnum():
            alpha = HEX if c in HEX and all(x in HEX + ":-" for x in s) else (DG if c.isdigit() else (UP if c.isupper() else LO))
            n = alpha[(alpha.index(c) + 1) % len(alpha)]
            return s[:i] + n + s[i + 1:]
    return s + "x"


out = []


def vec(cls, secrets, tree, command, git=None):
    v = {"class": cls, "secrets": sorted(set(secrets)), "tree": tree, "command": command}
    if git:
        v["git"] = git
    out.append(v)


def fmt(i):
    f = FORMATS[i % len(FORMATS)]
    return ["--format", f] + (["-v"] if (i // len(FORMATS)) % 2 else [])


def diff(i):
    return ["diff", "staging", "prod"] + fmt(i)


def pair(kind):
    a = KINDS[kind]()
    return a, apart(a)


n = 0
# 1. Key names (class c): the secret is a key, or a secret word + random tail.
KEY_PLACES = {
    "yaml": lambda k: ("a.yaml", f"app:\n  {json.dumps(k)}: on\n  replicas: 2\n"),
    "json": lambda k: ("a.json", json.dumps({"app": {k: True, "replicas": 2}}) + "\n"),
    "toml": lambda k: ("a.toml", f"[app]\n{json.dumps(k)} = true\nreplicas = 2\n"),
    "env": lambda k: ("a.env", f"{k}=1\nREPLICAS=2\n"),
    "ini": lambda k: ("a.ini", f"[app]\n{k} = 1\nreplicas = 2\n"),
}
for kind in ["ghp", "random40", "stripe", "hexpair"]:
    for place, make in KEY_PLACES.items():
        a, b = pair(kind)
        if place in ("env", "ini") and ":" in a:
            continue
        fa, ca = make(a)
        _, cb = make(b)
        vec(f"keyname:{kind}/{place}", [a, b], {f"staging/{fa}": ca, f"prod/{fa}": cb}, diff(n)); n += 1
for head in ["password_", "token-", "SECRET_", "api_key.", "pw_"]:
    for tail_kind in ["hex", "mixed", "b36"]:
        tail = {"hex": lambda: rnd(HEX, 16), "mixed": lambda: rnd(A62, 10),
                "b36": lambda: "".join(R.choice("k3j9x8m2q7") for _ in range(10)) + "7a1"}[tail_kind]()
        a = head + tail
        b = apart(a)
        place = list(KEY_PLACES)[n % 3]
        fa, ca = KEY_PLACES[place](a)
        _, cb = KEY_PLACES[place](b)
        vec(f"keyname:{head}{tail_kind}/{place}", [tail, apart(tail)], {f"staging/{fa}": ca, f"prod/{fa}": cb}, diff(n)); n += 1

# 2. Provider-named parents (class a).
PROVIDER_SHAPES = [
    ("heroku", "api", uuid), ("heroku", "default", uuid), ("snyk", "org", uuid),
    ("sendgrid", "key", lambda: rnd(A62, 20)), ("stripe", "live", lambda: rnd(A62, 24)),
    ("datadog", "api", lambda: rnd(HEX, 32)), ("datadog", "app", lambda: rnd(HEX, 40)),
    ("algolia", "admin", lambda: rnd(HEX, 32)), ("pagerduty", "key", lambda: rnd(A62, 20)),
    ("mailgun", "value", lambda: rnd(HEX, 32)), ("cloudflare", "write", lambda: rnd(A62, 40)),
    ("opsgenie", "integration", uuid),
]
for prov, child, make in PROVIDER_SHAPES:
    for place in ["yaml", "json", "toml", "ini"]:
        a, b = make(), make()
        c = {"yaml": lambda s: ("a.yaml", f"integrations:\n  {prov}:\n    {child}: '{s}'\n    region: eu\n"),
             "json": lambda s: ("a.json", json.dumps({prov: {child: s, "region": "eu"}}) + "\n"),
             "toml": lambda s: ("a.toml", f"[{prov}]\n{child} = \"{s}\"\nregion = \"eu\"\n"),
             "ini": lambda s: ("a.ini", f"[{prov}]\n{child} = {s}\nregion = eu\n")}[place]
        fa, ca = c(a)
        _, cb = c(b)
        vec(f"provider:{prov}.{child}/{place}", [a, b], {f"staging/{fa}": ca, f"prod/{fa}": cb}, diff(n)); n += 1

# 3. user:secret pairs (class b) in every placement.
PAIR_PLACES = {
    "env": lambda s: ("a.env", f"BUNDLE_GEMS__CONTRIBSYS__COM={s}\nREPLICAS=2\n"),
    "yaml-neutral": lambda s: ("a.yaml", f"bundler:\n  source: {s}\n"),
    "prose": lambda s: ("NOTES.txt", f"The gems mirror takes {s} for now.\n"),
    "shell": lambda s: ("run.sh", f"#!/bin/sh\nbundle config gems.contribsys.com {s}\n"),
    "json": lambda s: ("a.json", json.dumps({"mirror": s}) + "\n"),
}
for kind in ["hexpair", "userpw"]:
    for place, make in PAIR_PLACES.items():
        for variant in ["different", "apart"]:
            a = KINDS["hexpair"]() if kind == "hexpair" else "deploy:" + rnd(A62, 12)
            b = apart(a) if variant == "apart" else (KINDS["hexpair"]() if kind == "hexpair" else "deploy:" + rnd(A62, 12))
            fa, ca = make(a)
            _, cb = make(b)
            secrets = [a, b] if kind == "hexpair" else [a.split(":")[1], b.split(":")[1]]
            vec(f"pair:{kind}/{place}/{variant}", secrets, {f"staging/{fa}": ca, f"prod/{fa}": cb}, diff(n)); n += 1

# 4. File names and environment names.
for kind in ["ghp", "random40", "glpat", "password"]:
    for i in range(3):
        a = KINDS[kind]()
        vec(f"filename:{kind}", [a], {f"staging/{a}.yaml": "a: 1\n", f"prod/{a}.yaml": "a: 2\n"}, diff(n)); n += 1
        s = KINDS[kind]()
        vec(f"envroot:{kind}", [s], {
            "driftcheck.toml": f"[env.staging]\nroot = \"{s}\"\n[env.prod]\nroot = \"prod\"\n",
            f"{s}/a.yaml": "a: 1\n", "prod/a.yaml": "a: 2\n"}, ["check"] + fmt(n)); n += 1

# 5. Policies and links: a message, a description, a key pattern holding a token.
for kind in ["ghp", "stripe", "random40", "slack"]:
    for i in range(3):
        t = KINDS[kind]()
        pol = (f"[[rule]]\nid = \"r{i}\"\ndescription = \"rotate {t} soon\"\nhelp = \"see {t}\"\n"
               f"keys = [\"app.replicas\"]\nexpect = \"same\"\n\n"
               f"[[link]]\nid = \"l{i}\"\nkeys = [\"a.yaml:app.replicas\", \"a.yaml:app.{t}\"]\n")
        vec(f"policy:{kind}", [t], {"driftcheck.toml": CFG + "policies = [\"p.toml\"]\n", "p.toml": pol,
            "staging/a.yaml": "app:\n  replicas: 1\n", "prod/a.yaml": "app:\n  replicas: 2\n"},
            ["check"] + fmt(n)); n += 1

# 6. Parse errors near a secret (the error may quote the line).
BAD = {
    "yaml": ("a.yaml", "app:\n  token: {t}\n   bad: [unclosed\n"),
    "yaml-quote": ("a.yaml", "app:\n  note: \"{t}\n  other: 1\n"),
    "toml": ("a.toml", "[app]\ntoken = \"{t}\ninvalid = = 1\n"),
    "json": ("a.json", "{{\"app\": {{\"token\": \"{t}\", }}\n"),
    "ini": ("a.ini", "[app\ntoken = {t}\n"),
    "xml": ("a.xml", "<config><token>{t}</tokn></config>\n"),
    "hcl": ("a.tfvars", "token = \"{t}\nreplicas = \n"),
    "env": ("a.env", "TOKEN={t}\n=broken line {t}\n"),
    "yaml-neutral": ("a.yaml", "app:\n  note: {t}\n  - item\n"),
}
for kind in ["ghp", "random40", "password"]:
    for name, (f, tpl) in BAD.items():
        t = KINDS[kind]()
        vec(f"parse:{name}/{kind}", [t], {"staging/" + f: tpl.format(t=t), "prod/" + f: tpl.format(t=t)},
            diff(n)); n += 1

# 7. A token at column 10,000, and tokens split by a line continuation.
for kind in ["ghp", "random40", "stripe", "password"]:
    t = KINDS[kind]()
    pad = "x" * 9990
    vec(f"longline:{kind}/txt", [t], {"staging/a.txt": f"{pad} {t}\n", "prod/a.txt": f"{pad} {t[:-1]}Q\n"}, diff(n)); n += 1
    t = KINDS[kind]()
    vec(f"longline:{kind}/yaml", [t], {"staging/a.yaml": f"note: '{pad} {t}'\n", "prod/a.yaml": f"note: '{pad} y'\n"}, diff(n)); n += 1
    t = KINDS[kind]()
    h = len(t) // 2
    vec(f"continued:{kind}/env", [t], {"staging/a.env": f"API_TOKEN={t[:h]}\\\n{t[h:]}\nX=1\n", "prod/a.env": "API_TOKEN=\nX=2\n"}, diff(n)); n += 1
    t = KINDS[kind]()
    vec(f"continued:{kind}/properties", [t], {"staging/a.properties": f"app.token={t[:h]}\\\n    {t[h:]}\napp.x=1\n", "prod/a.properties": "app.token=\napp.x=2\n"}, diff(n)); n += 1
    t = KINDS[kind]()
    vec(f"continued:{kind}/shell", [t], {"staging/run.sh": f"curl -H \"Authorization: Bearer {t}\" \\\n  https://api.example.com/\n", "prod/run.sh": "curl https://api.example.com/\n"}, diff(n)); n += 1

# 8. Encodings driftcheck decodes, under neutral keys.
ENC = {
    "base64": lambda t: base64.b64encode(f"token={t}".encode()).decode(),
    "base64-userpass": lambda t: base64.b64encode(f"ci:{t}".encode()).decode(),
    "percent": lambda t: urllib.parse.quote(f"password={t}", safe=""),
    "uescape": lambda t: "".join(f"\\u{ord(c):04x}" for c in t),
    "json-escaped": lambda t: json.dumps(json.dumps({"password": t}))[1:-1],
}
for kind in ["ghp", "random40", "password", "stripe"]:
    for name, enc in ENC.items():
        a, b = KINDS[kind](), KINDS[kind]()
        if name == "uescape":
            ca, cb = f"note: \"{enc(a)}\"\n", f"note: \"{enc(b)}\"\n"
        else:
            ca, cb = f"note: '{enc(a)}'\n", f"note: '{enc(b)}'\n"
        vec(f"encoded:{name}/{kind}", [a, b], {"staging/a.yaml": ca, "prod/a.yaml": cb}, diff(n)); n += 1

# 9. Commands and formats: check (github annotations, markdown, SARIF), init.
for i, f in enumerate(FORMATS):
    for v in ([], ["-v"]):
        a, b = pair("password")
        k, k2 = "password_" + rnd(HEX, 16), None
        k2 = apart(k)
        tree = {"driftcheck.toml": CFG, "staging/a.yaml": f"db:\n  pass: {a}\n  {k}: 1\nheroku:\n  api: {uuid()}\n",
                "prod/a.yaml": f"db:\n  pass: {b}\n  {k2}: 1\nheroku:\n  api: {uuid()}\n"}
        vec(f"cmd:check/{f}{''.join(v)}", [a, b, k[9:], k2[9:]], tree, ["check", "--format", f] + v)
        s = rnd(A62, 24)
        vec(f"cmd:init/{f}{''.join(v)}", [s], {"staging/a.yaml": f"note: {s}\n", "prod/a.yaml": "note: x\n"},
            ["init", "staging", "prod"] + v)

# 10. Provider context in the other formats: flat keys (.env, properties),
#     nesting (XML, HCL blocks, YAML three levels down), one apart.
for prov, child, make in PROVIDER_SHAPES[:8]:
    a = make()
    b = apart(a)
    places = {
        "env": ("a.env", f"{prov.upper()}_{child.upper()}={{s}}\nREGION=eu\n"),
        "properties": ("a.properties", f"{prov}.{child}={{s}}\n{prov}.region=eu\n"),
        "xml": ("a.xml", f"<config>\n  <{prov}>\n    <{child}>{{s}}</{child}>\n  </{prov}>\n</config>\n"),
        "hcl": ("a.tf", f"{prov} {{{{\n  {child} = \"{{s}}\"\n  region = \"eu\"\n}}}}\n"),
        "deep-yaml": ("a.yaml", f"services:\n  billing:\n    {prov}:\n      creds:\n        {child}: '{{s}}'\n"),
    }
    for place, (f, tpl) in places.items():
        vec(f"provider-deep:{prov}.{child}/{place}", [a, b],
            {"staging/" + f: tpl.format(s=a), "prod/" + f: tpl.format(s=b)}, diff(n)); n += 1

# 11. The gate, approve and audit over a change that adds a credential key
#     name, a provider credential and a Sidekiq pair; approve lists a file
#     named by a generated password.
for i, f in enumerate(FORMATS):
    for v in ([], ["-v"]):
        k = "password_" + rnd(HEX, 16)
        u = uuid()
        p = KINDS["hexpair"]()
        pwfile = rnd(A62, 13)
        base = {"driftcheck.toml": CFG, "staging/a.yaml": "a: 1\n", "prod/a.yaml": "a: 1\n"}
        change = {"prod/a.yaml": f"a: 2\n{k}: on\nheroku:\n  api: {u}\nsidekiq: {p}\n",
                  f"prod/{pwfile}.yaml": "b: 1\n"}
        msg = "change a\n\nReviewed-by: A <a@example.com>\n"
        secrets = [k[9:], u, p, pwfile]
        for cmd in (["gate", "--base", "main"], ["approve", "--base", "main"], ["audit"]):
            vec(f"cmd:{cmd[0]}-classes/{f}{''.join(v)}", secrets, {},
                cmd + ["--format", f] + v, git={"base": base, "change": change, "message": msg})

for v in out:
    print(json.dumps(v))
print(f"{len(out)} vectors", file=sys.stderr)
