#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# relay-counters-reader benchmark: does reading the counters slow the
# dataplane? One relay (worker on CPU 1) carries guest->VF traffic from a
# dpdk-testpmd txonly guest into a net_null VF, and stays up throughout.
# Windows alternate: quiet, then with cnt_poll taking full snapshots at
# HZ (default 1000: a thousand times monitor_load's default) from CPU 0,
# where readers belong (never on a worker CPU). For each window the relay's
# own counters give the forwarded rate and the worker's busy cycles per
# packet; the last line gives the median of the reader windows over the
# median of the quiet ones. 1.00 means no effect.
# usage: bench_counters_reader.sh RELAY CNT_DUMP CNT_POLL [SECONDS] [HZ]
RELAY=$1 CNT_DUMP=$2 CNT_POLL=$3 SECS=${4:-4} HZ=${5:-1000}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bench_lib.sh"
mkdir -p "$T/run"

spawn relay "$RELAY" $(relay_isolated) -C 1 -M 0 --vhost-path "$T" \
    -P "net_null0,no-rx=1=0" -- $(eal_opts r)
wait_for 20 relay_running || fail "relay did not start"
guest txonly r "$T/virtio-forwarder0.sock"
wait_for 20 guest_up 0 || fail "guest did not connect"
sleep 2

# window TAG READER(0|1): one measurement; prints "pps cycles_per_packet".
window() {
    local k=relay0.vm_to_vf p0 b0 t0 p1 b1 t1 reader=
    if [ "$2" = 1 ]; then
        taskset -c 0 "$CNT_POLL" "$T/run" "$HZ" $((SECS + 1)) >"$T/poll$1.txt" 2>&1 &
        reader=$!
        sleep 0.5
    fi
    p0=$(cnt $k.tx_pkts); b0=$(cnt $k.busy_cycles); t0=$(date +%s%N)
    sleep "$SECS"
    p1=$(cnt $k.tx_pkts); b1=$(cnt $k.busy_cycles); t1=$(date +%s%N)
    if [ -n "$reader" ]; then
        wait "$reader" || fail "reader: $(cat "$T/poll$1.txt")"
    fi
    [ "$p1" -gt "$p0" ] || fail "window $1: no packets forwarded"
    awk -v dp=$((p1 - p0)) -v db=$((b1 - b0)) -v dt=$((t1 - t0)) \
        'BEGIN {printf "%.0f %.1f\n", dp * 1e9 / dt, db / dp}'
}

ROUNDS=${ROUNDS:-3}
quiet_pps=() quiet_cpp=() read_pps=() read_cpp=()
for round in $(seq 1 "$ROUNDS"); do
    read -r pps cpp < <(window "q$round" 0) || exit 1
    quiet_pps+=("$pps"); quiet_cpp+=("$cpp")
    echo "round $round without reader: $(mpps "$pps") Mpps, $cpp cycles/packet"
    read -r pps cpp < <(window "r$round" 1) || exit 1
    read_pps+=("$pps"); read_cpp+=("$cpp")
    echo "round $round with reader at $HZ Hz: $(mpps "$pps") Mpps, $cpp cycles/packet" \
         "($(cat "$T/pollr$round.txt"))"
done
stop_pid "$GUEST_PID" 5
med() { printf '%s\n' "$@" | median; }
awk -v qp="$(med "${quiet_pps[@]}")" -v rp="$(med "${read_pps[@]}")" \
    -v qc="$(med "${quiet_cpp[@]}")" -v rc="$(med "${read_cpp[@]}")" -v n="$ROUNDS" \
    'BEGIN {printf "ratio with reader/without (median of %d windows each): Mpps %.3f, cycles per packet %.3f\n", n, rp / qp, rc / qc}'
