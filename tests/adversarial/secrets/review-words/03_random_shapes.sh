#!/bin/bash
# Uncatalogued random tokens in shapes the new is_random calls "not random": families x placements.
# One config per (family, placement) holding many draws; LEAK per draw whose text appears in any output.
BIN=$1; . "$(dirname "$0")/lib.sh"
W=${TMPDIR:-/tmp}/advsec-w03.$$; trap 'rm -rf $W' EXIT
mkdir -p $W
python3 - "$W" <<'PY'
import random, sys, os, string
W=sys.argv[1]; r=random.Random(7)
U=string.ascii_uppercase; L=string.ascii_lowercase; D=string.digits
def g(a,n): return ''.join(r.choice(a) for _ in range(n))
def cap(n): return r.choice(U)+g(L,n-1)
fam={
 # license-key style: 5-char groups, letters-only groups in one case + numeric groups
 'lic_upper_groups': lambda: '-'.join(r.choice([lambda:g(U,5),lambda:g(U,5),lambda:g(D,5)])() for _ in range(6)),
 'lower_digit_groups_us': lambda: '_'.join(r.choice([lambda:g(L,6),lambda:g(D,4)])() for _ in range(5)),
 'capitalized_groups': lambda: '-'.join(r.choice([lambda:cap(6),lambda:g(D,4)])() for _ in range(5)),
 'mixed_case_groups_dot': lambda: '.'.join(r.choice([lambda:g(U,8),lambda:g(L,8),lambda:g(D,6)])() for _ in range(4)),
 'numid_colon_letters52': lambda: g(D,18)+':'+g(U+L,36),
 'numid_dash_letters52': lambda: g(D,12)+'-'+g(U+L,32),
 'digits_then_lower': lambda: g(D,20)+g(L,20),
 'hexish_clumped': lambda: g(D,12)+g('abcdef',12)+g(D,12),
 'base62_40': lambda: g(U+L+D,40),
 'base62_32': lambda: g(U+L+D,32),
 'base36_lower_32': lambda: g(L+D,32),
 'base32_upper_32': lambda: g(U+'234567',32),
 'base62_sep4x8': lambda: '-'.join(g(U+L+D,8) for _ in range(4)),
 'letters52_sep': lambda: '-'.join(g(U+L,10) for _ in range(4)),
 'upper_digits_36': lambda: g(U+D,36),
 'short_alnum16': lambda: g(U+L+D,16),
 'short_pw13': lambda: g(U+L+D,13),
 'apple_pw_like': lambda: g(L,6)+'-'+g(L,6)+'-'+g(L,6)+g(D,3)+'-'+cap(6)+'-'+g(D,4),
 'hex48': lambda: g('0123456789abcdef',48),
 'base64_40': lambda: g(U+L+D+'+/',40),
 'base36_lower_40': lambda: g(L+D,40),
 'base36_upper_32': lambda: g(U+D,32),
 'word_num_word_num': lambda: g(L,8)+'-'+g(D,6)+'-'+g(L,8)+'-'+g(D,6)+'-'+g(L,8),
}
N=int(os.environ.get('N','40'))
SEL=os.environ.get('FAMS')
for fname,f in fam.items():
  if SEL and fname not in SEL.split(','): continue
  toks=[f() for _ in range(N)]
  open(f'{W}/{fname}.tokens','w').write('\n'.join(toks)+'\n')
PY
for tf in $W/*.tokens; do fam=$(basename $tf .tokens)
 for place in ${PLACES:-neutral_yaml url_path url_query text_line keyname env_neutral cmd_flag}; do
  d=$W/c.$fam.$place; mkcase $d
  i=0; while read -r t; do i=$((i+1))
   case $place in
    neutral_yaml) printf 'k%d: "%s"\n' $i "$t" >> $d/staging/a.yaml; printf 'k%d: "x%s"\n' $i "$i" >> $d/prod/a.yaml;;
    env_neutral) printf 'SETTING_%d=%s\n' $i "$t" >> $d/staging/.env; printf 'SETTING_%d=v%d\n' $i $i >> $d/prod/.env;;
    url_path) printf 'k%d: "https://hooks.example.com/in/%s"\n' $i "$t" >> $d/staging/a.yaml; printf 'k%d: "https://hooks.example.com/in/x"\n' $i >> $d/prod/a.yaml;;
    url_query) printf 'k%d: "https://api.example.com/v1?k=%s"\n' $i "$t" >> $d/staging/a.yaml; printf 'k%d: "https://api.example.com/v1"\n' $i >> $d/prod/a.yaml;;
    text_line) printf 'location /h%d { proxy_set_header X-Internal %s; }\n' $i "$t" >> $d/staging/nginx.conf; printf 'location /h%d { proxy_set_header X-Internal x; }\n' $i >> $d/prod/nginx.conf;;
    keyname) printf '%s: 1\n' "$t" >> $d/staging/a.yaml; printf 'other%d: 1\n' $i >> $d/prod/a.yaml;;
    cmd_flag) printf 'k%d: "run --session %s"\n' $i "$t" >> $d/staging/a.yaml; printf 'k%d: "run"\n' $i >> $d/prod/a.yaml;;
   esac
  done < $tf
  out=$(runall $d)
  i=0; while read -r t; do i=$((i+1)); if printf '%s' "$out" | grep -qF -- "$t"; then echo "LEAK $fam/$place/$i $t"; else echo "HELD $fam/$place/$i"; fi; done < $tf
 done
done
