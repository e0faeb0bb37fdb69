#!/bin/bash
# Rule 1 (pair_key) gaps: a secret held as the value of a name/value pair
# spelt in a way the pair rule does not read (val, Variable, OptionName,
# Values list, value as a list, XML entry/@key text), in a file that parses;
# prod/run.yaml prints it under a neutral key: cmd: "scott/<secret>@db".
# Each case: name#files (env/path=content, ' ;; '-separated, printf %b).
# @ = the secret. LEAK if the secret appears in any output. ctl-* = controls.
BIN=$1; . "$(dirname "$0")/lib.sh"
W=${TMPDIR:-/tmp}/advrev29-01p.$$; trap 'rm -rf $W' EXIT
for s in ${SECRETS:-Hunter2Secret9 druidpw}; do
 i=0
 while IFS='#' read -r name spec; do i=$((i+1))
  [ -z "$name" ] && continue
  d=$W/$i.$s; mkcase $d
  files $d "${spec//@/$s}"
  printf 'cmd: "connect scott/x@db"\n' > $d/staging/run.yaml; printf 'cmd: "connect scott/%s@db"\n' "$s" > $d/prod/run.yaml
  verdict "$s|$name" "$s" $d
 done <<'CASES'
ctl-k8s-name-value#staging/a.yaml=env:\n  - name: DB_PASSWORD\n    value: xyzw\n ;; prod/a.yaml=env:\n  - name: DB_PASSWORD\n    value: @\n
ctl-cfn-ParameterKey#staging/p.json=[{"ParameterKey": "DbPassword", "ParameterValue": "xyzw"}]\n ;; prod/p.json=[{"ParameterKey": "DbPassword", "ParameterValue": "@"}]\n
name-val#staging/a.yaml=env:\n  - name: DB_PASSWORD\n    val: xyzw\n ;; prod/a.yaml=env:\n  - name: DB_PASSWORD\n    val: @\n
json-key-val#staging/a.json=[{"key": "DB_PASSWORD", "val": "xyzw"}]\n ;; prod/a.json=[{"key": "DB_PASSWORD", "val": "@"}]\n
json-k-v#staging/a.json=[{"k": "DB_PASSWORD", "v": "xyzw"}]\n ;; prod/a.json=[{"k": "DB_PASSWORD", "v": "@"}]\n
Variable-Value#staging/a.yaml=Variables:\n  - Variable: DB_PASSWORD\n    Value: xyzw\n ;; prod/a.yaml=Variables:\n  - Variable: DB_PASSWORD\n    Value: @\n
id-value#staging/a.yaml=settings:\n  - id: DB_PASSWORD\n    value: xyzw\n ;; prod/a.yaml=settings:\n  - id: DB_PASSWORD\n    value: @\n
env-value#staging/a.yaml=vars:\n  - env: DB_PASSWORD\n    value: xyzw\n ;; prod/a.yaml=vars:\n  - env: DB_PASSWORD\n    value: @\n
beanstalk-OptionName#staging/eb.json=[{"Namespace": "aws:elasticbeanstalk:application:environment", "OptionName": "DB_PASSWORD", "Value": "xyzw"}]\n ;; prod/eb.json=[{"Namespace": "aws:elasticbeanstalk:application:environment", "OptionName": "DB_PASSWORD", "Value": "@"}]\n
ebextensions-option_name#staging/eb.yaml=option_settings:\n  - namespace: aws:elasticbeanstalk:application:environment\n    option_name: DB_PASSWORD\n    value: xyzw\n ;; prod/eb.yaml=option_settings:\n  - namespace: aws:elasticbeanstalk:application:environment\n    option_name: DB_PASSWORD\n    value: @\n
ParameterName-DefaultValue#staging/p.yaml=params:\n  - ParameterName: DbPassword\n    DefaultValue: xyzw\n ;; prod/p.yaml=params:\n  - ParameterName: DbPassword\n    DefaultValue: @\n
Name-Values-list#staging/a.yaml=Params:\n  - Name: DB_PASSWORD\n    Values: [xyzw]\n ;; prod/a.yaml=Params:\n  - Name: DB_PASSWORD\n    Values: [@]\n
name-value-list#staging/a.yaml=env:\n  - name: DB_PASSWORD\n    value: [xyzw]\n ;; prod/a.yaml=env:\n  - name: DB_PASSWORD\n    value: [@]\n
name-value-map#staging/a.yaml=env:\n  - name: DB_PASSWORD\n    value: {plain: xyzw}\n ;; prod/a.yaml=env:\n  - name: DB_PASSWORD\n    value: {plain: @}\n
name-data#staging/a.yaml=files:\n  - name: db_password\n    data: xyzw\n ;; prod/a.yaml=files:\n  - name: db_password\n    data: @\n
name-content#staging/a.yaml=files:\n  - name: db_password.txt\n    content: xyzw\n ;; prod/a.yaml=files:\n  - name: db_password.txt\n    content: @\n
name-default#staging/a.yaml=inputs:\n  - name: db_password\n    default: xyzw\n ;; prod/a.yaml=inputs:\n  - name: db_password\n    default: @\n
helmfile-set#staging/helmfile.yaml=releases:\n  - name: db\n    set:\n      - name: auth.rootPassword\n        value: xyzw\n ;; prod/helmfile.yaml=releases:\n  - name: db\n    set:\n      - name: auth.rootPassword\n        value: @\n
helmfile-setString#staging/helmfile.yaml=releases:\n  - name: db\n    setString:\n      - name: auth.password\n        value: xyzw\n ;; prod/helmfile.yaml=releases:\n  - name: db\n    setString:\n      - name: auth.password\n        value: @\n
tf-helm-set-block#staging/main.tf=resource "helm_release" "db" {\n  set {\n    name  = "auth.rootPassword"\n    value = "xyzw"\n  }\n}\n ;; prod/main.tf=resource "helm_release" "db" {\n  set {\n    name  = "auth.rootPassword"\n    value = "@"\n  }\n}\n
argocd-helm-parameters#staging/app.yaml=spec:\n  source:\n    helm:\n      parameters:\n        - name: auth.password\n          value: xyzw\n          forceString: true\n ;; prod/app.yaml=spec:\n  source:\n    helm:\n      parameters:\n        - name: auth.password\n          value: @\n          forceString: true\n
ansible-debconf#staging/play.yaml=- hosts: db\n  tasks:\n    - debconf:\n        name: mysql-server\n        question: mysql-server/root_password\n        vtype: password\n        value: xyzw\n ;; prod/play.yaml=- hosts: db\n  tasks:\n    - debconf:\n        name: mysql-server\n        question: mysql-server/root_password\n        vtype: password\n        value: @\n
ansible-ini_file#staging/play.yaml=- hosts: db\n  tasks:\n    - ini_file:\n        path: /etc/app.ini\n        section: db\n        option: password\n        value: xyzw\n ;; prod/play.yaml=- hosts: db\n  tasks:\n    - ini_file:\n        path: /etc/app.ini\n        section: db\n        option: password\n        value: @\n
ansible-lineinfile#staging/play.yaml=- hosts: db\n  tasks:\n    - lineinfile:\n        path: /etc/app.env\n        regexp: ^DB_PASSWORD=\n        line: DB_PASSWORD=xyzw\n ;; prod/play.yaml=- hosts: db\n  tasks:\n    - lineinfile:\n        path: /etc/app.env\n        regexp: ^DB_PASSWORD=\n        line: DB_PASSWORD=@\n
compose-env-list#staging/docker-compose.yml=services:\n  db:\n    environment:\n      - DB_PASSWORD=xyzw\n ;; prod/docker-compose.yml=services:\n  db:\n    environment:\n      - DB_PASSWORD=@\n
compose-env-list-quoted#staging/docker-compose.yml=services:\n  db:\n    environment:\n      - "DB_PASSWORD=xyzw"\n ;; prod/docker-compose.yml=services:\n  db:\n    environment:\n      - "DB_PASSWORD=@"\n
compose-env-list-added#staging/docker-compose.yml=services:\n  db:\n    environment:\n      - LOG=info\n ;; prod/docker-compose.yml=services:\n  db:\n    environment:\n      - LOG=info\n      - MYSQL_ROOT_PASSWORD=@\n
compose-command-flag#staging/docker-compose.yml=services:\n  db:\n    command: ["redis-server", "--requirepass", "xyzw"]\n ;; prod/docker-compose.yml=services:\n  db:\n    command: ["redis-server", "--requirepass", "@"]\n
systemd-Environment#staging/app.ini=[Service]\nEnvironment=DB_PASSWORD=xyzw\n ;; prod/app.ini=[Service]\nEnvironment=DB_PASSWORD=@\n
xml-entry-key#staging/app.xml=<properties><entry key="db.password">xyzw</entry></properties>\n ;; prod/app.xml=<properties><entry key="db.password">@</entry></properties>\n
xml-property-name-text#staging/app.xml=<config><property name="db.password">xyzw</property></config>\n ;; prod/app.xml=<config><property name="db.password">@</property></config>\n
xml-hadoop-name-value#staging/core-site.xml=<configuration><property><name>fs.s3a.secret.key</name><value>xyzw</value></property></configuration>\n ;; prod/core-site.xml=<configuration><property><name>fs.s3a.secret.key</name><value>@</value></property></configuration>\n
dotnet-app.config-read-as-text#staging/app.config=<configuration><applicationSettings><setting name="DbPassword" serializeAs="String"><value>xyzw</value></setting></applicationSettings></configuration>\n ;; prod/app.config=<configuration><applicationSettings><setting name="DbPassword" serializeAs="String"><value>@</value></setting></applicationSettings></configuration>\n
xml-dotnet-setting#staging/settings.xml=<configuration><applicationSettings><setting name="DbPassword" serializeAs="String"><value>xyzw</value></setting></applicationSettings></configuration>\n ;; prod/settings.xml=<configuration><applicationSettings><setting name="DbPassword" serializeAs="String"><value>@</value></setting></applicationSettings></configuration>\n
gitlab-ci-vars-api#staging/vars.json=[{"variable_type": "env_var", "key": "DB_PASSWORD", "value": "xyzw", "protected": true}]\n ;; prod/vars.json=[{"variable_type": "env_var", "key": "DB_PASSWORD", "value": "@", "protected": true}]\n
azure-appsettings#staging/settings.json=[{"name": "DB_PASSWORD", "slotSetting": false, "value": "xyzw"}]\n ;; prod/settings.json=[{"name": "DB_PASSWORD", "slotSetting": false, "value": "@"}]\n
tfe-variable#staging/main.tf=resource "tfe_variable" "db" {\n  key      = "db_password"\n  value    = "xyzw"\n  category = "env"\n}\n ;; prod/main.tf=resource "tfe_variable" "db" {\n  key      = "db_password"\n  value    = "@"\n  category = "env"\n}\n
pair-oneenv-Variable#staging/a.yaml=Variables: []\n ;; prod/a.yaml=Variables:\n  - Variable: DB_PASSWORD\n    Value: @\n
pair-oneenv-val#staging/a.json={"vars": []}\n ;; prod/a.json={"vars": [{"key": "DB_PASSWORD", "val": "@"}]}\n
pair-name-after-value-nested#staging/a.yaml=env:\n  - name: DB_PASSWORD\n    valueFrom:\n      literal: xyzw\n ;; prod/a.yaml=env:\n  - name: DB_PASSWORD\n    valueFrom:\n      literal: @\n
CASES
done
