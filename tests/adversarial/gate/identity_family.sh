#!/bin/bash
# Identity family: base requires 2 sign-offs from an allowlist {ana, bo, mal}; Mallory authors.
# Each case must be refused (one person counted twice, or the author counted).
RB_ANA="Reviewed-by: Ana <ana@example.com>"
run() { # LABEL WANT MAILMAP SIGNOFFS [AUTHOR_EMAIL]
(
. /tmp/attack-gate/lib.sh
git -C "$T/repo" init -q -b main
W driftcheck.toml "$CONFIG
[review]
required = 2
reviewers = [\"ana@example.com\", \"bo@example.com\", \"mal@example.com\", \"ana@corp.example\"]
"
W deploy/staging/app.yaml "$APP"; W deploy/prod/app.yaml "$APP"
[ -n "$3" ] && W .mailmap "$3"
as "${ADMIN[@]}"; g add -A; g commit -qm init; g checkout -q -b feature; as Mallory "${5:-mal@example.com}"
sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml
commit "x

$4"
r=$(gate); expect $2 "${r#exit=}" "$1"
)
}
run "ana twice (case)" 1 "" "$RB_ANA
Reviewed-by: Ana <ANA@Example.com>"
run "ana twice (+tag)" 1 "" "$RB_ANA
Reviewed-by: Ana <ana+cfg@example.com>"
run "ana twice via mailmap" 1 "Ana <ana@example.com> <ana@corp.example>
" "$RB_ANA
Reviewed-by: Ana <ana@corp.example>"
run "ana twice via mailmap chain 3" 1 "Ana <ana@example.com> <a1@x.example>
A1 <a1@x.example> <a2@x.example>
A2 <a2@x.example> <ana@corp.example>
" "$RB_ANA
Reviewed-by: Ana <ana@corp.example>"
run "ana twice via mailmap + tag" 1 "Ana <ana@example.com> <ana@corp.example>
" "$RB_ANA
Reviewed-by: Ana <ana+x@corp.example>"
run "ana twice, IDNA/fullwidth domain" 1 "" "$RB_ANA
Reviewed-by: Ana <ana@ｅｘａｍｐｌｅ.com>"
run "ana twice, trailing dot domain" 1 "" "$RB_ANA
Reviewed-by: Ana <ana@example.com.>"
run "ana twice, mailto:" 1 "" "$RB_ANA
Reviewed-by: Ana <mailto:ana@example.com>"
run "ana twice, quoted local" 1 "" "$RB_ANA
Reviewed-by: Ana <\"ana\"@example.com>"
run "ana twice, zero-width space" 1 "" "$RB_ANA
Reviewed-by: Ana <ana​@example.com>"
run "ana twice, soft hyphen" 1 "" "$RB_ANA
Reviewed-by: Ana <an­a@example.com>"
run "author self-sign + ana" 1 "" "$RB_ANA
Reviewed-by: Mallory <mal@example.com>"
run "author self-sign via mailmap alias" 1 "Mallory <mal@example.com> <m@old.example>
" "$RB_ANA
Reviewed-by: Mallory <m@old.example>"
run "author (aliased address) signs as canonical" 1 "Mallory <mal@example.com> <m@old.example>
" "$RB_ANA
Reviewed-by: Mallory <mal@example.com>" "m+x@old.example"
run "author NFD/NFC" 1 "" "$RB_ANA
Reviewed-by: Mallory <mal@example.com>" "mal@example.com"
run "ana + bo (control)" 0 "" "$RB_ANA
Reviewed-by: Bo <bo@example.com>"
run "mailmap name-only line maps nothing" 0 "Ana Lima <ana@example.com>
" "$RB_ANA
Reviewed-by: Bo <bo@example.com>"
run "mailmap two-name form mapping bo->ana" 1 "Ana <ana@example.com> Bo <bo@example.com>
" "$RB_ANA
Reviewed-by: Bo <bo@example.com>"
