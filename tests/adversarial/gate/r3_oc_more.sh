#!/bin/bash
# Round 3, item 9: change-aware requirements inherit the base's reviewer list, for every
# on_change kind, and a head policy cannot widen them.
mk() { . /tmp/attack-gate/lib.sh; git -C $T/repo init -q -b main
  W driftcheck.toml "policies = [\"policies/*.toml\"]
$CONFIG
[review]
reviewers = [\"ana@example.com\", \"bo@example.com\"]
"
  W policies/p.toml "[[rule]]
id = \"watch\"
keys = [\"$1\"]
on_change = \"$2\"
review = { required = 2 }
"
  W deploy/staging/app.yaml "$APP"; W deploy/prod/app.yaml "$APP"
  as "${ADMIN[@]}"; g add -A; g commit -qm init; g checkout -q -b feature; as "${MAL[@]}"; }
EVE="Reviewed-by: Eve <eve@example.net>"
( mk timeout any; sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/*/app.yaml; commit "x

$RB_ANA
$EVE"; r=$(gate); expect 1 ${r#exit=} "on_change any: Ana + non-allowlisted Eve" )
( mk timeout increase; sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/*/app.yaml; commit "x

$RB_ANA
$EVE"; r=$(gate); expect 1 ${r#exit=} "on_change increase: Ana + Eve" )
( mk db.pool_size remove; sed -i '/pool_size/d' $T/repo/deploy/*/app.yaml; commit "x

$RB_ANA
$EVE"; r=$(gate); expect 1 ${r#exit=} "on_change remove: Ana + Eve" )
( mk timeout any; sed -i 's/required = 2 }/required = 2, reviewers = ["eve@example.net", "ana@example.com"] }/' $T/repo/policies/p.toml; sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/*/app.yaml; commit "x

$RB_ANA
$EVE"; r=$(gate); expect 1 ${r#exit=} "head policy adds Eve to the rule's reviewers, Ana + Eve" )
( mk timeout any; sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/*/app.yaml; commit "x

$RB_ANA
$RB_BO"; r=$(gate); expect 0 ${r#exit=} "control: Ana + Bo" )
