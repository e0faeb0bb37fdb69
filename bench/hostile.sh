#!/bin/sh
# Hostile shapes at n and 4n, side by side in one run: the median of 3 wall
# times and the peak memory of each. Linear code gives a ratio near 4 (the
# issue's bound: time(4n)/time(n) <= 6). Usage: bench/hostile.sh [BIN] [N]
# xml-attrs is far above the parser's 1,000-attribute cap; big-report is N
# findings printed as JSON with -v through the last-line writer, whose cost
# by rule examples/redact_cost.rs prints last. secret-keys and long-values
# are the masking-heavy shapes (credential key names; 10,000-character
# values holding a token). SHAPES="a b" runs only those.
set -eu
BIN=${1:-target/release/driftcheck}
N=${2:-25000}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
gen() { # shape n dir
    mkdir -p "$3/staging" "$3/prod"
    python3 - "$1" "$2" "$3" <<'PY'
import sys
shape, n, d = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for env, v in (("staging", "a"), ("prod", "b")):
    if shape == "xml-attrs":
        attrs = " ".join(f'a{i}="{v}{i}"' for i in range(n))
        open(f"{d}/{env}/c.xml", "w").write(f"<c {attrs}/>\n")
    elif shape == "ini-sections":
        open(f"{d}/{env}/p.ini", "w").write("".join(f"[s{i}]\nk = {v}{i}\n" for i in range(n)))
    elif shape == "text-diff":
        open(f"{d}/{env}/n.txt", "w").write("".join(f"line {i} {v}{i*7919 % 100003}\n" for i in range(n * 4)))
    elif shape == "big-report":
        # n differing keys: a report of n findings through the last-line writer.
        open(f"{d}/{env}/r.yaml", "w").write("".join(f"k{i}:\n  image: registry.internal/api:1.{i % 97}.{v}\n" for i in range(n)))
    elif shape == "secret-keys":
        # n keys named by a credential (`password_<hex>`), one apart across
        # environments: n remembered names, n findings through the writer.
        open(f"{d}/{env}/k.yaml", "w").write("".join(f"password_{i:08x}{v}c{i % 7}: on\n" for i in range(n)))
    elif shape == "long-values":
        # n/100 values of 10,000 characters with a token at the end in one
        # environment and none in the other (masked in all): long
        # remembered secrets (the writer's automaton must build linearly).
        tok = "ghp_R2d9Xk3Lq8Wm4Zt7Vb1Np6Hs5Jc0Fy2Ga9K"
        end = (lambda i: f"{tok}{i}") if v == "a" else (lambda i: "y")
        open(f"{d}/{env}/l.yaml", "w").write("".join(f"k{i}: '{'x' * 10000} {end(i)}'\n" for i in range(max(n // 100, 1))))
    elif shape == "newlines":
        open(f"{d}/{env}/n.txt", "w").write("\n" * (n * 40) + v + "\n")
PY
}
median() { sort -n | sed -n 2p; }
printf '%-14s %8s %10s %10s %7s %10s %10s\n' shape n "t(n) s" "t(4n) s" ratio "MB(n)" "MB(4n)"
for shape in ${SHAPES:-xml-attrs ini-sections text-diff newlines big-report secret-keys long-values}; do
    for k in 1 4; do
        d="$W/$shape-$k"; gen "$shape" $((N * k)) "$d"
        for _ in 1 2 3; do
            fmt=human; [ "$shape" = big-report ] && fmt=json
            (cd "$d" && /usr/bin/time -f "%e %M" -o "$d/t" "$BIN" diff staging prod -v --format $fmt >/dev/null 2>&1) || true
            tail -n 1 "$d/t" >> "$d/times"
        done
        eval "t$k=\$(cut -d' ' -f1 \"$d/times\" | median)"
        eval "m$k=\$(cut -d' ' -f2 \"$d/times\" | median)"
    done
    printf '%-14s %8s %10s %10s %7s %10s %10s\n' "$shape" "$N" "$t1" "$t4" \
        "$(echo "$t4 $t1" | awk '{ if ($2 > 0) printf "%.1f", $1/$2; else print "-" }')" \
        "$((m1 / 1024))" "$((m4 / 1024))"
done

# The last-line writer alone on a very large report, by rule (the generic
# rule's share), at n and 4n lines: examples/redact_cost.rs.
EX=$(dirname "$BIN")/examples/redact_cost
if [ -x "$EX" ]; then
    "$EX" $((N * 2))
else
    echo "redact_cost: build it with cargo build --release --example redact_cost"
fi
