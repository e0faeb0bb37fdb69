#!/bin/bash
# Round 3, item 12: `approve` without --base prints the digest the gate will compute, in checkouts
# a PR job or a reviewer really has: detached HEAD, upstream = the PR's own branch, no upstream.
mk() { . /tmp/attack-gate/lib.sh; standard $'\n[review]\nbind = "digest"'
  sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml; commit "x"
  git clone -q $T/repo $T/clone; }
check() { # after approve in $T/clone (cwd), sign with its digest and gate against origin/main
  D=$("$DC" approve 2>/dev/null | grep -o 'v2-sha256:[0-9a-f]*' | head -1)
  git -c user.name=Mallory -c user.email=mal@example.com commit -q --allow-empty -m "sign

Reviewed-by: Ana <ana@example.com> # config $D"
  "$DC" gate --base origin/main >/dev/null 2>&1; expect 0 $? "$1"; }
( mk; cd $T/clone; git checkout -q --detach origin/feature; check "approve on a detached PR checkout" )
( mk; cd $T/clone; git checkout -q -b feature origin/feature; git branch -q -u origin/feature; check "approve with upstream = the PR's own branch" )
( mk; cd $T/clone; git checkout -q -b review origin/feature; git branch -q --unset-upstream 2>/dev/null; check "approve on a local branch without upstream" )
