#!/bin/bash
# A word password (remembered from `password: W`) reappears glued in other values the masker does not classify
BIN=$1; . "$(dirname "$0")/lib.sh"
W=${TMPDIR:-/tmp}/advsec-w02.$$; trap 'rm -rf $W' EXIT
WORDS="${WORDS:-tiger druid changeme Sunshine xkqzvbnmwrtpaeyu KQXZMVBWRTAPLEHN}"
PLACES=(
 'scott/{}@orcl'
 'jdbc:oracle:thin:scott/{}@//db.internal:1521/XE'
 'sqlplus scott/{}@//db:1521/XE'
 'mysql -uroot -p{} app'
 'mysqldump -h db -u root -p{} app'
 'sshpass -p{} ssh deploy@host'
 'the admin password is {}.'
 'login admin/{} then rotate'
 '--auth=admin/{}'
 'admin:{}-old'
 'pw={}_2024'
 '{}.'
 'creds: admin/{}'
 'PGPASSWORD={}/x'
 'http://admin:{}.@h/'
 'amqp://guest:{}@rabbit/'
 'https://h/login?user=admin&password={}&x=1'
 'redis://:{}@redis:6379/0'
 'redis-cli -a {} ping'
 'user={} pass={}'
 'oracle://scott/{}@db'
 'connect scott/{}'
 'CONNECT system/{}@XEPDB1 AS SYSDBA'
 'expdp system/{} directory=dp'
 'rman target sys/{}@prod'
 'imp scott/{} file=x.dmp'
 '{}; rotate monthly'
 'password is "{}".'
 '(pw {})'
 'pass {}-'
 '--password={}/'
 'mongo -u admin -p {}.'
)
i=0
for w in $WORDS; do for p in "${PLACES[@]}"; do i=$((i+1))
 v=${p//\{\}/$w}
 for fmt in yaml env properties ini; do
  d=$W/$i.$fmt; mkcase $d
  case $fmt in
   yaml) printf 'db:\n  password: %s\n  cmd: "%s"\n' "$w" "$v" > $d/staging/app.yaml
         printf 'db:\n  password: %s\n  cmd: "%s --verbose"\n' "$w" "$v" > $d/prod/app.yaml;;
   properties) printf 'db.password=%s\ndb.cmd=%s\n' "$w" "$v" > $d/staging/app.properties
         printf 'db.password=%s\ndb.cmd=%s --verbose\n' "$w" "$v" > $d/prod/app.properties;;
   ini) printf '[db]\npassword = %s\ncmd = %s\n' "$w" "$v" > $d/staging/app.ini
         printf '[db]\npassword = %s\ncmd = %s --verbose\n' "$w" "$v" > $d/prod/app.ini;;
   env)  printf 'DB_PASSWORD=%s\nDB_CMD="%s"\n' "$w" "$v" > $d/staging/.env
         printf 'DB_PASSWORD=%s\nDB_CMD="%s --verbose"\n' "$w" "$v" > $d/prod/.env;;
  esac
  verdict "$w|$p|$fmt" "$w" $d
 done
done; done
