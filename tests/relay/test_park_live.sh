#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The issue 13 live test: the real scheduler in pack mode parks a worker
# when the relays go quiet and unparks it when traffic returns, with 0
# packets lost. Two relays, one per worker (CPUs 0 and 1), start quiet (1k
# pps each way). vio4wd_core_scheduler --mode pack must put both on one
# worker and leave the other parked: the counters say parked, and its
# thread's CPU time (/proc/<pid>/task/<tid>/stat) stops growing. At T_RISE
# s of traffic both relays step up to 20k pps each way; as in sched-live
# the relay spends 12 us more per packet (VIO4WD_TEST_NS_PER_PACKET), so
# that is about 0.5 core per relay and one worker cannot carry both under
# the pack target (0.7): the scheduler must unpark the worker, both must
# forward, and vio4wd-loadgen must count 0 lost, 0 duplicated, 0 reordered.
# usage: test_park_live.sh RELAY CNT_DUMP LOADGEN SCHEDULER
RELAY=$1 CNT_DUMP=$2 LOADGEN=$3 SCHED=$4
. "$(dirname "$0")/lib.sh"
T_RISE=25

report_failure() {
    for f in "$T"/*.log; do
        [ -f "$f" ] || continue
        echo "---- $f (last 30 lines, without debug and JSON)"
        grep -v -e ': debug: ' -e '^{"t"' "$f" | tail -n 30
    done
    if [ -f "$T/sched.log" ]; then
        echo "---- the scheduler's last decisions"
        grep '^{"t"' "$T/sched.log" | tail -n 3 | cut -c1-600
    fi
    [ -d "$T/run" ] && "$CNT_DUMP" "$T/run" 2>/dev/null | grep -E '^worker|\.cpu '
}
mkdir -p "$T/run"

spawn lg "$LOADGEN" -d 0 -g 4s -q --json --expect-no-loss --socket-dir "$T" --memif-dir "$T" \
    --relay 0,rate=1k,profile=step:${T_RISE}s:20k --relay 1,rate=1k,profile=step:${T_RISE}s:20k \
    -- -l 1 $(eal_opts lg) --single-file-segments
LG_PID=$SPAWNED
wait_for 20 grep -q "memif sockets ready" "$T/lg.log" || fail "loadgen not ready"

memif() { echo "net_memif$1,role=client,id=0,socket=$T/vio4wd-memif$1.sock,socket-abstract=no=$1"; }
VIO4WD_TEST_NS_PER_PACKET=12000 spawn relay "$RELAY" --config /dev/null $(relay_isolated) \
    -C 0,1 -M 0 --vhost-path "$T" --core-sched --zmq-core-sched-ep "ipc://$T/core_sched" \
    --zmq-stats-ep "ipc://$T/stats" --zmq-port-control-ep "ipc://$T/port_control" \
    -c 0:0,0 -c 1:1,1 -P "$(memif 0)" -P "$(memif 1)" -- $(eal_opts r)
RELAY_PID=$SPAWNED
wait_for 20 relay_running || fail "relay did not start"
flowing() {
    for k in relay0.vm_to_vf relay0.vf_to_vm relay1.vm_to_vf relay1.vf_to_vm; do
        [ "$(cnt $k.tx_pkts)" -gt 100 ] || return 1
    done
}
wait_for 40 flowing || fail "traffic does not flow through both relays both ways"
T0=$SECONDS     # about when traffic started
ok "relay 0 on cpu 0, relay 1 on cpu 1, quiet traffic flowing"

spawn sched "$SCHED" --config /dev/null --counters "$T/run" \
    --sched-ep "ipc://$T/core_sched" --stats-ep "ipc://$T/stats" \
    --poll-interval 1 --mode pack --json --loglevel 7
SCHED_PID=$SPAWNED

which_parked() {   # prints the index of the parked worker, fails if none
    local w
    for w in 0 1; do
        [ "$(cnt worker$w.parked)" = 1 ] && { echo "$w"; return 0; }
    done
    return 1
}
wait_for $((T_RISE - 8)) which_parked || fail "the scheduler parked no worker while the relays were quiet"
P=$(which_parked)
[ "$(cnt worker$P.n_dirs)" = 0 ] || fail "worker $P is parked with directions"
grep '^{"t"' "$T/sched.log" | grep -q '"parked":\[' || fail "no decision lists parked CPUs"
tid=
for t in /proc/"$RELAY_PID"/task/*; do
    [ "$(cat "$t/comm" 2>/dev/null)" = "rte-worker-$P" ] && tid=${t##*/}
done
[ -n "$tid" ] || fail "no rte-worker-$P thread in the relay"
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$RELAY_PID/task/$tid/stat"; }
sleep 1
a=$(cpu_ticks); sleep 3; b=$(cpu_ticks)
[ $((SECONDS - T0)) -lt "$T_RISE" ] || fail "too slow: traffic rose before the parked worker was measured"
[ "$(cnt worker$P.parked)" = 1 ] || fail "worker $P was unparked while the relays were still quiet"
[ $((b - a)) -le 1 ] || fail "parked worker $P used $((b - a)) ticks of CPU in 3 s"
ok "pack mode parked worker $P (cpu $(cnt worker$P.cpu)): $((b - a)) ticks of CPU in 3 s"

both_active() {
    [ "$(cnt worker0.parked)" = 0 ] && [ "$(cnt worker1.parked)" = 0 ] &&
        [ "$(cnt worker0.n_dirs)" -gt 0 ] && [ "$(cnt worker1.n_dirs)" -gt 0 ]
}
wait_for $((T_RISE + 30 - (SECONDS - T0))) both_active ||
    fail "traffic rose, but worker $P stays parked"
ok "traffic rose at ${T_RISE} s; the scheduler unparked worker $P after $((SECONDS - T0)) s"
c=$(cpu_ticks); sleep 2; d=$(cpu_ticks)
[ $((d - c)) -ge 2 ] || fail "unparked worker $P uses no CPU ($((d - c)) ticks in 2 s)"
moving() {   # every direction's tx count grows
    local k a=()
    for k in relay0.vm_to_vf relay0.vf_to_vm relay1.vm_to_vf relay1.vf_to_vm; do
        a+=("$(cnt $k.tx_pkts)")
    done
    sleep 0.5
    local i=0
    for k in relay0.vm_to_vf relay0.vf_to_vm relay1.vm_to_vf relay1.vf_to_vm; do
        [ "$(cnt $k.tx_pkts)" -gt "${a[$i]}" ] || return 1
        i=$((i + 1))
    done
}
moving || fail "not every direction forwards after the unpark"
ok "both relays forward, worker $P busy again ($((d - c)) ticks in 2 s)"

kill -TERM "$LG_PID"
sleep 1
"$CNT_DUMP" "$T/run" >"$T/cnt.txt"
stop_pid "$SCHED_PID" 5 || fail "scheduler did not exit cleanly"
stop_pid "$RELAY_PID" 3 || fail "relay did not stop cleanly"
stop_pid "$LG_PID" 15; lg_rc=$?
loadgen_clean "$T/lg.log" 50000 || fail "loadgen report"
[ "$lg_rc" = 0 ] || fail "loadgen exit code $lg_rc (--expect-no-loss)"
ok "loadgen: 0 lost, 0 duplicated, 0 reordered across park and unpark by the scheduler"
