#!/usr/bin/env bash
# Odd shapes for the new code paths: no panic, exit codes 0/1/2 only, both paths agree.
. "$(dirname "$0")/../review8/prelude.inc"
dep() { printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\nspec:\n  replicas: %s\n' "$1" "$2"; }
ok() { # LABEL: rc in 0/1 on both paths, same verdict, no panic
  gate_run; local d="$RC|$PASSED" de; de=$(cat "$T/err"); gate_run full; local f="$RC|$PASSED" fe; fe=$(cat "$T/err")
  if printf '%s%s' "$de" "$fe" | grep -qi 'panick'; then echo "BUG: $1: panic: $(printf '%s' "$de$fe" | grep -i panick | head -1)";
  elif [ "$d" != "$f" ]; then echo "BUG: $1: default ($d) and full ($f) disagree";
  elif [ "${d%%|*}" != 0 ] && [ "${d%%|*}" != 1 ]; then echo "BUG: $1: exit ${d%%|*}: $(head -c 200 <<<"$de")";
  else echo "HELD: $1 (rc|passed=$d on both paths)"; fi; }
shape() { new_repo "$1"; W driftcheck.toml "$CONFIG"; W deploy/staging/web.yaml "$(dep web 5)"; W deploy/prod/web.yaml "$(dep web 5)"; base; W deploy/prod/odd.yaml "$2"; change x; ok "$3"; }
shape a 'apiVersion: v1
kind: List
items: null
' "List with items: null"
shape b 'apiVersion: v1
kind: List
items: [1, "two", null]
' "List of scalars"
shape c 'apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: List
    metadata: {name: inner}
    items:
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec: {replicas: 1}
' "named List nested in a List holding a copy of web"
# kubectl flattens nested lists (FlattenListVisitor): the copy of web with 1 replica is applied.
gate_run; d=$PASSED; gate_run full; f=$PASSED
if [ "$d" = true ] || [ "$f" = true ]; then echo "BUG: nested named List holding a second copy of Deployment web (replicas 1) passes with one sign-off (default passed=$d, full passed=$f): no duplicate, no decrease rule"; else echo "HELD: nested List copy refused"; fi
shape d "$(printf 'apiVersion: v1\nkind: List\nitems:\n'; for i in $(seq 1 300); do printf '  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: c%s}\n    data: {a: "1"}\n' $i; done)" "List of 300 ConfigMaps"
shape e 'apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec: &s
  replicas: 1
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec: *s
' "two copies sharing an anchor"
shape f '? [a, b]
: 1
a.b.c: 2
' "complex key and dotted key"
shape g "$(dep "$(printf 'w%.0s' $(seq 1 300))" 1)" "resource with a 300-char name"
new_repo h; W driftcheck.toml "$CONFIG"; W deploy/staging/web.yaml "$(dep web 5)"; W deploy/prod/web.yaml "$(dep web 5)"; W deploy/prod/keep.yaml "a: 1
"; base; git -C $R rm -rq deploy/prod; change x; ok "whole prod root deleted"
