#!/bin/bash
# (gitlinks: see submodule_unreadable.sh; LFS: unreadable_signed.sh)
# Object-kind family, 0 sign-offs unless noted: each guarded change must be refused (exit 1).
run() { # LABEL WANT then body via function ACT
(
. /tmp/attack-gate/lib.sh
standard ''
P=$T/repo/deploy/prod/app.yaml
ACT
g add -A 2>/dev/null; g commit -q -m "x${MSG:-}" 2>/dev/null
r=$(gate); expect $2 "${r#exit=}" "$1"
)
}
ACT() { chmod +x $P; }; run "exec bit on prod/app.yaml" 1
ACT() { rm $P; ln -s ../staging/app.yaml $P; }; run "file -> symlink to staging" 1
ACT() { W .gitattributes 'deploy/** filter=lfs diff=lfs merge=lfs -text
'; }; run ".gitattributes added" 1
ACT() { W deploy/.gitattributes '*.yaml -text
'; }; run "deploy/.gitattributes added" 1
ACT() { W .mailmap 'Ana <ana@example.com> <mal@example.com>
'; }; run ".mailmap added" 1
ACT() { W "deploy/prod/target/app.yaml" "$APP"; }; run "file under deploy/prod/target/" 1
ACT() { W "deploy/prod/$(printf 'x\x80').yaml" "$APP"; }; run "non-UTF-8 name under prod" 1
ACT() { W "Deploy/prod/app.yaml" "$APP"; }; run "case variant Deploy/prod/app.yaml" 1
ACT() { W "deploy/PROD/app.yaml" "$APP"; }; run "case variant deploy/PROD/app.yaml" 1
ACT() { W "deploy/prod/.hidden.yaml" "$APP"; }; run "hidden file under prod" 1
ACT() { W "deploy/prod/$(printf 'cafe\xcc\x81').yaml" 'a: 1
'; }; run "NFD name under prod" 1
