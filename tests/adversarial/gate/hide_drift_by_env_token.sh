#!/bin/bash
# FALSE PASS (drift half): "a data path changed in one environment only". Values are compared
# after replacing each environment's own name/aliases by {env}; so prod's data path can move to
# another directory spelled with another alias or letter case of its own name, and the two
# environments still "agree" (/data/{env}). The server in prod starts on an empty directory.
# 1 valid sign-off (the base requires 1). Expected exit 1 (drift/data-path), got 0.
for NEW in /data/prd /data/production /data/PROD /data/Prod /data/prod-prod; do
(
. /tmp/attack-gate/lib.sh
git -C "$T/repo" init -q -b main
W driftcheck.toml '[env.staging]
root = "deploy/staging"
aliases = ["stage", "stg"]

[env.prod]
root = "deploy/prod"
aliases = ["production", "prd"]
'
W deploy/staging/app.yaml 'data_path: /data/staging
timeout: 30
'; W deploy/prod/app.yaml 'data_path: /data/prod
timeout: 30
'
as "${ADMIN[@]}"; g add -A; g commit -qm init; g checkout -q -b feature; as "${MAL[@]}"
sed -i "s#/data/prod#$NEW#" $T/repo/deploy/prod/app.yaml
commit "move prod data

$RB_ANA"
r=$(gate); expect 1 "${r#exit=}" "prod data_path /data/prod -> $NEW (staging unchanged)"
)
done
