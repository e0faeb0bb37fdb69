#!/bin/bash
# on_change requirement inherits the base's reviewers (issue item 9).
for SECOND in "Eve <eve@example.net>" "Bo <bo@example.com>" "Ana <ana+2@example.com>"; do
(
. /tmp/attack-gate/lib.sh
DEP='apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
'
git -C "$T/repo" init -q -b main
W driftcheck.toml "$CONFIG
[review]
reviewers = [\"ana@example.com\", \"bo@example.com\"]
"
W deploy/staging/web.yaml "$DEP"; W deploy/prod/web.yaml "$DEP"
as "${ADMIN[@]}"; g add -A; g commit -qm init; g checkout -q -b feature; as "${MAL[@]}"
sed -i 's/replicas: 3/replicas: 2/' $T/repo/deploy/prod/web.yaml $T/repo/deploy/staging/web.yaml
commit "lower

$RB_ANA
Approved-by: $SECOND"
W=1; [ "$SECOND" = "Bo <bo@example.com>" ] && W=0
r=$(gate); expect $W "${r#exit=}" "replica decrease, Ana + $SECOND"; grep -E "^  error|MISSING" $T/out
)
done
