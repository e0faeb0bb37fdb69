#!/usr/bin/env bash
# A replica decrease made by deleting what holds the value: the `spec` block, the whole
# Deployment file (another file kept, so the environment is not emptied); control: a
# Deployment added asks for no decrease review.
. "$(dirname "$0")/prelude.inc"
dep() { printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\nspec:\n  replicas: %s\n' "$1" "$2"; }
nos() { printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\n' "$1"; }
new_repo a; W driftcheck.toml "$CONFIG"; W deploy/staging/web.yaml "$(dep web 5)"; W deploy/prod/web.yaml "$(dep web 5)"; base
W deploy/staging/web.yaml "$(nos web)"; W deploy/prod/web.yaml "$(nos web)"; change "drop spec"
need_req "spec block removed" k8s-replica-decrease
new_repo b; W driftcheck.toml "$CONFIG"; W deploy/staging/keep.yaml "a: 1"; W deploy/prod/keep.yaml "a: 1"; W deploy/staging/web.yaml "$(dep web 5)"; W deploy/prod/web.yaml "$(dep web 5)"; base
git -C $R rm -q deploy/staging/web.yaml deploy/prod/web.yaml; change "delete"
need_req "deployment deleted" k8s-replica-decrease
new_repo c; W driftcheck.toml "$CONFIG"; W deploy/staging/web.yaml "$(dep web 5)"; W deploy/prod/web.yaml "$(dep web 5)"; base
W deploy/staging/web.yaml "$(dep web 5)
---
$(dep api 1)"; W deploy/prod/web.yaml "$(dep web 5)"; change "add"
no_req "deployment added in staging" k8s-replica-decrease
