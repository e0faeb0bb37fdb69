#!/bin/bash
# FALSE PASS (drift half), documented "values may move" taken further: while main carries a
# pre-existing drift/data-path error on app.yaml:data_path (staging mid-migration), the change
# moves PROD's data path somewhere else entirely; the finding keeps its identity (rule, envs,
# file, document, key), so it is "pre-existing" and the new prod path is never judged.
# Expected exit 1 (prod's data path changed), got 0 with 1 sign-off.
. /tmp/attack-gate/lib.sh
git -C "$T/repo" init -q -b main
W driftcheck.toml "$CONFIG"
W deploy/staging/app.yaml "$(printf '%s' "$APP" | sed 's#/var/lib/app#/var/lib/app-new#')"; W deploy/prod/app.yaml "$APP"
as "${ADMIN[@]}"; g add -A; g commit -qm init; g checkout -q -b feature; as "${MAL[@]}"
sed -i 's#/var/lib/app#/mnt/empty#' $T/repo/deploy/prod/app.yaml
commit "x

$RB_ANA"
r=$(gate); expect 1 "${r#exit=}" "prod data_path /var/lib/app -> /mnt/empty under a pre-existing data-path finding"; grep -E 'introduced' $T/out
