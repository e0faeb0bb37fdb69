#!/bin/bash
# FALSE PASS (drift half), document variant of hide_drift_by_rename.sh: Kubernetes documents are
# paired by Kind/namespace/name; renaming prod's ConfigMap (metadata.name, or namespace) while
# changing its data path un-pairs the documents, and drift/data-path (error) disappears.
for HOW in name namespace kind_case; do
(
. /tmp/attack-gate/lib.sh
CM='apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
  namespace: app
data:
  data_path: /var/lib/app
  timeout: "30"
'
git -C "$T/repo" init -q -b main
W driftcheck.toml "$CONFIG"; W deploy/staging/cm.yaml "$CM"; W deploy/prod/cm.yaml "$CM"
as "${ADMIN[@]}"; g add -A; g commit -qm init; g checkout -q -b feature; as "${MAL[@]}"
P=$T/repo/deploy/prod/cm.yaml
sed -i 's#/var/lib/app#/mnt/empty#' $P
case $HOW in
 name) sed -i 's/name: app-config/name: app-config-v2/' $P ;;
 namespace) sed -i 's/namespace: app/namespace: app-prod/' $P ;;
 kind_case) sed -i 's/kind: ConfigMap/kind: configmap/' $P ;;
esac
commit "x

$RB_ANA
$RB_BO"
r=$(gate); expect 1 "${r#exit=}" "prod ConfigMap $HOW changed + data_path changed, 2 sign-offs (the k8s rules ask 2 for a removed resource)"; grep -E '^  (error|warning)\[' $T/out | head -3
)
done
