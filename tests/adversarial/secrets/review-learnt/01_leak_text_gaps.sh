#!/bin/bash
# A secret held by a file that fails to load (a duplicate key `zz` appended),
# in a shape the text rules (line rules + opens_secret_value) do not read;
# another file of the same environment (run.yaml, parses) prints it under a
# neutral key: `cmd: "scott/<secret>@db"`. ctl-* = the file parses.
# @ = the secret. LEAK if the secret appears in any output.
BIN=$1; . "$(dirname "$0")/lib.sh"
W=${TMPDIR:-/tmp}/advrev2-01.$$; trap 'rm -rf $W' EXIT
for s in ${SECRETS:-druid Hunter2Secret9}; do
 i=0
 while IFS='|' read -r name file good bad; do i=$((i+1))
  [ -z "$name" ] && continue
  d=$W/$i.$s; mkcase $d
  printf '%b' "${good//@/$s}" > "$d/staging/$file"; printf '%b' "${bad//@/$s}" > "$d/prod/$file"
  printf 'cmd: a\n' > $d/staging/run.yaml; printf 'cmd: "scott/%s@db"\n' "$s" > $d/prod/run.yaml
  verdict "$s|$name" "$s" $d
 done <<'CASES'
ctl-parsed|app.yaml|password: x\n|password: @\n
ctl-k8s-env|app.yaml|password: x\n|env:\n  - name: DB_PASSWORD\n    value: @\n
yaml-block-comment|app.yaml|password: x\n|password: | # rotated monthly\n  @\nzz: 1\nzz: 2\n
yaml-tag-block|app.yaml|password: x\n|password: !!str |\n  @\nzz: 1\nzz: 2\n
yaml-anchor-block|app.yaml|password: x\n|password: &pw |\n  @\nzz: 1\nzz: 2\n
yaml-nextline-comment|app.yaml|password: x\n|password:\n  # rotate\n  @\nzz: 1\nzz: 2\n
k8s-value-block|app.yaml|password: x\n|env:\n  - name: DB_PASSWORD\n    value: |\n      @\nzz: 1\nzz: 2\n
k8s-value-folded|app.yaml|password: x\n|env:\n  - name: DB_PASSWORD\n    value: >-\n      @\nzz: 1\nzz: 2\n
k8s-comment-between|app.yaml|password: x\n|env:\n  - name: DB_PASSWORD\n    # from vault\n    value: @\nzz: 1\nzz: 2\n
k8s-flow|app.yaml|password: x\n|env:\n  - {name: DB_PASSWORD, value: @}\nzz: 1\nzz: 2\n
k8s-value-first|app.yaml|password: x\n|env:\n  - value: @\n    name: DB_PASSWORD\nzz: 1\nzz: 2\n
cfn-Name-Value|app.yaml|password: x\n|Environment:\n  - Name: DB_PASSWORD\n    Value: @\nzz: 1\nzz: 2\n
ecs-json-pretty|task.json|{"password": "x"}\n|{"env": [\n  {\n    "name": "DB_PASSWORD",\n    "value": "@"\n  }\n], }\n
ecs-json-1line|task.json|{"password": "x"}\n|{"env": [{"name": "DB_PASSWORD", "value": "@"}], }\n
json-array-next|app.json|{"password": "x"}\n|{"passwords": [\n  "@"\n], }\n
tf-env-multiline|main.tf|password = "x"\n|env = [{\n  name = "DB_PASSWORD"\n  value = "@"\n}]\nx = {\n
tf-env-1line|main.tf|password = "x"\n|env = [{ name = "DB_PASSWORD", value = "@" }]\nx = {\n
toml-triple|app.toml|password = "x"\n|password = """\n@"""\nx = \n
toml-triple-literal|app.toml|password = "x"\n|password = '''\n@'''\nx = \n
xml-tag-attribute|app.xml|<c><password>x</password></c>\n|<c><password type="plain">\n@\n</password></d>\n
xml-cdata-nextline|app.xml|<c><password>x</password></c>\n|<c><password>\n<![CDATA[@]]>\n</password></d>\n
xml-cdata-1line|app.xml|<c><password>x</password></c>\n|<c><password><![CDATA[@]]></password></d>\n
props-cont-2nd-line|app.properties|db.password=x\n|db.password=\\\n  @\nx=\\u12\n
CASES
done
