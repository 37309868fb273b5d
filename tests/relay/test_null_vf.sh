#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# A relay with a net_null VF and a guest-side dpdk-testpmd (txonly on
# net_virtio_user) carries traffic, and the relay's counters agree exactly
# with testpmd's own count. Then SIGTERM: exit 0 within 2 s, files removed.
# usage: test_null_vf.sh RELAY CNT_DUMP
RELAY=$1 CNT_DUMP=$2
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/run"
spawn relay "$RELAY" $(relay_isolated) -C 1 -M 0 --vhost-path "$T" \
    -P 'net_null0,no-rx=1=0' -- $(eal_opts r)
RELAY_PID=$SPAWNED
wait_for 20 relay_running || fail "relay did not start"
[ -S "$T/virtio-forwarder0.sock" ] && [ -S "$T/virtio-forwarder63.sock" ] ||
    fail "64 vhost-user sockets expected"

# Interactive, so the guest stops sending and the relay drains the ring
# before the guest goes away: packets still in the ring when a guest shuts
# its device down are gone, and on a busy machine the worker may not have
# run in between.
spawn guest dpdk-testpmd -l 0,1 --main-lcore 1 $(eal_opts g) --single-file-segments \
    --vdev "net_virtio_user0,path=$T/virtio-forwarder0.sock,queues=1" -- \
    -i --forward-mode=txonly --nb-cores=1 --total-num-mbufs=16384
GUEST_PID=$SPAWNED
wait_for 20 guest_up 0 || fail "guest did not connect"
echo start >&8
sleep 3
echo stop >&8
settled() {     # the relay has taken everything testpmd says it sent
    local sent
    sent=$(grep -A2 'Accumulated forward statistics' "$T/guest.log" |
           sed -n 's/.*TX-packets: *\([0-9]*\).*/\1/p')
    [ -n "$sent" ] && [ "$(cnt relay0.vm_to_vf.rx_pkts)" = "$sent" ]
}
wait_for 10 settled
echo quit >&8
stop_pid "$GUEST_PID" 10
wait_for 10 guest_down 0 || fail "guest disconnect not seen"

sent=$(grep -A2 'Accumulated forward statistics' "$T/guest.log" | sed -n 's/.*TX-packets: *\([0-9]*\).*/\1/p')
# Enough traffic to make the exact comparison below mean something; the
# rate itself is the throughput benchmark's business, not this test's (a
# busy machine has given testpmd 0.4 M packets in these 3 s).
[ -n "$sent" ] && [ "$sent" -gt 10000 ] || fail "testpmd sent too little: '$sent'"
rx=$(cnt relay0.vm_to_vf.rx_pkts); tx=$(cnt relay0.vm_to_vf.tx_pkts)
rxb=$(cnt relay0.vm_to_vf.rx_bytes)
echo "testpmd sent $sent; relay received $rx, sent $tx to the VF ($rxb bytes)"
[ "$rx" = "$sent" ] || fail "relay received $rx != testpmd sent $sent"
[ "$tx" = "$sent" ] || fail "relay sent $tx != testpmd sent $sent"
[ "$rxb" = $((sent * 64)) ] || fail "bytes $rxb != 64 * $sent"
[ "$(cnt relay0.vm_to_vf.drop_full_pkts)" = 0 ] || fail "unexpected queue-full drops"
[ "$(cnt relay0.vm_to_vf.busy_cycles)" -gt 0 ] || fail "no busy cycles counted"
[ "$(cnt relay0.vm_to_vf.rx_full_bursts)" -gt 0 ] || fail "no full bursts counted"
[ "$(cnt relay0.vm_to_vf.cpu)" = 1 ] || fail "direction not on worker CPU 1"
[ "$(cnt worker0.loops)" -gt 0 ] || fail "worker loops not counted"
ok "counters agree with testpmd: $sent packets"

start=$(date +%s%N)
stop_pid "$RELAY_PID" 3; rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$rc" = 0 ] || fail "relay exit code $rc after SIGTERM"
[ "$ms" -lt 2000 ] || fail "relay took $ms ms to stop"
[ ! -e "$T/run/counters" ] || fail "counters file left behind"
[ ! -e "$T/run/virtio-forwarder.lock" ] || fail "lock file left behind"
[ ! -e "$T/virtio-forwarder0.sock" ] || fail "vhost socket left behind"
ok "SIGTERM after guest disconnect: exit 0 in $ms ms, files removed"
