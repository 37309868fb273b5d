#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# relay-idle-sleep benchmark (issue 13): what the idle back-off saves and
# what it costs.
#  1. CPU time of an idle worker thread (rte-worker-1, utime + stime from
#     /proc/<pid>/task/<tid>/stat) over SECS seconds, with
#     VIRTIOFWD_WORKER_SLEEP_MAX_US=500 and with 0 (busy polling, the
#     reference: about one core). The worker services both directions of a
#     relay whose VF (net_null, no-rx) brings nothing and whose guest is
#     absent, so it is idle but not parked. Want under 5% of a core at 500.
#  2. Throughput at full load, 64-byte packets, guest->VF and VF->guest
#     (dpdk-testpmd as the guest, as relay-throughput), with the sleep at
#     500 over the same at 0. Want at least 0.98. Median of ROUNDS rounds,
#     alternating which goes first. The rate on a shared machine is mostly
#     set by the other agents, so the relay's own busy cycles per packet
#     are compared as well (packets per cycle, sleep 500 over 0).
#  3. The latency a packet sees through a worker that sleeps between
#     packets: vio4wd-loadgen (guest + memif VF peer) at 2k pps each way,
#     one-way latency as the generator reports it (every latency_us field
#     it has), with the sleep at 500 and at 0, and the ratio of the means.
# usage: bench_idle_sleep.sh RELAY CNT_DUMP LOADGEN [SECS]
RELAY=$1 CNT_DUMP=$2 LOADGEN=$3 SECS=${4:-6}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bench_lib.sh"
mkdir -p "$T/run"
HZ_TICKS=$(getconf CLK_TCK)

start_relay() {   # start_relay TAG SLEEP_MAX VFDEV
    spawn "relay$1" "$RELAY" $(relay_isolated) -C 1 -M 0 --vhost-path "$T" \
        --worker-sleep-max-us "$2" -P "$3=0" -- $(eal_opts "r$1")
    RPID=$SPAWNED
    wait_for 20 relay_running || fail "relay did not start"
}

worker_ticks() {   # utime + stime of the relay's worker thread on CPU 1
    local t
    for t in /proc/"$RPID"/task/*; do
        if [ "$(cat "$t/comm" 2>/dev/null)" = rte-worker-1 ]; then
            awk '{ sub(/.*\) /, ""); print $12 + $13 }' "$t/stat"
            return
        fi
    done
    fail "no rte-worker-1 thread in relay $RPID"
}

idle_share() {   # idle_share TAG SLEEP_MAX: prints the worker's share of a core
    start_relay "$1" "$2" 'net_null0,no-rx=1'
    [ "$(cnt worker0.n_dirs)" = 2 ] || fail "the worker does not hold both directions"
    [ "$(cnt worker0.parked)" = 0 ] || fail "the worker is parked, not idle"
    sleep 1
    local a b
    a=$(worker_ticks); sleep "$SECS"; b=$(worker_ticks)
    stop_pid "$RPID" 3 || fail "relay did not stop"
    awk -v d=$((b - a)) -v hz="$HZ_TICKS" -v s="$SECS" 'BEGIN {printf "%.4f", d / hz / s}'
}

busy=$(idle_share idle0 0)
asleep=$(idle_share idle500 500)
echo "idle worker CPU: $(awk -v x="$asleep" 'BEGIN {printf "%.1f", x * 100}')% of a core at" \
     "500 us, $(awk -v x="$busy" 'BEGIN {printf "%.1f", x * 100}')% at 0 (busy polling)"
echo "ratio idle CPU sleep-500/busy-poll: $(awk -v a="$asleep" -v b="$busy" \
     'BEGIN {printf "%.3f", (b > 0 ? a / b : 0)}') (want idle CPU < 5% of a core: $(awk \
     -v a="$asleep" 'BEGIN {print (a < 0.05 ? "yes" : "NO")}'))"

full_load() {   # full_load TAG SLEEP_MAX VFDEV GUESTMODE FIELD DIR: sets PPS and CPP
    start_relay "$1" "$2" "$3"
    guest "$4" "$1" "$T/virtio-forwarder0.sock"
    wait_for 20 guest_up 0 || fail "guest did not connect"
    sleep 2
    local b0 p0 b1 p1
    b0=$(cnt "relay0.$6.busy_cycles"); p0=$(cnt "relay0.$6.rx_pkts")
    sleep "$SECS"
    b1=$(cnt "relay0.$6.busy_cycles"); p1=$(cnt "relay0.$6.rx_pkts")
    # The dataplane's own cost per packet: steadier than a rate on a
    # shared machine, where the other agents set the rate.
    CPP=$(awk -v b=$((b1 - b0)) -v p=$((p1 - p0)) 'BEGIN {printf "%.2f", (p ? b / p : 0)}')
    stop_pid "$GUEST_PID" 5
    stop_pid "$RPID" 3
    PPS=$(median_pps "$T/guest$1.log" "$5")
    [ "$PPS" -gt 0 ] || fail "$1: no rate measured"
}

ROUNDS=${ROUNDS:-3}
declare -A R C
for dir in vm2vf vf2vm; do
    if [ $dir = vm2vf ]; then vf='net_null0,no-rx=1'; mode=txonly; field=Tx-pps
    else vf='net_null0'; mode=rxonly; field=Rx-pps; fi
    name=$([ $dir = vm2vf ] && echo "guest->VF" || echo "VF->guest")
    ratios=() cratios=()
    rdir=$([ $dir = vm2vf ] && echo vm_to_vf || echo vf_to_vm)
    for round in $(seq 1 "$ROUNDS"); do
        if [ $((round % 2)) = 1 ]; then order="500 0"; else order="0 500"; fi
        for us in $order; do
            full_load "$dir$round-$us" "$us" "$vf" "$mode" "$field" "$rdir"
            eval "P$us=$PPS C$us=$CPP"
        done
        ratio=$(awk -v a="$P500" -v b="$P0" 'BEGIN {printf "%.3f", a / b}')
        cratio=$(awk -v a="$C0" -v b="$C500" 'BEGIN {printf "%.3f", (b > 0 ? a / b : 0)}')
        ratios+=("$ratio")
        cratios+=("$cratio")
        echo "$name round $round: sleep 500 us $(mpps "$P500") Mpps ($C500 busy cycles/packet)," \
             "sleep 0 $(mpps "$P0") Mpps ($C0), ratio $ratio (cycles: $cratio)"
    done
    R[$dir]=$(printf '%s\n' "${ratios[@]}" | median)
    C[$dir]=$(printf '%s\n' "${cratios[@]}" | median)
done
echo "ratio full-load throughput sleep-500/sleep-0 (median of $ROUNDS rounds):" \
     "guest->VF ${R[vm2vf]}, VF->guest ${R[vf2vm]} (want >= 0.98)"
echo "ratio full-load packets per busy cycle sleep-500/sleep-0 (median):" \
     "guest->VF ${C[vm2vf]}, VF->guest ${C[vf2vm]}"

latency() {   # latency TAG SLEEP_MAX: prints the loadgen's latency_us of both directions
    spawn "lg$1" "$LOADGEN" -d "$SECS" -g 2s -q --json --socket-dir "$T/$1" --memif-dir "$T/$1" \
        --relay 0,rate=2k -- -l 0 --no-huge -m 512 --no-pci --single-file-segments \
        --file-prefix="${PREFIX}lg$1"
    local lg=$SPAWNED
    wait_for 20 grep -q "memif sockets ready" "$T/lg$1.log" || fail "loadgen not ready"
    spawn "relay$1" "$RELAY" $(relay_isolated) -C 1 -M 0 --vhost-path "$T/$1" \
        --worker-sleep-max-us "$2" \
        -P "net_memif0,role=client,id=0,socket=$T/$1/vio4wd-memif0.sock,socket-abstract=no=0" \
        -- $(eal_opts "r$1")
    RPID=$SPAWNED
    wait_for $((SECS + 40)) grep -q '{"version"' "$T/lg$1.log" || fail "loadgen did not finish"
    stop_pid "$RPID" 3
    stop_pid "$lg" 15
    python3 - "$T/lg$1.log" <<'PY' || fail "no latency in the loadgen report"
import json, sys
text = open(sys.argv[1]).read()
rep = json.loads(text[text.index('{"version"'):].splitlines()[0])
r = rep["relays"][0]
if rep["totals"]["lost"]:
    sys.exit("lost %d" % rep["totals"]["lost"])
lat = {d: r[d]["latency_us"] for d in ("vm_to_vf", "vf_to_vm")}
print(" ".join("%s:%s" % (d, ",".join("%s=%.1f" % kv for kv in sorted(l.items())))
               for d, l in lat.items()),
      "mean=%.2f" % ((lat["vm_to_vf"]["avg"] + lat["vf_to_vm"]["avg"]) / 2))
PY
}
mkdir -p "$T/lat0" "$T/lat500"
l0=$(latency lat0 0)
l500=$(latency lat500 500)
echo "latency at 2k pps, sleep 0 (us): $l0"
echo "latency at 2k pps, sleep 500 (us): $l500"
echo "ratio mean latency sleep-500/sleep-0: $(awk -v a="${l500##*mean=}" -v b="${l0##*mean=}" \
     'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')" \
     "(+$(awk -v a="${l500##*mean=}" -v b="${l0##*mean=}" 'BEGIN {printf "%.1f", a - b}') us)"
