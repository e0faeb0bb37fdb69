#!/bin/bash
# Markdown output (PR comment / step summary): identities and near misses must not become markup.
. /tmp/attack-gate/lib.sh
standard ''
sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml
printf 'x\n\nReviewed-by: A``` ![i](https://evil.example/p.png) [l](https://evil.example) @org/team <ana@example.com>\nReviewed-by: B`` </code><img src=x> @org/admins <bo@example.com>\nApproved-by: C\xe2\x80\x8b` @everyone `x <c@example.com>\nReviewed-by: D <d@example.com> # config v2-sha256:`[x](https://e)`\nReviewed-by: E | col | <e@example.com>\n' > $T/msg
g add -A; g commit -q --cleanup=verbatim -F $T/msg
(cd $T/repo && "$DC" gate --base main --format markdown > $T/out.md 2>&1); cat $T/out.md
