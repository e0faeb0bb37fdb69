#!/bin/bash
# Output injection: trailer values / near misses carrying CR or workflow-command text must not
# reach stdout raw in --format github / human (the Actions runner treats a lone CR as a line end).
. /tmp/attack-gate/lib.sh
standard ''
sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml
printf 'x\n\nReviewed-by: A\r::stop-commands::tok\r <a@example.com>\nReviewed\xe2\x80\x90by: B\r::error title=ok::all good\r <b@example.com>\nReviewed-by: C %%0A::warning::x <c@example.com>\n' > $T/msg
g add -A; g commit -q --cleanup=verbatim -F $T/msg
for F in github human markdown; do
 (cd $T/repo && "$DC" gate --base main --format $F > $T/o.$F 2>&1)
 if grep -q $'\r' $T/o.$F; then echo "BUG   --format $F prints a raw CR"; else echo "HELD  --format $F: no raw CR"; fi
 tr '\r' '\n' < $T/o.$F | grep -E '^::(stop-commands|error title=ok)' && echo "BUG   --format $F: injected workflow command"
done
