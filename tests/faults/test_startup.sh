#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Faults at start-up: a run directory on a read-only file system, and one
# on a full file system. Each must end the relay with exit 2 and a message
# that names the directory and what is wrong, and leave nothing behind.
# Both use a private mount namespace with a small tmpfs (unshare; as root,
# or in a user namespace otherwise).
# usage: test_startup.sh RELAY CNT_DUMP
RELAY=$1 CNT_DUMP=$2
. "$(dirname "$0")/../relay/lib.sh"
. "$(dirname "$0")/lib_faults.sh"

need unshare
[ "$(id -u)" = 0 ] && NS=(unshare -m) || NS=(unshare -rm)
mkdir -p "$T/mnt"

# in_tmpfs SIZE RO CMD... : runs CMD with a SIZE tmpfs on $T/mnt holding an
# empty run directory $T/mnt/run, remounted read-only when RO is 1.
in_tmpfs() {
    local size=$1 ro=$2
    shift 2
    "${NS[@]}" sh -c 'mount -t tmpfs -o size="$1" vio4wd-test "$2" && mkdir "$2/run" &&
        { [ "$3" = 0 ] || mount -o remount,ro "$2"; } && shift 3 && exec "$@"' \
        sh "$size" "$T/mnt" "$ro" "$@"
}

start_in() {   # start_in NAME SIZE RO : sets RC and OUT
    local name=$1
    in_tmpfs "$2" "$3" "$RELAY" --config /dev/null --run-dir "$T/mnt/run" -p "$T/mnt/run" \
        --zmq-stats-ep "ipc://$T/mnt/run/stats" --zmq-core-sched-ep "ipc://$T/mnt/run/cs" \
        --zmq-port-control-ep "ipc://$T/mnt/run/pc" -C 1 -M 0 --vhost-path "$T" \
        --dynamic-sockets -- $(eal_opts "$name") >"$T/$name.log" 2>&1 </dev/null
    RC=$?
    OUT=$(grep -m1 -E "error: " "$T/$name.log")
}

start_in ro 1m 1
[ "$RC" = 2 ] || fail "read-only run directory: exit $RC, expected 2 ($(tail -3 "$T/ro.log"))"
echo "$OUT" | grep -q "$T/mnt/run" && echo "$OUT" | grep -qi "read-only" ||
    fail "read-only run directory: unclear message: $OUT"
ok "read-only run directory: exit 2: $OUT"

# 40 KiB: the lock fits, the 68 KiB counters file does not.
start_in full 40k 0
[ "$RC" = 2 ] || fail "full run directory: exit $RC, expected 2 ($(tail -3 "$T/full.log"))"
echo "$OUT" | grep -q "counters" && echo "$OUT" | grep -qi "no space" ||
    fail "full run directory: unclear message: $OUT"
grep -q "Bus error\|SIGBUS" "$T/full.log" && fail "full run directory: the relay crashed"
ok "full run directory: exit 2: $OUT"

# Nothing of ours may stay: the tmpfs went with its namespace, but DPDK's
# runtime directory and our temp dir are checked like in any other test.
[ -z "$(leftovers)" ] || fail "left behind: $(leftovers)"
ok "nothing left behind"
