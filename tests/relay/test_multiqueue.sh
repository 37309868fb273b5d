#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Multiqueue: a guest-side dpdk-testpmd with 4 queue pairs (txonly on all 4
# txqs) on a relay with a net_null VF. The relay follows the guest's enabled
# queue pairs (n_queues 4 in the counters file, the VF reconfigured from 1
# to 4 queue pairs in one step, not once per pair the guest enables) and
# its counters account for every packet testpmd sent.
# Then the guest comes back with 2 pairs: the relay follows it down. Last, a
# 4-pair guest drops to 2 pairs without disconnecting (as ethtool -L would):
# the relay follows once the guest's rings have settled, in one step.
# usage: test_multiqueue.sh RELAY CNT_DUMP
RELAY=$1 CNT_DUMP=$2
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/run"
spawn relay "$RELAY" $(relay_isolated) -C 1 -M 0 --vhost-path "$T" \
    -P 'net_null0,no-rx=1=0' -- $(eal_opts r)
RELAY_PID=$SPAWNED
wait_for 20 relay_running || fail "relay did not start"
[ "$(cnt relay0.n_queues)" = 1 ] || fail "n_queues $(cnt relay0.n_queues) before a guest, want 1"

tx_sent() {     # TX-packets of testpmd's last "Accumulated forward statistics"
    grep -A2 'Accumulated forward statistics' "$T/$1.log" | tail -n 3 |
        sed -n 's/.*TX-packets: *\([0-9]*\).*/\1/p'
}
# run_guest NAME QUEUES: testpmd txonly on all QUEUES pairs for 3 s; waits
# until the relay has taken all it sent, then quits. Sets SENT.
run_guest() {
    local name=$1 nq=$2
    spawn "$name" dpdk-testpmd -l 0,1 --main-lcore 1 $(eal_opts "$name") --single-file-segments \
        --vdev "net_virtio_user0,path=$T/virtio-forwarder0.sock,queues=$nq" -- \
        -i --forward-mode=txonly --nb-cores=1 --rxq="$nq" --txq="$nq" --total-num-mbufs=32768
    local pid=$SPAWNED
    wait_for 20 guest_up 0 || fail "guest $name did not connect"
    echo start >&8
    nq_is() { [ "$(cnt relay0.n_queues)" = "$1" ]; }
    wait_for 10 nq_is "$nq" ||
        fail "relay n_queues $(cnt relay0.n_queues) with a $nq-queue guest"
    sleep 3
    echo stop >&8
    settled() {
        local s; s=$(tx_sent "$name")
        [ -n "$s" ] && [ "$(cnt relay0.vm_to_vf.rx_pkts)" = $((BASE + s)) ]
    }
    wait_for 10 settled
    echo quit >&8
    stop_pid "$pid" 10
    wait_for 10 guest_down 0 || fail "guest $name disconnect not seen"
    SENT=$(tx_sent "$name")
    [ -n "$SENT" ] && [ "$SENT" -gt 100000 ] || fail "testpmd $name sent too little: '$SENT'"
}

BASE=0
run_guest g4 4
rx=$(cnt relay0.vm_to_vf.rx_pkts); tx=$(cnt relay0.vm_to_vf.tx_pkts)
echo "4 queues: testpmd sent $SENT; relay received $rx, sent $tx to the VF"
[ "$rx" = "$SENT" ] || fail "relay received $rx != testpmd sent $SENT"
[ "$tx" = "$SENT" ] || fail "relay sent $tx != testpmd sent $SENT"
[ "$(cnt relay0.vm_to_vf.drop_full_pkts)" = 0 ] || fail "unexpected queue-full drops"
[ "$(cnt relay0.vm_to_vf.drop_nc_pkts)" = 0 ] || fail "unexpected not-connected drops"
grep -q "relay 0: 4 queue pairs (was 1)" "$T/relay.log" ||
    fail "no reconfiguration from 1 to 4 queue pairs logged: $(grep 'queue pairs (was' "$T/relay.log")"
[ "$(grep -c 'queue pairs (was' "$T/relay.log")" = 1 ] ||
    fail "the VF was reconfigured more than once: $(grep 'queue pairs (was' "$T/relay.log")"
# testpmd spreads txonly over its queues: all 4 must have carried some
for q in 0 1 2 3; do
    grep -q "TX Port= 0/Queue= $q" "$T/g4.log" || fail "testpmd did not send on queue $q"
done
# Per queue: each of the 4 guest transmit rings counted apart, and the
# queues add up exactly to the direction's totals (one seqcount covers both).
"$CNT_DUMP" "$T/run" >"$T/cnt4.txt"
python3 - "$T/cnt4.txt" <<'PY' || fail "per-queue counters do not add up"
import sys
c = dict(l.split(" ", 1) for l in open(sys.argv[1]).read().splitlines())
v = lambda k: int(c["relay0." + k])
for d, nq in (("vm_to_vf", 4), ("vf_to_vm", 4)):
    if v(d + ".queues_shown") != nq:
        sys.exit("%s: %d queues shown, want %d" % (d, v(d + ".queues_shown"), nq))
    for f in ("rx_pkts", "rx_bytes"):
        per_q = [v("%s.q%d.%s" % (d, q, f)) for q in range(nq)]
        print("%s %s per queue %s, total %d" % (d, f, per_q, v(d + "." + f)))
        if sum(per_q) != v(d + "." + f):
            sys.exit("%s %s: queues sum to %d, direction says %d" % (d, f, sum(per_q), v(d + "." + f)))
for q in range(4):
    if v("vm_to_vf.q%d.rx_pkts" % q) == 0:
        sys.exit("guest ring of pair %d carried nothing" % q)
PY
ok "4 queue pairs: counters agree with testpmd: $SENT packets, n_queues 4, per-queue counts add up"

BASE=$rx
run_guest g2 2
rx=$(cnt relay0.vm_to_vf.rx_pkts); tx=$(cnt relay0.vm_to_vf.tx_pkts)
echo "2 queues: testpmd sent $SENT; relay received $((rx - BASE))"
[ "$rx" = $((BASE + SENT)) ] || fail "relay received $((rx - BASE)) != testpmd sent $SENT"
[ "$tx" = "$rx" ] || fail "relay sent $tx != received $rx"
# The control thread logs the change; on a busy machine the line may come
# after testpmd's own exit, so wait for it, then insist on exactly one.
reconfigs() { grep -c 'queue pairs (was' "$T/relay.log"; }
reconfigs_are() { [ "$(reconfigs)" -ge "$1" ]; }
wait_for 5 reconfigs_are 2
[ "$(reconfigs)" = 2 ] ||
    fail "4 -> 2 queue pairs took $(( $(reconfigs) - 1 )) reconfigurations, want 1: $(grep 'queue pairs (was' "$T/relay.log")"
ok "2 queue pairs after 4: counters agree with testpmd: $SENT packets, n_queues 2"

spawn g4to2 dpdk-testpmd -l 0,1 --main-lcore 1 $(eal_opts g4to2) --single-file-segments \
    --vdev "net_virtio_user0,path=$T/virtio-forwarder0.sock,queues=4" -- \
    -i --forward-mode=txonly --nb-cores=1 --rxq=4 --txq=4 --total-num-mbufs=32768
G_PID=$SPAWNED
wait_for 20 guest_up 0 || fail "guest g4to2 did not connect"
wait_for 10 nq_is 4 || fail "relay n_queues $(cnt relay0.n_queues) with a 4-queue guest"
before=$(reconfigs)
for c in "port stop all" "port config all rxq 2" "port config all txq 2" "port start all"; do
    echo "$c" >&8
done
wait_for 10 nq_is 2 || fail "relay n_queues $(cnt relay0.n_queues) after the guest went to 2 pairs"
sleep 3.5       # a second change would come after the 3 s settling time
[ "$(reconfigs)" = $((before + 1)) ] ||
    fail "4 -> 2 pairs at run time: $(grep 'queue pairs (was' "$T/relay.log" | tail -n +$((before + 1)))"
guest_up 0 || fail "the guest was disconnected by the change"
echo quit >&8
stop_pid "$G_PID" 10
ok "a guest going from 4 to 2 queue pairs at run time: one reconfiguration, guest kept"

stop_pid "$RELAY_PID" 3 || fail "relay did not stop cleanly"
ok "relay stopped"
