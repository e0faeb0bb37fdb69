#!/bin/bash
# Other channels: XML entity names (the text after an unescaped `&`, lowercased),
# an %include'd file outside the environment's filters, render output, a word
# password that is also a printed key name, a counterpart only in one env.
BIN=$1; . "$(dirname "$0")/lib.sh"
W=${TMPDIR:-/tmp}/advrev-p04.$$; trap 'rm -rf $W' EXIT
ci() { # LEAK if any 6-window of $2 appears case-insensitively in output of dir $3
  local out t=$2 n=${#2} k; out=$(runall "$3")
  for ((k=0;k+6<=n;k++)); do printf '%s' "$out" | grep -qiF -- "${t:k:6}" && { echo "LEAK $1"; return; }; done
  echo "HELD $1"; }
n=0; c() { n=$((n+1)); d=$W/$n; mkcase $d; }
# XML: a password with an unescaped `&`; the parse error names the "entity" after it
for pw in 'r7Tq&W2xZ9kLm4P;' 'Tr0ub4dor&Qm7xT2vK9p;x' 'Hunter2&Secret9;' 'x&mallowdruid;'; do
  c; printf '<c><password>%s</password></c>\n' x > $d/staging/app.xml
  printf '<c>\n  <password>%s</password>\n</c>\n' "$pw" > $d/prod/app.xml
  part=${pw#*&}; part=${part%%;*}; ci "xml-amp|$pw" "$part" $d
  c; printf '<c><db user="scott" password="x"/></c>\n' > $d/staging/app.xml
  printf '<c><db user="scott" password="%s"/></c>\n' "$pw" > $d/prod/app.xml
  ci "xml-amp-attr|$pw" "$part" $d
done
# XML: the error lowercases the quoted name; the learnt (mixed-case) secret no longer matches
for t in Zq8LmXp3Kd9Vb2Nw7Rt4 Qm7xT2vK9pL4wZ8rN5; do
  c; printf '<c><password>x</password></c>\n' > $d/staging/app.xml
  printf '<c><password>%s</password><d>&%s;</d></c>\n' $t $t > $d/prod/app.xml
  ci "xml-lowercase|$t" $t $d
done
for w in druid mallow; do
  # %include of a file the environment's exclude leaves out: its text is never learnt
  c; printf '[env.staging]\nroot = "staging"\nexclude = ["**/*.inc"]\n[env.prod]\nroot = "prod"\nexclude = ["**/*.inc"]\n' > $d/driftcheck.toml
  for e in staging prod; do printf '[databases]\nx = host=db\n%%include users.inc\n' > $d/$e/pgbouncer.ini; done
  printf '[users]\na = 1\n' > $d/staging/users.inc
  printf '[users]\npassword = %s\nscott/%s@db = 1\nscott/%s@db = 2\n' $w $w $w > $d/prod/users.inc
  verdict "$w|include-excluded-ini" $w $d
  # render output that fails to parse (block scalar password) / control on one line
  for v in block line; do
    c; printf '[env.staging]\nroot = "staging"\n[env.prod]\nrender = ["cat", "out.yaml"]\n' > $d/driftcheck.toml
    printf 'password: x\n' > $d/staging/a.yaml
    if [ $v = block ]; then printf 'password: |\n  %s\n' $w > $d/out.yaml; else printf 'password: %s\n' $w > $d/out.yaml; fi
    printf 'scott/%s@db: 1\nscott/%s@db: 2\n' $w $w >> $d/out.yaml
    verdict "$w|render-$v" $w $d
  done
  # the password is also a key name another file's finding prints: shown everywhere
  c; printf 'password: %s\nscott/%s@db: 1\nscott/%s@db: 2\n' $w $w $w > $d/prod/app.yaml
  printf 'password: %s\n' $w > $d/staging/app.yaml
  printf '%s: true\n' $w > $d/staging/flags.yaml; printf '%s: false\n' $w > $d/prod/flags.yaml
  verdict "$w|pw-is-keyname" $w $d
  # the broken file quotes a secret that lives in a one-env Kubernetes Secret in another file
  for lay in flat block; do
    c; printf 'x: 1\nscott/%s@db: 1\nscott/%s@db: 2\n' $w $w > $d/staging/app.yaml
    if [ $lay = flat ]; then pv="  password: $w"; else pv="  password: |\n    $w"; fi
    printf "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n$pv\n" > $d/prod/secret.yaml
    verdict "$w|k8s-one-env-$lay" $w $d
  done
done
