#!/bin/bash
# Long-input family: one commit whose message has N lines of each shape; CPU time of the gate
# (debug build here; compare N and 4N for linearity). Budget: 200k lines < ~1 s (release).
gen() { python3 - "$1" "$2" <<'PY'
import sys
kind, n = sys.argv[1], int(sys.argv[2])
out = ["subject", ""]
if kind == "signoffs":   out += [f"Reviewed-by: P{i} <p{i}@example.com>" for i in range(n)]
if kind == "same_person": out += ["Reviewed-by: Ana <ana@example.com>"]*n
if kind == "folded":     out += ["Reviewed-by: Ana <ana@example.com>"] + [" x"]*n
if kind == "nearmiss":   out += ["Reviewed\u2010by: Ana <ana@example.com>"]*n
if kind == "comments":   out += ["# c"]*n + ["Reviewed-by: Ana <ana@example.com>"]
if kind == "dividers":   out += ["---"]*n + ["Reviewed-by: Ana <ana@example.com>"]
if kind == "coauthors":  out += [f"Co-authored-by: P{i} <p{i}@example.com>" for i in range(n)]
if kind == "angles":     out += ["Reviewed-by: " + "<"*n + " <a@b>"]
if kind == "paragraphs":
    for i in range(n//2): out += [f"Reviewed-by: P{i} <p{i}@x>", ""]
if kind == "prose_block": out += [f"line {i} text" for i in range(n)] + ["Signed-off-by: M <m@x>"]
if kind == "unicode_emails": out += [f"Reviewed-by: P <p{i}@bÜcher{i}.example>" for i in range(n)]
sys.stdout.write("\n".join(out) + "\n")
PY
}
for KIND in ${KINDS:-signoffs same_person folded nearmiss comments dividers coauthors angles paragraphs prose_block unicode_emails}; do
  for N in 50000 200000; do
  (
  . /tmp/attack-gate/lib.sh
  standard ''
  sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml
  gen $KIND $N > $T/msg; g add -A; g commit -q --cleanup=verbatim -F $T/msg
  cd $T/repo; /usr/bin/time -f "%U %S %e" -o $T/time "$DC" gate --base main >/dev/null 2>&1; rc=$?
  read u s e < <(tail -1 $T/time); echo "$KIND N=$N exit=$rc cpu=$(echo "$u+$s"|bc) wall=$e"
  )
  done
done
