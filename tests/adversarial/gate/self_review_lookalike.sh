#!/bin/bash
# Any-peer mode (default [review]): the author signs her own change with a spelling of her own
# address that canonicalisation does not fold. Expected exit 1 (not a peer), got 0.
# Severity: L0 (an author can type any third party anyway), but the verdict then shows
# "Mallory <mal@example.com.> counted: peer sign-off", and 2-of-any-peer counts one person twice.
for SPELL in 'mal@example.com.' 'mal​@example.com' 'ma­l@example.com' '"mal"@example.com' 'MAL@EXAMPLE.COM' 'mal+x@example.com'; do
(
. /tmp/attack-gate/lib.sh
standard ''
sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml
commit "x

Reviewed-by: Mallory <$SPELL>"
r=$(gate); expect 1 "${r#exit=}" "self sign-off as <$SPELL>"
)
done
