#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Hot add and remove of a VF under traffic, through the relay's internal
# port API (hotplug_harness); the guest is dpdk-testpmd txonly.
# usage: test_hotplug.sh HARNESS [CYCLES]
HARNESS=$1 CYCLES=${2:-6}
CNT_DUMP=/bin/false
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/run"
spawn harness "$HARNESS" "$T/run" "$T" "$CYCLES" -- $(eal_opts h)
H_PID=$SPAWNED
wait_for 20 grep -q ready "$T/harness.log" || fail "harness not ready"
spawn guest dpdk-testpmd -l 0,1 --main-lcore 1 $(eal_opts g) --single-file-segments \
    --vdev "net_virtio_user0,path=$T/virtio-forwarder0.sock,queues=1" -- \
    --forward-mode=txonly --nb-cores=1 --total-num-mbufs=16384 -a
wait "$H_PID"; rc=$?
grep -E "^cycle|PASS|FAIL" "$T/harness.log"
[ "$rc" = 0 ] || fail "harness exit code $rc"
ok "hot add/remove under traffic"
