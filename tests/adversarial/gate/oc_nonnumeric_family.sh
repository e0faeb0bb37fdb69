#!/bin/bash
# FALSE PASS: the shipped k8s-replica-decrease on_change rule (2 sign-offs for a lower, removed
# or NON-NUMERIC spec.replicas) is skipped when the new value parses as a Rust f64 special
# (nan, inf, infinity, .nan handled?) or is a list: 1 sign-off passes. Expected exit 1, got 0.
for NEW in nan NaN inf Infinity .nan .inf '[1]' '[]' '"nan"'; do
(
. /tmp/attack-gate/oc_common.sh
sed -i "s/replicas: 3/replicas: $NEW/" $T/repo/deploy/prod/web.yaml
commit "lower

$RB_ANA" 
r=$(gate); expect 1 "${r#exit=}" "replicas: 3 -> $NEW with 1 sign-off"
)
done
