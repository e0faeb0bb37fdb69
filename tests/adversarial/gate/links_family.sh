#!/bin/bash
# Symlink family: roots behind links at depth 1..3, retarget and edit-behind, 0 sign-offs -> must refuse.
for DEPTH in 1 2 3; do for ACT in edit_behind retarget; do
(
. /tmp/attack-gate/lib.sh
git -C "$T/repo" init -q -b main
W driftcheck.toml "$CONFIG"
W releases/v1/staging/app.yaml "$APP"; W releases/v1/prod/app.yaml "$APP"
W releases/v2/staging/app.yaml "$APP"; W releases/v2/prod/app.yaml "$(echo "$APP" | sed 's#/var/lib/app#/mnt/x#')"
# chain: deploy -> l1 -> l2 ... -> releases/v1
prev=releases/v1
for i in $(seq $DEPTH -1 2); do ln -s $prev $T/repo/l$i; prev=l$i; done
ln -s $prev $T/repo/deploy
as "${ADMIN[@]}"; g add -A; g commit -qm init; g checkout -q -b feature; as "${MAL[@]}"
if [ $ACT = edit_behind ]; then sed -i 's/timeout: 30/timeout: 60/' $T/repo/releases/v1/prod/app.yaml
else last=$( [ $DEPTH = 1 ] && echo deploy || echo l2 ); rm $T/repo/$last; ln -s releases/v2 $T/repo/$last; fi
commit "x"
r=$(gate); expect 1 "${r#exit=}" "depth $DEPTH $ACT, 0 sign-offs"
)
done; done
