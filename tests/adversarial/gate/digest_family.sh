#!/bin/bash
# bind = "digest" family.
mk() { . /tmp/attack-gate/lib.sh; standard '
[review]
bind = "digest"
'; }
dg() { (cd $T/repo && "$DC" approve --base main 2>/dev/null | grep -o 'v2-sha256:[0-9a-f]*' | head -1); }
( mk; sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "x"; D=$(dg); g commit -q --allow-empty -m "sign

Reviewed-by: Ana <ana@example.com> # config $D"; r=$(gate); expect 0 "${r#exit=}" "digest of the change, 1 sign-off" )
( mk; sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "x"; D=$(dg); sed -i 's/pool_size: 10/pool_size: 1/' $T/repo/deploy/prod/app.yaml; commit "y

Reviewed-by: Ana <ana@example.com> # config $D"; r=$(gate); expect 1 "${r#exit=}" "digest of commit 1 reused after commit 2" )
( mk; sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "x"; D=$(dg); commit_d() { :; }
  g checkout -q main; as "${ADMIN[@]}"; sed -i 's/replicas: 3/replicas: 4/' $T/repo/deploy/staging/app.yaml; commit main2; g checkout -q feature; as "${MAL[@]}"
  g merge -q --no-edit main; g commit -q --allow-empty -m "sign

Reviewed-by: Ana <ana@example.com> # config $D"; r=$(gate); expect 0 "${r#exit=}" "digest survives update-branch merge of unrelated guarded file" )
( mk; sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "x"; D=$(dg); D2=${D%?}0; [ "$D2" = "$D" ] && D2=${D%?}1; g commit -q --allow-empty -m "sign

Reviewed-by: Ana <ana@example.com> # config ${D^^}"; r=$(gate); expect 0 "${r#exit=}" "digest in upper case" )
( mk; sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "x"; D=$(dg); g commit -q --allow-empty -m "sign

Reviewed-by: Ana <ana@example.com> #config$D"; r=$(gate); expect 0 "${r#exit=}" "digest without spaces (#config...) accepted" )
( mk; sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "x"; D=$(dg); g commit -q --allow-empty -m "sign

Reviewed-by: Ana <ana@example.com> # config $D
Reviewed-by: Ana <ana+2@example.com> # config $D"; sed -i 's/required = 1//' $T/repo/driftcheck.toml; r=$(gate); expect 0 "${r#exit=}" "same person twice with digest, required 1" )
