#!/usr/bin/env bash
# Introduced error drift must still refuse the change now that self comparisons skip
# equal values and treat rotations as changes.
. "$(dirname "$0")/prelude.inc"
refused() { # LABEL
  local d f; gate_run; d=$PASSED; gate_run full; f=$PASSED
  if [ "$d" = false ] && [ "$f" = false ]; then echo "HELD: $1 (refused on both paths)"
  else echo "BUG: $1: expected refusal; default passed=$d, DRIFTCHECK_GATE_FULL=1 passed=$f"; fi; }
# A. prod's password rotated to staging's: the same secret in two environments (error)
new_repo reuse; W driftcheck.toml "$CONFIG"
W deploy/staging/app.yaml 'db:
  password: "Zq8vT2mLp4wXr9Kd7Q"
'; W deploy/prod/app.yaml 'db:
  password: "Hk3wQ9zVn6yTb2Pp5R"
'; base
W deploy/prod/app.yaml 'db:
  password: "Zq8vT2mLp4wXr9Kd7Q"
'; change "share"
refused "prod password rotated to staging's (credential reuse introduced)"
# B. control: a data path changed in prod only
new_repo reuse_pre; W driftcheck.toml "$CONFIG"
for e in staging prod; do W deploy/$e/app.yaml 'db:
  data_path: /var/lib/app
'; done; base
W deploy/prod/app.yaml 'db:
  data_path: /var/lib/app-new
'; change "move data"
refused "data_path changed in prod only (data-path drift introduced)"
# C. data_path respelt through the side labels (prod only)
new_repo label; W driftcheck.toml "$CONFIG"
for e in staging prod; do W deploy/$e/app.yaml 'db:
  data_path: /var/lib/gate-merge-base-side
'; done; base
W deploy/prod/app.yaml 'db:
  data_path: /var/lib/gate-head-side
'; change "label"
refused "data_path /var/lib/gate-merge-base-side -> /var/lib/gate-head-side in prod only"
