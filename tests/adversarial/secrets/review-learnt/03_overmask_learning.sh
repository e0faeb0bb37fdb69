#!/bin/bash
# Readability: a public value (a boolean, a reference to where a secret
# lives, a public word) learnt as a secret by the new learning, then masked
# wherever another finding prints it. The vehicle is a value drift in
# app.yaml that prints PUBLIC (staging) next to PUBLIC-2 (prod).
#  broken-*: the counterpart of a Kubernetes manifest fails to parse (a
#    duplicate key), so every side is read by the text rules
#    (opens_secret_value: `- name: <secret-ish>` learns the next line);
#  distinct-*: a reference under a password key that differs per
#    environment (scalars.rs routine_difference remembers both);
#  oneenv-*: a document only prod has (unwalked.rs learn_document).
# OVERMASK if PUBLIC is not printed; OK if it is.
BIN=$1; . "$(dirname "$0")/lib.sh"
W=${TMPDIR:-/tmp}/advrev2-03.$$; trap 'rm -rf $W' EXIT
i=0
run() { # NAME PUBLIC STAGING-FILE-SPEC PROD-FILE-SPEC (path=content)
  i=$((i+1)); local d=$W/$i; mkcase $d
  for spec in "$3" "$4"; do [ -z "$spec" ] && continue; local p=${spec%%=*} c=${spec#*=}; mkdir -p "$d/$(dirname "$p")"; printf '%b' "$c" > "$d/$p"; done
  printf "a: '%s'\n" "$2" > $d/staging/app.yaml; printf "a: '%s-2'\n" "$2" > $d/prod/app.yaml
  overmask "$1" "$2" $d; }
k8s() { printf 'kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: db\n          image: mysql:8\n          env:\n            - name: %s\n              value: "%s"\n' "$1" "$2"; }
DUP='metadata:\n  name: x\nmetadata:\n  name: y\n'
while IFS='|' read -r name var val; do
  [ -z "$name" ] && continue
  run "ctl-$name" "$val" "staging/deploy.yaml=$(k8s "$var" "$val")\n" "prod/deploy.yaml=$(k8s "$var" "$val")\n"
  run "broken-$name" "$val" "staging/deploy.yaml=$(k8s "$var" "$val")\n" "prod/deploy.yaml=$(k8s "$var" "$val")\n$DUP"
done <<'L'
mysql-random-root|MYSQL_RANDOM_ROOT_PASSWORD|true
mysql-allow-empty|MYSQL_ALLOW_EMPTY_PASSWORD|true
mariadb-allow-empty|MARIADB_ALLOW_EMPTY_ROOT_PASSWORD|true
mysql-onetime|MYSQL_ONETIME_PASSWORD|false
session-secret-rotate|SESSION_SECRET_ROTATE|false
k8s-var-ref|SECRET_KEY_BASE|$(SECRET_KEY_BASE)
shell-ref|DB_PASSWORD|${DB_PASSWORD}
helm-ref|DB_PASSWORD|{{ .Values.db.password }}
L
while IFS='|' read -r name sref pref; do
  [ -z "$name" ] && continue
  run "ctl-$name" "$pref" "staging/db.yaml=password: '$pref'\n" "prod/db.yaml=password: '$pref'\n"
  run "distinct-$name" "$pref" "staging/db.yaml=password: '$sref'\n" "prod/db.yaml=password: '$pref'\n"
done <<'L'
symfony-env|%env(STG_DB_PASSWORD)%|%env(DB_PASSWORD)%
cfn-resolve|{{resolve:secretsmanager:stg/db:SecretString:password}}|{{resolve:secretsmanager:prod/db:SecretString:password}}
concourse|((stg_db_password))|((db_password))
azure-keyvault|@Microsoft.KeyVault(SecretUri=https://stg.vault.azure.net/secrets/db/)|@Microsoft.KeyVault(SecretUri=https://prod.vault.azure.net/secrets/db/)
env-prefix|env:STG_DB_PASS|env:DB_PASS
file-uri|file:///run/secrets/stg_db|file:///run/secrets/db
octopus|#{Stg.Db.Password}|#{Db.Password}
L
run "ctl-token-bearer" bearer "staging/auth.yaml=auth:\n  token_type: bearer\n  token: bearer\n" "prod/auth.yaml=auth:\n  token_type: bearer\n  token: bearer\n"
run "oneenv-token-bearer" bearer "" "prod/auth.yaml=auth:\n  token_type: bearer\n  token: bearer\n"
