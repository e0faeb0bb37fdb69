#!/usr/bin/env bash
# Kubernetes lists (`kind: List`, `*List`): decreases in and out of them, lists kept whole.
. "$(dirname "$0")/../review8/prelude.inc"
dep() { printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\nspec:\n  replicas: %s\n' "$1" "$2"; }
ind() { sed '1s/^/  - /; 2,$s/^/    /'; }
list() { local k=$1; shift; printf 'apiVersion: v1\nkind: %s\nitems:\n' "$k"; for x in "$@"; do printf '%s\n' "$x" | ind; done; }
cm_noname='apiVersion: v1
kind: ConfigMap
metadata:
  labels: {a: b}
data:
  x: "1"'
start() { new_repo "$1"; W driftcheck.toml "$CONFIG"; W deploy/staging/keep.yaml "timeout: 30
"; W deploy/prod/keep.yaml "timeout: 30
"; W deploy/staging/web.yaml "$2"; W deploy/prod/web.yaml "$2"; base; }
start a "$(list List "$(dep web 5)")"; W deploy/prod/web.yaml "$(dep web 1)"; change x
need_req "out of a List with fewer replicas" k8s-replica-decrease
start b "$(list DeploymentList "$(dep web 5)" "$(dep api 2)")"; W deploy/prod/web.yaml "$(list DeploymentList "$(dep web 1)" "$(dep api 2)")"; change x
need_req "DeploymentList decrease" k8s-replica-decrease
start c "$(list List "$(dep web 5)" "$(dep api 2)")"; W deploy/prod/web.yaml "$(list List "$(dep api 2)")"; change x
need_req "item deleted from a List" k8s-replica-decrease
start d "$(list List "$(dep web 5)" "$cm_noname")"; W deploy/prod/web.yaml "$(list List "$(dep web 1)" "$cm_noname")"; change x
need_req "List kept whole (item without name): decrease inside" k8s-replica-decrease
start e "$(list List "$(list List "$(dep web 5)")")"; W deploy/prod/web.yaml "$(list List "$(list List "$(dep web 1)")")"; change x
need_req "List nested in a List: decrease inside" k8s-replica-decrease
start f "$(dep web 5)"; W deploy/prod/web.yaml "$(list List "$(dep web 5)" "$cm_noname")"; change x
no_req "moved into a kept-whole List unchanged (false refusal?)" k8s-replica-decrease
start g "$(dep web 5)"; W deploy/prod/web.yaml "$(list List "$(list List "$(dep web 5)")")"; change x
no_req "moved into a nested List unchanged (false refusal?)" k8s-replica-decrease
start h "$(list List "$(dep web 5)" "$(dep api 2)")"; W deploy/prod/web.yaml "$(list List "$(dep api 2)" "$(dep web 5)")"; change x
no_req "List items reordered" k8s-replica-decrease
start i "$(list List "$(dep web 5)" "$(dep api 2)")"; W deploy/prod/web.yaml "$(list List "$(dep web 5)" "$(dep api 2)" "$cm_noname")"; change x
no_req "unnamed item added to a List (list now kept whole)" k8s-replica-decrease
start j "$(list List "$(dep web 5)" "$(dep api 2)")"; W deploy/prod/web.yaml "$(list List "$(dep web 5)" "$(dep api 2)" "$cm_noname" | sed 's/replicas: 2/replicas: 1/')"; change x
need_req "unnamed item added AND api decreased" k8s-replica-decrease
start k "$(list DeploymentList "$(dep web 5 | sed '/^apiVersion/d;/^kind/d')")"; W deploy/prod/web.yaml "$(list DeploymentList "$(dep web 1 | sed '/^apiVersion/d;/^kind/d')")"; change x
need_req "typed DeploymentList (items without kind): decrease" k8s-replica-decrease
start l "$(list List "$(dep web 5)")"; W deploy/prod/web.yaml "$(list List "$(dep web 5)")
---
$(dep web 1)"; change x
gate_run; d=$PASSED; gate_run full; f=$PASSED
if [ "$d" = false ] && [ "$f" = false ] && grep -q "defined twice" "$T/out.json"; then echo "HELD: a copy after the List in the same stream with fewer replicas (refused as a duplicate)"; else echo "BUG: a copy after the List in the same stream with fewer replicas: default passed=$d full passed=$f"; fi
