#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Parked workers (issue 13): a relay on two workers, relay 0 split over
# both. A core_sched UPDATE puts both directions on CPU 0, so the worker on
# CPU 1 has none: it must say parked in the counters, and its thread's CPU
# time (/proc/<pid>/task/<tid>/stat utime + stime) must stop growing. Then
# an UPDATE gives it VM->VF back under traffic: it must wake within that
# one handover (the UPDATE answers OK only once the direction arrived),
# forward, and vio4wd-loadgen must count 0 lost, 0 duplicated, 0 reordered.
# usage: test_park.sh RELAY CNT_DUMP LOADGEN SCHED_CLIENT
RELAY=$1 CNT_DUMP=$2 LOADGEN=$3 SCHED=$4
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/run"
EP="ipc://$T/core_sched"

spawn lg "$LOADGEN" -d 0 -g 4s -q --json --expect-no-loss --socket-dir "$T" --memif-dir "$T" \
    --relay 0,rate=20k -- -l 1 --no-huge -m 512 --no-pci --single-file-segments \
    --file-prefix=${PREFIX}lg
LG_PID=$SPAWNED
wait_for 20 grep -q "memif sockets ready" "$T/lg.log" || fail "loadgen not ready"

memif="net_memif0,role=client,id=0,socket=$T/vio4wd-memif0.sock,socket-abstract=no"
spawn relay "$RELAY" $(relay_isolated) -C 0,1 -M 0 --vhost-path "$T" \
    --core-sched --zmq-core-sched-ep "$EP" -c 0:0,1 -P "$memif=0" -- $(eal_opts r)
RELAY_PID=$SPAWNED
wait_for 20 relay_running || fail "relay did not start"
flowing() {   # flowing DIR: its tx count grows
    local a; a=$(cnt "relay0.$1.tx_pkts"); sleep 0.3
    [ "$(cnt "relay0.$1.tx_pkts")" -gt "$a" ]
}
wait_for 40 flowing vm_to_vf || fail "traffic does not flow VM->VF"
wait_for 10 flowing vf_to_vm || fail "traffic does not flow VF->VM"
[ "$(cnt relay0.vf_to_vm.cpu)" = 0 ] && [ "$(cnt relay0.vm_to_vf.cpu)" = 1 ] ||
    fail "relay 0 is not split over cpus 0 and 1"
[ "$(cnt worker1.parked)" = 0 ] || fail "worker 1 is parked while it has a direction"
ok "relay 0 split: VF->VM on cpu 0, VM->VF on cpu 1, both flowing"

# The worker thread on CPU 1: EAL names it rte-worker-1 (lcore id = CPU).
tid=
for t in /proc/"$RELAY_PID"/task/*; do
    [ "$(cat "$t/comm" 2>/dev/null)" = rte-worker-1 ] && tid=${t##*/}
done
[ -n "$tid" ] || fail "no rte-worker-1 thread in the relay"
cpu_ticks() {   # utime + stime of the worker thread, in clock ticks
    awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$RELAY_PID/task/$tid/stat"
}
HZ_TICKS=$(getconf CLK_TCK)

out=$("$SCHED" "$EP" update 0:0,0) && [ "$out" = OK ] || fail "UPDATE 0:0,0: $out"
parked() { [ "$(cnt worker1.parked)" = 1 ]; }
wait_for 5 parked || fail "worker 1 has no direction but is not parked: $(cnt worker1.n_dirs) dirs"
[ "$(cnt worker1.parks)" -ge 1 ] || fail "worker 1 parked but its parks count is $(cnt worker1.parks)"
sleep 0.5
t0=$(cpu_ticks)
sleep 3
t1=$(cpu_ticks)
# Parked, it uses no CPU: allow one tick of accounting granularity.
[ $((t1 - t0)) -le 1 ] ||
    fail "parked worker 1 used $((t1 - t0)) ticks (1/$HZ_TICKS s) of CPU in 3 s"
ok "worker 1 parked: $((t1 - t0)) ticks of CPU in 3 s (parks $(cnt worker1.parks))"
wait_for 5 flowing vm_to_vf || fail "VM->VF stopped flowing on cpu 0"

m0=$(cnt relay0.vm_to_vf.migrations)
out=$("$SCHED" "$EP" update 0:0,1) && [ "$out" = OK ] || fail "UPDATE 0:0,1: $out"
[ "$(cnt relay0.vm_to_vf.cpu)" = 1 ] || fail "VM->VF not back on cpu 1 after the UPDATE"
[ "$(cnt relay0.vm_to_vf.migrations)" = $((m0 + 1)) ] || fail "the move back was not counted"
wait_for 2 eval '[ "$(cnt worker1.parked)" = 0 ]' || fail "worker 1 still says parked"
wait_for 5 flowing vm_to_vf || fail "VM->VF does not flow on cpu 1 after unparking"
t2=$(cpu_ticks); sleep 1; t3=$(cpu_ticks)
[ $((t3 - t2)) -ge 1 ] || fail "worker 1 uses no CPU after it was given a direction"
ok "worker 1 unparked by the UPDATE: VM->VF forwards on cpu 1 ($((t3 - t2)) ticks in 1 s)"

kill -TERM "$LG_PID"
sleep 1
"$CNT_DUMP" "$T/run" >"$T/cnt.txt"
stop_pid "$RELAY_PID" 3 || fail "relay did not stop cleanly (a parked worker must wake to stop)"
stop_pid "$LG_PID" 15; lg_rc=$?
loadgen_clean "$T/lg.log" 50000 || fail "loadgen report"
[ "$lg_rc" = 0 ] || fail "loadgen exit code $lg_rc (--expect-no-loss)"
ok "loadgen: 0 lost, 0 duplicated, 0 reordered across parking and unparking"
