#!/bin/bash
# Round 3, item 14 (decided: who clicks Merge/Update branch, or writes commits touching no guarded
# path, contributed nothing to the approved config; moving roots with driftcheck.toml is judged
# by the base config and reviewed like any change).
S=$'\n\nReviewed-by: Ana <ana@example.com>'
# 1. Ana reviews, then clicks "Update branch" (clean merge, committer Ana): still a peer.
( . /tmp/attack-gate/lib.sh; standard ''
  sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "x$S"
  g checkout -q main; as "${ADMIN[@]}"; W src/lib.rs 'x'; commit "code"; g checkout -q feature; as "${ANA[@]}"; g merge -q --no-ff -m "Update branch" main
  r=$(gate); expect 0 ${r#exit=} "reviewer clicks Update branch (clean), her sign-off counts" )
# 2. Ana commits a docs-only change on the PR, then signs: still a peer.
( . /tmp/attack-gate/lib.sh; standard ''
  sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "x"
  as "${ANA[@]}"; W README.md 'docs'; commit "docs$S"
  r=$(gate); expect 0 ${r#exit=} "reviewer's own docs-only commit carries her sign-off" )
# 3. Ana edits a guarded file herself and signs: not a peer.
( . /tmp/attack-gate/lib.sh; standard ''
  sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "x"
  as "${ANA[@]}"; sed -i 's/log_level: info/log_level: warn/' $T/repo/deploy/*/app.yaml; commit "tweak$S"
  r=$(gate); expect 1 ${r#exit=} "reviewer who edited guarded config signs: refused" )
# 4. roots moved together with driftcheck.toml, reviewed by Ana: the base config cannot find the
#    moved roots (gate/environment): refused by documented decision; land new roots first.
( . /tmp/attack-gate/lib.sh; standard ''
  g mv deploy env; sed -i 's#deploy/#env/#' $T/repo/driftcheck.toml; commit "move roots$S"
  r=$(gate); expect 1 ${r#exit=} "roots moved with driftcheck.toml, 1 sign-off: refused by decision (docs/gate.md)" )
# 5. roots moved + a prod change hidden in the move, unsigned: refused.
( . /tmp/attack-gate/lib.sh; standard ''
  g mv deploy env; sed -i 's#deploy/#env/#' $T/repo/driftcheck.toml; sed -i 's/pool_size: 10/pool_size: 1/' $T/repo/env/prod/app.yaml; commit "move roots"
  r=$(gate); expect 1 ${r#exit=} "roots moved with a hidden prod change, unsigned" )
