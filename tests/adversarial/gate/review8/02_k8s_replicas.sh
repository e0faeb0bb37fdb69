#!/usr/bin/env bash
# Kubernetes replica decreases (shipped rule k8s-replica-decrease, 2 sign-offs) hidden by
# moving, renaming or duplicating the resource.
. "$(dirname "$0")/prelude.inc"
dep() { # dep NAME REPLICAS [NAMESPACE]
  printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\n%s\nspec:\n  replicas: %s\n  template:\n    spec:\n      containers:\n        - name: web\n          image: web:1\n' \
    "$1" "${3:+  namespace: $3}" "$2"; }
setup() { new_repo "$1"; W driftcheck.toml "$CONFIG"; }
R_DEC="k8s-replica-decrease"

# A. control: plain decrease
setup plain; W deploy/staging/web.yaml "$(dep web 5)"; W deploy/prod/web.yaml "$(dep web 5)"; base
W deploy/staging/web.yaml "$(dep web 1)"; W deploy/prod/web.yaml "$(dep web 1)"; change "scale down"
need_req "plain decrease 5->1 in both envs" "$R_DEC"

# B. decrease while moving the Deployment to another file
setup moved; W deploy/staging/web.yaml "$(dep web 5)"; W deploy/prod/web.yaml "$(dep web 5)"; base
for e in staging prod; do git -C "$R" rm -q "deploy/$e/web.yaml"; W "deploy/$e/apps.yaml" "$(dep web 1)"; done; change "move"
need_req "decrease while moving web.yaml -> apps.yaml" "$R_DEC"

# C. decrease while respelling the environment's name in metadata.name (web-prod -> web-production)
setup respell_name; W deploy/staging/web.yaml "$(dep web-staging 5)"; W deploy/prod/web.yaml "$(dep web-prod 5)"; base
W deploy/staging/web.yaml "$(dep web-stg 1)"; W deploy/prod/web.yaml "$(dep web-production 1)"; change "rename"
need_req "decrease while respelling env name in metadata.name (web-prod -> web-production)" "$R_DEC"

# D. decrease while respelling the namespace (prod -> production)
setup respell_ns; W deploy/staging/web.yaml "$(dep web 5 staging)"; W deploy/prod/web.yaml "$(dep web 5 prod)"; base
W deploy/staging/web.yaml "$(dep web 1 stg)"; W deploy/prod/web.yaml "$(dep web 1 production)"; change "ns"
need_req "decrease while respelling namespace (prod -> production)" "$R_DEC"

# E. a second copy of the Deployment added in a later file (kubectl apply -f dir: last wins), old file untouched
setup duplicate; W deploy/staging/a-web.yaml "$(dep web 5)"; W deploy/prod/a-web.yaml "$(dep web 5)"; base
W deploy/staging/z-override.yaml "$(dep web 1)"; W deploy/prod/z-override.yaml "$(dep web 1)"; change "override"
need_req "duplicate Deployment with replicas 1 added in z-override.yaml (a-web.yaml unchanged)" "$R_DEC"

# F. decrease where prod's new file has the same bytes as staging's (unchanged) file
setup samebytes_other_env; W deploy/staging/web.yaml "$(dep web 1)"; W deploy/prod/web.yaml "$(dep web 5)"; base
W deploy/prod/web.yaml "$(dep web 1)"; change "prod like staging"
need_req "prod decreased to staging's bytes" "$R_DEC"

# G. decrease inside a v1 List
lst() { printf 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n    spec:\n      replicas: %s\n' "$1"; }
setup list; W deploy/staging/web.yaml "$(lst 5)"; W deploy/prod/web.yaml "$(lst 5)"; base
W deploy/staging/web.yaml "$(lst 1)"; W deploy/prod/web.yaml "$(lst 1)"; change "list"
need_req "decrease inside a v1 List" "$R_DEC"
