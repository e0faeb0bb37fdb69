#!/bin/bash
# Round 3, item 4: tree names compared as bytes; names the engine cannot read under guarded paths
# refused; ignored-looking directories and LFS pointers read or refused. Random bytes, several depths.
nonzero() { if [ "$1" != 0 ]; then echo "HELD  $2 (exit $1)"; else echo "BUG   $2: expected refusal, got exit 0"; fi; }
addfile() { # addfile RAWPATH(printf) CONTENT -- via git plumbing (any bytes)
  local blob; blob=$(printf '%s' "$2" | git -C $T/repo hash-object -w --stdin)
  git -C $T/repo update-index --add --cacheinfo "100644,$blob,$(printf "$1")"; }
for bytes in '\x80' '\xff\xfe' '\xc3\x28' '\xed\xa0\x80' '\x1b[31m' 'a\\b'; do
  for dir in deploy/prod deploy/prod/sub deploy/prod/a/b/c; do
  ( . /tmp/attack-gate/lib.sh; standard ''
    addfile "$dir/x${bytes}.yaml" 'data_path: /mnt/elsewhere
'; addfile "${dir/prod/staging}/x${bytes}.yaml" 'data_path: /var/lib/app
'; g commit -q -m "odd name

$RB_ANA"
    r=$(gate); nonzero ${r#exit=} "odd name x${bytes}.yaml under $dir (both envs, data_path drift), 1 sign-off" )
  done
done
for d in vendor .cache build dist __pycache__ .terraform; do
( . /tmp/attack-gate/lib.sh; standard ''; W deploy/staging/$d/app.yaml "$APP"; W deploy/prod/$d/app.yaml "${APP/\/var\/lib\/app/\/mnt\/empty}"; commit "x

$RB_ANA"; r=$(gate); nonzero ${r#exit=} "data_path drift under $d/ in both envs, 1 sign-off" )
done
( . /tmp/attack-gate/lib.sh; standard ''; W deploy/staging/app.yaml 'version https://git-lfs.github.com/spec/v1
oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393
size 12345
'; commit "LFS pointer in staging

$RB_ANA"; r=$(gate); nonzero ${r#exit=} "LFS pointer replacing staging/app.yaml, 1 sign-off" )
