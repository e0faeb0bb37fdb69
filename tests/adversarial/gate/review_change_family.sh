#!/bin/bash
# The change edits [review] (base: required = 2 from Ana/Bo/Carol). Base settings must apply.
RB_ANA="Reviewed-by: Ana <ana@example.com>"; RB_BO="Reviewed-by: Bo <bo@example.com>"
BASE='
[review]
required = 2
reviewers = ["ana@example.com", "bo@example.com", "carol@example.com"]
'
run() { # LABEL WANT NEWREVIEW SIGNOFFS
(
. /tmp/attack-gate/lib.sh
standard "$BASE"
W driftcheck.toml "$CONFIG$3"
sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml
commit "x

$4"
r=$(gate); expect $2 "${r#exit=}" "$1"; grep -E "^  error" $T/out | head -2
)
}
run "lower required to 1, 1 sign-off" 1 '
[review]
required = 1
' "$RB_ANA"
run "add mal to reviewers, mal+ana sign" 1 '
[review]
required = 2
reviewers = ["ana@example.com", "mal@example.com"]
' "$RB_ANA
Reviewed-by: Mallory <mal@example.com>"
run "required = 0 in head, 2 sign-offs" 1 '
[review]
required = 0
' "$RB_ANA
$RB_BO"
run "unknown group in head, 2 sign-offs" 1 '
[review]
reviewers = ["@nope"]
' "$RB_ANA
$RB_BO"
run "trailers = [] in head, 2 sign-offs" 1 '
[review]
trailers = []
' "$RB_ANA
$RB_BO"
run "bad glob in head, 2 sign-offs" 1 '
[review]
paths = ["deploy/[**"]
' "$RB_ANA
$RB_BO"
run "rule paths .. escape in head" 1 '
[review]
required = 2
[[review.rule]]
paths = ["../../x"]
' "$RB_ANA
$RB_BO"
run "unknown key in head [review]" 1 '
[review]
requried = 2
' "$RB_ANA
$RB_BO"
run "head [review] valid change, 2 sign-offs" 0 '
[review]
required = 3
reviewers = ["ana@example.com", "bo@example.com", "carol@example.com"]
' "$RB_ANA
$RB_BO"
run "head adds env with missing root" 1 '
[env.dev]
root = "deploy/dev"
' "$RB_ANA
$RB_BO"
run "head adds bind=bogus" 1 '
[review]
bind = "bogus"
' "$RB_ANA
$RB_BO"
run "head adds policies glob matching nothing" 1 'policies = ["nope/*.toml"]
' "$RB_ANA
$RB_BO"
run "head adds render env (legit reviewed change; command must not run)" 0 '
[env.evil]
render = ["sh", "-c", "touch /tmp/attack-gate/RENDER_RAN; echo a: 1"]
' "$RB_ANA
$RB_BO"
ls /tmp/attack-gate/RENDER_RAN 2>/dev/null && echo "!!! head render command executed"
