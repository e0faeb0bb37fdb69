#!/bin/bash
# `..` in globs of a config in a subdirectory (-C deploy): edits under the anchored path need sign-off.
mk() {
. /tmp/attack-gate/lib.sh
git -C "$T/repo" init -q -b main
W deploy/driftcheck.toml "policies = [\"../policies/*.toml\"]
[env.staging]
root = \"staging\"
[env.prod]
root = \"prod\"
[review]
paths = [\"../shared/**\", \"prod/**\", \"staging/**\"]
${1:-}
"
W deploy/staging/app.yaml "$APP"; W deploy/prod/app.yaml "$APP"; W shared/x.yaml 'a: 1
'
W policies/p.toml '[[rule]]
id = "team-data"
description = "d"
files = ["**/*.yaml"]
keys = ["timeout"]
on_change = "any"
review = { required = 2 }
severity = "error"
'
as "${ADMIN[@]}"; g add -A; g commit -qm init; g checkout -q -b feature; as "${MAL[@]}"
}
gC() { (cd "$T/repo" && "$DC" -C deploy gate --base main >"$T/out" 2>"$T/err"); echo $?; }
( mk; W shared/x.yaml 'a: 2
'; commit x; r=$(gC); expect 1 $r "../shared/** edit, 0 sign-offs" )
( mk; W policies/p.toml '# gone
'; commit x; r=$(gC); expect 1 $r "../policies/p.toml emptied, 0 sign-offs" )
( mk; W SHARED/x.yaml 'a: 2
'; commit x; r=$(gC); expect 1 $r "SHARED/x.yaml case variant, 0 sign-offs" )
( mk; sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "x

$RB_ANA"; r=$(gC); expect 1 $r "policy from ../policies on_change any timeout needs 2, 1 given"; grep MISSING $T/out )
( mk '[[review.rule]]
paths = ["../shared/*.yaml"]
required = 2'; W shared/x.yaml 'a: 2
'; commit "x

$RB_ANA"; r=$(gC); expect 1 $r "rule ../shared/*.yaml requires 2, 1 given" )
