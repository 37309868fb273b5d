#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# vhost-user client mode (VIRTIOFWD_VHOST_CLIENT): the guest-side testpmd
# serves the socket (net_virtio_user server=1, io-forwarding back what the
# net_null VF sends); the relay connects and reconnects by itself. Kill and
# restart the guest, then kill -9 and restart the relay: traffic resumes
# each time, in both directions.
# usage: test_client_mode.sh RELAY CNT_DUMP
RELAY=$1 CNT_DUMP=$2
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/run"
SOCK="$T/virtio-forwarder0.sock"

start_guest() {
    spawn guest dpdk-testpmd -l 0,1 --main-lcore 1 $(eal_opts g) --single-file-segments \
        --vdev "net_virtio_user0,path=$SOCK,queues=1,server=1" -- \
        --forward-mode=io --nb-cores=1 --total-num-mbufs=16384 -a
    GUEST_PID=$SPAWNED
}
start_relay() {
    spawn relay "$RELAY" $(relay_isolated) -C 1 -M 0 --vhost-path "$T" \
        --vhostuser-client -P 'net_null0=0' -- $(eal_opts r)
    RELAY_PID=$SPAWNED
    wait_for 20 relay_running || fail "relay did not start"
}
# flowing: both directions moved packets in the last half second
flowing() {
    local a0 b0 a1 b1
    a0=$(cnt relay0.vm_to_vf.tx_pkts) b0=$(cnt relay0.vf_to_vm.tx_pkts)
    sleep 0.5
    a1=$(cnt relay0.vm_to_vf.tx_pkts) b1=$(cnt relay0.vf_to_vm.tx_pkts)
    [ $((a1 - a0)) -gt 1000 ] && [ $((b1 - b0)) -gt 1000 ]
}

start_guest
wait_for 10 test -S "$SOCK" || fail "guest did not create its socket"
start_relay
"$RELAY" --help | grep -q vhostuser-client || fail "no --vhostuser-client"
wait_for 20 guest_up 0 || fail "relay (client) did not connect"
wait_for 10 flowing || fail "no traffic at first connection"
ok "client mode: relay connected to the guest, traffic flows both ways"

kill -KILL "$GUEST_PID"; wait "$GUEST_PID" 2>/dev/null
wait_for 10 guest_down 0 || fail "guest crash not noticed"
rm -f "$SOCK"     # testpmd, unlike QEMU, does not replace a stale socket
start_guest
wait_for 20 guest_up 0 || fail "relay did not reconnect to the restarted guest"
wait_for 10 flowing || fail "no traffic after guest restart"
ok "guest killed and restarted: relay reconnected, traffic resumed"

kill -KILL "$RELAY_PID"; wait "$RELAY_PID" 2>/dev/null
rm -rf /var/run/dpdk/"${PREFIX}r"
start_relay
wait_for 20 guest_up 0 || fail "restarted relay did not reconnect"
wait_for 10 flowing || fail "no traffic after relay restart"
ok "relay killed (-9) and restarted under a running guest: traffic resumed"

stop_pid "$RELAY_PID" 3 || fail "relay did not stop cleanly"
[ -S "$SOCK" ] || fail "client mode must not remove the guest's socket"
ok "SIGTERM in client mode leaves the guest's socket alone"
