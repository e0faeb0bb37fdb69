#!/bin/bash
# FALSE PASS for the LFS aliases: git-lfs also treats `version https://hawser.github.com/spec/v1`
# and `version http://git-media.io/v/2` as v1 pointers, the gate only `https://git-lfs.github.com/spec/`.
# Unreadable-under-root family WITH the required sign-off: each must still be refused (gate/config).
run() {
(
. /tmp/attack-gate/lib.sh
standard ''
P=$T/repo/deploy/prod/app.yaml
ACT
g add -A; g commit -q -m "x

Reviewed-by: Ana <ana@example.com>"
r=$(gate); expect 1 "${r#exit=}" "$1"
)
}
ACT() { printf 'version https://git-lfs.github.com/spec/v1\noid sha256:%064d\nsize 10\n' 0 > $P; }; run "LFS pointer replaces prod/app.yaml"
ACT() { printf 'version https://git-lfs.github.com/spec/v1\r\noid sha256:%064d\r\nsize 10\r\n' 0 > $P; }; run "LFS pointer with CRLF"
ACT() { printf 'version https://hawser.github.com/spec/v1\noid sha256:%064d\nsize 10\n' 0 > $P; }; run "LFS pointer, legacy version alias hawser (git-lfs accepts it)"
ACT() { printf 'version http://git-media.io/v/2\noid sha256:%064d\nsize 10\n' 0 > $P; }; run "LFS pointer, legacy version alias git-media (git-lfs accepts it)"
ACT() { W "deploy/prod/$(printf 'db\xff').yaml" "$(echo "$APP" | sed 's#/var/lib/app#/mnt/x#')"; }; run "non-UTF-8 name with drift"
ACT() { mkdir -p $T/repo/deploy/prod/node_modules; W deploy/prod/node_modules/app.yaml "$APP"; }; run "node_modules under prod"
ACT() { W deploy/prod/.git/app.yaml "$APP" 2>/dev/null; g add -f deploy/prod/.git 2>/dev/null; W deploy/prod/.svn/app.yaml "$APP"; }; run ".svn under prod"
