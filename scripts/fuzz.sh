#!/bin/sh
# Run every cargo-fuzz target for SECONDS each (default 60) on the nightly
# toolchain; print targets, seconds, execs and crashes. Not in .ci/run:
# installing cargo-fuzz takes longer than the CI budget allows.
#   cargo install cargo-fuzz   # once
#   scripts/fuzz.sh 60
set -u
SECONDS_EACH=${1:-60}
cd "$(dirname "$0")/../fuzz" || exit 2
status=0
for t in $(cargo +nightly fuzz list); do
    out=$(cargo +nightly fuzz run "$t" -- -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 2>&1)
    rc=$?
    execs=$(printf '%s\n' "$out" | grep -o 'stat::number_of_executed_units: *[0-9]*' | grep -o '[0-9]*$' | tail -1)
    [ -z "$execs" ] && execs=$(printf '%s\n' "$out" | grep -oE '#[0-9]+' | tail -1 | tr -d '#')
    printf '%-18s %4ss  execs=%-10s %s\n' "$t" "$SECONDS_EACH" "${execs:-?}" "$([ $rc -eq 0 ] && echo ok || echo CRASH)"
    if [ $rc -ne 0 ]; then
        status=1
        printf '%s\n' "$out" | grep -E 'panicked|SUMMARY|Test unit written' | head -5
    fi
done
exit $status
