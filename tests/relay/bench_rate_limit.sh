#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# relay-rate-limit benchmark, two parts in one run.
#
# 1. Accuracy: a guest-side dpdk-testpmd (txonly, 64-byte then 1500-byte
#    frames, as fast as it can) sends through relay 0 to a net_null VF;
#    vio4wd-port-control sets the VM->VF limit to 10 Mb/s, 100 Mb/s, 1 Gb/s
#    and 5 Gb/s (interval 20 ms). For each, three 1 s windows by the
#    counters' own clock: achieved/limit per window and the worst
#    deviation (want within 3%). When the guest cannot offer more than the
#    limit (offered/limit < 1.05), the line says so: the limit is not what
#    holds the rate then.
# 2. Cost: the same relay unlimited, with the meter code compiled in, over
#    the relay built without it (virtio-forwarder-nometer), 64-byte frames
#    guest->VF; relay counters' packets/s, median of 3 alternating rounds
#    (want >= 0.98).
# usage: bench_rate_limit.sh RELAY RELAY_NOMETER CNT_DUMP PORT_CONTROL [SECONDS]
RELAY=$1 NOMETER=$2 CNT_DUMP=$3 PORTCTL=$4 SECS=${5:-5}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bench_lib.sh"
. "$(dirname "$0")/rate_lib.sh"
need dpdk-testpmd
mkdir -p "$T/run"
rate_relay_conf "$T/cfg"

# sample : "rx_bytes tx_bytes tsc" of relay 0 VM->VF, from one block copy.
sample() {
    "$CNT_DUMP" "$T/run" | awk '$1=="relay0.vm_to_vf.rx_bytes"{r=$2}
        $1=="relay0.vm_to_vf.tx_bytes"{b=$2} $1=="relay0.vm_to_vf.update_tsc"{t=$2}
        END{print r, b, t}'
}

# txguest TAG SIZE : testpmd txonly with SIZE-byte frames on relay 0.
txguest() {
    spawn "guest$1" dpdk-testpmd -l 0,1 --main-lcore 0 $(eal_opts "g$1") --single-file-segments \
        --vdev "net_virtio_user0,path=$T/virtio-forwarder0.sock,queues=1" -- \
        --forward-mode=txonly --txpkts="$2" --nb-cores=1 --total-num-mbufs=16384 -a
    GUEST_PID=$SPAWNED
    wait_for 20 guest_up 0 || fail "guest did not connect"
}

# ---- 1. accuracy -------------------------------------------------------------
spawn relay "$RELAY" --config "$T/cfg" --run-dir "$T/run" -- $(eal_opts r)
RELAY_PID=$SPAWNED
wait_for 20 relay_running || fail "relay did not start"
HZ=$(cnt header.tsc_hz)
echo "achieved rate / limit, VM->VF, three 1 s windows each (want 0.97..1.03):"
WORST=0
for size in 64 1500; do
    txguest "acc$size" "$size"
    for limit in 10Mb/s 100Mb/s 1Gb/s 5Gb/s; do
        "$PORTCTL" --config "$T/cfg" rate --virtio-id 0 --vm-to-vf "$limit@20ms" >/dev/null ||
            fail "cannot set $limit"
        Bps=$(cnt relay0.vm_to_vf.rate_limit_Bps)
        sleep 0.5
        prev=$(sample)
        line="" offered_min=""
        for w in 1 2 3; do
            sleep 1
            cur=$(sample)
            read -r ratio offered < <(awk -v a="$prev" -v b="$cur" -v hz="$HZ" -v l="$Bps" 'BEGIN{
                split(a,x," "); split(b,y," "); s=(y[3]-x[3])/hz;
                printf "%.4f %.3f\n", (y[2]-x[2])/s/l, (y[1]-x[1])/s/l}')
            line="$line $ratio"
            offered_min=$(awk -v o="$offered" -v m="${offered_min:-1e9}" 'BEGIN{print (o<m)?o:m}')
            prev=$cur
        done
        dev=$(printf '%s\n' $line | awk '{d=($1-1)*100; if (d<0) d=-d; if (d>m) m=d} END{printf "%.2f", m}')
        note=""
        if awk -v o="$offered_min" 'BEGIN{exit !(o < 1.05)}'; then
            note="  (guest offered only ${offered_min}x the limit: not limit-bound)"
        else
            WORST=$(awk -v a="$WORST" -v b="$dev" 'BEGIN{print (b>a)?b:a}')
        fi
        printf '  %5s B %8s:%s  worst %5.2f%%  offered %sx%s\n' "$size" "$limit" "$line" "$dev" \
            "$offered_min" "$note"
    done
    "$PORTCTL" --config "$T/cfg" rate --virtio-id 0 --vm-to-vf unlimited >/dev/null
    stop_pid "$GUEST_PID" 5
    wait_for 10 guest_down 0
done
stop_pid "$RELAY_PID" 5
echo "worst deviation where the limit held the rate: ${WORST}% (want <= 3%)"

# ---- 2. cost of the meter code on an unlimited relay -------------------------
run_unlimited() {   # run_unlimited BINARY TAG : sets PPS from the relay's counters
    spawn "relay$2" "$1" --config "$T/cfg" --run-dir "$T/run" -- $(eal_opts "r$2")
    local rpid=$SPAWNED
    wait_for 20 relay_running || fail "relay $2 did not start"
    txguest "$2" 64
    sleep 2
    local c0 t0 c1 t1
    c0=$(cnt relay0.vm_to_vf.tx_pkts); t0=$(date +%s%N)
    sleep "$SECS"
    c1=$(cnt relay0.vm_to_vf.tx_pkts); t1=$(date +%s%N)
    PPS=$(( (c1 - c0) * 1000000000 / (t1 - t0) ))
    stop_pid "$GUEST_PID" 5
    stop_pid "$rpid" 5
}
ratios=()
for round in 1 2 3; do
    if [ $((round % 2)) = 1 ]; then
        run_unlimited "$RELAY" "m$round"; with=$PPS
        run_unlimited "$NOMETER" "n$round"; without=$PPS
    else
        run_unlimited "$NOMETER" "n$round"; without=$PPS
        run_unlimited "$RELAY" "m$round"; with=$PPS
    fi
    [ "$with" -gt 0 ] && [ "$without" -gt 0 ] || fail "no rate measured"
    ratio=$(awk -v a="$with" -v b="$without" 'BEGIN{printf "%.3f", a / b}')
    ratios+=("$ratio")
    echo "unlimited round $round: with meter $(mpps "$with") Mpps, without $(mpps "$without") Mpps, ratio $ratio"
done
echo "ratio with meter / without, unlimited relay (median of 3 rounds): $(printf '%s\n' "${ratios[@]}" | median) (want >= 0.98)"
