#!/bin/bash
# Config-location family (README's `-C deploy`): the change must not choose the config.
mk() {
. /tmp/attack-gate/lib.sh
git -C "$T/repo" init -q -b main
W deploy/driftcheck.toml '[env.staging]
root = "staging"

[env.prod]
root = "prod"

[review]
required = 2
'
W deploy/staging/app.yaml "$APP"; W deploy/prod/app.yaml "$APP"
W alt/driftcheck.toml '[env.prod]
root = "prod"
[env.staging]
root = "prod"
'
W alt/prod/app.yaml "$APP"
as "${ADMIN[@]}"; g add -A; g commit -qm init; g checkout -q -b feature; as "${MAL[@]}"
}
gC() { (cd "$T/repo" && "$DC" "$@" gate --base main >"$T/out" 2>"$T/err"); echo $?; }
( mk; sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; g rm -q deploy/driftcheck.toml; commit "x
$RB_ANA"; r=$(gC -C deploy); expect 2 $r "delete deploy/driftcheck.toml, -C deploy" )
( mk; g mv deploy real; ln -s real $T/repo/deploy; rm $T/repo/real/driftcheck.toml; cp $T/repo/alt/driftcheck.toml $T/repo/real/; commit "x"; r=$(gC -C deploy); expect 2 $r "deploy -> real (weaker config), -C deploy" )
( mk; g rm -rq deploy; ln -s alt $T/repo/deploy; commit "x"; r=$(gC -C deploy); [ $r = 0 ] && r=BUG0; expect 2 $r "deploy replaced by link to alt/, -C deploy" )
( mk; sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "x"; r=$(gC -C deploy/prod/..); expect 1 $r "-C deploy/prod/.. , 0 sign-offs" )
( mk; sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "x"; r=$(gC -C deploy/prod); expect 1 $r "-C deploy/prod (walk up), 0 sign-offs" )
( mk; sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "x"; r=$(gC --config deploy/driftcheck.toml); expect 1 $r "--config deploy/driftcheck.toml" )
( mk; sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; W deploy/prod/driftcheck.toml '[env.prod]
root = "."
'; commit "x"; r=$(gC -C deploy/prod); expect 2 $r "change adds nearer deploy/prod/driftcheck.toml, -C deploy/prod" )
( mk; sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "x"; r=$(gC -C deploy --config ../alt/driftcheck.toml); case $r in 1|2) r=2_or_1;; esac; expect 2_or_1 $r "-C deploy --config ../alt (operator choice)"; grep -E 'PASS|REFUS' $T/out )
( mk; sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "x"; r=$(gC -C deploy/); expect 1 $r "-C deploy/ trailing slash" )
( mk; sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "x"; mkdir -p $T/elsewhere; r=$( cd $T/elsewhere && "$DC" -C $T/repo/deploy gate --base main >"$T/out" 2>"$T/err"; echo $?); expect 1 $r "-C absolute path from outside the repo" )
