#!/bin/bash
# Which key spellings fall under the public-half exemption (value: generated 22-char secret, differing across envs)
BIN=$1; . "$(dirname "$0")/lib.sh"
W=${TMPDIR:-/tmp}/advsec-w05.$$; trap 'rm -rf $W' EXIT
s=aB3dE5fG7hJ9kL1mN3pQ5r
for k in private_site_key ADMIN_SITE_KEY MASTER_PUBLIC_KEY encryption.public_key hmac_site_key internal-site-key api_pubkey server_publishablekey rsaPublicKey SITE_KEY; do
 d=$W/$k; mkcase $d
 printf '%s: "%s"\n' "$k" "$s" > $d/staging/a.yaml; printf '%s: "%sQ"\n' "$k" "$s" > $d/prod/a.yaml
 verdict "leaf:$k" "$s" $d
done
for path in "public:|  key:" "site:|  key:" "captcha:|  site:|    key:" "jwt:|  public:|    key:"; do
 d=$W/p$RANDOM; mkcase $d
 printf '%s "%s"\n' "$(echo "$path" | tr '|' '\n')" "$s" > $d/staging/a.yaml; printf '%s "%sQ"\n' "$(echo "$path" | tr '|' '\n')" "$s" > $d/prod/a.yaml
 verdict "nested:$path" "$s" $d
done
