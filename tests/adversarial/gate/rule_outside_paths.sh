#!/bin/bash
# FALSE PASS: a [[review.rule]] whose paths lie outside [review] paths (or, with no paths,
# outside every environment's sources) never triggers: changes there are not "guarded", so
# the rule requiring 2 sign-offs is silently skipped. Expected exit 1, got 0 (0 sign-offs).
for MODE in explicit_paths default_guard; do
(
. /tmp/attack-gate/lib.sh
if [ $MODE = explicit_paths ]; then
  R='
[review]
paths = ["deploy/**"]

[[review.rule]]
paths = ["infra/**"]
required = 2
'
else
  R='
[[review.rule]]
paths = ["infra/**"]
required = 2
'
fi
git -C "$T/repo" init -q -b main
W driftcheck.toml "$CONFIG$R"; W deploy/staging/app.yaml "$APP"; W deploy/prod/app.yaml "$APP"
W infra/db.tf 'size = "large"
'
as "${ADMIN[@]}"; g add -A; g commit -qm init; g checkout -q -b feature; as "${MAL[@]}"
W infra/db.tf 'size = "small"
'
commit "shrink db"
r=$(gate); expect 1 "${r#exit=}" "$MODE: infra/db.tf changed with 0 sign-offs (rule requires 2)"
grep -E 'PASSED|REFUSED' $T/out
)
done
