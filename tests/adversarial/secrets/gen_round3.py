#!/usr/bin/env python3
"""Round 3 of the adversarial secret corpus: vectors the first two rounds lack.

usage: gen_round3.py > round3.jsonl   (FULL=1: every token x every placement)

Each line is one vector in the generic replay shape (see replay.py):
  class    "<family>:<name>/<placement>"
  secrets  texts of which no 6-character window (nor of their base64/hex)
           may appear in the output
  tree     {path: content} written into a fresh directory
  git      optional {"base": {path: content}, "change": {path: content},
           "message": str}: a repository with main = base, branch change on top
  command  argv after the binary
Families: provider token formats not in the catalogue's first rounds (facts
from the public gitleaks / GitHub secret-scanning / Microsoft identifiable-key
rule sets), every placement (keys, file names, env names, anchors, block
scalars, JSON escapes, base64 of JSON, URL-encoding, split keys, CRLF,
Kubernetes Secret data, docker auths, .netrc, .pgpass, npmrc, pip, JDBC),
every command and output format with and without -v. Deterministic (seeded).
"""
import base64, json, random, string, sys, urllib.parse

R = random.Random(20261203)
UP, LO, DG = string.ascii_uppercase, string.ascii_lowercase, string.digits
A62 = UP + LO + DG
HEX = "0123456789abcdef"
B64 = A62 + "+/"
URLSAFE = A62 + "-_"
B32 = LO + "234567"
FORMATS = ["human", "json", "sarif", "github", "markdown"]


def rnd(alpha, n):
    while True:
        s = "".join(R.choice(alpha) for _ in range(n))
        # Mixed alphabets: make sure each class shows up, as real draws do.
        if alpha in (A62, URLSAFE, B64) and n >= 8:
            if not (any(c in UP for c in s) and any(c in LO for c in s) and any(c in DG for c in s)):
                continue
        return s


def uuid():
    h = rnd(HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


# name -> generator of one token of the provider's documented shape.
TOKENS = {
    "airtable-pat": lambda: "pat" + rnd(A62, 14) + "." + rnd(HEX, 64),
    "asana-pat": lambda: "2/" + rnd(DG, 16) + "/" + rnd(DG, 16) + ":" + rnd(HEX, 32),
    "adafruit-io": lambda: "aio_" + rnd(A62, 28),
    "beamer": lambda: "b_" + rnd(LO + DG, 44),
    "clickup": lambda: "pk_" + rnd(DG, 8) + "_" + rnd(UP + DG, 32),
    "hubspot-pat": lambda: "pat-na1-" + uuid(),
    "launchdarkly-api": lambda: "api-" + uuid(),
    "launchdarkly-sdk": lambda: "sdk-" + uuid(),
    "plaid-access": lambda: "access-sandbox-" + uuid(),
    "langfuse-secret": lambda: "sk-lf-" + uuid(),
    "gocardless-live": lambda: "live_" + rnd(URLSAFE, 40),
    "defined-networking": lambda: "dnkey-" + rnd(LO + DG, 26) + "-" + rnd(LO + DG, 52),
    "facebook-access": lambda: "EAAC" + rnd(A62, 120),
    "firebase-fcm": lambda: "AAAA" + rnd(A62, 7) + ":" + rnd(URLSAFE, 140),
    "mandrill": lambda: "md-" + rnd(A62, 22),
    "neon-api": lambda: "napi_" + rnd(LO + DG, 64),
    "heroku-hrku": lambda: "HRKU-AA" + rnd(URLSAFE, 58),
    "klaviyo-private": lambda: "pk_" + rnd(HEX, 34),
    "braintree-access": lambda: "access_token$sandbox$" + rnd(LO + DG, 16) + "$" + rnd(HEX, 32),
    "square-atp": lambda: "sq0atp-" + rnd(URLSAFE, 22),
    "yandex-api": lambda: "AQVN" + rnd(URLSAFE, 36),
    "yandex-iam": lambda: "t1." + rnd(URLSAFE, 40) + "." + rnd(URLSAFE, 86),
    "tencent-secret-id": lambda: "AKID" + rnd(A62, 32),
    "bitwarden-access": lambda: "0." + uuid() + "." + rnd(A62, 30) + ":" + rnd(A62, 22) + "==",
    "ngrok-authtoken": lambda: "2" + rnd(A62, 26) + "_" + rnd(A62, 21),
    "azure-devops-pat": lambda: rnd(B32, 52),
    "azure-storage-key": lambda: rnd(B64, 76) + "+ASt" + rnd(B64, 5) + "A==",
    "azure-function-key": lambda: rnd(URLSAFE, 44) + "AzFu" + rnd(A62, 5) + "A==",
    "azure-cosmos-key": lambda: rnd(B64, 76) + "ACDb" + rnd(B64, 5) + "Q==",
    "azure-search-admin": lambda: rnd(A62, 42) + "AzSe" + rnd(A62, 6),
    "azure-acr": lambda: rnd(A62, 42) + "+ACR" + rnd(A62, 6),
    "azure-apim": lambda: rnd(B64, 76) + "APIM" + rnd(B64, 5) + "w==",
    "cloudflare-api-token": lambda: rnd(URLSAFE, 40),
    "cloudflare-origin-ca": lambda: "v1.0-" + rnd(HEX, 24) + "-" + rnd(HEX, 146),
    "deepseek": lambda: "sk-" + rnd(HEX, 32),
    "okta-ssws": lambda: "00" + rnd(URLSAFE, 40),
    "jfrog-reference": lambda: "cmVmdGtuOjAxOj" + rnd(A62, 50),
    "gitlab-routable": lambda: "glpat-" + rnd(URLSAFE, 27) + ".01." + rnd(LO + DG, 9),
    "openai-svcacct": lambda: "sk-svcacct-" + rnd(URLSAFE, 74) + "T3BlbkFJ" + rnd(URLSAFE, 74),
    "anthropic-admin": lambda: "sk-ant-admin01-" + rnd(URLSAFE, 93) + "AA",
    "posthog-personal": lambda: "phx_" + rnd(A62, 43),
    "doppler-sa": lambda: "dp.sa." + rnd(A62, 43),
    "rapidapi": lambda: rnd(URLSAFE, 50),
    "sidekiq-enterprise": lambda: rnd(HEX, 8) + ":" + rnd(HEX, 8),
    "short-password-12": lambda: rnd(A62, 12),
    "short-password-14": lambda: rnd(A62, 14),
    "password-symbols": lambda: rnd(A62, 6) + R.choice("#!%^*") + rnd(A62, 6) + R.choice("#!%^*"),
    "mistral": lambda: rnd(A62, 32),
    "trello-token": lambda: "ATTA" + rnd(HEX, 64),
    "pinata-jwt-secret": lambda: rnd(HEX, 64),
}

# Keys a provider's documentation uses (secret-named) and neutral keys.
SECRET_KEYS = ["api_token", "client_secret", "AUTH_TOKEN", "accessKey", "privateToken", "webhookSecret"]
NEUTRAL_KEYS = ["endpoint_setting", "value", "upstream", "integration_ref", "opt", "x_param"]


def b64(s):
    return base64.b64encode(s.encode()).decode()


def json_u_escape(s):
    return "".join("\\u%04x" % ord(c) if i % 2 == 0 else c for i, c in enumerate(s))


# Placements: (name, file, template). {S} the secret, {K} a secret key, {N} a neutral key.
PLACEMENTS = [
    ("secret-key-yaml", "cfg.yaml", "{K}: {S}\n"),
    ("neutral-key-yaml", "cfg.yaml", "{N}: '{S}'\n"),
    ("prose", "NOTES.txt", "Rotate it later; for now the ops team uses {S} in the job.\n"),
    ("shell-export", "deploy.sh", "#!/bin/sh\nexport UPSTREAM_OPT='{S}'\n./run\n"),
    ("url-query", "svc.yaml", "endpoint: 'https://api.example.com/v2/hook?x={SU}&limit=5'\n"),
    ("json-neutral", "app.json", "{\"integration\": {\"{N}\": \"{S}\"}}\n"),
    ("json-u-escaped", "app.json", "{\"{K}\": \"{SJ}\"}\n"),
    ("b64-neutral", "cfg.yaml", "blob: {SB}\n"),
    ("b64-json", "cfg.yaml", "payload: {SBJ}\n"),
    ("k8s-data", "secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n  value: {SB}\n"),
    ("k8s-stringdata", "secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\nstringData:\n  config: '{S}'\n"),
    ("crlf-env", "app.env", "MODE=live\r\n{KU}={S}\r\nPORT=8080\r\n"),
    ("block-scalar", "cm.yaml", "data:\n  app.ini: |\n    [remote]\n    url = https://h.example.com\n    {K} = {S}\n"),
    ("anchor-alias", "cfg.yaml", "secrets:\n  main: &tok '{S}'\nclient:\n  {N}: *tok\n"),
    ("key-name", "cfg.yaml", "allow:\n  '{S}': admin\n"),
    ("toml-neutral", "cfg.toml", "[svc]\n{N} = \"{S}\"\n"),
    ("ini-neutral", "cfg.ini", "[svc]\n{N} = {S}\n"),
    ("xml-attr", "cfg.xml", "<cfg><svc {N}=\"{S}\" host=\"h\"/></cfg>\n"),
    ("properties-neutral", "app.properties", "svc.{N}={S}\n"),
    ("hcl-neutral", "main.tfvars", "{N} = \"{S}\"\n"),
    ("k8s-env-sibling", "deploy.yaml", "env:\n- name: {KU}\n  value: '{S}'\n"),
    ("curl-header", "ci.sh", "curl -H 'X-Api-Key: {S}' https://api.example.com/\n"),
]


def fill(t, s, key, neutral):
    return (t.replace("{SU}", urllib.parse.quote(s, safe=""))
             .replace("{SJ}", json_u_escape(s))
             .replace("{SBJ}", b64(json.dumps({"type": "service", "token": s})))
             .replace("{SB}", b64(s))
             .replace("{KU}", key.upper())
             .replace("{K}", key).replace("{N}", neutral).replace("{S}", s))


def one_apart(s):
    i = len(s) // 2
    c = s[i]
    alt = "Q" if c != "Q" else "R"
    if c.isdigit():
        alt = "7" if c != "7" else "3"
    elif c.islower():
        alt = "q" if c != "q" else "r"
    return s[:i] + alt + s[i + 1:]


out = []
fi = 0


def fmt_args():
    global fi
    f = FORMATS[fi % 5]
    v = ["-v"] if (fi // 5) % 2 else []
    fi += 1
    return ["--format", f] + v


def diff_vector(cls, file, staging, prod, secrets):
    out.append({"class": cls, "secrets": secrets,
                "tree": {f"staging/{file}": staging, f"prod/{file}": prod},
                "command": ["diff", "staging", "prod"] + fmt_args()})


# 1. Every new token in four placements, rotating, three variants rotating.
# FULL=1: every token in every placement (the cross product, ~1,100 vectors).
# CATALOGUE=src/secrets/catalogue.rs: also every catalogue example (its
# documented shape) in every placement, the example against one character apart.
import os, re
if os.environ.get("CATALOGUE"):
    src = open(os.environ["CATALOGUE"]).read()
    for m in re.finditer(r'e\("([^"]+)", ".*?", "(?:[^"\\]|\\.)*", "(?:[^"\\]|\\.)*", "((?:[^"\\]|\\.)*)"\)', src):
        ex = m.group(2).encode().decode("unicode_escape")
        if "\n" in ex or "BEGIN" in ex:
            continue
        TOKENS["cat-" + m.group(1)] = (lambda ex: (lambda: ex))(ex)
PER_TOKEN = len(PLACEMENTS) if os.environ.get("FULL") else 4
pi = 0
for name, gen in TOKENS.items():
    for k in range(PER_TOKEN):
        p_name, file, t = PLACEMENTS[pi % len(PLACEMENTS)]
        pi += 1
        s = gen()
        variant = k % 3
        s2 = gen() if variant == 0 else (s if variant == 1 else one_apart(s))
        if s2 == s and variant != 1:
            s2 = one_apart(s)
        key = SECRET_KEYS[pi % len(SECRET_KEYS)]
        neutral = NEUTRAL_KEYS[pi % len(NEUTRAL_KEYS)]
        diff_vector(f"token:{name}/{p_name}", file, fill(t, s, key, neutral), fill(t, s2, key, neutral),
                    sorted({s, s2}))

# 2. Structured credential files and strings.
STRUCT = [
    ("netrc", ".netrc", "machine api.example.com\n  login deploy\n  password {S}\n"),
    ("netrc-oneline", "netrc", "machine git.example.com login ci password {S}\n"),
    ("pgpass", ".pgpass", "db.internal:5432:app:app:{S}\n"),
    ("pgpass-escaped-colon", ".pgpass", "db.internal:5432:*:app:{S}\\:{S2}\n"),
    ("npmrc-authtoken", ".npmrc", "registry=https://npm.example.com/\n//npm.example.com/:_authToken={S}\n"),
    ("npmrc-auth-b64", ".npmrc", "_auth={B64UP}\nalways-auth=true\n"),
    ("npmrc-password", ".npmrc", "//npm.example.com/:username=ci\n//npm.example.com/:_password={B64S}\n"),
    ("pip-index-url", "pip.conf", "[global]\nindex-url = https://ci:{S}@pypi.example.com/simple\n"),
    ("pip-extra-index", "requirements.txt", "--extra-index-url https://__token__:{S}@pkgs.example.com/simple\nrequests==2.31.0\n"),
    ("docker-config-auth", "config.json", "{\"auths\": {\"registry.example.com\": {\"auth\": \"{B64UP}\"}}}\n"),
    ("docker-config-identitytoken", "config.json", "{\"auths\": {\"r.example.com\": {\"identitytoken\": \"{S}\"}}}\n"),
    ("dockerconfigjson", "pull.yaml", "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/dockerconfigjson\nmetadata:\n  name: pull\ndata:\n  .dockerconfigjson: {B64DCJ}\n"),
    ("jdbc-mysql-param", "app.properties", "spring.datasource.url=jdbc:mysql://db:3306/app?user=app&password={S}&useSSL=true\n"),
    ("jdbc-postgres-param", "app.yaml", "url: jdbc:postgresql://db:5432/app?user=app&password={S}&ssl=true\n"),
    ("jdbc-sqlserver-semicolon", "app.yaml", "url: 'jdbc:sqlserver://db:1433;databaseName=app;user=sa;password={S};encrypt=true'\n"),
    ("jdbc-oracle-thin", "app.yaml", "url: jdbc:oracle:thin:app/{S}@db:1521/ORCL\n"),
    ("kafka-jaas", "client.properties", "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"app\" password=\"{S}\";\n"),
    ("kafka-jaas-scram", "app.yaml", "kafka:\n  jaas: 'org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"{S}\";'\n"),
    ("mongodb-srv", "app.env", "MONGO_URL=mongodb+srv://app:{S}@cluster0.example.mongodb.net/db?retryWrites=true\n"),
    ("redis-url-default-user", "app.yaml", "cache: rediss://default:{S}@cache.example.com:6380/0\n"),
    ("cloudinary-url", "app.env", "CLOUDINARY_URL=cloudinary://123456789012345:{S}@demo\n"),
    ("sentry-dsn", "app.yaml", "sentry:\n  dsn: https://{H}@o12345.ingest.sentry.io/67890\n"),
    ("split-two-keys", "cfg.yaml", "signing:\n  key_part_1: {S}\n  key_part_2: {S2}\n"),
    ("split-neutral-halves", "cfg.yaml", "sig:\n  a: {S}{S2}\n"),
    ("url-encoded-userinfo", "cfg.yaml", "dsn: postgres://app:{SU}%40{S2}@db.internal/app\n"),
    ("url-encoded-query-password", "cfg.yaml", "cb: 'https://x.example.com/login?user=a&password={SU}'\n"),
    ("http-digest-yaml", "client.yaml", "auth_header: 'Digest username=\"u\", realm=\"r\", nonce=\"abc\", uri=\"/\", response=\"{H}\"'\n"),
    ("http-digest-unquoted", "client.yaml", "h: Digest username=u,realm=r,response={H},qop=auth\n"),
    ("http-aws4", "client.yaml", "h: 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20250101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature={H64}'\n"),
    ("http-hawk", "client.yaml", "h: 'Hawk id=\"dh37fgj492je\", ts=\"1353832234\", nonce=\"j4h3g2\", mac=\"{S}=\"'\n"),
    ("http-oauth1", "client.yaml", "h: 'OAuth oauth_consumer_key=\"ck\", oauth_token=\"{S}\", oauth_signature=\"{S2}%3D\"'\n"),
    ("http-negotiate", "client.yaml", "h: 'Negotiate YII{S}{S2}'\n"),
    ("http-basic-bare", "client.yaml", "h: 'Basic {B64UP}'\n"),
    ("http-bearer-text", "notes.txt", "curl -H \"Authorization: Bearer {S}\" https://api.example.com\n"),
    ("http-apikey-scheme", "client.yaml", "headers:\n  Authorization: 'ApiKey {B64UP}'\n"),
    ("http-sharedkey", "client.yaml", "h: 'SharedKey myaccount:{S}='\n"),
    ("http-splunk-uuid", "client.yaml", "hec:\n  header: 'Authorization: Splunk {U}'\n"),
    ("header-postmark-uuid", "client.yaml", "headers:\n  X-Postmark-Server-Token: {U}\n"),
    ("header-x-api-key-uuid", "client.txt", "X-Api-Key: {U}\n"),
    ("uuid-token-query", "svc.yaml", "feed: 'https://feeds.example.com/x?token={U}'\n"),
    ("uuid-heroku-key", "app.yaml", "heroku:\n  api_key: {U}\n"),
    ("uuid-heroku-env", "app.env", "HEROKU_API_KEY={U}\n"),
    ("uuid-k8s-sibling", "deploy.yaml", "env:\n- name: SNYK_TOKEN\n  value: {U}\n"),
    ("uuid-prose-api-key", "NOTES.txt", "The API key is {U} for the staging account.\n"),
    ("yaml-folded-secret", "cfg.yaml", "password: >-\n  {S}\n  {S2}\n"),
    ("yaml-literal-pem-neutral", "cfg.yaml", "material: |\n  -----BEGIN EC PRIVATE KEY-----\n  MHcCAQEEI{S}{S2}\n  -----END EC PRIVATE KEY-----\n"),
    ("json-escaped-password", "app.json", "{\"db\": {\"password\": \"{SJ}\"}}\n"),
    ("json-string-with-json", "app.yaml", "SPRING_APPLICATION_JSON: '{\"spring\":{\"datasource\":{\"password\":\"{S}\"}}}'\n"),
    ("env-file-quoted-hash", "app.env", "DB_PASSWORD=\"{S}#{S2}\"\n"),
    ("env-export-neutral-random", "app.env", "export OPT_A={S}{S2}\n"),
    ("ini-semicolon-comment", "cfg.ini", "[db]\npassword = {S} ; rotated\n"),
    ("xml-password-attr", "cfg.xml", "<cfg><db user=\"app\" password=\"{S}\"/></cfg>\n"),
    ("xml-cdata", "cfg.xml", "<cfg><secret><![CDATA[{S}]]></secret></cfg>\n"),
    ("toml-inline-table", "cfg.toml", "db = { user = \"app\", password = \"{S}\" }\n"),
    ("hcl-heredoc", "main.tfvars", "db_password = <<EOT\n{S}\nEOT\n"),
    ("wireguard-psk", "wg0.conf", "[Peer]\nPublicKey = {B44}\nPresharedKey = {B44S}\n"),
    ("wireguard-private", "wg0.conf", "[Interface]\nPrivateKey = {B44S}\nAddress = 10.0.0.1/24\n"),
    ("ipsec-secrets", "ipsec.secrets", ": PSK \"{S}\"\n"),
    ("htpasswd-apr1", ".htpasswd", "admin:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/\nci:$apr1$ab12cd34${S}\n"),
    ("openvpn-auth-user-pass", "auth.txt", "vpnuser\n{S}\n"),
    ("mnemonic-12", "wallet.yaml", "seed: {M}\n"),
]


def mnemonic():
    words = ["abandon", "ability", "absorb", "abstract", "academy", "access", "accident", "acid",
             "acoustic", "actress", "adapt", "addict", "adjust", "admit", "adult", "advance",
             "aerobic", "affair", "afford", "agent", "alarm", "album", "alcohol", "alert"]
    return " ".join(R.choice(words) for _ in range(12))


def struct_fill(t):
    s, s2 = rnd(A62, 20), rnd(A62, 12)
    up = f"ci:{s}"
    secrets = [s]
    if "{S2}" in t:
        secrets.append(s2)
    h = rnd(HEX, 32)
    h64 = rnd(HEX, 64)
    u = uuid()
    b44 = base64.b64encode(bytes(R.randrange(256) for _ in range(32))).decode()
    b44s = base64.b64encode(bytes(R.randrange(256) for _ in range(32))).decode()
    m = mnemonic()
    dcj = json.dumps({"auths": {"r.example.com": {"auth": b64(up)}}})
    rep = {"{SU}": urllib.parse.quote(s + "@/", safe=""), "{SJ}": json_u_escape(s),
           "{B64UP}": b64(up), "{B64S}": b64(s), "{B64DCJ}": b64(dcj), "{H64}": h64, "{H}": h,
           "{U}": u, "{B44S}": b44s, "{B44}": b44, "{M}": m, "{S2}": s2, "{S}": s}
    used = {k: v for k, v in rep.items() if k in t}
    for k, v in rep.items():
        t = t.replace(k, v)
    secret_of = {"{S}": s, "{SU}": s, "{SJ}": s, "{B64UP}": s, "{B64S}": s, "{B64DCJ}": s,
                 "{S2}": s2, "{H}": h, "{H64}": h64, "{U}": u, "{B44S}": b44s, "{M}": m}
    return t, sorted({secret_of[k] for k in used if k in secret_of})


for name, file, t in STRUCT:
    for k in range(3):
        a, sa = struct_fill(t)
        if k == 1:
            b, sb = a, sa
        else:
            b, sb = struct_fill(t)
        diff_vector(f"struct:{name}", file, a, b, sorted(set(sa + sb)))

# 3. Other commands: gate / audit (secret in the change's file and commit
#    message), trailers (secret trailers), explain / init / check (secret as
#    an argument, env name, directory name, config value), each format, +-v.
def git_vector(cls, secrets, base, change, message, command):
    out.append({"class": cls, "secrets": secrets, "tree": {},
                "git": {"base": base, "change": change, "message": message},
                "command": command})


cfg = "[env.staging]\nroot = \"staging\"\n[env.prod]\nroot = \"prod\"\n"
for i, f in enumerate(FORMATS):
    for v in ([], ["-v"]):
        tok = TOKENS[list(TOKENS)[(i * 2 + len(v)) % len(TOKENS)]]()
        s = rnd(A62, 24)
        base = {"driftcheck.toml": cfg, "staging/a.yaml": "a: 1\n", "prod/a.yaml": "a: 1\n"}
        change = {"prod/a.yaml": f"a: 2\napi_token: {tok}\nhook: https://h.example.com/x?token={s}\n"}
        msg = f"change a\n\nDeploy-Token: {tok}\nReviewed-by: someone {s}\n"
        git_vector(f"cmd:gate/{f}{''.join(v)}", [tok, s], base, change, msg,
                   ["gate", "--base", "main", "--format", f] + v)
        git_vector(f"cmd:audit/{f}{''.join(v)}", [tok, s], base, change, msg,
                   ["audit", "--format", f] + v)
        git_vector(f"cmd:approve/{f}{''.join(v)}", [tok, s], base,
                   {"prod/a.yaml": "a: 2\n", f"prod/{tok}.yaml": "b: 1\n"}, msg,
                   ["approve", "--base", "main", "--format", f] + v)
        git_vector(f"cmd:trailers/{f}{''.join(v)}", [tok, s], base, change,
                   f"subject\n\nX-Auth: Bearer {s}\nApi-Key: {tok}\nSigned-off-by: A <a@example.com>\n",
                   ["trailers", "--format", f] + v)
        out.append({"class": f"cmd:explain/{f}{''.join(v)}", "secrets": [tok], "tree": {},
                    "command": ["explain", tok, "--format", f] + v})
        out.append({"class": f"cmd:init-envname/{f}{''.join(v)}", "secrets": [s], "tree": {
            f"{s}/a.yaml": "a: 1\n", "prod/a.yaml": "a: 2\n"},
            "command": ["init", s, "prod", "--format", f] + v})
        out.append({"class": f"cmd:check-envname/{f}{''.join(v)}", "secrets": [s], "tree": {
            "driftcheck.toml": cfg.replace("env.staging", f"env.{s}"),
            "staging/a.yaml": "a: 1\n", "prod/a.yaml": "a: 2\n"},
            "command": ["check", "--format", f] + v})
        out.append({"class": f"cmd:check-config-error/{f}{''.join(v)}", "secrets": [tok], "tree": {
            "driftcheck.toml": cfg + f"[render]\ncommand = 5\nargs = [\"--token={tok}\"]\n[policy]\nx = \"{tok}\"\n",
            "staging/a.yaml": "a: 1\n", "prod/a.yaml": "a: 2\n"},
            "command": ["check", "--format", f] + v})
        out.append({"class": f"cmd:diff-filename/{f}{''.join(v)}", "secrets": [tok], "tree": {
            f"staging/keys/{tok}.yaml": "a: 1\n", f"prod/keys/{tok}.yaml": "a: 2\n"},
            "command": ["diff", "staging", "prod", "--format", f] + v})
        out.append({"class": f"cmd:diff-alias/{f}{''.join(v)}", "secrets": [s], "tree": {
            "driftcheck.toml": cfg.replace("root = \"prod\"", f"root = \"prod\"\naliases = [\"{s}\"]"),
            "staging/a.yaml": "a: 1\n", "prod/a.yaml": "a: 2\n"},
            "command": ["diff", "staging", "prod", "--format", f] + v})

for v in out:
    print(json.dumps(v))
print(f"{len(out)} vectors", file=sys.stderr)
