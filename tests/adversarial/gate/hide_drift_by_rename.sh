#!/bin/bash
# FALSE PASS (drift half): changing prod's data_path (drift/data-path, an error) and renaming
# prod's file in the same change un-pairs the files; the engine reports only
# drift/missing-file (warning) both ways, so the introduced error disappears.
# With the sign-offs the base requires (2 here because the shipped k8s rules treat a removed
# *.yaml as a covered removal; 1 for formats those rules do not cover) the gate passes.
for HOW in yaml_rename_2signoffs yaml_subdir_2signoffs env_rename_1signoff ini_case_rename_1signoff; do
(
. /tmp/attack-gate/lib.sh
git -C "$T/repo" init -q -b main
W driftcheck.toml "$CONFIG"
W deploy/staging/app.yaml "$APP"; W deploy/prod/app.yaml "$APP"
W deploy/staging/db.env 'DATA_PATH=/var/lib/pg
'; W deploy/prod/db.env 'DATA_PATH=/var/lib/pg
'
W deploy/staging/pg.ini '[db]
data_path = /var/lib/pg
'; W deploy/prod/pg.ini '[db]
data_path = /var/lib/pg
'
as "${ADMIN[@]}"; g add -A; g commit -qm init; g checkout -q -b feature; as "${MAL[@]}"
MSG="move data

$RB_ANA"
case $HOW in
 yaml_rename_2signoffs) sed -i 's#/var/lib/app#/mnt/empty#' $T/repo/deploy/prod/app.yaml; g mv deploy/prod/app.yaml deploy/prod/app.yml; MSG="$MSG
$RB_BO" ;;
 yaml_subdir_2signoffs) sed -i 's#/var/lib/app#/mnt/empty#' $T/repo/deploy/prod/app.yaml; mkdir $T/repo/deploy/prod/v2; g mv deploy/prod/app.yaml deploy/prod/v2/app.yaml; MSG="$MSG
$RB_BO" ;;
 env_rename_1signoff) sed -i 's#/var/lib/pg#/mnt/empty#' $T/repo/deploy/prod/db.env; g mv deploy/prod/db.env deploy/prod/database.env ;;
 ini_case_rename_1signoff) sed -i 's#/var/lib/pg#/mnt/empty#' $T/repo/deploy/prod/pg.ini; g mv deploy/prod/pg.ini deploy/prod/PG.ini ;;
esac
g add -A; g commit -q -m "$MSG"
r=$(gate); expect 1 "${r#exit=}" "$HOW: prod data path changed + file renamed"; grep -E '^  (error|warning)\[' $T/out | sort | uniq -c
)
done
