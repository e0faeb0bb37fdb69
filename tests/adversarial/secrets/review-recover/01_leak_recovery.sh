#!/bin/bash
# Rule 3 (load::recovered) gaps: prod's copy of a file fails to parse and
# holds the secret in a shape only a parser reads (a flow-map / inline
# name/value pair, a multi-line value); staging's copy parses. prod/run.yaml
# prints the secret: cmd: "connect scott/<s>@db". Breakages: more errors than
# RECOVERY_ROUNDS (a Helm template's {{ }} lines, JSONC trailing commas,
# NDJSON, bare INI flags), an error on the secret's own line (tab, unquoted
# JSON5 keys, TOML 1.1 multi-line inline table), an error at end of file.
# Placeholders: @ secret, {R:text} = text repeated 17 times.
# ctl-* = one error, recovered. LEAK if the secret appears in any output.
BIN=$1; . "$(dirname "$0")/lib.sh"
W=${TMPDIR:-/tmp}/advrev29-01r.$$; trap 'rm -rf $W' EXIT
rep() { local o= k; for k in $(seq 17); do o+=${1//N/$k}; done; printf '%s' "$o"; }
for s in ${SECRETS:-Hunter2Secret9 druidpw}; do
 i=0
 while IFS='#' read -r name spec; do i=$((i+1))
  [ -z "$name" ] && continue
  d=$W/$i.$s; mkcase $d
  c=${spec//@/$s}
  while [[ $c =~ \{R:([^}]*)\} ]]; do c=${c/"${BASH_REMATCH[0]}"/$(rep "${BASH_REMATCH[1]}")}; done
  files $d "$c"
  printf 'cmd: "connect scott/x@db"\n' > $d/staging/run.yaml; printf 'cmd: "connect scott/%s@db"\n' "$s" > $d/prod/run.yaml
  verdict "$s|$name" "$s" $d
 done <<'CASES'
ctl-yaml-flow-1dup#staging/a.yaml=env: []\n ;; prod/a.yaml=env:\n  - {name: DB_PASSWORD, value: @}\nzz: 1\nzz: 2\n
yaml-flow-17dup#staging/a.yaml=env: []\n ;; prod/a.yaml=env:\n  - {name: DB_PASSWORD, value: @}\nzz: 0\n{R:zz: N\n}
helm-tpl-2-lines#staging/a.yaml=env: []\n ;; prod/a.yaml={{- if .Values.db }}\nenv:\n  - {name: DB_PASSWORD, value: @}\n{{- end }}\n
helm-tpl-17#staging/a.yaml=env: []\n ;; prod/a.yaml=env:\n  - {name: DB_PASSWORD, value: @}\n{R:{{- if .Values.fN }}\n  fN: on\n{{- end }}\n}
yaml-tab-on-secret-line#staging/a.yaml=env: []\n ;; prod/a.yaml=env:\n\t- {name: DB_PASSWORD, value: @}\n
yaml-tab-in-block#staging/a.yaml=env: []\n ;; prod/a.yaml=env:\n  - name: DB_PASSWORD\n    value: \|\n\t@\n
yaml-unclosed-flow#staging/a.yaml=env: []\n ;; prod/a.yaml=env: [{name: DB_PASSWORD, value: @},\n  {name: LOG, value: info}\n
yaml-unclosed-quote-after#staging/a.yaml=env: []\n ;; prod/a.yaml=env:\n  - {name: DB_PASSWORD, value: @}\nnote: "it is\n{R:line N\n}
jsonc-1-trailing-comma-before-close#staging/t.json={"env": []}\n ;; prod/t.json={\n  // task\n  "env": [{"name": "DB_PASSWORD", "value": "@"},],\n}\n
jsonc-17-trailing-commas#staging/t.json={"env": []}\n ;; prod/t.json={\n  "env": [{"name": "DB_PASSWORD", "value": "@"}],\n{R:  "kN": [1,],\n}  "z": 1,\n}\n
json5-unquoted-keys#staging/t.json={"env": []}\n ;; prod/t.json={\n  env: [{name: "DB_PASSWORD", value: "@"}]\n}\n
json5-single-quotes#staging/t.json={"env": []}\n ;; prod/t.json={"env": [{'name': 'DB_PASSWORD', 'value': '@'}]}\n
ndjson-secret-first#staging/t.json={"env": []}\n ;; prod/t.json={"name": "DB_PASSWORD", "value": "@"}\n{R:{"name": "kN", "value": "N"}\n}
ctl-toml-inline#staging/a.toml=env = []\n ;; prod/a.toml=env = [{ name = "DB_PASSWORD", value = "@" }]\nx = \n
toml-multiline-inline-table#staging/a.toml=env = []\n ;; prod/a.toml=env = [\n  { name = "DB_PASSWORD",\n    value = "@" },\n]\n
toml-17-dup-tables#staging/a.toml=env = []\n ;; prod/a.toml=env = [{ name = "DB_PASSWORD", value = "@" }]\n{R:[t]\nkN = 1\n}
ctl-hcl-eof-unclosed#staging/a.tf=env = []\n ;; prod/a.tf=env = [{ name = "DB_PASSWORD", value = "@" }]\nx = {\n
hcl-unclosed-block-around#staging/a.tf=env = []\n ;; prod/a.tf=resource "x" "y" {\n  env = [{ name = "DB_PASSWORD", value = "@" }]\n
hcl-17-bad-lines#staging/a.tf=env = []\n ;; prod/a.tf=env = [{ name = "DB_PASSWORD", value = "@" }]\n{R:kN = \n}
ini-pair-1-bare#staging/a.ini=[env]\nname = LOG\nvalue = x\n ;; prod/a.ini=[env]\nname = DB_PASSWORD\nvalue = @\n[mysqld]\nskip-name-resolve\n
ini-pair-17-bare#staging/a.ini=[env]\nname = LOG\nvalue = x\n ;; prod/a.ini=[env]\nname = DB_PASSWORD\nvalue = @\n[mysqld]\n{R:flag-N\n}
dotenv-multiline-17-bad#staging/.env=DB_PASSWORD="x"\n ;; prod/.env=DB_PASSWORD="\n@\n"\n{R:bad line N\n}
nginx-unclosed#staging/nginx.conf=events {}\n ;; prod/nginx.conf=http {\n  server {\n    location / {\n      proxy_set_header X-Api-Key @;\n    }\n
xml-add-unclosed-root#staging/a.xml=<configuration><appSettings></appSettings></configuration>\n ;; prod/a.xml=<configuration><appSettings>\n<add key="DbPassword" value="@"/>\n</appSettings>\n
xml-add-mismatch#staging/a.xml=<configuration><appSettings></appSettings></configuration>\n ;; prod/a.xml=<configuration><appSettings>\n<add key="DbPassword" value="@"/>\n</appSettings></config>\n
xml-entry-ampersand#staging/a.xml=<properties></properties>\n ;; prod/a.xml=<properties>\n<entry key="db.password">@</entry>\n<entry key="url">jdbc:x?a=1&b=2</entry>\n</properties>\n
CASES
done
