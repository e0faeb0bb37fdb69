#!/bin/bash
# Rule 3 robustness: pathological broken files (~1 MB, just under the 1 MiB
# recovery cap; many errors; deep nesting; alias bombs; many broken files)
# in prod, a small valid counterpart in staging. Each case runs
# `check --format human` and `diff staging prod -v --format json`, timed.
# SLOW if a run takes > 2 s, PANIC if a run exits other than 0/1/2 or
# prints "panicked", else OK. The time of the slower run is shown.
BIN=$1; . "$(dirname "$0")/lib.sh"
W=${TMPDIR:-/tmp}/advrev29-03.$$; trap 'rm -rf $W' EXIT
LIM=${LIM:-2}
gen() { # DIR NAME : write prod/<file> with python, staging a small valid one
  python3 - "$1" "$2" <<'PY'
import sys, os
d, n = sys.argv[1], sys.argv[2]
M = 1_000_000
def w(env, f, s):
    os.makedirs(os.path.dirname(os.path.join(d, env, f)) or '.', exist_ok=True)
    open(os.path.join(d, env, f), 'w').write(s)
def fill(line_fn, tail=''):
    out, k = [], 0; size = 0
    while size < M - len(tail) - 200:
        l = line_fn(k); out.append(l); size += len(l); k += 1
    return ''.join(out) + tail
dup = ''.join('zz: %d\n' % i for i in range(40))
cases = {
 'yaml-1mb-then-40-dups': ('a.yaml', 'a: 1\n', lambda: fill(lambda k: 'k%d: v%d\n' % (k, k), dup)),
 'yaml-1mb-every-line-tab': ('a.yaml', 'a: 1\n', lambda: 'a:\n' + fill(lambda k: '\tk%d: v\n' % k)),
 'yaml-1mb-every-line-dup': ('a.yaml', 'a: 1\n', lambda: fill(lambda k: 'k: %d\n' % k)),
 'yaml-1mb-one-line-flow-unclosed': ('a.yaml', 'a: 1\n', lambda: 'a: [' + fill(lambda k: '%d, ' % k)),
 'yaml-deep-nest-unclosed': ('a.yaml', 'a: 1\n', lambda: 'a: ' + '[' * 200000),
 'yaml-deep-block-nest-dup': ('a.yaml', 'a: 1\n', lambda: ''.join(' ' * i + 'k%d:\n' % i for i in range(1400)) + 'zz: 1\nzz: 2\n'),
 'yaml-alias-bomb-dup': ('a.yaml', 'a: 1\n', lambda: 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + ''.join('%s: &%s [%s]\n' % (chr(98+i), chr(98+i), ','.join(['*'+chr(97+i)]*9)) for i in range(8)) + 'zz: 1\nzz: 2\n'),
 'json-1mb-trailing-commas': ('a.json', '{}\n', lambda: '{\n' + fill(lambda k: '"k%d": [1,],\n' % k) + '"z": 1}\n'),
 'json-1mb-one-line-unclosed': ('a.json', '{}\n', lambda: '{"a": [' + fill(lambda k: '%d,' % k)),
 'json-deep-unclosed': ('a.json', '{}\n', lambda: '[' * 500000),
 'json-1mb-unquoted-keys': ('a.json', '{}\n', lambda: '{\n' + fill(lambda k: 'k%d: 1,\n' % k) + '"z": 1}\n'),
 'toml-1mb-dup-tables': ('a.toml', 'a = 1\n', lambda: fill(lambda k: '[t]\nk%d = 1\n' % k)),
 'toml-1mb-bad-values': ('a.toml', 'a = 1\n', lambda: fill(lambda k: 'k%d = v%d\n' % (k, k))),
 'hcl-1mb-bad-lines': ('a.tf', 'a = 1\n', lambda: fill(lambda k: 'k%d = \n' % k)),
 'hcl-1mb-unclosed-blocks': ('a.tf', 'a = 1\n', lambda: fill(lambda k: 'b%d {\n' % k)),
 'ini-1mb-bare-lines': ('a.ini', '[a]\nb = 1\n', lambda: '[a]\n' + fill(lambda k: 'flag-%d\n' % k)),
 'dotenv-1mb-bad-lines': ('.env', 'A=1\n', lambda: fill(lambda k: 'bad line %d\n' % k)),
 'dotenv-1mb-unclosed-quote': ('.env', 'A=1\n', lambda: 'A="' + fill(lambda k: 'x%d\n' % k)),
 'xml-1mb-mismatched': ('a.xml', '<a/>\n', lambda: '<r>\n' + fill(lambda k: '<a%d></b%d>\n' % (k, k))),
 'xml-deep-unclosed': ('a.xml', '<a/>\n', lambda: '<a>' * 200000),
 'nginx-1mb-unclosed': ('nginx.conf', 'events {}\n', lambda: fill(lambda k: 'server {\n')),
 'properties-1mb-bad-escapes': ('a.properties', 'a=1\n', lambda: fill(lambda k: 'k%d=\\u12\n' % k)),
}
f, good, bad = cases[n]
w('staging', f, good); w('prod', f, bad())
if n == 'json-1mb-trailing-commas': pass
PY
}
CASES="yaml-1mb-then-40-dups yaml-1mb-every-line-tab yaml-1mb-every-line-dup yaml-1mb-one-line-flow-unclosed yaml-deep-nest-unclosed yaml-deep-block-nest-dup yaml-alias-bomb-dup json-1mb-trailing-commas json-1mb-one-line-unclosed json-deep-unclosed json-1mb-unquoted-keys toml-1mb-dup-tables toml-1mb-bad-values hcl-1mb-bad-lines hcl-1mb-unclosed-blocks ini-1mb-bare-lines dotenv-1mb-bad-lines dotenv-1mb-unclosed-quote xml-1mb-mismatched xml-deep-unclosed nginx-1mb-unclosed properties-1mb-bad-escapes"
judge() { # NAME DIR
  local worst=0 bad= rc t
  for cmd in "check --format human --color never" "diff staging prod -v --format json --color never"; do
    ( cd $2 && /usr/bin/time -f %e -o $2/.t timeout 60 "$BIN" $cmd > $2/.o 2>&1 ); rc=$?
    t=$(tail -1 $2/.t 2>/dev/null); [ "$rc" = 124 ] && t=60
    if [ "$rc" -gt 2 ] || grep -q panicked $2/.o; then bad="PANIC"; fi
    worst=$(python3 -c "print(max($worst, float('${t:-0}')))")
  done
  if [ -n "$bad" ]; then echo "PANIC $1 (${worst}s rc=$rc)"
  elif python3 -c "import sys; sys.exit(0 if $worst > $LIM else 1)"; then echo "SLOW $1 (${worst}s)"
  else echo "OK $1 (${worst}s)"; fi
}
i=0
for n in $CASES; do i=$((i+1)); d=$W/$i; mkcase $d; gen $d $n; judge $n $d; done
# many broken files: 30 prod files of 300 KB, each 17 duplicate keys at the end
i=$((i+1)); d=$W/$i; mkcase $d
python3 - $d <<'PY'
import sys
d = sys.argv[1]
body = ''.join('k%d: v%d\n' % (k, k) for k in range(30000))
for j in range(30):
    open('%s/staging/f%d.yaml' % (d, j), 'w').write('a: 1\n')
    open('%s/prod/f%d.yaml' % (d, j), 'w').write(body + ''.join('zz: %d\n' % i for i in range(20)))
PY
judge many-files-30x300kb-dups $d
