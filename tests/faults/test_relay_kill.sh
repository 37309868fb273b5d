#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The relay killed with SIGKILL, again and again, under guest traffic, in
# vhost-user client mode and in server mode. After every kill:
#  - the next relay starts without any manual cleanup (stale counters,
#    lock, endpoints, sockets and DPDK runtime files stay where they are);
#  - the scheduler, which runs throughout, follows the new epoch;
#  - client mode: the guest (testpmd, virtio_user server=1, io forwarding)
#    is served again, both ways, within 2 s of the new relay's start;
#  - server mode: a guest connects to the new relay's socket and traffic
#    flows both ways.
# Rounds per mode: 4 in CI, 20 with VIO4WD_FAULTS_FULL=1. Prints the
# resume times (median and max).
# usage: test_relay_kill.sh RELAY CNT_DUMP SCHED
RELAY=$1 CNT_DUMP=$2 SCHED=$3
. "$(dirname "$0")/../relay/lib.sh"
. "$(dirname "$0")/lib_faults.sh"
N=$(rounds 4 20)
mkdir -p "$T/run"
SOCK="$T/virtio-forwarder0.sock"
need dpdk-testpmd

start_guest() {   # start_guest NAME SERVER(0|1)
    spawn "$1" dpdk-testpmd -l 0,1 --main-lcore 1 $(eal_opts "$1") --single-file-segments \
        --vdev "net_virtio_user0,path=$SOCK,queues=1,server=$2" -- \
        --forward-mode=io --nb-cores=1 --total-num-mbufs=16384 -a
    GUEST_PID=$SPAWNED
}
start_relay() {   # start_relay NAME EXTRA-ARGS...
    local name=$1
    shift
    spawn "$name" "$RELAY" $(relay_isolated) \
        -C 1 -M 0 --vhost-path "$T" --core-sched -P 'net_null0=0' "$@" -- $(eal_opts r)
    RELAY_PID=$SPAWNED
}
kill_relay() {
    kill -KILL "$RELAY_PID"
    wait "$RELAY_PID" 2>/dev/null
    [ -e "$T/run/counters" ] || fail "kill -9 removed the counters? nothing to recover from"
}
# The counters of a killed relay still say RUNNING: only the new relay's
# own file counts.
relay_up() {
    [ "$(cnt header.pid 2>/dev/null)" = "$RELAY_PID" ] && relay_running
}
epoch_followed() {   # the scheduler read the counters of relay pid $1
    grep -q "reading the relay's counters at .* (relay pid $1," "$T/sched.log"
}
stats() {   # stats LIST : "median X s, max Y s" of millisecond values
    echo "$1" | tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END {
        printf "median %.2f s, max %.2f s", v[int((NR + 1) / 2)] / 1000, v[NR] / 1000 }'
}

spawn sched "$SCHED" --config /dev/null --counters "$T/run" --sched-ep "ipc://$T/run/core_sched" \
    --stats-ep "ipc://$T/run/stats" --poll-interval 0.2

# ---- client mode ----------------------------------------------------------------
start_guest guest 1
wait_for 10 test -S "$SOCK" || fail "guest did not create its socket"
start_relay relay-c0 --vhostuser-client
wait_for 20 guest_up 0 || fail "relay (client) did not connect"
wait_for 10 traffic_moves 1 500 || fail "no traffic at first connection"
times=""
for ((i = 1; i <= N; i++)); do
    sleep "$(random_delay 100 600)"
    kill_relay
    start=$(now_ms)
    start_relay "relay-c$i" --vhostuser-client
    wait_for 20 relay_up || fail "client round $i: the relay did not start again"
    wait_for 5 guest_up 0 || fail "client round $i: the relay did not reconnect to the guest"
    traffic_moves 1 3000 || fail "client round $i: traffic did not resume"
    ms=$(( $(now_ms) - start ))
    [ "$ms" -le 2000 ] || fail "client round $i: the guest resumed after $ms ms (> 2 s)"
    times+=" $ms"
    wait_for 3 epoch_followed "$RELAY_PID" || fail "client round $i: the scheduler did not follow"
done
ok "client mode: $N/$N relay kills, guest resumed in $(stats "$times") (start to traffic both ways); scheduler followed every epoch"
stop_pid "$RELAY_PID" 3 || fail "client mode: relay exit $? on SIGTERM"
kill -KILL "$GUEST_PID"; wait "$GUEST_PID" 2>/dev/null
rm -f "$SOCK"       # testpmd (unlike QEMU) leaves its server socket behind

# ---- server mode ----------------------------------------------------------------
for ((i = 1; i <= N; i++)); do
    start_relay "relay-s$i"
    wait_for 20 relay_up || fail "server round $i: the relay did not start"
    wait_for 3 test -S "$SOCK" || fail "server round $i: no vhost-user socket"
    wait_for 3 epoch_followed "$RELAY_PID" || fail "server round $i: the scheduler did not follow"
    if [ "$i" = 1 ] || [ "$i" = "$N" ]; then
        start_guest "guest-s$i" 0
        wait_for 20 guest_up 0 || fail "server round $i: the guest did not connect"
        traffic_moves 1 3000 || fail "server round $i: no traffic"
    fi
    sleep "$(random_delay 100 600)"
    kill_relay
    [ "$i" = 1 ] && { kill -KILL "$GUEST_PID"; wait "$GUEST_PID" 2>/dev/null; }
done
kill -KILL "$GUEST_PID" 2>/dev/null; wait "$GUEST_PID" 2>/dev/null
start_relay relay-final
wait_for 20 relay_up || fail "the relay did not start after $N kills in server mode"
ok "server mode: $N/$N relay kills, each next relay started without cleanup, guest traffic flowed, scheduler followed"
stop_pid "$RELAY_PID" 3 || fail "relay exit $? on SIGTERM"
[ -z "$(leftovers)" ] || fail "left behind after the last clean stop: $(leftovers)"
ok "after the last SIGTERM nothing is left behind"
