#!/bin/bash
# Round 3, item 16: no gate output format lets a trailer, a file name or a key become markup,
# a workflow command, a mention or broken JSON/SARIF.
. /tmp/attack-gate/lib.sh
standard ''
sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml
NAME='deploy/prod/x`](https://e.example)<img src=x>@org%0A::error ::pwn.yaml'
W "$NAME" 'data_path: /mnt/x
'; W "${NAME/prod/staging}" 'data_path: /var/lib/app
'
printf 'x\n\nReviewed-by: A%%0A::warning::pwn <a@example.com>\nReviewed-by: B ]]> <![CDATA[ "} <b@example.com>\nReviewed-by: C @org/admins [x](https://e.example) <c@example.com>\nReviewed-by: D\r::error::cr <d@example.com>\n' > $T/msg
g add -A; g commit -q --cleanup=verbatim -F $T/msg
run() { (cd $T/repo && "$DC" gate --base main --format $1 > $T/out.$1 2>/dev/null); }
for f in github markdown sarif json; do run $f; done
# github: every line that starts a workflow command is one driftcheck wrote (::error/::warning/::notice file=...)
bad=$(grep -E '^::' $T/out.github | grep -vE '^::(error|warning|notice) (file|title)=' | grep -c . )
[ "$bad" = 0 ] && echo "HELD  github: no injected workflow command (exit 0)" || echo "BUG   github: injected workflow command lines: $bad"
grep -q $'\r' $T/out.github && echo "BUG   github: raw CR" || echo "HELD  github: no raw CR (exit 0)"
# markdown: no live link/image/mention outside code spans: strip code spans, then look
py() { python3 - "$@"; }
py $T/out.markdown <<'PY'
import re, sys
t = open(sys.argv[1], encoding="utf-8", errors="replace").read()
# drop fenced blocks and code spans (any backtick run length)
t = re.sub(r"(?s)```.*?```", "", t)
t = re.sub(r"(`+)(?s:.+?)\1", "", t)
bad = [p for p in (r"\]\(https?://", r"<img", r"(?<![\w`])@org/", r"!\[") if re.search(p, t)]
print(("BUG   markdown: live markup outside code spans: " + ", ".join(bad)) if bad else "HELD  markdown: identities and names inert (exit 0)")
PY
for f in sarif json; do
  python3 -c "import json,sys; json.load(open(sys.argv[1]))" $T/out.$f 2>/dev/null && echo "HELD  $f: valid JSON with hostile names (exit 0)" || echo "BUG   $f: output is not valid JSON"
done
