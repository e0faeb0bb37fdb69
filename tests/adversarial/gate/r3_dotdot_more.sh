#!/bin/bash
# Round 3, item 3: `..` and `.` in review paths, rule paths and policy globs of a config in a
# subdirectory are normalised; escaping the repository is a config error.
refused() { if [ "$1" != 0 ]; then echo "HELD  $2 (exit $1)"; else echo "BUG   $2: expected refusal, got exit 0"; fi; }
mk() { . /tmp/attack-gate/lib.sh; git -C $T/repo init -q -b main
  W tools/driftcheck.toml "[env.staging]
root = \"../deploy/staging\"

[env.prod]
root = \"../deploy/prod\"
$1"
  W deploy/staging/app.yaml "$APP"; W deploy/prod/app.yaml "$APP"; W policies/p.toml '[[rule]]
id = "t"
keys = ["timeout"]
on_change = "any"
review = { required = 2 }
'; W shared/x.yaml 'a: 1
'
  as "${ADMIN[@]}"; g add -A; g commit -qm init; g checkout -q -b feature; as "${MAL[@]}"; }
gt() { (cd "$T/repo" && "$DC" gate --base main --config tools/driftcheck.toml >"$T/out" 2>&1); echo $?; }
( mk $'[review]\npaths = ["./../shared/**"]'; W shared/x.yaml 'a: 2
'; commit x; refused $(gt) "paths ./../shared/** edit, 0 sign-offs" )
( mk $'[review]\npaths = ["../deploy/../shared/*.yaml"]'; W shared/x.yaml 'a: 2
'; commit x; refused $(gt) "paths ../deploy/../shared/*.yaml edit, 0 sign-offs" )
( mk $'[[review.rule]]\npaths = ["../deploy/prod/./**"]\nrequired = 2'; sed -i 's/pool_size: 10/pool_size: 20/' $T/repo/deploy/*/app.yaml; commit "x

$RB_ANA"; r=$(gt); expect 1 $r "rule ../deploy/prod/./** requires 2, 1 given" )
( mk ''; sed -i '1i policies = ["../policies/../policies/*.toml"]' $T/repo/tools/driftcheck.toml; as "${ADMIN[@]}"; g add -A; g commit -q -m pol; g checkout -q main; g merge -q --ff-only feature; g checkout -q feature; as "${MAL[@]}"
  sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/*/app.yaml; commit "x

$RB_ANA"; r=$(gt); expect 1 $r "policies ../policies/../policies/*.toml on_change needs 2, 1 given" )
( mk $'[review]\npaths = ["../../outside/**"]'; sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/*/app.yaml; commit "x"; r=$(gt); expect 2 $r "base paths escaping the repo: config error" )
