#!/usr/bin/env bash
# Tags: a tag change is a change; core tags (in any spelling) are not noise and do not reshape lists.
. "$(dirname "$0")/../review8/prelude.inc"
# drift LABEL want(yes|no) STAGING PROD : whether `check` reports a tag difference at all (any finding)
drift() {
  new_repo "d$RANDOM$RANDOM"; W driftcheck.toml "$CONFIG"; W deploy/staging/app.yaml "$3"; W deploy/prod/app.yaml "$4"; base
  local n; n=$(cd "$R" && "$DC" diff --format json prod staging 2>/dev/null | jq '[.findings[]?] | length')
  if { [ "$2" = yes ] && [ "${n:-0}" -gt 0 ]; } || { [ "$2" = no ] && [ "${n:-x}" = 0 ]; }; then echo "HELD: $1 (findings=$n)"; else echo "BUG: $1: expected findings: $2, got ${n:-none}: $(cd "$R" && "$DC" diff prod staging 2>&1 | grep -E 'note|warning|error' | head -3 | tr '\n' ' ')"; fi
}
drift "!!binary vs plain text, scalar" yes 'k: b2s=
' 'k: !!binary b2s=
'
drift "!!binary vs plain text, list item" yes 'k:
  - b2s=
' 'k:
  - !!binary b2s=
'
drift "!!str 1 vs \"1\"" no 'k: "1"
' 'k: !!str 1
'
drift "verbatim core tag !<tag:yaml.org,2002:str> vs plain" no 'k: foo
' 'k: !<tag:yaml.org,2002:str> foo
'
drift "non-specific tag ! 1 vs \"1\"" no 'k: "1"
' 'k: ! 1
'
drift "!!str on a KEY=VALUE list item vs plain item" no 'environment:
  - FOO=1
  - BAR=2
' 'environment:
  - !!str FOO=1
  - BAR=2
'
drift "nested list item !!binary vs plain" yes 'k:
  - - b2s=
' 'k:
  - - !!binary b2s=
'
drift "same custom tag both sides (!Ref)" no 'k: !Ref Foo
' 'k: !Ref Foo
'
# Self comparisons (gate): a tag added to a watched value is a change; !!str on an unrelated item is not.
POL=$(policy tagged any '**.k'); with_policy s1; W deploy/staging/app.yaml 'a:
  k: b2s=
'; W deploy/prod/app.yaml 'a:
  k: b2s=
'; base; W deploy/prod/app.yaml 'a:
  k: !!binary b2s=
'; change x; need_req "!!binary added to a watched scalar" tagged
POL=$(policy tagged any '**.k'); with_policy s2; W deploy/staging/app.yaml 'k:
  - b2s=
'; W deploy/prod/app.yaml 'k:
  - b2s=
'; base; W deploy/prod/app.yaml 'k:
  - !!binary b2s=
'; change x; need_req "!!binary added to an item of a watched list" tagged
dep() { printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          args:\n            - %s--port=8080\n            - --replicas=3\n' "$1"; }
new_repo s3; W driftcheck.toml "$CONFIG"; W deploy/staging/web.yaml "$(dep '')"; W deploy/prod/web.yaml "$(dep '')"; base
W deploy/prod/web.yaml "$(dep '!!str ')"; change x; no_req "!!str added to an unrelated arg (args.replicas unchanged)" k8s-replica-decrease
new_repo s4; W driftcheck.toml "$CONFIG"; W deploy/staging/web.yaml "$(dep '')"; W deploy/prod/web.yaml "$(dep '')"; base
W deploy/prod/web.yaml "$(dep '!!binary ' | sed 's/--port=8080/LS1wb3J0PTgwODA=/')"; change x; no_req "!!binary item added to args, args.replicas unchanged" k8s-replica-decrease
# A decrease in a KEY=VALUE list made while tagging another item `!!str` (the list stops being read as a map,
# and a map turned list is one type change at `environment`, never walked).
POL=$(policy workers decrease '**.environment.WORKERS')
workers() { # NAME SECOND_ITEM LABEL: WORKERS=8 -> 2 in prod, the second item written as given
  with_policy "$1"; for e in staging prod; do W deploy/$e/compose.yaml 'services:
  web:
    environment:
      - WORKERS=8
      - MODE=a
'; done; base; W deploy/prod/compose.yaml "services:
  web:
    environment:
      - WORKERS=2
      - $2
"; change x; need_req "$3" workers
}
workers s5 '!!str MODE=a' "WORKERS=8 -> 2 while another item gains !!str"
workers s6 'MODE=a' "control: WORKERS=8 -> 2 alone"
