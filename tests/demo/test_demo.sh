#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# README command (a), headless: the whole demo end to end (relay, load
# generator, scheduler), and its summary: 0 packets lost, duplicated or
# reordered, at least one migration, and the busiest worker closer to the
# lower bound after the scheduler acted than before. demo.sh cleans up
# after itself.
# usage: test_demo.sh SOURCE_ROOT BUILD_ROOT
SRC=$1 BUILD=$2
out=$(mktemp /tmp/vio4wd-demo-test.XXXXXX)
trap 'rm -f "$out"' EXIT

"$SRC/tools/demo.sh" --build-dir "$BUILD" --headless --duration 40 >"$out" 2>&1
rc=$?
cat "$out"
[ "$rc" = 0 ] || { echo "FAIL: demo exited $rc"; exit 1; }
grep -q 'lost 0, duplicated 0, reordered 0' "$out" || { echo "FAIL: packets lost"; exit 1; }
migrations=$(sed -n 's/^  migrations \([0-9]*\)$/\1/p' "$out")
[ -n "$migrations" ] && [ "$migrations" -ge 1 ] || { echo "FAIL: no migration"; exit 1; }
# Balance, not absolute load (the rates change during the run): the busiest
# worker over the lower bound of that moment must come down.
read -r before after < <(sed -n 's/.*makespan before .*, \([0-9.]*\)x), after .*, \([0-9.]*\)x).*/\1 \2/p' "$out")
[ -n "$before" ] && [ -n "$after" ] || { echo "FAIL: no makespan line"; exit 1; }
/usr/bin/python3 -c "import sys; sys.exit(0 if $after < $before else 1)" ||
    { echo "FAIL: makespan/bound $before -> $after did not improve"; exit 1; }
echo "ok: demo: 0 lost, $migrations migrations, makespan/bound ${before}x -> ${after}x"
ls /var/run/dpdk 2>/dev/null | grep -q vio4wd-demo && { echo "FAIL: DPDK runtime files left"; exit 1; }
exit 0
