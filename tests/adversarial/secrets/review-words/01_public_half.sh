#!/bin/bash
# Values under public-half key names (site_key, publishable_key, public_key, pubkey)
BIN=$1; . "$(dirname "$0")/lib.sh"
W=${TMPDIR:-/tmp}/advsec-w01.$$; trap 'rm -rf $W' EXIT
declare -A V=(
 [rand22]="aB3dE5fG7hJ9kL1mN3pQ5r"
 [rand18]="Qm7xT2vK9pL4wZ8rN5"
 [genpw13]="Xk9#mQ2pL7v!a"
 [genpw14]="r7TqW2xZ9kLm4P"
 [rand40]="Zq8LmXp3Kd9Vb2Nw7Rt4Yh6Jc1Fg5Ha0Se3Ui8Ox"
 [urlpw]="https://admin:S3cr3tPassw0rd@captcha.example.com/v1"
 [connstr]="Server=db;User Id=sa;Password=Hunter2Secret9;"
 [pair]="deploy:Zq8LmXp3Kd"
 [b64userpass]="YWRtaW46UzNjcjN0UGFzc3cwcmQ="
 [hexpem]="2d2d2d2d2d424547494e2050524956415445204b45592d2d2d2d2d0a4d494945"
 [pemnohdr]="MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvuNMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s+CLOyS56YyCFGeJZ"
 [sha1hexsalt]="a94a8fe5ccb19ba61c4c0873d391e987982fbbd3a94a8fe5"
 [dsnpw]="postgres://app:Pg7xQ2mV9kLr@db:5432/app"
 [ghp]="ghp_R2d9Xk3Lq8Wm4Zt7Vb1Np6Hs5Jc0Fy2Ga9Ke"
)
KEYS="site_key RECAPTCHA_SITE_KEY REST_AUTH_SITE_KEY sitekey publishable_key public_key pubkey jwt_public_key publicKey"
for k in $KEYS; do for n in "${!V[@]}"; do v=${V[$n]}
 # secret piece to look for: for url/conn strings the password
 case $n in urlpw) s=S3cr3tPassw0rd;; connstr) s=Hunter2Secret9;; pair) s=Zq8LmXp3Kd;; dsnpw) s=Pg7xQ2mV9kLr;; b64userpass) s=UzNjcjN0UGFzc3cwcmQ;; pemnohdr) s=MIIEvQIBADANBgkq;; hexpem) s=2d2d2d2d2d42;; *) s=$v;; esac
 for fmt in yaml json env; do
  d=$W/$k.$n.$fmt; mkcase $d
  for e in staging prod; do
   val=$v; [ $e = prod ] && val="$v" # identical -> reuse finding
   case $fmt in
    yaml) printf 'app:\n  %s: "%s"\n  other: %s\n' "$k" "$val" "$e" > $d/$e/app.yaml;;
    json) printf '{"app": {"%s": "%s", "other": "%s"}}\n' "$k" "$val" "$e" > $d/$e/app.json;;
    env) printf '%s=%s\nOTHER=%s\n' "$k" "$val" "$e" > $d/$e/.env;;
   esac
  done
  # differing variant
  d2=$d.diff; mkcase $d2
  case $fmt in
    yaml) printf 'app:\n  %s: "%s"\n' "$k" "$v" > $d2/staging/app.yaml; printf 'app:\n  %s: "%s"\n' "$k" "${v}Z" > $d2/prod/app.yaml;;
    json) printf '{"app": {"%s": "%s"}}\n' "$k" "$v" > $d2/staging/app.json; printf '{"app": {"%s": "%sZ"}}\n' "$k" "$v" > $d2/prod/app.json;;
    env) printf '%s=%s\n' "$k" "$v" > $d2/staging/.env; printf '%s=%sZ\n' "$k" "$v" > $d2/prod/.env;;
  esac
  verdict "$k/$n/$fmt/same" "$s" $d
  verdict "$k/$n/$fmt/differ" "$s" $d2
 done
done; done
