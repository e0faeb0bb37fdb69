#!/bin/bash
# Drift-hiding by parser differentials: prod's effective data path changes (as common loaders read
# the file) while the engine sees no data-path error. 1 valid sign-off; must refuse (exit 1).
run() {
(
. /tmp/attack-gate/lib.sh
git -C "$T/repo" init -q -b main
W driftcheck.toml "$CONFIG"
W deploy/staging/$1 "$2"; W deploy/prod/$1 "$2"
as "${ADMIN[@]}"; g add -A; g commit -qm init; g checkout -q -b feature; as "${MAL[@]}"
W deploy/prod/$1 "$3"
commit "x

$RB_ANA"
r=$(gate); expect 1 "${r#exit=}" "$4"; grep -E '^  (error|warning)\[' $T/out | head -3
)
}
run app.yaml 'data_path: /var/lib/app
timeout: 30
' 'defaults: &d
  data_path: /mnt/empty
<<: *d
timeout: 30
' "YAML merge key <<: supplies data_path (PyYAML/go-yaml read /mnt/empty)"
run app.json '{"data_path": "/var/lib/app", "timeout": 30}
' '{"data_path": "/var/lib/app", "timeout": 30, "data_path": "/mnt/empty"}
' "JSON duplicate key (last wins in JSON.parse/serde_json Value? python json)"
run db.env 'DATA_PATH=/var/lib/pg
TIMEOUT=30
' 'DATA_PATH=/var/lib/pg
TIMEOUT=30
DATA_PATH=/mnt/empty
' ".env duplicate key (last wins in docker/dotenv)"
run pg.ini '[db]
data_path = /var/lib/pg
' '[db]
data_path = /var/lib/pg
[db]
data_path = /mnt/empty
' "INI repeated section"
run app.yaml 'data_path: /var/lib/app
' '"data_path": /var/lib/app
? data_path
: /mnt/empty
' "YAML complex key form"
run app.toml 'data_path = "/var/lib/app"
' 'data_path = """/mnt/empty"""
' "TOML multiline basic string (control: should be caught)"
