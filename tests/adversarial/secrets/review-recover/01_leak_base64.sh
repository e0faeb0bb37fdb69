#!/bin/bash
# Rule 2 (remember -> decoded_text) gaps: a secret learnt in an encoded
# form (base64 of user:password, of a whole .env / JSON / dockerconfig, with
# line wraps, inside "Basic <b64>") that decodes to text, while another file
# of prod prints the password alone: prod/run.yaml cmd: "connect scott/<s>@db".
# enc-* cases reverse it: the plaintext is learnt, another file prints its
# base64 (trivially reversible); the encoded form is what is looked for.
# Placeholders: @ secret, {B64} base64(@), {UP} base64(scott:@),
# {DBL} base64(base64(@)), {URL} base64url(@) unpadded, {WRAP} base64 of a
# 48-char secret wrapped at 16 (YAML block lines, 4 spaces), {ENV}
# base64("LOG=info\nDB_PASSWORD=@\n"), {JSON} base64({"password":"@"}),
# {DCJ} base64 of a .dockerconfigjson whose auth is {UP}.
# LEAK if the secret (enc-*: its base64) appears in any output.
BIN=$1; . "$(dirname "$0")/lib.sh"
W=${TMPDIR:-/tmp}/advrev29-01b.$$; trap 'rm -rf $W' EXIT
b64() { printf '%s' "$1" | base64 -w0; }
for s in ${SECRETS:-Hunter2Secret9 Kq8?zP~3vR>tw}; do
 i=0
 long="${s}-${s}-${s}-${s}"; long=${long:0:48}
 up=$(b64 "scott:$s")
 declare -A R=(
  [B64]=$(b64 "$s") [UP]=$up [DBL]=$(b64 "$(b64 "$s")")
  [URL]=$(b64 "$s" | tr '+/' '-_' | tr -d '=')
  [WRAP]=$(printf '%s' "$long" | base64 -w16 | sed 's/^/    /' | sed ':a;N;$!ba;s/\n/\\n/g')
  [ENV]=$(b64 "$(printf 'LOG=info\nDB_PASSWORD=%s\n' "$s")")
  [JSON]=$(b64 "{\"password\":\"$s\"}")
  [DCJ]=$(b64 "{\"auths\":{\"registry.example.com\":{\"auth\":\"$up\"}}}")
 )
 while IFS='#' read -r name spec; do i=$((i+1))
  [ -z "$name" ] && continue
  d=$W/$i; mkcase $d
  c=${spec//@/$s}; for k in "${!R[@]}"; do c=${c//\{$k\}/${R[$k]}}; done
  files $d "$c"
  want=$s; [ "$name" = wrap-block ] && want=$long
  case $name in enc-url*) want=${R[URL]};; enc-*) want=${R[B64]};; esac
  [ -f $d/prod/run.yaml ] || { printf 'cmd: "connect scott/x@db"\n' > $d/staging/run.yaml; printf 'cmd: "connect scott/%s@db"\n' "$want" > $d/prod/run.yaml; }
  verdict "$s|$name" "$want" $d
 done <<'CASES'
ctl-k8s-data#staging/s.yaml=apiVersion: v1\nkind: Secret\ndata:\n  password: eHl6dw==\n ;; prod/s.yaml=apiVersion: v1\nkind: Secret\ndata:\n  password: {B64}\n
ctl-double-b64#staging/s.yaml=apiVersion: v1\nkind: Secret\ndata:\n  password: eHl6dw==\n ;; prod/s.yaml=apiVersion: v1\nkind: Secret\ndata:\n  password: {DBL}\n
k8s-basic-auth-b64#staging/s.yaml=apiVersion: v1\nkind: Secret\ndata:\n  auth: eHl6dw==\n ;; prod/s.yaml=apiVersion: v1\nkind: Secret\ndata:\n  auth: {UP}\n
basic-auth-b64-env#staging/.env=BASIC_AUTH_B64=eHl6dw==\n ;; prod/.env=BASIC_AUTH_B64={UP}\n
basic-auth-header#staging/app.yaml=headers:\n  Authorization: Basic eHl6dw==\n ;; prod/app.yaml=headers:\n  Authorization: Basic {UP}\n
basic-auth-nginx#staging/site.conf=location / {\n  proxy_set_header Authorization "Basic eHl6dw==";\n}\n ;; prod/site.conf=location / {\n  proxy_set_header Authorization "Basic {UP}";\n}\n
dockercfg-auth#staging/config.json={"auths": {"registry.example.com": {"auth": "eHl6dw=="}}}\n ;; prod/config.json={"auths": {"registry.example.com": {"auth": "{UP}"}}}\n
k8s-dockerconfigjson#staging/s.yaml=apiVersion: v1\nkind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: eHl6dw==\n ;; prod/s.yaml=apiVersion: v1\nkind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: {DCJ}\n
k8s-data-dotenv#staging/s.yaml=apiVersion: v1\nkind: Secret\ndata:\n  app.env: eHl6dw==\n ;; prod/s.yaml=apiVersion: v1\nkind: Secret\ndata:\n  app.env: {ENV}\n
k8s-data-json#staging/s.yaml=apiVersion: v1\nkind: Secret\ndata:\n  creds.json: eHl6dw==\n ;; prod/s.yaml=apiVersion: v1\nkind: Secret\ndata:\n  creds.json: {JSON}\n
b64url-unpadded#staging/s.yaml=apiVersion: v1\nkind: Secret\ndata:\n  password: eHl6dw\n ;; prod/s.yaml=apiVersion: v1\nkind: Secret\ndata:\n  password: {URL}\n
wrap-block#staging/s.yaml=apiVersion: v1\nkind: Secret\ndata:\n  password: eHl6dw==\n ;; prod/s.yaml=apiVersion: v1\nkind: Secret\ndata:\n  password: |\n{WRAP}\n
b64-under-secret-key-text#staging/app.txt=password_b64 eHl6dw==\n ;; prod/app.txt=password_b64 {B64}\n
enc-plain-then-b64-configmap#staging/db.yaml=password: xyzw\n ;; prod/db.yaml=password: @\n ;; staging/cm.yaml=kind: ConfigMap\ndata:\n  init: eHl6dw==\n ;; prod/cm.yaml=kind: ConfigMap\ndata:\n  init: {B64}\n
enc-plain-then-b64-in-cmd#staging/db.yaml=password: xyzw\n ;; prod/db.yaml=password: @\n ;; staging/run.yaml=cmd: "echo eHl6dw== \| base64 -d"\n ;; prod/run.yaml=cmd: "echo {B64} \| base64 -d"\n
enc-url-plain-then-b64url#staging/db.yaml=password: xyzw\n ;; prod/db.yaml=password: @\n ;; staging/run.yaml=url: "https://h/?t=eHl6dw"\n ;; prod/run.yaml=url: "https://h/?t={URL}"\n
CASES
done
