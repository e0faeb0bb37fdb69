#!/bin/bash
# Round 3, item 6: the head's config is validated like the base's, and the base's [review] governs
# the change that edits it: removing [review], an empty reviewer list, a rule with required = 0,
# a broken policy file.
refused() { if [ "$1" != 0 ]; then echo "HELD  $2 (exit $1)"; else echo "BUG   $2: expected refusal, got exit 0"; fi; }
R2=$'\n[review]\nrequired = 2\n'
# 1. head removes [review] entirely (base requires 2), 1 sign-off.
( . /tmp/attack-gate/lib.sh; standard "$R2"; W driftcheck.toml "$CONFIG"; sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "x

$RB_ANA"; r=$(gate); expect 1 ${r#exit=} "head removes [review], 1 of base's 2" )
# 2. head sets reviewers = [] (nobody may approve after), 2 sign-offs.
( . /tmp/attack-gate/lib.sh; standard "$R2"; W driftcheck.toml "$CONFIG$R2"'reviewers = []
'; commit "x

$RB_ANA
$RB_BO"; r=$(gate); refused ${r#exit=} "head reviewers = [] , 2 sign-offs" )
# 3. head [[review.rule]] required = 0.
( . /tmp/attack-gate/lib.sh; standard "$R2"; W driftcheck.toml "$CONFIG$R2"'
[[review.rule]]
paths = ["deploy/prod/**"]
required = 0
'; commit "x

$RB_ANA
$RB_BO"; r=$(gate); refused ${r#exit=} "head review.rule required = 0, 2 sign-offs" )
# 4. head adds a policy file with an unknown on_change.
( . /tmp/attack-gate/lib.sh; standard "$R2"; sed -i '1i policies = ["policies/*.toml"]' $T/repo/driftcheck.toml; W policies/p.toml '[[rule]]
id = "x"
keys = ["timeout"]
on_change = "shrink"
'; commit "x

$RB_ANA
$RB_BO"; r=$(gate); refused ${r#exit=} "head policy with on_change = shrink, 2 sign-offs" )
# 5. head points policies at a glob escaping the repository.
( . /tmp/attack-gate/lib.sh; standard "$R2"; sed -i '1i policies = ["../../*.toml"]' $T/repo/driftcheck.toml; commit "x

$RB_ANA
$RB_BO"; r=$(gate); refused ${r#exit=} "head policies glob ../../*.toml, 2 sign-offs" )
# 6. control: head raises required to 3 with 2 sign-offs (base's 2) passes.
( . /tmp/attack-gate/lib.sh; standard "$R2"; W driftcheck.toml "$CONFIG"$'\n[review]\nrequired = 3\n'; commit "x

$RB_ANA
$RB_BO"; r=$(gate); expect 0 ${r#exit=} "control: head raises required to 3, base's 2 given" )
# 7. head empties the only reviewer group (reviewers = ["@sre"]), 2 sign-offs.
( . /tmp/attack-gate/lib.sh; standard $'\n[review]\nrequired = 2\nreviewers = ["@sre"]\n[review.groups]\nsre = ["ana@example.com", "bo@example.com"]\n'
  W driftcheck.toml "$CONFIG"$'\n[review]\nrequired = 2\nreviewers = ["@sre"]\n[review.groups]\nsre = []\n'; commit "x

$RB_ANA
$RB_BO"; r=$(gate); refused ${r#exit=} "head empties the reviewer group, 2 sign-offs" )
