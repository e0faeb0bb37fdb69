#!/bin/bash
# The broken file holds the secret (where only a walk would learn it); another
# file of the same environment prints it in a changed value, or a counterpart
# that holds it is in another file. @ = secret. Each case: files as
# env/path=content, separated by ' ;; '.
BIN=$1; . "$(dirname "$0")/lib.sh"
W=${TMPDIR:-/tmp}/advrev-p03.$$; trap 'rm -rf $W' EXIT
for s in ${SECRETS:-druid Hunter2Secret9}; do
 i=0
 while IFS='#' read -r name files; do i=$((i+1))
  [ -z "$name" ] && continue
  d=$W/$i.$s; mkcase $d
  IFS=$'\n'; for spec in $(printf '%s' "$files" | sed 's/ ;; /\n/g'); do
    p=${spec%%=*}; c=${spec#*=}; mkdir -p "$d/$(dirname "$p")"; printf '%b' "${c//@/$s}" > "$d/$p"
  done; unset IFS
  verdict "$s|$name" "$s" $d
 done <<'CASES'
ctl-parsed-literal#staging/app.yaml=password: x\n ;; prod/app.yaml=password: |\n  @\n ;; staging/run.yaml=cmd: a\n ;; prod/run.yaml=cmd: "scott/@@db"\n
broken-literal#staging/app.yaml=password: x\n ;; prod/app.yaml=password: |\n  @\nbad: [\n ;; staging/run.yaml=cmd: a\n ;; prod/run.yaml=cmd: "scott/@@db"\n
broken-k8s-env#staging/app.yaml=password: x\n ;; prod/app.yaml=env:\n  - name: DB_PASSWORD\n    value: @\nbad: [\n ;; staging/run.yaml=cmd: a\n ;; prod/run.yaml=cmd: "scott/@@db"\n
broken-json-nested#staging/app.json={"password": "x"}\n ;; prod/app.json={"password": {"value": "@"}, }\n ;; staging/run.yaml=cmd: a\n ;; prod/run.yaml=cmd: "scott/@@db"\n
ctl-userlist#staging/userlist.txt="scott" "x"\n ;; prod/userlist.txt="scott" "@"\n ;; staging/run.yaml=cmd: a\n ;; prod/run.yaml=cmd: "scott/@@db"\n
broken-userlist#staging/userlist.txt="scott" "x"\n ;; prod/userlist.txt="scott" "@"\n"bob" "x\n ;; staging/run.yaml=cmd: a\n ;; prod/run.yaml=cmd: "scott/@@db"\n
broken-props-cont#staging/app.properties=db.password=x\n ;; prod/app.properties=db.password=\\\n  @\nx=\\u12\n ;; staging/run.yaml=cmd: a\n ;; prod/run.yaml=cmd: "scott/@@db"\n
broken-env-multiline#staging/.env=DB_PASSWORD=x\n ;; prod/.env=DB_PASSWORD="\n@\n"\nX=1\nX=2\n ;; staging/run.yaml=cmd: a\n ;; prod/run.yaml=cmd: "scott/@@db"\n
broken-hcl-heredoc#staging/main.tf=password = "x"\n ;; prod/main.tf=password = <<EOT\n@\nEOT\nx = {\n ;; staging/run.yaml=cmd: a\n ;; prod/run.yaml=cmd: "scott/@@db"\n
broken-xml-nextline#staging/app.xml=<c><password>x</password></c>\n ;; prod/app.xml=<c><password>\n@\n</password></d>\n ;; staging/run.yaml=cmd: a\n ;; prod/run.yaml=cmd: "scott/@@db"\n
k8s-counterpart-other-file#staging/app.yaml=apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: @\n---\nx: 1\nscott/@@db: 1\nscott/@@db: 2\n ;; prod/secret.yaml=apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: x\n
k8s-counterpart-holds#staging/app.yaml=x: 1\nscott/@@db: 1\nscott/@@db: 2\n ;; prod/secret.yaml=apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: |\n    @\n
k8s-counterpart-holds-flat#staging/app.yaml=x: 1\nscott/@@db: 1\nscott/@@db: 2\n ;; prod/secret.yaml=apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: @\n
one-env-only#prod/app.yaml=password: |\n  @\nscott/@@db: 1\nscott/@@db: 2\n
pw-is-keyname#staging/app.yaml=password: @\nscott/@@db: 1\nscott/@@db: 2\n ;; staging/flags.yaml=@: true\n ;; prod/flags.yaml=@: false\n
CASES
done
