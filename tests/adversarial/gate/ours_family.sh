#!/bin/bash
# `git merge -s ours main` (reverting what main landed) after Ana's sign-off: must be refused,
# whichever guarded file main changed, in default and digest modes.
for MODE in commit digest; do for FILE in prod staging; do
(
. /tmp/attack-gate/lib.sh
standard "
[review]
bind = \"$MODE\"
"
sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "x"
D=$(cd $T/repo && "$DC" approve --base main 2>/dev/null | grep -o 'v2-sha256:[0-9a-f]*' | head -1)
g commit -q --allow-empty -m "sign

Reviewed-by: Ana <ana@example.com> # config $D"
g checkout -q main; as "${ADMIN[@]}"; sed -i 's/max_conns: 100/max_conns: 200/' $T/repo/deploy/$FILE/app.yaml; commit "main fix"; g checkout -q feature; as "${MAL[@]}"
g merge -q -s ours --no-edit main
r=$(gate); expect 1 "${r#exit=}" "bind=$MODE, -s ours drops main's $FILE change"
)
done; done
