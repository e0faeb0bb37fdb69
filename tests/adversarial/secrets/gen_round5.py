#!/usr/bin/env python3
"""Round 5 of the adversarial secret corpus: placements rounds 1-4 did not use.

usage: gen_round5.py > round5.jsonl ; replay.py BIN --corpus round5.jsonl

Same generic shape as rounds 3 and 4 (see replay.py). The token kinds are
read from the catalogue itself (src/secrets/catalogue.rs: every entry's
example, its random part redrawn in the same alphabet), so the corpus grows
with the catalogue. Families:
  place      every catalogue token, each in several placements (rotating so
             every placement sees many kinds): YAML block scalars `|`/`>`,
             flow maps and sequences, JSON arrays of strings, TOML multi-line
             strings and inline tables, INI continuation lines, XML
             attributes and CDATA, HCL heredocs, .properties continuations and
             `\\u` escapes, env files with `export` and quotes, nginx and
             pgbouncer lines, Kubernetes Secret `data` (base64) and
             `stringData`, Helm values, docker-compose `- KEY=VAL` lists,
             command arrays, tokens in quotes/backticks/brackets in prose;
             staging and prod one character apart, identical, or different
  url        JDBC/ODBC/Mongo/Redis/AMQP/Postgres strings with odd userinfo
             (`@`, `:`, `%` in the password), percent- and double-encoded
  encoded    hex, base64url, double percent-encoding under neutral keys
  split      a token split over two lines (YAML folded and plain scalars,
             TOML line-ending backslash, .properties continuation)
  secretkey  short generated passwords one character apart under secret keys
             in every format and output format, with and without -v
  generic    uncatalogued secrets in the same placements: a random token
             under the neutral key, generated passwords under a secret key
  commands   trailers / gate / approve / audit / explain / init / check with
             the same material, every output format, with and without -v
  prose      generated short passwords in commit-message prose and near-miss
             trailers, through trailers / gate / audit / approve
  name       a secret pasted where a name belongs (unknown config or policy
             key, an allow comment's rule id), every format
Deterministic (seeded). `FULL=1` puts every catalogue token in every
placement (about 4,800 `place` vectors) instead of three placements each.
"""
import base64, json, os, random, re, string, sys, urllib.parse

R = random.Random(20261205)
UP, LO, DG = string.ascii_uppercase, string.ascii_lowercase, string.digits
A62 = UP + LO + DG
HEX = "0123456789abcdef"
FORMATS = ["human", "json", "sarif", "github", "markdown"]
CFG = "[env.staging]\nroot = \"staging\"\n[env.prod]\nroot = \"prod\"\n"
HERE = os.path.dirname(os.path.abspath(__file__))
CATALOGUE = os.path.join(HERE, "..", "..", "..", "src", "secrets", "catalogue.rs")

LIT = r'"((?:[^"\\]|\\.)*)"'
ENTRY = re.compile(r'^\s*e\(' + r',\s*'.join([LIT] * 5) + r'\),', re.M)
# Key files span lines: they have placements of their own (block scalars).
KEY_FILES = {"private-key-pem", "ssh2-private-key", "putty-private-key", "openvpn-static-key"}


def unescape(s):
    return json.loads('"' + s + '"')


def catalogue():
    text = open(CATALOGUE).read()
    out = []
    for m in ENTRY.finditer(text):
        ident, before, marker, after, example = (unescape(g) for g in m.groups())
        out.append((ident, marker, before, after, example))
    assert len(out) > 100, "catalogue entries not found"
    return out


def rnd(alpha, n):
    while True:
        s = "".join(R.choice(alpha) for _ in range(n))
        if alpha == A62 and not (any(c in UP for c in s) and any(c in LO for c in s) and any(c in DG for c in s)):
            continue
        return s


def redraw(example, marker, full):
    """The example with every letter and digit after its marker redrawn in
    its own class (hex stays hex), keeping the format; the example itself
    when the redraw no longer matches the entry."""
    at = example.index(marker) + len(marker)
    tail = example[at:]
    hexy = all(c in HEX + "-_." for c in tail.lower()) and any(c in "abcdef" for c in tail.lower())
    for _ in range(20):
        t = []
        for c in tail:
            if hexy and c in HEX:
                t.append(R.choice(HEX))
            elif hexy and c in HEX.upper():
                t.append(R.choice(HEX.upper()))
            elif c.isdigit():
                t.append(R.choice(DG))
            elif c in UP:
                t.append(R.choice(UP))
            elif c in LO:
                t.append(R.choice(LO))
            else:
                t.append(c)
        s = example[:at] + "".join(t)
        if full.fullmatch(s):
            return s
    return example


def apart(s):
    """Change the last letter or digit within its class."""
    for i in range(len(s) - 1, -1, -1):
        c = s[i]
        if c.isalnum():
            alpha = DG if c.isdigit() else (UP if c.isupper() else LO)
            return s[:i] + alpha[(alpha.index(c) + 1) % len(alpha)] + s[i + 1:]
    return s + "x"


def secret_part(token, marker):
    """What must never be printed: the pieces of the token after its marker
    (the marker itself is public knowledge), split at the separators a
    format puts between its random parts (`/`, `:`, `$`, `.`), each 8+
    characters; the whole token when no piece is that long."""
    tail = token[token.index(marker) + len(marker):]
    pieces = [p for p in re.split(r"[/:$.]", tail) if len(p) >= 8]
    return pieces or [token]


out = []


def vec(cls, secrets, tree, command, git=None):
    # Declared environments: discovery alone pairs only known config files,
    # and a vector whose files are not compared proves nothing.
    if any(p.startswith("staging/") for p in tree) and "driftcheck.toml" not in tree:
        tree = dict(tree, **{"driftcheck.toml": CFG})
    v = {"class": cls, "secrets": sorted(set(s for s in secrets if len(s) >= 6)), "tree": tree,
         "command": command}
    if git:
        v["git"] = git
    out.append(v)


def fmt(i):
    f = FORMATS[i % len(FORMATS)]
    return ["--format", f] + (["-v"] if (i // len(FORMATS)) % 2 else [])


def diff(i):
    return ["diff", "staging", "prod"] + fmt(i)


def b64(s):
    return base64.b64encode(s.encode()).decode()


def yq(s):
    return json.dumps(s)


# Placements: name -> (file, template). `{t}` is the token as written.
PLACES = {
    "yaml-literal": ("a.yaml", "app:\n  notes: |\n    rotate monthly\n    current {t}\n  replicas: 2\n"),
    "yaml-folded": ("a.yaml", "app:\n  description: >\n    the upstream takes\n    {t} for now\n  replicas: 2\n"),
    "yaml-literal-keep": ("a.yaml", "app:\n  blob: |+\n    {t}\n\n  replicas: 2\n"),
    "yaml-flow-map": ("a.yaml", "app: {{name: api, extra: {tq}, region: eu}}\n"),
    "yaml-flow-seq": ("a.yaml", "app:\n  args: [--verbose, {tq}, --fast]\n"),
    "json-array": ("a.json", "{{\"app\": {{\"args\": [\"run\", {tq}, \"--fast\"], \"replicas\": 2}}}}\n"),
    "json-nested-array": ("a.json", "{{\"matrix\": [[\"a\", \"b\"], [\"c\", {tq}]]}}\n"),
    "toml-multiline": ("a.toml", "[app]\nnote = \"\"\"\nrotate monthly\ncurrent {t}\n\"\"\"\nreplicas = 2\n"),
    "toml-literal-ml": ("a.toml", "[app]\nnote = '''\n{t}\n'''\nreplicas = 2\n"),
    "toml-inline-table": ("a.toml", "[app]\nsvc = {{ name = \"api\", extra = {tq} }}\nreplicas = 2\n"),
    "toml-array-of-tables": ("a.toml", "[[app.hooks]]\nname = \"deploy\"\narg = {tq}\n"),
    "ini-continuation": ("a.ini", "[app]\nnote = first line\n  {t}\nreplicas = 2\n"),
    "xml-attribute": ("a.xml", "<config>\n  <svc name=\"api\" extra=\"{t}\"/>\n</config>\n"),
    "xml-cdata": ("a.xml", "<config>\n  <note><![CDATA[use {t} here]]></note>\n</config>\n"),
    "xml-text-nested": ("a.xml", "<config><svc><arg>{t}</arg><arg>--fast</arg></svc></config>\n"),
    "hcl-heredoc": ("a.tf", "locals {{\n  note = <<EOT\nuse {t}\nEOT\n  replicas = 2\n}}\n"),
    "hcl-list": ("a.tfvars", "args = [\"run\", {tq}]\nreplicas = 2\n"),
    "properties-cont": ("a.properties", "app.note=first part \\\n    {t}\napp.replicas=2\n"),
    "properties-colon": ("a.properties", "app.extra : {t}\napp.replicas : 2\n"),
    "env-export-dq": ("a.env", "export EXTRA=\"{t}\"\nexport REPLICAS=2\n"),
    "env-export-sq": ("a.env", "export EXTRA='{t}'\nREPLICAS=2\n"),
    "env-comment-after": ("a.env", "EXTRA={t} # rotated\nREPLICAS=2\n"),
    "nginx": ("nginx.conf", "server {{\n  location / {{\n    proxy_set_header X-Extra \"{t}\";\n  }}\n}}\n"),
    "pgbouncer": ("pgbouncer.ini", "[databases]\napp = host=db dbname=app application_name={t}\n[pgbouncer]\nlisten_port = 6432\n"),
    "k8s-data": ("secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n  EXTRA: {t64}\n"),
    "k8s-stringdata": ("secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\nstringData:\n  extra.conf: |\n    value={t}\n"),
    "k8s-configmap-env": ("deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          env:\n            - name: EXTRA\n              value: {tq}\n"),
    "helm-values": ("values.yaml", "global:\n  extraEnv:\n    - name: UPSTREAM\n      value: {tq}\nimage:\n  tag: 1.2.3\n"),
    "compose-env-list": ("docker-compose.yml", "services:\n  api:\n    image: app:1.2\n    environment:\n      - EXTRA={t}\n      - REPLICAS=2\n"),
    "compose-command": ("docker-compose.yml", "services:\n  api:\n    command: [\"serve\", \"--upstream-key\", {tq}]\n"),
    "prose-backticks": ("NOTES.md", "Use `{t}` for the upstream.\n"),
    "prose-brackets": ("NOTES.txt", "upstream [{t}] (rotated) <{t}>\n"),
    "prose-quotes": ("NOTES.txt", "the value '{t}' and \"{t}\" work\n"),
    "shell-array": ("run.sh", "#!/bin/sh\nARGS=(serve --extra \"{t}\")\nexec app \"${{ARGS[@]}}\"\n"),
    "dockerfile": ("Dockerfile", "FROM app:1.2\nENV EXTRA={t}\nARG BUILD=1\n"),
}

ENTRIES = catalogue()
n = 0
PLACE_NAMES = list(PLACES)
for i, (ident, marker, before, after, example) in enumerate(ENTRIES):
    if ident in KEY_FILES:
        continue
    bounded = "(?-u:\\b)"
    full = re.compile((before + re.escape(marker) + after).replace(bounded, ""))
    for j in range(len(PLACE_NAMES) if os.environ.get("FULL") else 3):
        place = PLACE_NAMES[(i * 3 + j) % len(PLACE_NAMES)]
        a = redraw(example, marker, full)
        variant = (i + j) % 3
        b = apart(a) if variant == 0 else (a if variant == 1 else redraw(example, marker, full))
        f, tpl = PLACES[place]
        fill = lambda t: tpl.format(t=t, tq=yq(t), t64=b64(t))
        vec(f"place:{place}/{ident}/{['apart', 'same', 'different'][variant]}",
            secret_part(a, marker) + secret_part(b, marker),
            {f"staging/{f}": fill(a), f"prod/{f}": fill(b)}, diff(n))
        n += 1

# Uncatalogued secrets in the same placements: a random 40-character token
# under the neutral key (found by shape), and generated passwords (with and
# without punctuation) under the same placement with a secret-named key.
SECRET_NAMES = [("extra", "password"), ("EXTRA", "DB_PASSWORD"), ("X-Extra", "X-Api-Key"),
                ("notes", "secret"), ("description", "api_token"), ("blob", "private_key"),
                ("note", "password"), ("--verbose", "--password"), ("\"run\"", "\"--token\""),
                ("\"c\"", "\"--api-key\""), ("application_name", "password"), ("Use", "Password"),
                ("upstream", "password"), ("the value", "the password"), ("--upstream-key", "--api-key"),
                ("arg = ", "token = "), ("material", "private_key"), ("--extra", "--password"),
                ("value: ", "value: "), ("UPSTREAM", "API_TOKEN"), ("<arg>", "<password>"),
                ("</arg>", "</password>")]
PUNCT = A62 + "!#%&*+-.=?@^_~"


def secret_named(tpl):
    for a, b in SECRET_NAMES:
        tpl = tpl.replace(a, b)
    return tpl


for k, (place, (f, tpl)) in enumerate(PLACES.items()):
    stpl = secret_named(tpl)
    for kind in ["random40", "password", "punct"]:
        if kind == "random40":
            a, t = rnd(A62, 40), tpl
        elif kind == "password":
            a, t = rnd(A62, 13), stpl
        else:
            a = rnd(A62, 6) + R.choice("!#%&*+-.=?@^_~") + rnd(A62, 7)
            t = stpl
        b = apart(a)
        fill = lambda s: t.format(t=s, tq=yq(s), t64=b64(s))
        pieces = [x for x in re.split(r"[^A-Za-z0-9]", a) if len(x) >= 6]
        vec(f"generic:{place}/{kind}", pieces, {f"staging/{f}": fill(a), f"prod/{f}": fill(b)}, diff(n))
        n += 1

# Key files (a header, base64 lines, a footer) in block scalars,
# stringData, JSON-escaped and HCL heredocs.
B64 = UP + LO + DG + "+/"
KEY_SHAPES = {
    "pem-rsa": ("-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----"),
    "openssh": ("-----BEGIN OPENSSH PRIVATE KEY-----", "-----END OPENSSH PRIVATE KEY-----"),
    "ssh2": ("---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----", "---- END SSH2 ENCRYPTED PRIVATE KEY ----"),
    "putty": ("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: 2", ""),
    "openvpn": ("-----BEGIN OpenVPN Static key V1-----", "-----END OpenVPN Static key V1-----"),
}
for ident, (head, foot) in KEY_SHAPES.items():
    for place in ["yaml-literal-key", "k8s-stringdata-key", "json-escaped-key", "hcl-heredoc-key"]:
        lines = [rnd(HEX if ident == "openvpn" else B64, 64) for _ in range(3)]
        a = "\n".join([head.replace("\\n", "\n")] + lines + ([foot] if foot else []))
        b = a.replace(lines[0], apart(lines[0]))
        def fill(k):
            ind = "\n".join("    " + l for l in k.split("\n"))
            return {
                "yaml-literal-key": ("a.yaml", f"tls:\n  material: |\n{ind}\n  replicas: 2\n"),
                "k8s-stringdata-key": ("s.yaml", f"apiVersion: v1\nkind: Secret\nstringData:\n  id: |\n{ind}\n"),
                "json-escaped-key": ("a.json", json.dumps({"material": k}) + "\n"),
                "hcl-heredoc-key": ("a.tf", f"locals {{\n  material = <<EOT\n{k}\nEOT\n}}\n"),
            }[place]
        fa, ca = fill(a)
        _, cb = fill(b)
        vec(f"keyfile:{place}/{ident}", lines, {f"staging/{fa}": ca, f"prod/{fa}": cb}, diff(n))
        n += 1

# URLs and connection strings with odd userinfo.
ODD = [lambda: rnd(A62, 14), lambda: rnd(A62, 6) + "@" + rnd(A62, 6), lambda: rnd(A62, 5) + ":" + rnd(A62, 7),
       lambda: rnd(A62, 6) + "%" + rnd(A62, 6), lambda: rnd(A62, 6) + "#" + rnd(A62, 5), lambda: rnd(A62, 6) + "/" + rnd(A62, 6)]
URLS = {
    "jdbc-query": ("a.properties", "spring.datasource.url=jdbc:postgresql://db:5432/app?user=app&password={p}&ssl=true\n"),
    "jdbc-mysql-semicolon": ("a.properties", "db.url=jdbc:sqlserver://db:1433;databaseName=app;user=app;password={p};encrypt=true\n"),
    "odbc": ("a.yaml", "conn: 'Driver={{ODBC Driver 18}};Server=db;Uid=app;Pwd={{{p}}};'\n"),
    "adonet": ("a.json", "{{\"ConnectionStrings\": {{\"Main\": \"Server=db;Database=app;User Id=app;Password={p};\"}}}}\n"),
    "mongo-srv": ("a.env", "MONGO_URI=mongodb+srv://app:{pe}@cluster0.ab1cd.mongodb.net/app?retryWrites=true\n"),
    "redis-nouser": ("a.yaml", "cache:\n  url: redis://:{pe}@cache:6379/0\n"),
    "rediss-acl": ("a.toml", "[cache]\nurl = \"rediss://default:{pe}@cache.example.com:6380\"\n"),
    "amqp": ("a.ini", "[mq]\nbroker = amqp://user:{pe}@mq.internal:5672/vhost\n"),
    "postgres-pct-user": ("a.env", "DATABASE_URL=postgres://us%40er:{pe}@db.internal:5432/app\n"),
    "url-double-encoded": ("a.yaml", "callback: https://app.example.com/cb?next={pee}\n"),
    "libpq-quoted": ("a.conf", "primary_conninfo = 'host=db port=5432 user=rep password=''{pq}'' sslmode=require'\n"),
    "git-credential": ("a.txt", "https://ci:{pe}@git.example.com/org/repo.git\n"),
}
for k, (name, (f, tpl)) in enumerate(URLS.items()):
    for m, make in enumerate(ODD):
        if (k + m) % 2:
            continue
        a = make()
        b = apart(a)
        def fill(p):
            pe = urllib.parse.quote(p, safe="")
            pee = urllib.parse.quote(f"postgres://app:{pe}@db/x", safe="")
            return tpl.format(p=p, pe=pe, pq=p.replace("'", "''"),
                              pee=urllib.parse.quote(pee, safe=""))
        pieces = [x for x in re.split(r"[@:%#/]", a) if len(x) >= 6]
        vec(f"url:{name}/{m}", pieces, {f"staging/{f}": fill(a), f"prod/{f}": fill(b)}, diff(n))
        n += 1

# Encodings under neutral keys: hex, base64url, double percent-encoding.
ENC = {
    "hex": lambda t: t.encode().hex(),
    "base64url": lambda t: base64.urlsafe_b64encode(t.encode()).decode().rstrip("="),
    "base64url-userpass": lambda t: base64.urlsafe_b64encode(f"ci:{t}".encode()).decode().rstrip("="),
    "double-percent": lambda t: urllib.parse.quote(urllib.parse.quote(f"token={t}", safe=""), safe=""),
    "base64-json": lambda t: b64(json.dumps({"type": "service_account", "private_key_id": t, "client_email": "a@b.iam.gserviceaccount.com"})),
}
TOKENS = [e for e in ENTRIES if e[0] not in KEY_FILES]
for k, (name, enc) in enumerate(ENC.items()):
    for m in range(8):
        ident, marker, before, after, example = TOKENS[(k * 8 + m * 7) % len(TOKENS)]
        full = re.compile((before + re.escape(marker) + after).replace("(?-u:\\b)", ""))
        a = redraw(example, marker, full)
        b = apart(a)
        vec(f"encoded:{name}/{ident}", secret_part(a, marker) + secret_part(b, marker),
            {"staging/a.yaml": f"blob: {enc(a)}\n", "prod/a.yaml": f"blob: {enc(b)}\n"}, diff(n))
        n += 1

# Tokens split over two lines by each format's own line joining.
SPLIT = {
    "yaml-folded": ("a.yaml", "note: >-\n  {h1}\n  {h2}\n", " "),
    "yaml-plain": ("a.yaml", "note: {h1}\n  {h2}\n", " "),
    "yaml-dq-escape": ("a.yaml", "note: \"{h1}\\\n  {h2}\"\n", ""),
    "toml-backslash": ("a.toml", "note = \"\"\"\\\n{h1}\\\n{h2}\"\"\"\n", ""),
    "properties": ("a.properties", "app.note={h1}\\\n    {h2}\n", ""),
    "text-file": ("NOTES.txt", "the upstream key is {h1}\n{h2} for now\n", ""),
    "shell-heredoc": ("run.sh", "cat > key <<EOF\n{h1}\n  {h2}\nEOF\n", ""),
}
for k, (name, (f, tpl, _)) in enumerate(SPLIT.items()):
    for m in range(6):
        ident, marker, before, after, example = TOKENS[(k * 13 + m * 11 + 3) % len(TOKENS)]
        full = re.compile((before + re.escape(marker) + after).replace("(?-u:\\b)", ""))
        a = redraw(example, marker, full)
        b = apart(a)
        h = len(a) // 2
        vec(f"split:{name}/{ident}", secret_part(a, marker) + secret_part(b, marker),
            {f"staging/{f}": tpl.format(h1=a[:h], h2=a[h:]), f"prod/{f}": tpl.format(h1=b[:h], h2=b[h:])}, diff(n))
        n += 1

# Short generated passwords one apart under secret keys, in every file
# format and every output format with and without -v.
SK = {
    "yaml": ("a.yaml", "db:\n  password: {s}\n  host: db\n"),
    "json": ("a.json", "{{\"db\": {{\"password\": \"{s}\", \"host\": \"db\"}}}}\n"),
    "toml": ("a.toml", "[db]\npassword = \"{s}\"\nhost = \"db\"\n"),
    "ini": ("a.ini", "[db]\npassword = {s}\nhost = db\n"),
    "env": ("a.env", "export DB_PASSWORD=\"{s}\"\nDB_HOST=db\n"),
    "properties": ("a.properties", "db.password={s}\ndb.host=db\n"),
    "xml-attr": ("a.xml", "<db host=\"db\" password=\"{s}\"/>\n"),
    "hcl": ("a.tf", "db {{\n  password = \"{s}\"\n  host = \"db\"\n}}\n"),
    "compose": ("docker-compose.yml", "services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD={s}\n"),
    "argv": ("a.yaml", "job:\n  args: [\"--password\", \"{s}\", \"--host\", \"db\"]\n"),
}
for name, (f, tpl) in SK.items():
    for i in range(len(FORMATS) * 2):
        a = rnd(A62, 10)
        b = apart(a)
        vec(f"secretkey:{name}/{FORMATS[i % 5]}{'-v' if i >= 5 else ''}", [a, b],
            {f"staging/{f}": tpl.format(s=a), f"prod/{f}": tpl.format(s=b)},
            ["diff", "staging", "prod", "--format", FORMATS[i % 5]] + (["-v"] if i >= 5 else []))

# Commands: trailers, gate, approve, audit, explain, init, check.
for i, f in enumerate(FORMATS):
    for v in ([], ["-v"]):
        ident, marker, before, after, example = TOKENS[(i * 17 + len(v) * 5) % len(TOKENS)]
        full = re.compile((before + re.escape(marker) + after).replace("(?-u:\\b)", ""))
        tok = redraw(example, marker, full)
        tsec = secret_part(tok, marker)
        pw = rnd(A62, 12)
        base = {"driftcheck.toml": CFG, "staging/a.yaml": "a: 1\n", "prod/a.yaml": "a: 1\n"}
        change = {"prod/a.yaml": f"a: 2\nupstream:\n  args: [--key, {yq(tok)}]\n  note: |\n    {tok}\n",
                  "staging/a.yaml": f"a: 1\nupstream:\n  args: [--key, {yq(apart(tok))}]\n"}
        msg = (f"change a\n\nSee `{tok}` in the notes.\nX-Upstream-Key: {tok}\nDB-Password: {pw}\n"
               f"Reviewed-by: A <a@example.com>\n")
        sfx = f"{f}{''.join(v)}"
        for cmd in (["gate", "--base", "main"], ["approve", "--base", "main"], ["audit"], ["trailers"]):
            vec(f"cmd:{cmd[0]}/{sfx}", tsec + [pw], {}, cmd + ["--format", f] + v,
                git={"base": base, "change": change, "message": msg})
        vec(f"cmd:explain/{sfx}", tsec, {}, ["explain", f"[{tok}]", "--format", f] + v)
        vec(f"cmd:init/{sfx}", tsec, {"staging/a.yaml": f"args: [\"--key\", {yq(tok)}]\n",
                                         "prod/a.yaml": f"args: [\"--key\", {yq(apart(tok))}]\n"},
            ["init", "staging", "prod"] + v)
        vec(f"cmd:check/{sfx}", tsec + [pw], {"driftcheck.toml": CFG,
            "staging/a.env": f"export EXTRA=\"{tok}\"\nexport DB_PASSWORD='{pw}'\n",
            "prod/a.env": f"export EXTRA=\"{apart(tok)}\"\nexport DB_PASSWORD='{apart(pw)}'\n"},
            ["check", "--format", f] + v)

# Secrets pasted where a name belongs: an unknown key in driftcheck.toml or a
# policy, a rule id in an inline allow comment; every format, with -v.
for i, f in enumerate(FORMATS):
    for kind, make in [("password", lambda: rnd(A62, 12)), ("short", lambda: rnd(A62, 9)),
                       ("random40", lambda: rnd(A62, 40))]:
        s = make()
        vec(f"name:config-key/{kind}/{f}", [s], {"driftcheck.toml": CFG + f"{s} = 1\n",
            "staging/a.yaml": "a: 1\n", "prod/a.yaml": "a: 2\n"}, ["check", "--format", f, "-v"])
        s = make()
        vec(f"name:policy-key/{kind}/{f}", [s], {"driftcheck.toml": CFG + "policies = [\"p.toml\"]\n",
            "p.toml": f"[[rule]]\nid = \"r1\"\nkeys = [\"a\"]\nexpect = \"same\"\n{s} = \"x\"\n",
            "staging/a.yaml": "a: 1\n", "prod/a.yaml": "a: 2\n"}, ["check", "--format", f, "-v"])
        s = make()
        vec(f"name:allow-id/{kind}/{f}", [s], {"driftcheck.toml": CFG,
            "staging/a.yaml": f"a: 1 # driftcheck: allow {s} -- rotated\n", "prod/a.yaml": "a: 2\n"},
            ["diff", "staging", "prod", "--format", f, "-v"])

# Generated short passwords in commit-message prose and near-miss trailers
# (no secret word to point at them), through every command that prints
# message lines, every format.
PROSE = ["Co-authored-by: B <b@example.com> {p}", "credentials ci / {p}", "use `{p}` for the mirror",
         "Reviewed-by: {p}", "X-Note: ({p})"]
for i, f in enumerate(FORMATS):
    for k, line in enumerate(PROSE):
        p = rnd(A62, 12 + k % 4)
        base = {"driftcheck.toml": CFG, "staging/a.yaml": "a: 1\n", "prod/a.yaml": "a: 1\n"}
        msg = f"change a\n\nsome prose here\n{line.format(p=p)}\nReviewed-by: A <a@example.com>\n"
        cmd = [["trailers"], ["gate", "--base", "main"], ["audit"], ["approve", "--base", "main"]][(i + k) % 4]
        vec(f"prose:{cmd[0]}/{k}/{f}", [p], {}, cmd + ["--format", f, "-v"],
            git={"base": base, "change": {"prod/a.yaml": "a: 2\n"}, "message": msg})

for v in out:
    print(json.dumps(v))
print(f"{len(out)} vectors", file=sys.stderr)
