#!/usr/bin/env bash
# Objects defined twice in one environment: introduced ones refused, pre-existing ones tolerated,
# distinct objects not mistaken for copies.
. "$(dirname "$0")/../review8/prelude.inc"
dep() { printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\nspec:\n  replicas: %s\n' "$1" "$2"; }
depns() { printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\n  namespace: %s\nspec:\n  replicas: %s\n' "$1" "$2" "$3"; }
start() { new_repo "$1"; W driftcheck.toml "$CONFIG"; W deploy/staging/keep.yaml "timeout: 30
"; W deploy/prod/keep.yaml "timeout: 30
"; W deploy/staging/web.yaml "$(dep web 5)"; W deploy/prod/web.yaml "$(dep web 5)"; }
# dup LABEL: refused, naming a duplicate, on both paths
both() { gate_run; D="$RC|$(jq -r '[.. | strings | select(test("defined twice"))] | length' "$T/out.json")|$PASSED"; gate_run full; F="$RC|$(jq -r '[.. | strings | select(test("defined twice"))] | length' "$T/out.json")|$PASSED"; }
dup() { both; IFS='|' read -r drc dn _ <<<"$D"; IFS='|' read -r frc fn _ <<<"$F"; if [ "$drc" = 1 ] && [ "$frc" = 1 ] && [ "$dn" != 0 ] && [ "$fn" != 0 ]; then echo "HELD: $1 (refused, duplicate named)"; else echo "BUG: $1: expected refusal naming a duplicate; default rc|dups|passed=$D full=$F"; fi; }
nodup() { both; IFS='|' read -r drc dn _ <<<"$D"; IFS='|' read -r frc fn _ <<<"$F"; if [ "$drc" = 0 ] && [ "$frc" = 0 ] && [ "$dn" = 0 ] && [ "$fn" = 0 ]; then echo "HELD: $1 (passed, no duplicate)"; else echo "BUG: $1: expected pass without duplicate; default rc|dups|passed=$D full=$F"; fi; }
start a; W deploy/prod/api.yaml "$(dep api 2)"; W deploy/staging/api.yaml "$(dep api 2)"; base
W deploy/prod/api.yaml "$(dep web 2)"; change x; dup "resource renamed onto an existing name in another (untouched) file"
start b; base; W deploy/prod/z.yaml "$(dep 'w\x65b' 1 | sed 's/name: w.x65b/name: "w\\x65b"/')"; change x; dup "copy added whose name is a YAML escape"
start c; W deploy/prod/web.yaml "$(printf '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w\\u0065b"},"spec":{"replicas":5}}')"; W deploy/prod/keep.yaml "timeout: 30
"; base; W deploy/prod/z.yaml "$(dep web 1)"; change x; dup "copy added; untouched copy spelt with a JSON escape"
start d; W deploy/prod/z.yaml "$(dep web 5)"; W deploy/staging/z.yaml "$(dep web 5)"; base; W deploy/prod/keep.yaml "timeout: 31
"; change x; nodup "pre-existing duplicate, unrelated edit"
start e; W deploy/prod/z.yaml "$(dep web 5)"; W deploy/staging/z.yaml "$(dep web 5)"; base; W deploy/prod/web.yaml "apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  a: b
---
$(dep web 5)"; W deploy/staging/web.yaml "apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  a: b
---
$(dep web 5)"; change x; nodup "pre-existing duplicate; change shifts the first copy's line"
start f; W deploy/prod/z.yaml "$(dep web 5)"; W deploy/staging/z.yaml "$(dep web 5)"; base
W deploy/prod/z.yaml "$(dep web 5)
---
$(dep web 1)"; change x; need_req "pre-existing dup; third copy (applied last) with 1 replica added to the dup file" k8s-replica-decrease
start g; W deploy/prod/web.yaml "$(dep web-prod 5)"; W deploy/staging/web.yaml "$(dep web-staging 5)"; base
W deploy/prod/z.yaml "$(dep web-production 3)"; W deploy/staging/z.yaml "$(dep web-stg 3)"; change x; nodup "web-prod and web-production are two objects"
start h; W deploy/prod/gw.yaml "apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata:
  name: main
  namespace: ingress
spec:
  selector: {istio: ingressgateway}
"; W deploy/staging/gw.yaml "apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata:
  name: main
  namespace: ingress
spec:
  selector: {istio: ingressgateway}
"; base
for e in prod staging; do W deploy/$e/gwapi.yaml "apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: main
  namespace: ingress
spec:
  gatewayClassName: istio
"; done; change x; nodup "istio Gateway and Gateway API Gateway of one name (different API groups)"
start i; base; W deploy/prod/web.yaml "$(depns web default 5)"; W deploy/prod/z.yaml "$(dep web 1)"; change x; dup "copies spelt namespace: default and no namespace (arguable: kubectl puts the unnamespaced one in the context namespace)"
start j; base; W deploy/prod/web.yaml "$(depns web Team-A 5)"; W deploy/staging/web.yaml "$(depns web Team-A 5)"; W deploy/prod/z.yaml "$(depns web Team-A 1)"; change x; dup "copies in a namespace"
start k; base; W deploy/prod/z.yaml "apiVersion: v1
kind: List
items:
$(dep web 1 | sed '1s/^/  - /; 2,$s/^/    /')"; change x; dup "copy added as a List item"
start l; W deploy/prod/sec.yaml "apiVersion: v1
kind: Secret
metadata:
  name: db
stringData:
  password: hunter2-SuperSecret
"; W deploy/staging/sec.yaml "apiVersion: v1
kind: Secret
metadata:
  name: db
stringData:
  password: hunter2-SuperSecret
"; base; W deploy/prod/z.yaml "apiVersion: v1
kind: Secret
metadata:
  name: db
stringData:
  password: Other-Very-Secret-99
"; change x; dup "duplicate Secret"
for v in "" full; do gate_run $v; if grep -q "Other-Very-Secret-99\|hunter2-SuperSecret" "$T/out.json" "$T/err"; then echo "BUG: duplicate Secret: secret text printed ($v)"; else echo "HELD: duplicate Secret: no secret text in output (${v:-default})"; fi; done
start m; W deploy/prod/a.yaml "$(dep api 2)"; W deploy/staging/a.yaml "$(dep api 2)"; base
git -C $R mv deploy/prod/a.yaml deploy/prod/web2.yaml; W deploy/prod/web2.yaml "$(dep web 2)"; change x; dup "file renamed and its resource renamed onto an existing name"
