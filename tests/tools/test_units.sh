#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The installed systemd units (issue 18): all pass systemd-analyze verify,
# the relay unit rates 5.0 or better in systemd-analyze security (offline),
# the scheduler's stays where it was (2.4), and the relay's pre-start check
# still works as installed.
# usage: test_units.sh MESON BUILD_DIR
set -u
MESON=$1 BUILD=$2
T=$(mktemp -d /tmp/vio4wd-units.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

command -v systemd-analyze >/dev/null ||
    fail "systemd-analyze is not installed (Debian package systemd)"
"$MESON" install -C "$BUILD" --destdir "$T/root" --no-rebuild --quiet >"$T/install.log" 2>&1 ||
    fail "meson install: $(tail -5 "$T/install.log")"
units=$(find "$T/root" -path '*/systemd/system/*.service' | sort)
for u in virtio-forwarder.service vio4wd_core_scheduler.service; do
    echo "$units" | grep -q "/$u\$" || fail "$u is not installed (found: $units)"
done

# verify checks that the commands exist: point them into the staging root.
mkdir "$T/units"
for u in $units; do
    sed -E "s#(=-?|[ ])(/[^ ]*/(s?bin|libexec)/)#\1$T/root\2#g" "$u" >"$T/units/$(basename "$u")"
done
systemd-analyze verify --man=no "$T"/units/*.service >"$T/verify.out" 2>&1
rc=$?
[ "$rc" = 0 ] && [ ! -s "$T/verify.out" ] || fail "systemd-analyze verify (exit $rc): $(cat "$T/verify.out")"
ok "systemd-analyze verify: $(echo "$units" | wc -l) units clean"

score() {   # score UNIT -> the overall exposure, e.g. 2.9
    systemd-analyze security --offline=yes "$1" 2>/dev/null |
        sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p'
}
if systemd-analyze security --help 2>&1 | grep -q -- --offline; then
    relay=$(score "$T/units/virtio-forwarder.service")
    sched=$(score "$T/units/vio4wd_core_scheduler.service")
    [ -n "$relay" ] && [ -n "$sched" ] || fail "no exposure level from systemd-analyze security"
    awk -v r="$relay" 'BEGIN { exit !(r <= 5.0) }' || fail "relay unit exposure $relay > 5.0"
    awk -v s="$sched" 'BEGIN { exit !(s <= 2.4) }' || fail "scheduler unit exposure $sched > 2.4"
    ok "systemd-analyze security --offline=yes: relay $relay, scheduler $sched"
else
    echo "systemd-analyze security cannot run offline here: exposure not measured"
fi

pre=$(find "$T/root" -name vio4wd-pre-start)
"$pre" --no-huge --config /dev/null --run-dir "$T/run" >"$T/pre.out" 2>&1 ||
    fail "installed pre-start check: $(cat "$T/pre.out")"
[ "$(stat -c %a "$T/run")" = 750 ] || fail "pre-start left the run directory $(stat -c %a "$T/run")"
ok "installed pre-start check works"
