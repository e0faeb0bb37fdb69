#!/bin/bash
# Files that parse. A secret printed because the pair that names it is not
# read as a pair (CloudFormation/SSM `Name`/`Value`, AWS CLI parameter files
# `ParameterKey`/`ParameterValue`), a one-environment list entry summarised
# in a missing-key finding (`{name: DB_PASSWORD, value: admin}`), or a
# secret learnt only in its base64 form (Kubernetes Secret `data:`) and
# printed in plain by another file (`cmd: "scott/<secret>@db"`).
# Each case: files as env/path=content (printf %b), ' ;; '-separated.
# @ = secret, % = base64(secret). LEAK if the secret appears in any output.
BIN=$1; . "$(dirname "$0")/lib.sh"
W=${TMPDIR:-/tmp}/advrev2-02.$$; trap 'rm -rf $W' EXIT
for s in ${SECRETS:-admin druid Hunter2Secret9}; do
 b64=$(printf %s "$s" | base64)
 i=0
 while IFS='#' read -r name files; do i=$((i+1))
  [ -z "$name" ] && continue
  d=$W/$i.$s; mkcase $d
  IFS=$'\n'; for spec in $(printf '%s' "$files" | sed 's/ ;; /\n/g'); do
    p=${spec%%=*}; c=${spec#*=}; c=${c//@/$s}; c=${c//%/$b64}; mkdir -p "$d/$(dirname "$p")"; printf '%b' "$c" > "$d/$p"
  done; unset IFS
  verdict "$s|$name" "$s" $d
 done <<'CASES'
ctl-k8s-env-both#staging/d.yaml=env:\n  - name: DB_PASSWORD\n    value: xyzw\n ;; prod/d.yaml=env:\n  - name: DB_PASSWORD\n    value: @\n
k8s-env-added#staging/d.yaml=env:\n  - name: LOG\n    value: info\n ;; prod/d.yaml=env:\n  - name: LOG\n    value: info\n  - name: DB_PASSWORD\n    value: @\n
helm-extraenv-added#staging/values.yaml=extraEnv: []\n ;; prod/values.yaml=extraEnv:\n  - name: KEYCLOAK_ADMIN_PASSWORD\n    value: @\n
ecs-env-added#staging/task.json={"containerDefinitions": [{"name": "web", "environment": [{"name": "LOG", "value": "info"}]}]}\n ;; prod/task.json={"containerDefinitions": [{"name": "web", "environment": [{"name": "LOG", "value": "info"}, {"name": "DB_PASSWORD", "value": "@"}]}]}\n
cfn-Name-Value#staging/task.yaml=Environment:\n  - Name: DB_PASSWORD\n    Value: xyzw\n ;; prod/task.yaml=Environment:\n  - Name: DB_PASSWORD\n    Value: @\n
cfn-params-file#staging/params.json=[{"ParameterKey": "DbPassword", "ParameterValue": "xyzw"}]\n ;; prod/params.json=[{"ParameterKey": "DbPassword", "ParameterValue": "@"}]\n
ssm-Name-Value#staging/ssm.yaml=Parameters:\n  - Name: /app/db/password\n    Value: xyzw\n ;; prod/ssm.yaml=Parameters:\n  - Name: /app/db/password\n    Value: @\n
k8s-data-b64-equal#staging/s.yaml=apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: %\n ;; prod/s.yaml=apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: %\n ;; staging/run.yaml=cmd: a\n ;; prod/run.yaml=cmd: "scott/@\x40db"\n
k8s-data-b64-distinct#staging/s.yaml=kind: Secret\ndata:\n  password: eHl6dw==\n ;; prod/s.yaml=kind: Secret\ndata:\n  password: %\n ;; staging/run.yaml=cmd: a\n ;; prod/run.yaml=cmd: "scott/@\x40db"\n
k8s-data-b64-oneenv#prod/s.yaml=apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: %\n ;; staging/run.yaml=cmd: a\n ;; prod/run.yaml=cmd: "scott/@\x40db"\n
ctl-k8s-stringData-equal#staging/s.yaml=kind: Secret\nstringData:\n  password: @\n ;; prod/s.yaml=kind: Secret\nstringData:\n  password: @\n ;; staging/run.yaml=cmd: a\n ;; prod/run.yaml=cmd: "scott/@\x40db"\n
CASES
done
