#!/usr/bin/env bash
# A rotated secret under an on_change = "any" rule must ask for the rule's 2 sign-offs,
# in every format the engine reads (default path and DRIFTCHECK_GATE_FULL=1).
. "$(dirname "$0")/prelude.inc"
POL='[[rule]]
id = "secret-change"
description = "rotating a credential needs two sign-offs"
keys = ["**.password", "**.PASSWORD", "**.DB_PASSWORD", "DB_PASSWORD", "password", "**.api_key", "api_key", "**.tokens", "tokens", "**.url", "url", "**.dsn", "dsn", "**.secret", "secret"]
on_change = "any"
review = { required = 2 }
severity = "error"
'
S1='Zq8vT2mLp4wXr9Kd7Q'; S2='Hk3wQ9zVn6yTb2Pp5R'
# case NAME FILE BASE_TEXT HEAD_TEXT (prod only changes)
case_() {
  local name=$1 file=$2 b=$3 h=$4
  new_repo "$name"
  W driftcheck.toml "policies = [\"policies/*.toml\"]
$CONFIG"; W policies/secret.toml "$POL"
  W "deploy/staging/$file" "$b"; W "deploy/prod/$file" "$b"; base
  W "deploy/prod/$file" "$h"; change "rotate in $file"
  need_req "$name: secret rotated in prod $file" "secret-change"
}
case_ yaml app.yaml "db:
  password: \"$S1\"
" "db:
  password: \"$S2\"
"
case_ json app.json "{\"db\": {\"password\": \"$S1\"}}
" "{\"db\": {\"password\": \"$S2\"}}
"
case_ toml app.toml "[db]
password = \"$S1\"
" "[db]
password = \"$S2\"
"
case_ dotenv .env "DB_PASSWORD=$S1
" "DB_PASSWORD=$S2
"
case_ ini app.ini "[db]
password = $S1
" "[db]
password = $S2
"
case_ xml app.xml "<config><db><password>$S1</password></db></config>
" "<config><db><password>$S2</password></db></config>
"
case_ hcl app.hcl "db {
  password = \"$S1\"
}
" "db {
  password = \"$S2\"
}
"
# properties: the key is the single segment ["db.password"], which **.password does not match (pre-existing)
case_ properties app.properties "db.password=$S1
" "db.password=$S2
"
case_ url app.yaml "db:
  url: \"postgres://app:$S1@db.internal:5432/app\"
" "db:
  url: \"postgres://app:$S2@db.internal:5432/app\"
"
case_ list app.yaml "tokens:
  - \"$S1\"
  - \"ghp_abcdefghijklmnopqrstuvwxyz0123456789\"
" "tokens:
  - \"$S2\"
  - \"ghp_abcdefghijklmnopqrstuvwxyz0123456789\"
"
case_ listsecretonly app.yaml "db:
  password:
    - \"$S1\"
" "db:
  password:
    - \"$S2\"
"
case_ nested_secretkey app.yaml "secret:
  api_key: \"$S1\"
" "secret:
  api_key: \"$S2\"
"
case_ tagged app.yaml "db:
  password: !!str $S1
" "db:
  password: !!str $S2
"
