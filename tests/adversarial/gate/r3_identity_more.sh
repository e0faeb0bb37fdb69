#!/bin/bash
# Round 3, item 10: identities canonicalised to a fixed point (strip +tag, map, repeat; case;
# NFC; IDNA) whatever the order: mailmap chains with case changes, +tags on both sides of a
# mailmap line, long chains. Base requires 2 from {ana, bo, mal}; Mallory authors.
run() { # LABEL WANT MAILMAP SIGNOFFS [AUTHOR_EMAIL]
(
. /tmp/attack-gate/lib.sh
git -C "$T/repo" init -q -b main
W driftcheck.toml "$CONFIG
[review]
required = 2
reviewers = [\"ana@example.com\", \"bo@example.com\", \"mal@example.com\"]
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
run "chain with case: A2->a1->ana, signs as ANA2 + ana" 1 "<ana@example.com> <a1@example.com>
<A1@example.com> <a2@example.com>
" "$RB_ANA
Reviewed-by: Ana <ANA2@EXAMPLE.COM>"
run "+tag in mailmap source and in trailer" 1 "<ana@example.com> <ana+old@example.com>
" "$RB_ANA
Reviewed-by: Ana <ana+old+x@example.com>"
run "+tag in mailmap target (maps to ana+t)" 1 "<ana+t@example.com> <alias@example.com>
" "$RB_ANA
Reviewed-by: Alias <alias@example.com>"
run "chain of 5 ending at mal (author self-review)" 1 "<mal@example.com> <m1@example.com>
<m1@example.com> <m2@example.com>
<m2@example.com> <m3@example.com>
<m3@example.com> <m4@example.com>
<m4@example.com> <m5@example.com>
" "$RB_ANA
Reviewed-by: M <m5@example.com>"
run "author via +tag alias of a mailmap chain" 1 "<bo@example.com> <bob@example.com>
" "Reviewed-by: Bo <bob+x@example.com>
Reviewed-by: Bo <bo@example.com>"
run "IDNA domain in mailmap, punycode in trailer" 1 "<ana@exämple.com> <ana@example.com>
" "Reviewed-by: Ana <ana@xn--exmple-cua.com>
Reviewed-by: Ana <ana@exämple.com>"
run "name+email mailmap form with case in old email" 1 "Ana <ana@example.com> Old Ana <ANA.OLD@example.com>
" "$RB_ANA
Reviewed-by: Old Ana <ana.old@example.com>"
run "control: ana + bo via distinct chains" 0 "<ana@example.com> <a1@example.com>
<bo@example.com> <b1@example.com>
" "Reviewed-by: A <a1@example.com>
Reviewed-by: B <b1@example.com>"
