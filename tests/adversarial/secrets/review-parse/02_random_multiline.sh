#!/bin/bash
# Random tokens in the broken file where the text rules do not read them,
# quoted by the parse error. LEAK if any 6-char window of the token appears
# (case-insensitive when CI=1). Control `ctl-*`: the same token in a file
# that parses, printed in a changed value (does the walk mask it anyway?).
BIN=$1; . "$(dirname "$0")/lib.sh"
W=${TMPDIR:-/tmp}/advrev-p02.$$; trap 'rm -rf $W' EXIT
TOKS="${TOKS:-r7TqW2xZ9kLm4P Zq8LmXp3Kd9Vb2Nw7Rt4Yh6J k3v9x2m7q8w4z6p1 correct-horse-battery-staple tiger-mallow-druid-42 Hunter2Secret9}"
win() { # LEAK if any 6-window of $2 in $1
  local t=$2 n=${#2} k; for ((k=0;k+6<=n;k++)); do
    if [ -n "$CI" ]; then printf '%s' "$1" | grep -qiF -- "${t:k:6}" && return 0
    else printf '%s' "$1" | grep -qF -- "${t:k:6}" && return 0; fi; done; return 1; }
for t in $TOKS; do
 i=0
 while IFS='|' read -r name file good bad; do i=$((i+1))
  [ -z "$name" ] && continue
  d=$W/$i.$RANDOM; mkcase $d
  [ -n "$good" ] && printf '%b' "${good//@/$t}" > $d/staging/$file
  printf '%b' "${bad//@/$t}" > $d/prod/$file
  out=$(runall $d)
  if win "$out" "$t"; then echo "LEAK $t|$name"; else echo "HELD $t|$name"; fi
 done <<'CASES'
ctl-yaml-cmd|app.yaml|password: @\ncmd: "a"\n|password: @\ncmd: "scott/@@db"\n
ctl-yaml-literal|app.yaml|password: x\ncmd: a\n|password: |\n  @\ncmd: "scott/@@db"\n
ctl-yaml-neutral|app.yaml|k: x\ncmd: a\n|k: @\ncmd: "scott/@@db"\n
ctl-yaml-nextline|app.yaml|password: x\ncmd: a\n|password:\n  @\ncmd: "scott/@@db"\n
ctl-yaml-k8s-env|app.yaml|password: x\ncmd: a\n|env:\n  - name: DB_PASSWORD\n    value: @\ncmd: "scott/@@db"\n
yaml-sameline|app.yaml|password: x\n|password: @\nscott/@@db: 1\nscott/@@db: 2\n
yaml-literal|app.yaml|password: x\n|password: |\n  @\nscott/@@db: 1\nscott/@@db: 2\n
yaml-nextline|app.yaml|password: x\n|password:\n  @\nscott/@@db: 1\nscott/@@db: 2\n
yaml-k8s-env|app.yaml|password: x\n|env:\n  - name: DB_PASSWORD\n    value: @\nscott/@@db: 1\nscott/@@db: 2\n
yaml-neutral|app.yaml|k: x\n|k: @\nscott/@@db: 1\nscott/@@db: 2\n
json-nested|app.json|{"password": "x"}\n|{"password": {"value": "@"}, "scott/@@db": 1, "scott/@@db": 2}\n
props-continuation|app.properties|db.password=x\n|db.password=\\\\\n  @\nscott/@@db=1\nscott/@@db=2\n
env-multiline|.env|DB_PASSWORD=x\n|DB_PASSWORD="\n@\n"\nX=1\nX=2\n
hcl-heredoc-label|main.tf|password = "x"\n|password = <<EOT\n@\nEOT\nresource "db" "scott/@@db" {}\nresource "db" "scott/@@db" {}\n
hcl-label-sameline|main.tf|password = "x"\n|password = "@"\nresource "db" "scott/@@db" {}\nresource "db" "scott/@@db" {}\n
xml-entity|app.xml|<c><password>x</password></c>\n|<c><password>@</password><d>&@;</d></c>\n
xml-entity-nextline|app.xml|<c><password>x</password></c>\n|<c><password>\n@\n</password><d>&@;</d></c>\n
xml-attr-entity|app.xml|<c><password>x</password></c>\n|<c><db password="@"/><d>&@;</d></c>\n
CASES
done
