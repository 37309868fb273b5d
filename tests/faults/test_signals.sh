#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# SIGHUP, SIGTERM and SIGINT at random moments, under guest traffic, while
# a migration storm (core_sched UPDATEs every 2 ms) and a port-add loop
# (port_control add/remove of a VF) run against the relay:
#  - SIGHUP: the relay stays up and keeps forwarding;
#  - SIGTERM, SIGINT: exit 0 within 2 s, with no counters, lock, pid file,
#    endpoint or vhost socket left behind.
# The guest (testpmd, virtio_user server=1) stays up through all rounds;
# the relay runs in vhost-user client mode and reconnects each time.
# Rounds per signal: 2 in CI, 10 with VIO4WD_FAULTS_FULL=1.
# usage: test_signals.sh RELAY CNT_DUMP SCHED_CLIENT PORT_CONTROL
RELAY=$1 CNT_DUMP=$2 CLIENT=$3 PORTCTL=$4
. "$(dirname "$0")/../relay/lib.sh"
. "$(dirname "$0")/lib_faults.sh"
N=$(rounds 2 10)
need dpdk-testpmd
mkdir -p "$T/vm"
EP="ipc://$T/run/core_sched"

spawn guest dpdk-testpmd -l 0,1 --main-lcore 1 $(eal_opts g) --single-file-segments \
    --vdev "net_virtio_user0,path=$T/vm/virtio-forwarder0.sock,queues=1,server=1" -- \
    --forward-mode=io --nb-cores=1 --total-num-mbufs=16384 -a
wait_for 10 test -S "$T/vm/virtio-forwarder0.sock" || fail "guest did not create its socket"

# On failure, while the relay still runs: where each direction is, what it
# moved, and what each worker is doing (lib.sh's cleanup calls this first).
report_live() {
    echo "---- relay counters"
    "$CNT_DUMP" "$T/run" 2>/dev/null |
        grep -E '^(header\.|relay[01]\.(vm_to_vf|vf_to_vm)\.(cpu|rx_pkts|tx_pkts|migrations|.*drop)|worker)' |
        grep -v ' 0$'
}

# Migrations of both relays' directions so far.
migrations() {
    local r d sum=0 m
    for r in 0 1; do
        for d in vf_to_vm vm_to_vf; do
            m=$(cnt "relay$r.$d.migrations" 2>/dev/null) || m=0
            sum=$((sum + ${m:-0}))
        done
    done
    echo "$sum"
}
moved_since() {
    [ "$(migrations)" -gt "$1" ]
}

relay_up() {
    [ "$(cnt header.pid 2>/dev/null)" = "$RELAY_PID" ] && relay_running
}
start_relay() {
    spawn "relay$1" "$RELAY" $(relay_isolated) \
        -C 0,1 -M 0 --vhost-path "$T/vm" --vhostuser-client --core-sched --ipc \
        -P 'net_null0=0' -P 'net_null1=1' -- $(eal_opts r)
    RELAY_PID=$SPAWNED
    wait_for 20 relay_up || fail "$1: relay did not start"
    wait_for 10 guest_up 0 || fail "$1: relay did not connect to the guest"
    traffic_moves 1 3000 || fail "$1: no traffic"
}
# The two disturbances, each in its own session so that cleanup finds them.
start_storm() {
    spawn storm env SCHED_PAUSE_US=2000 "$CLIENT" "$EP" random 1000000 0 1
    STORM_PID=$SPAWNED
    spawn ports sh -c 'while :; do
        "$1" add --port-ep "$2" --counters "$3" --virtio-id 2 --device net_null9 --timeout 500
        "$1" remove --port-ep "$2" --counters "$3" --virtio-id 2 --timeout 500
    done >/dev/null 2>&1' sh "$PORTCTL" "ipc://$T/run/port_control" "$T/run"
    PORTS_PID=$SPAWNED
}
stop_storm() {
    kill -KILL -- "-$STORM_PID" "-$PORTS_PID" 2>/dev/null
    wait "$STORM_PID" "$PORTS_PID" 2>/dev/null
}

times=""
hups=0
for ((i = 1; i <= N; i++)); do
    for sig in HUP TERM INT; do
        if [ -z "${RELAY_PID:-}" ] || ! kill -0 "$RELAY_PID" 2>/dev/null; then
            start_relay "$i$sig"
        fi
        before=$(migrations)
        start_storm
        # The storm's first UPDATE can take a while on a busy 2-CPU host:
        # wait for it, so that the signal always lands mid-storm.
        wait_for 10 moved_since "$before" || fail "round $i: the storm moved nothing in 10 s"
        sleep "$(random_delay 0 1300)"
        kill -"$sig" "$RELAY_PID"
        if [ "$sig" = HUP ]; then
            sleep 0.5
            relay_up || fail "round $i: the relay stopped on SIGHUP"
            # 5 s: a 500 Hz migration storm and a port loop share two CPUs
            # with the relay's and the guest's pollers here.
            traffic_moves 1 5000 || fail "round $i: forwarding stopped after SIGHUP"
            hups=$((hups + 1))
            stop_storm
            continue
        fi
        exited_within "$RELAY_PID" 2000 ||
            fail "round $i: SIG$sig mid-migration and mid-port-add: still up after 2 s"
        stop_storm
        [ "$EXIT_RC" = 0 ] || fail "round $i: SIG$sig: exit $EXIT_RC"
        left=$(leftovers)
        [ -z "$left" ] || fail "round $i: SIG$sig: left behind: $left"
        times+=" $EXIT_MS"
        RELAY_PID=
    done
done
max=$(echo "$times" | tr ' ' '\n' | sort -n | tail -n 1)
[ "$hups" = "$N" ] && [ -n "$max" ] || fail "not every round ran ($hups SIGHUPs, times '$times')"
ok "$hups SIGHUPs survived under traffic; $((2 * N)) SIGTERM/SIGINT mid-storm: exit 0 within $max ms at most, nothing left behind"
