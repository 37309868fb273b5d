#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# relay-latency benchmark: one-way latency through the relay at a fixed
# offered rate, at rest and during a migration storm, in the same
# invocation. vio4wd-loadgen (--rate RATE, both directions of relay 0)
# timestamps every packet and reports p50, p99 and p99.9; the first run
# leaves the relay's directions where they are, the second runs
# sched_client's random UPDATEs (both directions to random worker CPUs,
# STORM_PAUSE_US apart) for the whole send window. Both runs must lose
# nothing; the last line gives storm/rest for each percentile.
# usage: bench_latency.sh RELAY CNT_DUMP LOADGEN SCHED_CLIENT [RATE [SECONDS]]
RELAY=$1 CNT_DUMP=$2 LOADGEN=$3 SCHED=$4 RATE=${5:-50k} SECS=${6:-8}
STORM_PAUSE_US=${STORM_PAUSE_US:-2000}
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/run"
EP="ipc://$T/core_sched"

# run TAG STORM(0|1): one relay and loadgen; writes "p50 p99 p99_9 max lost
# migrations" to $T/result.TAG (not in a subshell, so the cleanup on exit
# knows every process it starts).
run() {
    local tag=$1 storm=$2 storm_pid=
    spawn "lg$tag" "$LOADGEN" -d "$SECS" -g 2s -q --json --expect-no-loss --rate "$RATE" \
        --socket-dir "$T" --memif-dir "$T" --relay 0 -- \
        -l 1 --no-huge -m 512 --no-pci --single-file-segments --file-prefix=${PREFIX}lg$tag
    local lg=$SPAWNED
    wait_for 20 grep -q "memif sockets ready" "$T/lg$tag.log" || fail "$tag: loadgen not ready"
    local memif="net_memif0,role=client,id=0,socket=$T/vio4wd-memif0.sock,socket-abstract=no"
    spawn "relay$tag" "$RELAY" $(relay_isolated) -C 0,1 -M 0 --vhost-path "$T" \
        --core-sched --zmq-core-sched-ep "$EP" -P "$memif=0" -- $(eal_opts "r$tag")
    local relay=$SPAWNED
    wait_for 20 relay_running || fail "$tag: relay did not start"
    wait_for 40 eval '[ "$(cnt relay0.vm_to_vf.tx_pkts)" -gt 100 ]' ||
        fail "$tag: traffic does not flow"
    local m0=$(( $(cnt relay0.vf_to_vm.migrations) + $(cnt relay0.vm_to_vf.migrations) ))
    if [ "$storm" = 1 ]; then
        spawn "storm$tag" env SCHED_PAUSE_US="$STORM_PAUSE_US" "$SCHED" "$EP" random 1000000 0
        storm_pid=$SPAWNED
    fi
    wait_for $((SECS + 40)) grep -q '{"version"' "$T/lg$tag.log" || fail "$tag: loadgen did not finish"
    if [ -n "$storm_pid" ]; then
        kill -0 "$storm_pid" 2>/dev/null || fail "$tag: the storm stopped early: $(cat "$T/storm$tag.log")"
        stop_pid "$storm_pid" 3
    fi
    local m1=$(( $(cnt relay0.vf_to_vm.migrations) + $(cnt relay0.vm_to_vf.migrations) ))
    stop_pid "$relay" 3 || fail "$tag: relay did not stop cleanly"
    stop_pid "$lg" 15 || fail "$tag: loadgen lost packets (--expect-no-loss): $(tail -3 "$T/lg$tag.log")"
    python3 - "$T/lg$tag.log" $((m1 - m0)) >"$T/result.$tag" <<'PY' || fail "$tag: no loadgen report"
import json, sys
text = open(sys.argv[1]).read()
t = json.loads(text[text.index('{"version"'):].splitlines()[0])["totals"]
l = t["latency_us"]
print(l["p50"], l["p99"], l["p99_9"], l["max"], t["lost"], sys.argv[2])
PY
}

run rest 0
run storm 1
read -r r50 r99 r999 rmax rlost rmig <"$T/result.rest"
read -r s50 s99 s999 smax slost smig <"$T/result.storm"
echo "at rest, $RATE pps per direction: one-way latency p50 $r50 us, p99 $r99 us," \
     "p99.9 $r999 us, max $rmax us; $rlost lost, $rmig migrations"
echo "migration storm (UPDATE every ${STORM_PAUSE_US} us): p50 $s50 us, p99 $s99 us," \
     "p99.9 $s999 us, max $smax us; $slost lost, $smig migrations"
[ "$rlost" = 0 ] && [ "$slost" = 0 ] || fail "packets lost"
[ "$smig" -gt 0 ] || fail "no migration during the storm"
awk -v a="$s50" -v b="$r50" -v c="$s99" -v d="$r99" -v e="$s999" -v f="$r999" \
    'BEGIN {printf "ratio storm/rest: p50 %.3f, p99 %.3f, p99.9 %.3f\n", a / b, c / d, e / f}'
