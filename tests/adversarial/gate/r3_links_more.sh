#!/bin/bash
# Round 3, item 2: links met resolving roots, layers and rule paths are guarded, at any depth.
refused() { if [ "$1" != 0 ]; then echo "HELD  $2 (exit $1)"; else echo "BUG   $2: expected refusal, got exit 0"; fi; }
# 1. a layered env whose layer file is a symlink into shared/: editing shared/ needs a sign-off.
( . /tmp/attack-gate/lib.sh; git -C $T/repo init -q -b main
  W driftcheck.toml '[env.staging]
layers = ["layers/base.yaml", "layers/staging.yaml"]

[env.prod]
layers = ["layers/base.yaml", "layers/prod.yaml"]
'
  W layers/base.yaml "$APP"; W layers/staging.yaml 'log_level: debug
'; W shared/prod.yaml 'log_level: warn
'; ln -s ../shared/prod.yaml $T/repo/layers/prod.yaml
  as "${ADMIN[@]}"; g add -A; g commit -qm init; g checkout -q -b feature; as "${MAL[@]}"
  W shared/prod.yaml 'log_level: warn
timeout: 5
'; commit "edit behind the layer link"
  r=$(gate); refused ${r#exit=} "layer file symlink: edit behind it, 0 sign-offs" )
# 2. [[review.rule]] paths through a symlinked root: rule requires 2, edit behind the link with 1.
( . /tmp/attack-gate/lib.sh; git -C $T/repo init -q -b main
  W driftcheck.toml "$CONFIG"'
[[review.rule]]
paths = ["deploy/prod/**"]
required = 2
'
  W deploy/staging/app.yaml "$APP"; W releases/v1/app.yaml "$APP"; ln -s ../releases/v1 $T/repo/deploy/prod
  as "${ADMIN[@]}"; g add -A; g commit -qm init; g checkout -q -b feature; as "${MAL[@]}"
  sed -i 's/timeout: 30/timeout: 60/' $T/repo/releases/v1/app.yaml; commit "x

$RB_ANA"
  r=$(gate); expect 1 ${r#exit=} "review.rule through symlinked root, 1 of 2" )
# 3. link chains of depth 4 (a -> b -> c -> d -> dir), edit at the end and retarget the first hop.
for what in edit retarget; do
( . /tmp/attack-gate/lib.sh; git -C $T/repo init -q -b main
  W driftcheck.toml "$CONFIG"; W deploy/staging/app.yaml "$APP"; W store/v1/app.yaml "$APP"; W store/v2/app.yaml "${APP/timeout: 30/timeout: 1}"
  ln -s v1 $T/repo/store/d; ln -s d $T/repo/store/c; ln -s c $T/repo/store/b; ln -s ../store/b $T/repo/deploy/prod
  as "${ADMIN[@]}"; g add -A; g commit -qm init; g checkout -q -b feature; as "${MAL[@]}"
  if [ $what = edit ]; then sed -i 's/pool_size: 10/pool_size: 1/' $T/repo/store/v1/app.yaml; else rm $T/repo/store/d; ln -s v2 $T/repo/store/d; fi
  commit "x"
  r=$(gate); refused ${r#exit=} "link chain depth 4: $what, 0 sign-offs" )
done
# 4. a file inside the root is a link to a file outside: edit the target.
( . /tmp/attack-gate/lib.sh; git -C $T/repo init -q -b main
  W driftcheck.toml "$CONFIG"; W deploy/staging/app.yaml "$APP"; W common/app.yaml "$APP"; mkdir -p $T/repo/deploy/prod; ln -s ../../common/app.yaml $T/repo/deploy/prod/app.yaml
  as "${ADMIN[@]}"; g add -A; g commit -qm init; g checkout -q -b feature; as "${MAL[@]}"
  sed -i 's/pool_size: 10/pool_size: 1/' $T/repo/common/app.yaml; commit "x"
  r=$(gate); refused ${r#exit=} "file link to common/app.yaml: edit target, 0 sign-offs" )
