#!/bin/bash
# Over-masking by the three new rules. No case holds a real secret, so any
# masked text is over-masking; each case names the PUBLIC text that a
# finding prints in the baseline and must still print.
#  pair-*: rule 1 (pair_key): a public value of a pair whose name merely
#    mentions password/token/key/secret (policy, length, TTL, a file path,
#    an ARN, a secretKeyRef's name/key); printed by its own value drift
#    (staging PUBLIC, prod PUBLIC2). map-* = the same name as a plain key
#    (shows whether the name rule itself masks it: pre-existing).
#  b64-*: rule 2: a Kubernetes Secret's public fields (DB_HOST, DB_PORT,
#    APP_ENV, region) base64 in data:, equal in both envs; their decoded
#    text is then masked in app.yaml's drift a: 'PUBLIC' vs 'PUBLIC-x'.
#  rec-*: rule 3: a broken prod file whose recovered structure puts a
#    public value under a secret name; app.yaml's drift prints it.
# OVERMASK if PUBLIC is not printed; OK if it is.
BIN=$1; . "$(dirname "$0")/lib.sh"
W=${TMPDIR:-/tmp}/advrev29-02.$$; trap 'rm -rf $W' EXIT
i=0
b64() { printf '%s' "$1" | base64 -w0; }
pair() { # NAME KEY-SPELLING(name/value) VARNAME PUBLIC PUBLIC2
  local nk=${2%/*} vk=${2#*/}
  i=$((i+1)); local d=$W/$i; mkcase $d
  printf 'env:\n  - %s: %s\n    %s: "%s"\n' "$nk" "$3" "$vk" "$4" > $d/staging/deploy.yaml
  printf 'env:\n  - %s: %s\n    %s: "%s"\n' "$nk" "$3" "$vk" "$5" > $d/prod/deploy.yaml
  overmask "pair-$1" "$4" $d
  i=$((i+1)); d=$W/$i; mkcase $d
  printf '%s: "%s"\n' "$3" "$4" > $d/staging/deploy.yaml; printf '%s: "%s"\n' "$3" "$5" > $d/prod/deploy.yaml
  overmask "map-$1" "$4" $d; }
while IFS='|' read -r name spell var pub pub2; do
  [ -z "$name" ] && continue; pair "$name" "$spell" "$var" "$pub" "$pub2"
done <<'L'
password-policy|name/value|PASSWORD_POLICY|strict|lenient
password-min-length|Name/Value|PASSWORD_MIN_LENGTH|12|14
token-ttl|key/value|token_ttl|3600|7200
password-file|name/value|DB_PASSWORD_FILE|/run/secrets/db_password|/run/secrets/db_pw
secret-name|name/value|DB_SECRET_NAME|prod-db-credentials|stg-db-credentials
secret-arn|ParameterKey/ParameterValue|DbPasswordSecretArn|arn:aws:secretsmanager:us-east-1:123456789012:secret:db|arn:aws:secretsmanager:us-east-1:123456789012:secret:db2
api-key-header|name/value|API_KEY_HEADER|X-Api-Key|X-Api-Token
token-url|name/value|OAUTH_TOKEN_URL|https://auth.example.com/oauth/token|https://auth2.example.com/oauth/token
sshd-password-auth|key/value|PasswordAuthentication|no|yes
win-min-password-length|key/value|MinimumPasswordLength|14|12
sysctl-keys-maxkeys|name/value|kernel.keys.maxkeys|2000|4000
grafana-auth-anon|name/value|GF_AUTH_ANONYMOUS_ENABLED|true|false
jwt-issuer|name/value|JWT_ISSUER|https://issuer.example.com|https://issuer2.example.com
keycloak-admin-user|name/value|KEYCLOAK_ADMIN|admin|root
secret-store|name/value|SECRET_STORE|vault|sops
tag-rotation|Key/Value|password-rotation|enabled|disabled
ssm-public|Name/Value|/app/db/password_rotation_days|30|45
L
# valueFrom: the secretKeyRef's own name/key must stay visible
i=$((i+1)); d=$W/$i; mkcase $d
printf 'env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db-staging\n        key: password\n' > $d/staging/deploy.yaml
printf 'env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db-prod\n        key: password\n' > $d/prod/deploy.yaml
overmask "pair-valueFrom-secretKeyRef-name" "db-staging" $d
i=$((i+1)); d=$W/$i; mkcase $d
printf 'env: []\n' > $d/staging/deploy.yaml
printf 'env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db-prod\n        key: password\n' > $d/prod/deploy.yaml
overmask "pair-valueFrom-oneenv-preview" "db-prod" $d
# XML appSettings
i=$((i+1)); d=$W/$i; mkcase $d
printf '<configuration><appSettings><add key="PasswordHashAlgorithm" value="PBKDF2-SHA256"/></appSettings></configuration>\n' > $d/staging/web.xml
printf '<configuration><appSettings><add key="PasswordHashAlgorithm" value="PBKDF2-SHA512"/></appSettings></configuration>\n' > $d/prod/web.xml
overmask "pair-xml-add-PasswordHashAlgorithm" "PBKDF2-SHA256" $d
# value slots that are not values: a threshold named after a token metric
i=$((i+1)); d=$W/$i; mkcase $d
printf 'alerts:\n  - name: auth_token_failures\n    thresholdValue: "250"\n' > $d/staging/alerts.yaml
printf 'alerts:\n  - name: auth_token_failures\n    thresholdValue: "500"\n' > $d/prod/alerts.yaml
overmask "pair-thresholdValue-metric" "250" $d
i=$((i+1)); d=$W/$i; mkcase $d
printf 'params:\n  - name: SESSION_TOKEN\n    type: duration\n    minValue: PT1H\n    maxValue: PT8H\n' > $d/staging/t.yaml
printf 'params:\n  - name: SESSION_TOKEN\n    type: duration\n    minValue: PT1H\n    maxValue: PT12H\n' > $d/prod/t.yaml
overmask "pair-maxValue-schema" "PT8H" $d
# rule 2: Secret data decoded to public text, masked in another finding
b64case() { # NAME KEY PUBLIC
  i=$((i+1)); local d=$W/$i; mkcase $d
  for e in staging prod; do printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  %s: %s\n' "$2" "$(b64 "$3")" > $d/$e/secret.yaml; done
  printf "a: '%s'\n" "$3" > $d/staging/app.yaml; printf "a: '%s-x'\n" "$3" > $d/prod/app.yaml
  overmask "b64-$1" "$3" $d; }
b64case db-host DB_HOST postgres
b64case db-host-fqdn DB_HOST db.internal.example.com
b64case db-port DB_PORT 5432
b64case db-name DB_NAME orders
b64case db-user DB_USER app_user
b64case app-env APP_ENV production
b64case region AWS_REGION us-east-1
b64case env-name-prod ENVIRONMENT prod
b64case redis-url REDIS_URL redis://redis:6379/0
# rule 2: a whole config file base64 in a Secret: each decoded line is masked
i=$((i+1)); d=$W/$i; mkcase $d
for e in staging prod; do printf 'apiVersion: v1\nkind: Secret\ndata:\n  application.properties: %s\n' "$(b64 "$(printf 'spring.profiles.active=production\nspring.datasource.password=Xk29fLq0zR\n')")" > $d/$e/secret.yaml; done
printf 'exec java -Dspring.profiles.active=production -jar app.jar\n' > $d/staging/start.sh; printf 'exec java -Dspring.profiles.active=production -Xmx1g -jar app.jar\n' > $d/prod/start.sh
overmask "b64-config-file-lines" "spring.profiles.active=production" $d
# rule 2 side effect in the report header: env name equals a decoded Secret field
i=$((i+1)); d=$W/$i; mkcase $d
for e in staging prod; do printf 'apiVersion: v1\nkind: Secret\ndata:\n  ENVIRONMENT: %s\n' "$(b64 prod)" > $d/$e/secret.yaml; done
printf 'a: 1\n' > $d/staging/app.yaml; printf 'a: 2\n' > $d/prod/app.yaml
overmask "b64-env-name-in-header" "staging vs prod" $d
# rule 3: recovered structure moves a public value under a secret name
rec() { # NAME PUBLIC BROKEN-PROD-TEXT GOOD-STAGING-TEXT FILE
  i=$((i+1)); local d=$W/$i; mkcase $d
  printf '%b' "$4" > $d/staging/$5; printf '%b' "$3" > $d/prod/$5
  printf "a: '%s'\n" "$2" > $d/staging/app.yaml; printf "a: '%s-x'\n" "$2" > $d/prod/app.yaml
  overmask "rec-$1" "$2" $d; }
rec dup-name-pair eu-west-1x 'env:\n  - name: DB_PASSWORD\n    name: AWS_REGION\n    value: eu-west-1x\n' 'env: []\n' d.yaml
rec helm-if-else-value internal-db.svc 'env:\n  - name: DB_PASSWORD\n{{- if .Values.vault }}\n    valueFrom: {secretKeyRef: {name: db, key: password}}\n{{- end }}\n  - name: DB_HOST\n    value: internal-db.svc\n' 'env: []\n' d.yaml
rec yaml-empty-password-tab eu-central-1a 'db:\n  password:\n\thost: x\n  region: eu-central-1a\n' 'db: {}\n' d.yaml
rec json-trailing-comma-pair ap-south-1a '[{"name": "DB_PASSWORD", "valueFrom": "vault"},\n {"name": "REGION", "value": "ap-south-1a"},]\n' '[]\n' d.json
rec ini-broken-section eu-north-1a '[secrets]\napi_key = env:API_KEY\n[network\nregion = eu-north-1a\n' '[secrets]\n' d.ini
rec yaml-dup-section-after-secrets eu-west-2a 'network:\n  region: x\nsecrets:\n  api_key: "env:API_KEY"\nnetwork:\n  zone: eu-west-2a\n' 'network: {}\n' d.yaml
rec toml-broken-table eu-west-3a '[secrets]\napi_key = "env:API_KEY"\n[network\nregion = "eu-west-3a"\n' '[secrets]\n' d.toml
