#!/usr/bin/env bash
# Self comparisons read each environment raw, under the side labels
# "gate-merge-base-side" / "gate-head-side" (src/gate/divergence.rs BEFORE/AFTER), whose
# own names are still normalised to {env} on each side.
. "$(dirname "$0")/prelude.inc"
POL=$(policy watched-change any "**.bucket" "**.data_dir" "**.hosts")
case_() { # NAME BASE HEAD [no]
  with_policy "$1"
  W deploy/staging/app.yaml "$2"; W deploy/prod/app.yaml "$2"; base
  W deploy/prod/app.yaml "$3"; change "$1"
  if [ "${4:-}" = no ]; then no_req "$1" "watched-change"; else need_req "$1" "watched-change"; fi
}
# Only the spelling of the environment's name: the value points elsewhere, a change (docs/policies.md).
case_ "data_dir /data/prod -> /data/production in prod" 'app:
  data_dir: /data/prod
' 'app:
  data_dir: /data/production
'
# A value spelling the merge-base side's label turned into the head side's label:
# each side normalises its own label to {env}, so the values compare equal.
case_ "bucket s3://b-gate-merge-base-side -> s3://b-gate-head-side" 'app:
  bucket: s3://backups-gate-merge-base-side
' 'app:
  bucket: s3://backups-gate-head-side
'
case_ "bucket s3://backups-base -> s3://backups-head (the old binary's labels)" 'app:
  bucket: s3://backups-base
' 'app:
  bucket: s3://backups-head
'
case_ "hosts list item gate-merge-base-side -> gate-head-side" 'app:
  hosts: [db1.gate-merge-base-side.internal, db2.internal]
' 'app:
  hosts: [db1.gate-head-side.internal, db2.internal]
'
