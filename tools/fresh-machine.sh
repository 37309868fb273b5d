#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# fresh-machine.sh - run a README command on a brand-new Debian 12 system.
#
#   tools/fresh-machine.sh [--keep DIR] [test|demo]
#
# Packages move between Debian point releases (dpdk-testpmd left 'dpdk' for
# 'dpdk-dev' in 22.11.11), and a machine that was set up earlier hides it.
# This builds a minimal bookworm with debootstrap (about 200 MB, a few
# minutes), clones this checkout's HEAD into it, and runs
# 'tools/setup.sh test' (default) or 'demo --headless' there as root, with
# /proc, /sys and /dev of the host. Needs root, debootstrap and a Debian
# mirror. The chroot is removed afterwards unless --keep DIR names where to
# build (and keep) it.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
keep= mode=test
while [ $# -gt 0 ]; do
    case $1 in
    --keep) keep=$2; shift 2 ;;
    test|demo) mode=$1; shift ;;
    -h|--help) sed -n '3,15s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "fresh-machine: unknown argument '$1'; see --help" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "fresh-machine: must run as root (chroot, mount)" >&2; exit 2; }
command -v debootstrap >/dev/null ||
    { echo "fresh-machine: debootstrap is not installed (Debian package debootstrap)" >&2; exit 1; }

root=${keep:-$(mktemp -d /var/tmp/vio4wd-fresh.XXXXXX)}
cleanup() {
    umount -R "$root/dev" "$root/sys" "$root/proc" 2>/dev/null || true
    [ -n "$keep" ] || rm -rf --one-file-system "$root"
}
trap cleanup EXIT

if [ ! -x "$root/usr/bin/apt-get" ]; then
    echo "fresh-machine: debootstrap bookworm into $root"
    debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >"$root.debootstrap.log" 2>&1 ||
        { tail -n 20 "$root.debootstrap.log"; exit 1; }
    rm -f "$root.debootstrap.log"
fi
# The host's archive list (point release and security updates) and resolver.
if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
    cp /etc/apt/sources.list.d/*.sources "$root/etc/apt/sources.list.d/"
    rm -f "$root/etc/apt/sources.list"     # debootstrap's, now a duplicate
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"

rm -rf "$root/tmp/vio4wd"
git clone -q "$top" "$root/tmp/vio4wd"
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --rbind /dev "$root/dev"

case $mode in
test) cmd='tools/setup.sh test' ;;
demo) cmd='tools/setup.sh demo --headless' ;;
esac
echo "fresh-machine: running '$cmd' in $root"
chroot "$root" /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    bash -c "cd /tmp/vio4wd && $cmd"
