#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# A relay killed with SIGKILL leaves its counters file behind (issue 18,
# bug 2). Every reader must tell it from a live relay:
#  - vio4wd-stats --json, vio4wd-core-pinner and vio4wd-monitor-load --once
#    exit 1 saying "relay pid N is gone (counters from HH:MM:SS)";
#  - the scheduler warns once, pushes nothing while the relay is dead, and
#    warns once more when a new relay runs.
# usage: test_dead_relay.sh RELAY STATS PINNER MONITOR SCHED CNT_DUMP
RELAY=$1 STATS=$2 PINNER=$3 MONITOR=$4 SCHED=$5 CNT_DUMP=$6
. "$(dirname "$0")/../relay/lib.sh"

cat >"$T/cfg" <<EOC
VIRTIOFWD_CPU_MASK=1
VIRTIOFWD_MASTER_LCORE=0
VIRTIOFWD_STATIC_VFS=(net_null0=0 net_null1=1)
VIRTIOFWD_DYNAMIC_SOCKETS=y
VIRTIOFWD_SOCKET_DIR=$T
VIRTIOFWD_PID_DIR=$T/run
VIRTIOFWD_ZMQ_STATS_EP=ipc://$T/run/stats
VIRTIOFWD_ZMQ_CORE_SCHED_EP=ipc://$T/run/core_sched
VIRTIOFWD_ZMQ_PORT_CONTROL_EP=ipc://$T/run/port_control
VIO4WD_CORE_SCHED_ENABLE=y
EOC
C=(--config "$T/cfg" --counters "$T/run")

start_relay() {   # start_relay NAME
    spawn "$1" "$RELAY" --config "$T/cfg" --run-dir "$T/run" -- $(eal_opts "$1")
    RELAY_PID=$SPAWNED
    wait_for 20 relay_running || fail "$1: relay did not start"
}

start_relay relay1
spawn sched "$SCHED" --config "$T/cfg" --counters "$T/run" --pid-file "$T/sched.pid" \
    --poll-interval 0.3 --topology "pack:1 numa:1 core:2 pu:1"
SCHED_PID=$SPAWNED
wait_for 10 grep -q "reading the relay's counters" "$T/sched.log" ||
    fail "the scheduler did not find the relay"
"$STATS" "${C[@]}" --json --interval 0.2 >"$T/live.out" 2>&1 || fail "stats on a live relay failed"
ok "live relay: stats exit 0, scheduler reading its counters"

dead_pid=$RELAY_PID
kill -KILL "$dead_pid"
wait "$dead_pid" 2>/dev/null
[ -e "$T/run/counters" ] || fail "SIGKILL removed the counters file? (nothing to test)"
want="relay pid $dead_pid is gone \\(counters from [0-2][0-9]:[0-5][0-9]:[0-5][0-9]\\)"
for tool in "$STATS --json --interval 0.2" "$PINNER" "$MONITOR --once"; do
    # shellcheck disable=SC2086
    $tool "${C[@]}" >"$T/dead.out" 2>&1
    rc=$?
    name=$(basename "${tool%% *}")
    [ "$rc" = 1 ] || { cat "$T/dead.out"; fail "$name on a dead relay: exit $rc, expected 1"; }
    grep -qE "$want" "$T/dead.out" || { cat "$T/dead.out"; fail "$name: no '$want'"; }
    ok "$name: exit 1, $(grep -oE "$want" "$T/dead.out")"
done

sleep 1.5   # five scheduler polls on the dead relay's file
n=$(grep -cE "warning: $want" "$T/sched.log")
[ "$n" = 1 ] || fail "the scheduler warned $n times about the dead relay, expected once"
grep -qE "moved relay|plan not applied" "$T/sched.log" &&
    fail "the scheduler planned on a dead relay: $(grep -E 'moved relay|plan not applied' "$T/sched.log")"
ok "scheduler: one warning, no plan on the dead relay's counters"

start_relay relay2
wait_for 10 grep -q "a relay runs again (pid $RELAY_PID)" "$T/sched.log" ||
    fail "the scheduler did not notice the new relay"
[ "$(grep -c "a relay runs again (pid" "$T/sched.log")" = 1 ] || fail "recovery logged more than once"
"$STATS" "${C[@]}" --json --interval 0.2 >"$T/live.out" 2>&1 || fail "stats on the new relay failed"
ok "new relay without manual cleanup: scheduler recovered (one warning), stats exit 0"
stop_pid "$SCHED_PID" 3 || fail "scheduler: exit $? on SIGTERM"
stop_pid "$RELAY_PID" 3 || fail "relay: exit $? on SIGTERM"
