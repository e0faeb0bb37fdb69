#!/usr/bin/env bash
# Same-bytes shortcut (diff::changes: a file key whose two sides have identical bytes is
# loaded once, not compared): files whose meaning comes from elsewhere (nginx/INI
# includes, symlinks) must still show a decrease, on the default path and with
# DRIFTCHECK_GATE_FULL=1.
. "$(dirname "$0")/prelude.inc"
POL=$(policy conn-decrease decrease "**.max_client_conn" "**.worker_connections" "**.max_conns")
setup() { with_policy "$1"; }
# A. pgbouncer %include: pgbouncer.ini unchanged, the included file lowers max_client_conn
setup ini_include
for e in staging prod; do W deploy/$e/pgbouncer.ini '[pgbouncer]
listen_port = 6432
%include limits.ini
'; W deploy/$e/limits.ini '[pgbouncer]
max_client_conn = 500
'; done; base
W deploy/prod/limits.ini '[pgbouncer]
max_client_conn = 100
'; change "lower limits"
need_req "pgbouncer %include: included limits.ini lowers max_client_conn" "conn-decrease"

# B. nginx include of a file outside the env's listed formats (.inc), including file unchanged
setup nginx_include
for e in staging prod; do W deploy/$e/nginx.conf 'events {
  include tuning.inc;
}
http {
  server { listen 80; }
}
'; W deploy/$e/tuning.inc 'worker_connections 4096;
'; done; base
W deploy/prod/tuning.inc 'worker_connections 64;
'; change "nginx tuning"
need_req "nginx include: tuning.inc lowers worker_connections, nginx.conf unchanged" "conn-decrease"

# C. symlinks inside the env root: app.yaml -> versions/big.yaml; the link is retargeted to small.yaml
setup symlink_retarget
for e in staging prod; do mkdir -p "$R/deploy/$e/versions"
  printf 'db:\n  max_conns: 100\n' > "$R/deploy/$e/versions/big.yaml"; printf 'db:\n  max_conns: 100\n' > "$R/deploy/$e/versions/small.yaml"
  ln -s versions/big.yaml "$R/deploy/$e/app.yaml"; done; base
printf 'db:\n  max_conns: 10\n' > "$R/deploy/prod/versions/small.yaml"; ln -sfn versions/small.yaml "$R/deploy/prod/app.yaml"; change "retarget"
need_req "in-root symlink app.yaml retargeted big.yaml -> small.yaml (max_conns 100 -> 10)" "conn-decrease"

# D. the link is unchanged, its in-root target lowers max_conns
setup symlink_target
for e in staging prod; do mkdir -p "$R/deploy/$e/versions"
  printf 'db:\n  max_conns: 100\n' > "$R/deploy/$e/versions/cur.yaml"; ln -s versions/cur.yaml "$R/deploy/$e/app.yaml"; done; base
printf 'db:\n  max_conns: 10\n' > "$R/deploy/prod/versions/cur.yaml"; change "lower via target"
need_req "in-root symlink app.yaml unchanged, target lowered" "conn-decrease"
