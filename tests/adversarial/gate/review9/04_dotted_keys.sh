#!/usr/bin/env bash
# Keys holding dots match key patterns as the segments they spell; and only those.
. "$(dirname "$0")/../review8/prelude.inc"
# case LABEL KIND(need|no) PATTERN FILE BEFORE AFTER
cas() {
  local label=$1 kind=$2 pat=$3 file=$4 before=$5 after=$6
  POL=$(policy dotted any "$pat" | sed "s/^keys = .*/keys = ['$pat']/"); with_policy "c$RANDOM$RANDOM"
  W "deploy/staging/$file" "$before"; W "deploy/prod/$file" "$before"; base
  W "deploy/prod/$file" "$after"; change x
  if [ "$kind" = need ]; then need_req "$label" dotted; else no_req "$label" dotted; fi
}
cas "properties db.password, pattern db.password" need db.password app.properties "db.password=Aa1-secret-one
db.user=app
" "db.password=Bb2-secret-two
db.user=app
"
cas "properties DB.Password (case), pattern db.password" need db.password app.properties "DB.Password=Aa1-secret-one
" "DB.Password=Bb2-secret-two
"
cas "yaml spring.datasource.password, pattern spring.datasource.password" need spring.datasource.password application.yaml "spring.datasource.password: Aa1-secret-one
" "spring.datasource.password: Bb2-secret-two
"
cas "yaml spring: {datasource.password}, pattern spring.datasource.password" need spring.datasource.password application.yaml "spring:
  datasource.password: Aa1-secret-one
" "spring:
  datasource.password: Bb2-secret-two
"
cas "json key db.password, pattern **.password" need '**.password' app.json '{"db.password": "Aa1-secret-one"}' '{"db.password": "Bb2-secret-two"}'
cas "properties db.url, pattern db.*" need 'db.*' app.properties "db.url=jdbc:pg://a/x
" "db.url=jdbc:pg://b/x
"
cas "properties a.b.c.d, pattern a.**.d" need 'a.**.d' app.properties "a.b.c.d=1
" "a.b.c.d=2
"
cas "yaml list item key with dots under selector, pattern **.env[name=x].value" need '**.env[name=x].value' app.yaml "c:
  env:
    - name: x
      value: 1
" "c:
  env:
    - name: x
      value: 2
"
cas "ini [db] password, pattern db.password" need db.password app.ini "[db]
password = Aa1-secret-one
" "[db]
password = Bb2-secret-two
"
cas "properties db.password.old must not match db.password" no db.password app.properties "db.password.old=Aa1-secret-one
" "db.password.old=Bb2-secret-two
"
cas "properties db.passwordhint must not match db.password" no db.password app.properties "db.passwordhint=a
" "db.passwordhint=b
"
cas "properties mydb.password must not match db.password" no db.password app.properties "mydb.password=Aa1-secret-one
" "mydb.password=Bb2-secret-two
"
cas "properties db.password must not match top-level password" no password app.properties "db.password=Aa1-secret-one
" "db.password=Bb2-secret-two
"
cas "properties other key edited, pattern db.password" no db.password app.properties "db.password=Aa1-secret-one
db.user=app
" "db.password=Aa1-secret-one
db.user=app2
"
# By the new rule's own words a dotted key matches as its segments; listed to show the reach, not a bug.
cas "yaml key 10.0.0.1 matches pattern **.1 (by design)" need '**.1' hosts.yaml "hosts:
  10.0.0.1: web
" "hosts:
  10.0.0.1: api
"
cas "properties key with empty segment db..password, pattern db.password" no db.password app.properties "db..password=Aa1-secret-one
" "db..password=Bb2-secret-two
"
cas "quoted-bracket pattern [\"db.password\"] on properties" need '["db.password"]' app.properties "db.password=Aa1-secret-one
" "db.password=Bb2-secret-two
"
cas "properties line removed, pattern db.password (on_change any)" need db.password app.properties "db.password=Aa1-secret-one
db.user=app
" "db.user=app
"
cas "properties db.pool.size decrease, on_change decrease via pattern **.size" need '**.size' app.properties "db.pool.size=10
" "db.pool.size=5
"
cas "dotenv key with dots DB.PASSWORD, pattern db.password" need db.password .env "DB.PASSWORD=Aa1-secret-one
" "DB.PASSWORD=Bb2-secret-two
"
cas "toml quoted key \"db.password\", pattern db.password" need db.password app.toml '"db.password" = "Aa1-secret-one"
' '"db.password" = "Bb2-secret-two"
'
