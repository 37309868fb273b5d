#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The mbuf pool follows the guest's memory: with the guest pretended to be
# on NUMA node 1 (VIO4WD_TEST_GUEST_NUMA_NODE, test only; this machine has
# one node, so the pool falls back to "any node" and really stays on node
# 0), the pool created on the VF's node at start is replaced when the guest
# connects: the VF is restarted on the new pool, the directions resume on
# their worker, the old pool is freed once its mbufs are back, and the
# guest's traffic is still counted exactly. The placement rule itself is
# unit-tested (numa_place).
# usage: test_pool_move.sh RELAY CNT_DUMP
RELAY=$1 CNT_DUMP=$2
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/run"
VIO4WD_TEST_GUEST_NUMA_NODE=1 spawn relay "$RELAY" $(relay_isolated) -C 1 -M 0 \
    --vhost-path "$T" -P 'net_null0=0' -- $(eal_opts r)
RELAY_PID=$SPAWNED
wait_for 20 relay_running || fail "relay did not start"
grep -q "relay 0: .* mbufs of [0-9]* bytes for node 0 (pool relay0_0)" "$T/relay.log" || fail "first pool not on the VF's node 0"

spawn guest stdbuf -oL dpdk-testpmd -l 0,1 --main-lcore 1 $(eal_opts g) --single-file-segments \
    --vdev "net_virtio_user0,path=$T/virtio-forwarder0.sock,queues=1" -- \
    -i --forward-mode=txonly --nb-cores=1 --total-num-mbufs=16384
GUEST_PID=$SPAWNED
wait_for 20 guest_up 0 || fail "guest did not connect"
grep -q "relay 0: mbuf pool moved from node 0 to node 1 (now on node 0)" "$T/relay.log" ||
    fail "pool not moved when the guest connected"
wait_for 10 grep -q "relay 0: replaced mbuf pool relay0_0 freed" "$T/relay.log" ||
    fail "old pool not freed"
ok "pool moved for the guest's node; the old one freed once its mbufs were back"

vfrx0=$(cnt relay0.vf_to_vm.rx_pkts)
echo start >&8
sleep 2
echo stop >&8
tx_sent() {
    grep -A2 'Accumulated forward statistics' "$T/guest.log" | sed -n 's/.*TX-packets: *\([0-9]*\).*/\1/p'
}
settled() { local s; s=$(tx_sent); [ -n "$s" ] && [ "$(cnt relay0.vm_to_vf.rx_pkts)" = "$s" ]; }
wait_for 10 settled
sent=$(tx_sent)
[ -n "$sent" ] && [ "$sent" -gt 100000 ] || fail "testpmd sent too little: '$sent'"
[ "$(cnt relay0.vm_to_vf.rx_pkts)" = "$sent" ] && [ "$(cnt relay0.vm_to_vf.tx_pkts)" = "$sent" ] ||
    fail "relay counted $(cnt relay0.vm_to_vf.rx_pkts)/$(cnt relay0.vm_to_vf.tx_pkts), testpmd sent $sent"
[ "$(cnt relay0.vf_to_vm.rx_pkts)" -gt "$vfrx0" ] || fail "VF rx (on the new pool) receives nothing"
[ "$(cnt relay0.vf_to_vm.cpu)" = 1 ] && [ "$(cnt relay0.vm_to_vf.cpu)" = 1 ] || fail "directions not back on CPU 1"
[ "$(cnt relay0.vm_to_vf.migrations)" = 0 ] || fail "the pause counted as a migration"
ok "after the move: $sent guest packets counted exactly, VF rx on the new pool"

echo quit >&8
stop_pid "$GUEST_PID" 10
stop_pid "$RELAY_PID" 3 || fail "relay did not stop cleanly"
ok "relay stopped"
