#!/bin/bash
# Drift-hiding family: change prod's data_path (an error-level drift) and, in the same signed change,
# make the engine stop pairing prod's file with staging's. 1 valid sign-off. Must still refuse.
for HOW in rename_yml rename_subdir abs_link dangling_link case_name gitlink_replace json_ext; do
(
. /tmp/attack-gate/lib.sh
standard ''
P=deploy/prod/app.yaml
sed -i 's#/var/lib/app#/mnt/empty#' $T/repo/$P
case $HOW in
 rename_yml) g mv $P deploy/prod/app.yml ;;
 rename_subdir) mkdir -p $T/repo/deploy/prod/v2; g mv $P deploy/prod/v2/app.yaml ;;
 abs_link) cp $T/repo/$P /tmp/attack-gate/abs_target_$$.yaml; rm $T/repo/$P; ln -s /tmp/attack-gate/abs_target_$$.yaml $T/repo/$P ;;
 dangling_link) rm $T/repo/$P; ln -s /nonexistent/app.yaml $T/repo/$P ;;
 case_name) g mv $P deploy/prod/App.yaml ;;
 json_ext) g mv $P deploy/prod/app.json; printf '{"replicas":3,"data_path":"/mnt/empty","log_level":"info","db":{"pool_size":10,"max_conns":100},"timeout":30}\n' > $T/repo/deploy/prod/app.json ;;
 gitlink_replace) g rm -q $P; g update-index --add --cacheinfo 160000,$(git -C $T/repo rev-parse HEAD),$P ;;
esac
g add -A; g commit -q -m "move data

$RB_ANA"
r=$(gate); expect 1 "${r#exit=}" "$HOW: prod data_path changed"; grep -E '^  (error|warning|note)\[' $T/out | sort | uniq -c | head -5
)
done
