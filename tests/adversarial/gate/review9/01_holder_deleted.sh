#!/usr/bin/env bash
# A replica decrease hidden by what holds the value going away or changing shape.
. "$(dirname "$0")/../review8/prelude.inc"
dep() { printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\nspec:\n  replicas: %s\n  template:\n    spec:\n      containers:\n        - name: web\n          image: web:1\n' "$1" "$2"; }
depns() { printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\n  namespace: %s\nspec:\n  replicas: %s\n' "$1" "$2" "$3"; }
start() { new_repo "$1"; W driftcheck.toml "$CONFIG"; W deploy/staging/keep.yaml "timeout: 30
"; W deploy/prod/keep.yaml "timeout: 30
"; W deploy/staging/web.yaml "$(dep web 5)"; W deploy/prod/web.yaml "$(dep web 5)"; base; }
head='apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
'
start a; W deploy/prod/web.yaml "${head}spec: null
"; change x; need_req "spec: null (map turned null)" k8s-replica-decrease
start b; W deploy/prod/web.yaml "${head}spec: []
"; change x; need_req "spec: [] (map turned list)" k8s-replica-decrease
start c; W deploy/prod/web.yaml "${head}spec: \"\"
"; change x; need_req "spec: \"\" (map turned scalar)" k8s-replica-decrease
start d; W deploy/prod/web.yaml "${head}spec:
  replicas: null
"; change x; need_req "replicas: null" k8s-replica-decrease
start e; git -C $R rm -q deploy/prod/web.yaml; W deploy/prod/other.yaml "$(dep web-production 1)"; change x
need_req "renamed, moved to other file and decreased" k8s-replica-decrease
start f; W deploy/prod/web.yaml "$(depns web team-b 1)"; change x
need_req "namespace added + decreased" k8s-replica-decrease
start g; W deploy/prod/web.yaml "$(dep web 5 | sed 's/^apiVersion: apps\/v1$/apiVersion: apps\/v2/')"; change x
no_req "apiVersion bumped, replicas same" k8s-replica-decrease
start h; W deploy/prod/web.yaml "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  replicas: 1
"; change x; need_req "kind changed Deployment->StatefulSet with fewer replicas" k8s-replica-decrease
start i; git -C $R mv deploy/prod/web.yaml deploy/prod/web.yaml.disabled; change x
need_req "file renamed to .disabled (not read as yaml)" k8s-replica-decrease
start j; git -C $R mv deploy/prod/web.yaml deploy/prod/web.json; W deploy/prod/web.json '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":1}}'; change x
need_req "yaml->json with fewer replicas" k8s-replica-decrease
start k; mkdir -p $R/deploy/prod/sub; git -C $R mv deploy/prod/web.yaml deploy/prod/sub/web.yaml; change x
no_req "file moved to subdir unchanged" k8s-replica-decrease
start l; W deploy/prod/web.yaml "$(dep web 5 | sed 's/image: web:1/image: web:2/')"; change x
no_req "image bump only" k8s-replica-decrease
start m; W deploy/prod/web.yaml "$(dep web 7)"; change x
no_req "replicas increased" k8s-replica-decrease
start n; W deploy/prod/web.yaml "$(dep web 5)
---
$(dep api 3)"; change x
no_req "second deployment added to the stream" k8s-replica-decrease
start o; W deploy/prod/web.yaml "${head}spec:
  replicas: 5
"; change x; no_req "template deleted, replicas kept" k8s-replica-decrease
start p; W deploy/prod/web.yaml "${head}"; W deploy/prod/keep.yaml "timeout: 31
"; change x; need_req "spec deleted alongside unrelated edit" k8s-replica-decrease
start q; W deploy/prod/web.yaml "--- null
"; change x; need_req "document replaced by null" k8s-replica-decrease
start r; W deploy/prod/web.yaml "$(dep web 5 | sed 's/name: web$/generateName: web-/')"; change x
need_req "name -> generateName (new object)" k8s-replica-decrease
