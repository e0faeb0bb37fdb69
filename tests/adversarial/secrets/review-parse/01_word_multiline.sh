#!/bin/bash
# A word password held in the broken file in a place the text rules do not read
# (next line, block scalar, escapes, anchors, tags, continuation lines), quoted
# by the parse error (a duplicate key spelt with it). @ = the password.
BIN=$1; . "$(dirname "$0")/lib.sh"
W=${TMPDIR:-/tmp}/advrev-p01.$$; trap 'rm -rf $W' EXIT
for w in ${WORDS:-druid mallow}; do
 i=0
 while IFS='|' read -r name file good bad; do i=$((i+1))
  [ -z "$name" ] && continue
  d=$W/$w.$i; mkcase $d
  hx=$(printf '%02x' "'${w:0:1}")
  X='\\\\x'$hx${w:1}; U='\\\\u00'$hx${w:1}
  bad=${bad//^/$X}; bad=${bad//\~/$U}; b64=$(printf %s "$w" | base64); b64u=$(printf %s "scott:$w" | base64); bad=${bad//Basic %/Basic $b64u}; bad=${bad//%/$b64}
  [ -n "$good" ] && printf '%b' "${good//@/$w}" > $d/staging/$file
  printf '%b' "${bad//@/$w}" > $d/prod/$file
  verdict "$w|$name" "$w" $d
 done <<'CASES'
yaml-literal|app.yaml|password: x\n|password: |\n  @\nscott/@@db: 1\nscott/@@db: 2\n
yaml-folded|app.yaml|password: x\n|password: >-\n  @\nscott/@@db: 1\nscott/@@db: 2\n
yaml-nextline|app.yaml|password: x\n|password:\n  @\nscott/@@db: 1\nscott/@@db: 2\n
yaml-anchor|app.yaml|password: x\n|password: &pw @\nscott/@@db: 1\nscott/@@db: 2\n
yaml-tag|app.yaml|password: x\n|password: !!str @\nscott/@@db: 1\nscott/@@db: 2\n
yaml-anchor-tag|app.yaml|password: x\n|password: !!str &pw @\nscott/@@db: 1\nscott/@@db: 2\n
yaml-flowseq|app.yaml|password: x\n|passwords: [@, x]\nscott/@@db: 1\nscott/@@db: 2\n
yaml-seqitem|app.yaml|password: x\n|passwords:\n  - @\nscott/@@db: 1\nscott/@@db: 2\n
yaml-k8s-env|app.yaml|password: x\n|env:\n  - name: DB_PASSWORD\n    value: @\nscott/@@db: 1\nscott/@@db: 2\n
yaml-explicit-key|app.yaml|password: x\n|? password\n: @\nscott/@@db: 1\nscott/@@db: 2\n
yaml-dq-escape|app.yaml|password: x\n|password: "^"\nscott/@@db: 1\nscott/@@db: 2\n
yaml-dq-escape-key|app.yaml|password: x\n|password: "^"\n"scott/^@db": 1\n"scott/^@db": 2\n
json-u-escape|app.json|{"password": "x"}\n|{"password": "~", "scott/@@db": 1, "scott/@@db": 2}\n
json-u-escape-key|app.json|{"password": "x"}\n|{"password": "~", "scott/~@db": 1, "scott/~@db": 2}\n
hcl-u-escape|main.tf|password = "x"\n|password = "~"\nresource "db" "scott/@@db" {}\nresource "db" "scott/@@db" {}\n
yaml-comment-after|app.yaml|password: x\n|password: @ # rotate\nscott/@@db: 1\nscott/@@db: 2\n
yaml-flowmap-nested|app.yaml|password: x\n|db: {auth: {password: @}}\nscott/@@db: 1\nscott/@@db: 2\n
yaml-flowmap-multiline|app.yaml|password: x\n|db: {user: scott,\n  password: @}\nscott/@@db: 1\nscott/@@db: 2\n
yaml-secret-b64|app.yaml|password: x\n|kind: Secret\nstringData:\n  PASSWORD: >\n    @\nscott/@@db: 1\nscott/@@db: 2\n
yaml-url|app.yaml|password: x\n|url: postgres://scott:@@db/app\nscott/@@db: 1\nscott/@@db: 2\n
yaml-url-quoted|app.yaml|password: x\n|url: "mysql://root:@@db:3306/app"\nscott/@@db: 1\nscott/@@db: 2\n
yaml-connstr|app.yaml|password: x\n|conn: "Server=db;User Id=sa;Password=@;"\nscott/@@db: 1\nscott/@@db: 2\n
yaml-jdbc|app.yaml|password: x\n|jdbc: "jdbc:oracle:thin:scott/@@//db:1521/XE"\nscott/@@db: 1\nscott/@@db: 2\n
yaml-cmdline|app.yaml|password: x\n|cmd: "mysql -uroot -p@ app"\nscott/@@db: 1\nscott/@@db: 2\n
yaml-redis|app.yaml|password: x\n|conf: "requirepass @"\nscott/@@db: 1\nscott/@@db: 2\n
yaml-k8s-secret-data|app.yaml|password: x\n|kind: Secret\ndata:\n  password: %\nscott/@@db: 1\nscott/@@db: 2\n
yaml-basic-auth|app.yaml|password: x\n|auth: "Basic %"\nscott/@@db: 1\nscott/@@db: 2\n
json-nextline|app.json|{"password": "x"}\n|{"password":\n  "@",\n "scott/@@db": 1, "scott/@@db": 2}\n
json-nested|app.json|{"password": "x"}\n|{"password": {"value": "@"}, "scott/@@db": 1, "scott/@@db": 2}\n
json-array|app.json|{"password": "x"}\n|{"passwords": ["@", "x"], "scott/@@db": 1, "scott/@@db": 2}\n
json-k8s-env|app.json|{"password": "x"}\n|{"env": [{"name": "DB_PASSWORD", "value": "@"}], "scott/@@db": 1, "scott/@@db": 2}\n
json-name-value-lines|app.json|{"password": "x"}\n|{"env": [{"name": "DB_PASSWORD",\n  "value": "@"}], "scott/@@db": 1, "scott/@@db": 2}\n
toml-multiline|app.toml|password = "x"\n|password = """\n@"""\n"scott/@@db" = 1\n"scott/@@db" = 2\n
toml-array|app.toml|password = "x"\n|passwords = ["@", "x"]\n"scott/@@db" = 1\n"scott/@@db" = 2\n
toml-inline-table|app.toml|password = "x"\n|db = { auth = { password = "@" } }\n"scott/@@db" = 1\n"scott/@@db" = 2\n
toml-table-header|app.toml|password = "x"\n|[db]\nuser = "scott"\n[db.password]\nvalue = "@"\n[x]\n"scott/@@db" = 1\n"scott/@@db" = 2\n
ini-nextline|app.ini|[db]\npassword = x\n|[password]\nvalue = @\n[x]\nscott/@@db = 1\nscott/@@db = 2\n
props-continuation|app.properties|db.password=x\n|db.password=\\\\\n  @\nscott/@@db=1\nscott/@@db=2\n
props-space-sep|app.properties|db.password=x\n|db.password    @\nscott/@@db=1\nscott/@@db=2\n
props-colon|app.properties|db.password=x\n|db.password:@\nscott/@@db=1\nscott/@@db=2\n
props-escape|app.properties|db.password=x\n|db.password=~\nscott/@@db=1\nscott/@@db=2\n
env-export|.env|DB_PASSWORD=x\n|export DB_PASSWORD=@\nscott_@=1\nscott_@=2\n
env-multiline|.env|DB_PASSWORD=x\n|DB_PASSWORD="\n@\n"\nscott_@=1\nscott_@=2\n
hcl-heredoc|main.tfvars|password = "x"\n|password = <<EOT\n@\nEOT\nx = { "scott/@@db" = 1, "scott/@@db" = 2 }\n
hcl-label|main.tf|password = "x"\n|password = "@"\nresource "db" "@" {}\nresource "db" "@" {}\n
hcl-heredoc-label|main.tf|password = "x"\n|password = <<EOT\n@\nEOT\nresource "db" "@" {}\nresource "db" "@" {}\n
hcl-object-multiline|main.tfvars|password = "x"\n|db = {\n  password =\n    "@"\n}\nx = { "scott/@@db" = 1, "scott/@@db" = 2 }\n
xml-element-nextline|app.xml|<c><password>x</password></c>\n|<c><password>\n@\n</password><d>&@;</d></c>\n
xml-element|app.xml|<c><password>x</password></c>\n|<c><password>@</password><d>&@;</d></c>\n
xml-attr|app.xml|<c><password>x</password></c>\n|<c><db password="@"/><d>&@;</d></c>\n
xml-close-tag|app.xml|<c><password>x</password></c>\n|<c><password>@</password><@x></@y></c>\n
CASES
done
# The password only in the counterpart that parses (walked against itself); the broken side quotes it.
W2=$W/cp; for w in ${WORDS:-druid mallow}; do
 i=0
 while IFS='|' read -r name file good bad; do i=$((i+1))
  [ -z "$name" ] && continue
  d=$W2/$w.$i; mkcase $d
  b64=$(printf %s "$w" | base64); good=${good//%/$b64}
  printf '%b' "${good//@/$w}" > $d/staging/$file
  printf '%b' "${bad//@/$w}" > $d/prod/$file
  verdict "$w|$name" "$w" $d
 done <<'CASES'
cp-yaml-sameline|app.yaml|password: @\n|x: 1\nscott/@@db: 1\nscott/@@db: 2\n
cp-yaml-literal|app.yaml|password: |\n  @\n|x: 1\nscott/@@db: 1\nscott/@@db: 2\n
cp-yaml-k8s-env|app.yaml|env:\n  - name: DB_PASSWORD\n    value: @\n|x: 1\nscott/@@db: 1\nscott/@@db: 2\n
cp-yaml-k8s-secret-data|app.yaml|apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: %\n|x: 1\nscott/@@db: 1\nscott/@@db: 2\n
cp-yaml-url|app.yaml|url: postgres://scott:@@db/app\n|x: 1\nscott/@@db: 1\nscott/@@db: 2\n
cp-json-nested|app.json|{"password": {"value": "@"}}\n|{"scott/@@db": 1, "scott/@@db": 2}\n
cp-props-cont|app.properties|db.password=\\\\\n  @\n|scott/@@db=1\nscott/@@db=2\n
cp-hcl-heredoc|main.tf|password = <<EOT\n@\nEOT\n|resource "db" "scott/@@db" {}\nresource "db" "scott/@@db" {}\n
cp-xml|app.xml|<c><password>@</password></c>\n|<c><d>&@;</d></c>\n
cp-userlist|userlist.txt|"scott" "@"\n|"scott" "x"\n"scott" "@\n
CASES
done
