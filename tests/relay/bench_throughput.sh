#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# relay-throughput benchmark: 64-byte packets, guest->VF and VF->guest.
# The forwarder (relay worker, or testpmd's forwarding lcore) runs on CPU 1,
# the guest-side dpdk-testpmd (net_virtio_user) on CPU 0; the VF is
# net_null in both cases. Rates are read the same way for both forwarders:
# the guest's own per-second Tx-pps (txonly, guest->VF) or Rx-pps (rxonly,
# VF->guest), median of the samples after a warm-up. The relay's counters
# give a second figure for the relay.
# usage: bench_throughput.sh RELAY CNT_DUMP [SECONDS]
RELAY=$1 CNT_DUMP=$2 SECS=${3:-6}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bench_lib.sh"
mkdir -p "$T/run"

run_relay() {   # run_relay TAG VFDEV GUESTMODE FIELD (TAG: unique per run)
    spawn "relay$1" "$RELAY" $(relay_isolated) -C 1 -M 0 --vhost-path "$T" \
        -P "$2=0" -- $(eal_opts "r$1")
    local rpid=$SPAWNED
    wait_for 20 relay_running || fail "relay did not start"
    guest "$3" "r$1" "$T/virtio-forwarder0.sock"
    wait_for 20 guest_up 0 || fail "guest did not connect"
    sleep 2
    local dir=vm_to_vf
    case "$1" in vf2vm*) dir=vf_to_vm ;; esac
    local k=relay0.$dir.tx_pkts
    local c0 t0 c1 t1 b0 b1 p0 p1
    c0=$(cnt $k); t0=$(date +%s%N)
    b0=$(cnt relay0.$dir.busy_cycles); p0=$(cnt relay0.$dir.rx_pkts)
    sleep "$SECS"
    c1=$(cnt $k); t1=$(date +%s%N)
    b1=$(cnt relay0.$dir.busy_cycles); p1=$(cnt relay0.$dir.rx_pkts)
    RELAY_CNT_PPS=$(( (c1 - c0) * 1000000000 / (t1 - t0) ))
    # The dataplane's own cost: TSC cycles of bursts that moved packets,
    # per packet received (less sensitive to the other agents than a rate).
    RELAY_CPP=$(awk -v b=$((b1 - b0)) -v p=$((p1 - p0)) 'BEGIN {printf "%.1f", p ? b / p : 0}')
    stop_pid "$GUEST_PID" 5
    stop_pid "$rpid" 3
    RELAY_PPS=$(median_pps "$T/guestr$1.log" "$4")
}

run_testpmd() {   # run_testpmd TAG VFDEV GUESTMODE FIELD
    local sock="$T/tp$1.sock"
    spawn "tp$1" dpdk-testpmd -l 0,1 --main-lcore 0 $(eal_opts "t$1") \
        --vdev "net_vhost0,iface=$sock,queues=1" --vdev "$2" -- \
        --forward-mode=io --nb-cores=1 --total-num-mbufs=16384 -a
    local tpid=$SPAWNED
    wait_for 20 test -S "$sock" || fail "testpmd did not create $sock"
    guest "$3" "t$1" "$sock"
    sleep $((SECS + 2))
    stop_pid "$GUEST_PID" 5
    stop_pid "$tpid" 5
    TP_PPS=$(median_pps "$T/guestt$1.log" "$4")
}

# Three rounds per direction, alternating which forwarder goes first, and
# the median of the per-round ratios: on a shared machine one pair of runs
# mostly measures what else ran at that moment.
ROUNDS=${ROUNDS:-3}
declare -A R C
for dir in vm2vf vf2vm; do
    if [ $dir = vm2vf ]; then vf='net_null0,no-rx=1'; mode=txonly; field=Tx-pps
    else vf='net_null0'; mode=rxonly; field=Rx-pps; fi
    name=$([ $dir = vm2vf ] && echo "guest->VF" || echo "VF->guest")
    ratios=() cpps=()
    for round in $(seq 1 "$ROUNDS"); do
        if [ $((round % 2)) = 1 ]; then
            run_relay "$dir$round" "$vf" $mode $field
            run_testpmd "$dir$round" "$vf" $mode $field
        else
            run_testpmd "$dir$round" "$vf" $mode $field
            run_relay "$dir$round" "$vf" $mode $field
        fi
        [ "$RELAY_PPS" -gt 0 ] && [ "$TP_PPS" -gt 0 ] || fail "$dir: no rate measured"
        ratio=$(awk -v a="$RELAY_PPS" -v b="$TP_PPS" 'BEGIN {printf "%.3f", a / b}')
        ratios+=("$ratio")
        cpps+=("$RELAY_CPP")
        echo "$name round $round: relay $(mpps "$RELAY_PPS") Mpps" \
             "(relay counters $(mpps "$RELAY_CNT_PPS"), $RELAY_CPP busy cycles/packet)," \
             "testpmd $(mpps "$TP_PPS") Mpps, ratio $ratio"
    done
    R[$dir]=$(printf '%s\n' "${ratios[@]}" | median)
    C[$dir]=$(printf '%s\n' "${cpps[@]}" | median)
done
echo "ratio relay/testpmd (median of $ROUNDS rounds): guest->VF ${R[vm2vf]}, VF->guest ${R[vf2vm]}"
echo "relay busy cycles/packet (median): guest->VF ${C[vm2vf]}, VF->guest ${C[vf2vm]}"
