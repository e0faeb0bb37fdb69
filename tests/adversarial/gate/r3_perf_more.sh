#!/bin/bash
# Round 3, item 15: sign-off processing is linear: trailer-heavy shapes not in perf_trailers.sh,
# at N and 4N (CPU seconds; compare the ratio, linear 4). Budget: 200k lines < ~1 s (release).
gen() { python3 - "$1" "$2" <<'PY'
import sys
kind, n = sys.argv[1], int(sys.argv[2])
out = ["subject", ""]
if kind == "many_keys":    out += [f"X-Key-{i}: v" for i in range(n)] + ["Reviewed-by: Ana <ana@example.com>"]
if kind == "digests":      out += [f"Reviewed-by: P{i} <p{i}@example.com> # config v2-sha256:{i:032x}" for i in range(n)]
if kind == "long_value":   out += ["Reviewed-by: Ana " + "x" * n + " <ana@example.com>"]
if kind == "mailmap_like": out += [f"Reviewed-by: P <ana+{i}@example.com>" for i in range(n)]
sys.stdout.write("\n".join(out) + "\n")
PY
}
cpu_of() { # KIND N -> prints cpu seconds
  ( . /tmp/attack-gate/lib.sh; standard ''
    sed -i 's/timeout: 30/timeout: 60/' $T/repo/deploy/prod/app.yaml
    gen $1 $2 > $T/msg; g add -A; g commit -q --cleanup=verbatim -F $T/msg
    cd $T/repo; /usr/bin/time -f "%U %S" -o $T/time timeout 120 "$DC" gate --base main >/dev/null 2>&1
    read u s < <(tail -1 $T/time); echo "$u $s" | awk '{ printf "%.2f", $1 + $2 }' ); }
for KIND in many_keys digests long_value mailmap_like; do
  a=$(cpu_of $KIND 50000); b=$(cpu_of $KIND 200000)
  ok=$(awk -v a="$a" -v b="$b" 'BEGIN { print (b <= 0.3 || b <= 6 * a) ? 1 : 0 }')
  if [ "$ok" = 1 ]; then echo "HELD  $KIND linear: 50k ${a}s, 200k ${b}s (exit 0)"; else echo "BUG   $KIND superlinear: 50k ${a}s, 200k ${b}s"; fi
done
