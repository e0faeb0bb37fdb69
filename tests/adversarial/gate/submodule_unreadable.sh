#!/bin/bash
# Submodule (gitlink) under an environment root: its content is not in the repository, so the
# drift engine reads an empty directory, exactly like an LFS pointer (refused as gate/config).
# A signed change adding/moving a gitlink under deploy/prod passes. Expected exit 1 (gate/config:
# cannot be compared), got 0. Family: added, replacing a config dir, bumped.
for HOW in add replace_dir bump; do
(
. /tmp/attack-gate/lib.sh
standard ''
# an "overrides" repo whose content would be deployed with prod
mkdir -p $T/sub; git -C $T/sub init -q -b main; printf 'data_path: /mnt/empty\n' > $T/sub/app.yaml; git -C $T/sub add -A; tick; git -C $T/sub commit -qm s
S1=$(git -C $T/sub rev-parse HEAD); printf 'data_path: /mnt/other\n' > $T/sub/app.yaml; git -C $T/sub commit -qam s2; S2=$(git -C $T/sub rev-parse HEAD)
if [ $HOW = bump ] || [ $HOW = replace_dir ]; then
  g checkout -q main; as "${ADMIN[@]}"
  if [ $HOW = bump ]; then g update-index --add --cacheinfo 160000,$S1,deploy/prod/overrides; g commit -qm "sub"; fi
  if [ $HOW = replace_dir ]; then W deploy/prod/conf.d/a.yaml 'data_path: /var/lib/app
'; W deploy/staging/conf.d/a.yaml 'data_path: /var/lib/app
'; g add -A; g commit -qm "conf.d"; fi
  g checkout -q feature; g reset -q --hard main; as "${MAL[@]}"
fi
case $HOW in
 add) g update-index --add --cacheinfo 160000,$S1,deploy/prod/overrides ;;
 replace_dir) g rm -rq --cached deploy/prod/conf.d; rm -rf $T/repo/deploy/prod/conf.d; g update-index --add --cacheinfo 160000,$S1,deploy/prod/conf.d ;;
 bump) g update-index --cacheinfo 160000,$S2,deploy/prod/overrides ;;
esac
g commit -q -m "prod overrides

$RB_ANA"
r=$(gate); expect 1 "${r#exit=}" "gitlink $HOW under deploy/prod, 1 sign-off"; grep -E '^  [AMD] |error|warning' $T/out | head -4
)
done
