#!/bin/bash
# `approve` without --base in a PR-like checkout; the line it prints must pass the gate.
(
. /tmp/attack-gate/lib.sh
standard '
[review]
bind = "digest"
'
sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "x"
# simulate a clone: origin with main and feature; local feature tracking origin/feature
git clone -q $T/repo $T/clone; cd $T/clone; git checkout -q feature 2>/dev/null || git checkout -q -b feature origin/feature
LINE=$("$DC" approve 2>&1 | grep -E '^ *Reviewed-by' | sed 's/^ *//; s/Name <email>/Ana <ana@example.com>/')
echo "approve printed: $LINE"
LINE=$(echo "$LINE" | sed -E 's/Reviewed-by: [^<]*<[^>]*>/Reviewed-by: Ana <ana@example.com>/')
git -c user.name=Mallory -c user.email=mal@example.com commit -q --allow-empty -m "sign

$LINE"
"$DC" gate --base origin/main >/dev/null 2>&1; expect 0 $? "approve (no --base) line accepted by gate --base origin/main"
GITHUB_BASE_REF=main "$DC" approve 2>&1 | grep -o 'v2-sha256:[0-9a-f]*' | head -1
)
