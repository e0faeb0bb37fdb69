#!/bin/bash
# Round 3, item 5: digest-bound sign-offs name exactly the current change: a shortened, re-prefixed
# or other-base digest never counts (bind = "digest").
mk() { . /tmp/attack-gate/lib.sh; standard $'\n[review]\nbind = "digest"'
  sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; g add -A; g commit -q -m wip
  D=$(cd $T/repo && "$DC" approve --base main 2>/dev/null | grep -o 'v2-sha256:[0-9a-f]*' | head -1); H=${D#v2-sha256:}; }
sign() { g commit -q --amend -m "x

Reviewed-by: Ana <ana@example.com> # config $1"; r=$(gate); expect $2 ${r#exit=} "$3"; }
( mk; sign "v2-sha256:${H:0:16}" 1 "digest truncated to 64 bits" )
( mk; sign "v1-sha256:$H" 1 "digest with v1 prefix" )
( mk; sign "v2-sha1:$H" 1 "digest with another algorithm name" )
( mk; sign "$D$H" 1 "digest with its hex doubled" )
( mk; sign "$D" 0 "control: exact digest" )
( mk; sed -i 's/pool_size: 10/pool_size: 11/' $T/repo/deploy/prod/app.yaml; g add -A; g commit -q -m more; sign "$D" 1 "digest of the first commit after a second change" )
