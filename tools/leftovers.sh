#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# leftovers.sh - prove that a test run cleaned up after itself.
#
#   tools/leftovers.sh snapshot FILE   record what exists now
#   tools/leftovers.sh check FILE      list what appeared since, kill the
#                                      processes among it, and exit 1 if
#                                      anything did
#
# It looks at what the integration tests create: processes run from this
# checkout or by the peers the tests start (testpmd, ovsdb-server,
# prometheus, qemu), DPDK's runtime files in /dev/shm and /var/run/dpdk,
# the tests' temp dirs in /tmp, and the production run directory, which a
# test must never touch. A process or file that outlives its test slows or
# breaks every test after it, so tools/setup.sh runs this around each suite.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
peers='^(dpdk-testpmd|ovsdb-server|prometheus|qemu-system-x86)'

# One line per thing, "kind what", sorted, so two lists compare with comm.
inventory() {
    local pid exe comm
    for pid in /proc/[0-9]*; do
        pid=${pid#/proc/}
        [ "$pid" != $$ ] || continue
        exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || continue
        comm=$(cat "/proc/$pid/comm" 2>/dev/null) || continue
        if [[ $exe == "$top"/* ]] || [[ $comm =~ $peers ]]; then
            echo "process $pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-160)"
        fi
    done
    local f
    for f in /dev/shm/* /var/run/dpdk/* /tmp/vio4wd-* /var/run/virtio-forwarder; do
        [ -e "$f" ] && echo "file $f"
    done
    return 0
}

case ${1:-} in
snapshot)
    inventory | sort >"$2"
    ;;
check)
    left=$(comm -13 "$2" <(inventory | sort))
    [ -z "$left" ] && { echo "leftovers: none"; exit 0; }
    echo "leftovers: the tests left these behind:" >&2
    echo "$left" | sed 's/^/  /' >&2
    # Stop the processes so that they do not slow what runs next.
    echo "$left" | awk '$1 == "process" { print $2 }' | xargs -r kill -KILL 2>/dev/null || true
    exit 1
    ;;
*)
    sed -n '3,9s/^# \{0,1\}//p' "$0" >&2
    exit 2
    ;;
esac
