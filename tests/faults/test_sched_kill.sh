#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The scheduler killed with SIGKILL at random moments of a migration storm,
# under guest traffic (vio4wd-loadgen: guest + memif VF peer of 2 relays).
#  - A core_sched client that moves both directions of both relays every
#    millisecond (the most a scheduler can do) is killed -9 at a random
#    point, N times. After each kill the relay holds either the last map
#    the client sent or the one before it, never a mix (no half-applied
#    map), and keeps forwarding both ways.
#  - The real vio4wd_core_scheduler is killed -9 M times and restarted
#    each time without cleanup (its stale pid file must not block), and
#    the last one runs on: it follows the relay and pushes no plan the
#    relay refuses.
#  - At the end the loadgen counts 0 lost, 0 duplicated, 0 reordered.
# N, M: 10, 3 in CI; 50, 10 with VIO4WD_FAULTS_FULL=1.
# usage: test_sched_kill.sh RELAY CNT_DUMP LOADGEN SCHED_CLIENT SCHED
RELAY=$1 CNT_DUMP=$2 LOADGEN=$3 CLIENT=$4 SCHED=$5
. "$(dirname "$0")/../relay/lib.sh"
. "$(dirname "$0")/lib_faults.sh"
N=$(rounds 10 50) M=$(rounds 3 10)
mkdir -p "$T/run"
EP="ipc://$T/run/core_sched"

spawn lg "$LOADGEN" -d 0 -g 4s -q --json --socket-dir "$T" --memif-dir "$T" \
    --relay 0,rate=100k --relay 1,rate=100k -- \
    -l 1 --no-huge -m 512 --no-pci --single-file-segments --file-prefix=${PREFIX}lg
LG_PID=$SPAWNED
wait_for 20 grep -q "memif sockets ready" "$T/lg.log" || fail "loadgen not ready"
memif() { echo "net_memif$1,role=client,id=0,socket=$T/vio4wd-memif$1.sock,socket-abstract=no"; }
spawn relay "$RELAY" $(relay_isolated) -C 0,1 -M 0 \
    --vhost-path "$T" --core-sched -P "$(memif 0)=0" -P "$(memif 1)=1" -- $(eal_opts r)
RELAY_PID=$SPAWNED
wait_for 20 relay_running || fail "relay did not start"
wait_for 40 traffic_moves 2 500 || fail "traffic does not flow through both relays both ways"
ok "2 relays forwarding both ways on workers 0 and 1"

# ---- a core_sched client killed mid-storm -----------------------------------
half=0 last=0 prev=0
for ((i = 1; i <= N; i++)); do
    before=$(core_map 2)
    : >"$T/maps"
    SCHED_LOG="$T/maps" SCHED_PAUSE_US=1000 setsid "$CLIENT" "$EP" random 1000000 0 1 \
        >"$T/client.log" 2>&1 &
    pid=$!
    sleep "$(random_delay 50 400)"
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null
    sleep 0.2           # an UPDATE the relay received is applied whole first
    kill -0 "$RELAY_PID" || fail "round $i: the relay died"
    now=$(core_map 2)
    sent_last=$(tail -n 1 "$T/maps")
    sent_prev=$(tail -n 2 "$T/maps" | head -n 1)
    [ "$(wc -l <"$T/maps")" -ge 2 ] || sent_prev=$before
    if [ "$now" = "$sent_last" ]; then
        last=$((last + 1))
    elif [ "$now" = "$sent_prev" ]; then
        prev=$((prev + 1))
    else
        fail "round $i: map '$now' is neither the last sent '$sent_last' nor the one before '$sent_prev'"
    fi
    traffic_moves 2 1000 || fail "round $i: forwarding stopped after the kill (map $now)"
done
ok "$N kills mid-storm: map = last UPDATE sent $last times, the one before $prev times, mixed 0; forwarding throughout"

# ---- the real scheduler killed and restarted ----------------------------------
start_sched() {
    spawn "sched$1" "$SCHED" --config /dev/null --counters "$T/run" --sched-ep "$EP" \
        --stats-ep "ipc://$T/run/stats" --poll-interval 0.2 --min-gain 0 --sensitivity 0.01
    SCHED_PID=$SPAWNED
    wait_for 10 grep -q "reading the relay's counters" "$T/sched$1.log" ||
        fail "scheduler $1 did not start (stale pid file?): $(tail -3 "$T/sched$1.log")"
}
for ((i = 1; i <= M; i++)); do
    start_sched "$i"
    sleep "$(random_delay 100 800)"
    kill -KILL "$SCHED_PID"
    wait "$SCHED_PID" 2>/dev/null
    kill -0 "$RELAY_PID" || fail "scheduler kill $i: the relay died"
    traffic_moves 2 1000 || fail "scheduler kill $i: forwarding stopped"
done
start_sched last
sleep 3
grep -E "plan not applied|restarted while planning" "$T"/sched*.log &&
    fail "a scheduler pushed a plan the relay refused"
applied=$(cat "$T"/sched*.log | grep -c "moved relay")
stop_pid "$SCHED_PID" 3 || fail "the last scheduler: exit $? on SIGTERM"
ok "$M schedulers killed -9 and restarted without cleanup; $applied moves applied, none refused"

# ---- the guest's account ------------------------------------------------------
kill -TERM "$LG_PID"
sleep 1
stop_pid "$RELAY_PID" 3 || fail "relay did not stop cleanly"
stop_pid "$LG_PID" 15
loadgen_clean "$T/lg.log" || fail "loadgen report"
ok "loadgen: 0 lost, 0 duplicated, 0 reordered"
