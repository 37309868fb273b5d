#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# relay-handover benchmark: how long does a migration leave a direction
# unserviced? vio4wd-loadgen plays relay 0's guest and VF; handover_bench
# moves its VF->VM direction between the two worker CPUs N times through
# core_sched, 2 ms apart, and reads each move's pause from the relay's
# counters (pause_last_cycles: the old worker's last service to the new
# worker's first). VM->VF stays idle where it is, so the destination
# worker carries no other load. Two runs in the same invocation: the
# reference without traffic, then VF->VM at RATE pps. Each prints the
# median, p99 and maximum pause in microseconds and the packets the
# loadgen lost, which must be 0; the last line gives the ratios
# traffic/reference. The load generator busy-polls on CPU 1, so moves to
# CPU 0 are the ones to an unloaded destination (issue 13's targets):
# each line also gives the median and p99 by destination.
# usage: bench_handover.sh RELAY CNT_DUMP LOADGEN HANDOVER_BENCH [N [RATE]]
RELAY=$1 CNT_DUMP=$2 LOADGEN=$3 BENCH=$4 N=${5:-1000} RATE=${6:-100k}
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/run"
EP="ipc://$T/core_sched"

# run TAG RATE: one relay and loadgen; writes the bench's line
# followed by "lost L" to $T/result.TAG (not in a subshell: the processes
# it spawns must be this shell's, so that the cleanup on exit finds them).
run() {
    local tag=$1 rate=$2
    spawn "lg$tag" "$LOADGEN" -d 0 -g 2s -q --json --expect-no-loss --socket-dir "$T" \
        --memif-dir "$T" --relay 0,rate="$rate",dir=vf2vm -- \
        -l 1 --no-huge -m 512 --no-pci --single-file-segments --file-prefix=${PREFIX}lg$tag
    local lg=$SPAWNED
    wait_for 20 grep -q "memif sockets ready" "$T/lg$tag.log" || fail "$tag: loadgen not ready"
    local memif="net_memif0,role=client,id=0,socket=$T/vio4wd-memif0.sock,socket-abstract=no"
    spawn "relay$tag" "$RELAY" $(relay_isolated) -C 0,1 -M 0 --vhost-path "$T" \
        --core-sched --zmq-core-sched-ep "$EP" -P "$memif=0" -- $(eal_opts "r$tag")
    local relay=$SPAWNED
    wait_for 20 relay_running || fail "$tag: relay did not start"
    if [ "$rate" != 0 ]; then
        wait_for 40 eval '[ "$(cnt relay0.vf_to_vm.tx_pkts)" -gt 1000 ]' ||
            fail "$tag: traffic does not flow"
    else
        wait_for 40 eval '[ "$(cnt relay0.vf_to_vm.tx_pkts)" -ge 1 ]' ||
            fail "$tag: the loadgen's probe did not come through"
    fi
    "$BENCH" "$EP" "$T/run" 0 vf_to_vm "$N" >"$T/bench$tag.txt" ||
        fail "$tag: handover_bench: $(cat "$T/bench$tag.txt")"
    sleep 1
    kill -TERM "$lg"
    sleep 1
    # the relay first: see test_migrate.sh (memif and departing peers)
    stop_pid "$relay" 3 || fail "$tag: relay did not stop cleanly"
    stop_pid "$lg" 15 || fail "$tag: loadgen lost packets (--expect-no-loss): $(tail -3 "$T/lg$tag.log")"
    local lost
    lost=$(python3 -c '
import json, sys
text = open(sys.argv[1]).read()
print(json.loads(text[text.index("{\"version\""):].splitlines()[0])["totals"]["lost"])' \
        "$T/lg$tag.log") || fail "$tag: no loadgen report"
    echo "$(cat "$T/bench$tag.txt") lost $lost" >"$T/result.$tag"
}

# field NAME LINE: the value after NAME in a "name value ..." line.
field() { echo "$2" | awk -v k="$1" '{for (i = 1; i < NF; i++) if ($i == k) print $(i + 1)}'; }

report() {   # report TITLE RATE LINE
    echo "$1: $N migrations of relay 0 vf_to_vm at $2 pps:" \
         "median $(field median_us "$3") us, p99 $(field p99_us "$3") us," \
         "max $(field max_us "$3") us (counters' max $(field counters_max_us "$3") us)," \
         "packets lost $(field lost "$3"); by destination: CPU 0 median $(field to_cpu0_median_us "$3") us" \
         "p99 $(field to_cpu0_p99_us "$3") us, CPU 1 median $(field to_cpu1_median_us "$3") us" \
         "p99 $(field to_cpu1_p99_us "$3") us"
}

run ref 0
ref=$(cat "$T/result.ref")
report "reference (no traffic)" 0 "$ref"
run traffic "$RATE"
new=$(cat "$T/result.traffic")
report "under traffic" "$RATE" "$new"
for l in "$ref" "$new"; do
    [ "$(field lost "$l")" = 0 ] || fail "packets lost during the migrations"
done
awk -v a="$(field median_us "$new")" -v b="$(field median_us "$ref")" \
    -v c="$(field p99_us "$new")" -v d="$(field p99_us "$ref")" \
    -v e="$(field max_us "$new")" -v f="$(field max_us "$ref")" \
    'BEGIN {printf "ratio traffic/reference: median %.3f, p99 %.3f, max %.3f (targets: median < 10 us, p99 < 50 us)\n", a / b, c / d, e / f}'
