#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The Debian package: built from a copy of this tree with
# dpkg-buildpackage -b -us -uc, checked with lintian (no errors; the
# summary is printed), installed into this machine with dpkg -i, exercised
# from /usr, then removed (dpkg -r keeps only the conffile) and purged
# (dpkg -P removes that too). The package is purged on every exit, also
# when a check fails. Nothing is written to the source tree or its parent:
# the copy, the build and its artefacts live in $T.
#
# Checks: Conflicts/Provides virtio-forwarder; the binaries in /usr/bin and
# /usr/sbin and the tools under upstream's names (and .py links) in
# /usr/libexec/virtio-forwarder answer --help/--version; the units pass
# systemd-analyze verify and are neither enabled nor started; a relay run
# from /usr/sbin with the installed /etc/default/virtioforwarder plus
# overrides (--no-huge, endpoints and files under $T) forwards the installed
# vio4wd-loadgen's traffic without loss.
# usage: test_deb.sh SOURCE_ROOT CNT_DUMP
SRC=$1 CNT_DUMP=$2
. "$(dirname "$0")/../relay/lib.sh"

for p in dpkg-buildpackage dh lintian help2man systemd-analyze dpkg-parsechangelog; do
    need "$p"
done
[ "$(id -u)" = 0 ] || fail "needs root: it installs the package with dpkg -i"
PKG=vio4wd
UNITS=(virtio-forwarder.service vio4wd_core_scheduler.service vio4wd-exporter.service)
CONFFILE=/etc/default/virtioforwarder

# Never replace what an operator installed or wrote.
for p in "$PKG" virtio-forwarder; do
    ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q installed ||
        fail "package $p is installed on this machine; the test would replace it"
done
[ ! -e "$CONFFILE" ] || fail "$CONFFILE exists; the test's dpkg -P would remove it"

purge() {
    dpkg -P "$PKG" >"$T/purge.log" 2>&1 || { echo "dpkg -P $PKG failed:"; cat "$T/purge.log"; }
}
trap 'rc=$?; purge; (exit $rc); cleanup' EXIT

# ---- build a copy --------------------------------------------------------
VERSION=$(dpkg-parsechangelog -l "$SRC/debian/changelog" -S Version)
COPY="$T/src/$PKG-$VERSION"
mkdir -p "$COPY"
if git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
    # What a clone would hold, plus files not yet committed (not ignored).
    (cd "$SRC" && git ls-files -z -co --exclude-standard | tar --null -T - -cf -) |
        tar -xf - -C "$COPY"
else
    (cd "$SRC" && tar --exclude='./build*' --exclude='./obj-*' -cf - .) | tar -xf - -C "$COPY"
fi
(cd "$COPY" && DEB_BUILD_OPTIONS="parallel=2 nocheck" dpkg-buildpackage -b -us -uc) \
    >"$T/build.log" 2>&1 || { tail -n 40 "$T/build.log"; fail "dpkg-buildpackage failed"; }
DEB=$(ls "$T/src/${PKG}_${VERSION}_"*.deb 2>/dev/null | head -n 1)
[ -f "$DEB" ] || fail "no ${PKG}_${VERSION}_*.deb built"
ok "built $(basename "$DEB")"

lintian "$DEB" >"$T/lintian.txt" 2>&1
echo "lintian: $(grep -c '^E:' "$T/lintian.txt") errors, $(grep -c '^W:' "$T/lintian.txt") warnings"
grep -E '^(E|W):' "$T/lintian.txt"
! grep -q '^E:' "$T/lintian.txt" || fail "lintian reports errors"

[ "$(dpkg-deb -f "$DEB" Conflicts)" = virtio-forwarder ] || fail "Conflicts: virtio-forwarder missing"
[ "$(dpkg-deb -f "$DEB" Provides)" = virtio-forwarder ] || fail "Provides: virtio-forwarder missing"
dpkg-deb -f "$DEB" Depends | grep -q 'librte-ethdev' || fail "Depends lack the DPDK libraries (dpkg-shlibdeps)"
ok "control: Conflicts/Provides virtio-forwarder, Depends from dpkg-shlibdeps"

# ---- install ---------------------------------------------------------------
dpkg -i "$DEB" >"$T/install.log" 2>&1 || { cat "$T/install.log"; fail "dpkg -i failed"; }
dpkg-query -L "$PKG" >"$T/files.txt"
echo "package files:"
while read -r f; do [ -d "$f" ] || echo "  $f"; done <"$T/files.txt"

/usr/sbin/virtio-forwarder --version | grep -q "$VERSION" || fail "virtio-forwarder --version"
for b in vio4wd_core_scheduler vio4wd-exporter vio4wd-stats vio4wd-core-pinner \
         vio4wd-monitor-load vio4wd-port-control vio4wd-loadgen; do
    [ "$(command -v "$b")" = "/usr/bin/$b" ] || fail "$b is not /usr/bin/$b"
    "/usr/bin/$b" --help >"$T/out" 2>&1 || { cat "$T/out"; fail "$b --help"; }
done
for t in stats core_pinner monitor_load port_control; do
    for n in "virtioforwarder_$t" "virtioforwarder_$t.py"; do
        "/usr/libexec/virtio-forwarder/$n" --help >"$T/out" 2>&1 || { cat "$T/out"; fail "$n --help"; }
        grep -q Usage: "$T/out" || fail "$n --help prints no usage"
    done
done
ok "virtio-forwarder --version, every tool's --help in /usr/bin and under upstream's names"

dpkg-query -W -f='${Conffiles}\n' "$PKG" | grep -q "^ $CONFFILE " || fail "$CONFFILE is not a conffile"
for u in "${UNITS[@]}"; do
    [ -f "/lib/systemd/system/$u" ] || fail "$u not installed"
    ! ls /etc/systemd/system/*.wants/"$u" >/dev/null 2>&1 || fail "$u was enabled on install"
done
systemd-analyze verify "${UNITS[@]/#//lib/systemd/system/}" >"$T/verify.txt" 2>&1 ||
    { cat "$T/verify.txt"; fail "systemd-analyze verify"; }
ok "units installed, not enabled, systemd-analyze verify clean; $CONFFILE a conffile"

# ---- a relay from the package forwards -----------------------------------
# The default file's values, except what this machine lacks or a test must
# keep in $T: hugepages (--no-huge), CPUs 1-2 (-C 1 -M 0), the endpoints,
# pid and counters files, and jumbo frames (VIRTIOFWD_JUMBO=y; a memif VF
# carries at most 1518-byte frames).
mkdir -p "$T/run"
spawn lg /usr/bin/vio4wd-loadgen -d 0 -g 2s -q --json --expect-no-loss --socket-dir "$T" \
    --memif-dir "$T" --relay 0,rate=20k -- -l 1 $(eal_opts lg) --single-file-segments
LG_PID=$SPAWNED
wait_for 20 grep -q "memif sockets ready" "$T/lg.log" || fail "loadgen not ready"
memif="net_memif0,role=client,id=0,socket=$T/vio4wd-memif0.sock,socket-abstract=no"
spawn relay /usr/sbin/virtio-forwarder --config "$CONFFILE" --run-dir "$T/run" -p "$T/run" \
    -C 1 -M 0 --vhost-path "$T" --zmq-stats-ep "ipc://$T/run/stats" \
    --zmq-core-sched-ep "ipc://$T/run/core_sched" --zmq-port-control-ep "ipc://$T/run/port_control" \
    --set VIRTIOFWD_JUMBO=n -P "$memif=0" -- $(eal_opts r)
RELAY_PID=$SPAWNED
wait_for 20 relay_running || fail "the installed relay did not start"
flowing() { [ "$(cnt relay0.vf_to_vm.tx_pkts)" -gt 20000 ] && [ "$(cnt relay0.vm_to_vf.tx_pkts)" -gt 20000 ]; }
wait_for 30 flowing || fail "no traffic through the installed relay"
kill -TERM "$LG_PID"        # stops sending; memif stays up for the grace period
sleep 1
stop_pid "$RELAY_PID" 3 || fail "relay did not stop cleanly"
stop_pid "$LG_PID" 15 || { tail -n 5 "$T/lg.log"; fail "loadgen counted loss through the installed relay"; }
ok "the installed relay, default file + overrides, forwards without loss"

# ---- remove, purge ---------------------------------------------------------
dpkg -r "$PKG" >"$T/remove.log" 2>&1 || { cat "$T/remove.log"; fail "dpkg -r failed"; }
dpkg-query -W -f='${Status}' "$PKG" | grep -q "config-files" || fail "not in config-files state after dpkg -r"
left=()
while read -r f; do
    # Directories (and /lib, a link to one) are shared with other packages.
    [ "$f" = "$CONFFILE" ] || [ -d "$f" ] && continue
    if [ -L "$f" ] || [ -e "$f" ]; then left+=("$f"); fi
done <"$T/files.txt"
[ ${#left[@]} = 0 ] || fail "dpkg -r left: ${left[*]}"
[ -f "$CONFFILE" ] || fail "dpkg -r removed the conffile"
[ ! -d /usr/libexec/virtio-forwarder ] || fail "dpkg -r left /usr/libexec/virtio-forwarder"
ok "dpkg -r removes everything but $CONFFILE"
dpkg -P "$PKG" >"$T/purge.log" 2>&1 || { cat "$T/purge.log"; fail "dpkg -P failed"; }
[ ! -e "$CONFFILE" ] || fail "dpkg -P left $CONFFILE"
! dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q "config-files\|installed" ||
    fail "dpkg still knows $PKG after dpkg -P"
for u in "${UNITS[@]}"; do
    [ ! -e "/var/lib/systemd/deb-systemd-helper-enabled/$u.dsh-also" ] || fail "$u state left after purge"
done
ok "dpkg -P removes $CONFFILE too"
