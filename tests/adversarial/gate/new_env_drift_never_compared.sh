#!/bin/bash
# FALSE PASS (drift half): a change that adds an environment (config + its files) is compared
# with the MERGE BASE's config, which has no such environment; the new environment's error drift
# (dev's data_path differs) is never compared, and after merge it is "pre-existing" forever.
# Expected exit 1 (introduced drift/data-path between dev and prod), got 0; `driftcheck check`
# on the merged tree reports the error.
. /tmp/attack-gate/lib.sh
standard ''
W driftcheck.toml "$CONFIG
[env.dev]
root = \"deploy/dev\"
"
W deploy/dev/app.yaml "$(printf '%s' "$APP" | sed 's#/var/lib/app#/mnt/scratch#')"
commit "add dev

$RB_ANA"
r=$(gate); expect 1 "${r#exit=}" "new env with data_path drift, 1 sign-off"
(cd $T/repo && "$DC" check >/dev/null 2>&1; echo "driftcheck check on head: exit $?")
