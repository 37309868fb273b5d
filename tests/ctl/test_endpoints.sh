#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The relay's ZeroMQ endpoints driven by an independent client (Python,
# pyzmq and a protoc-generated module, as upstream's tools are): every
# endpoint and operation, 10,000 garbage messages to each endpoint with the
# relay still answering and forwarding, and the tcp:// refusal.
# usage: test_endpoints.sh RELAY CNT_DUMP PB2_DIR [GARBAGE_N]
RELAY=$1 CNT_DUMP=$2 PB2_DIR=$3 N=${4:-10000}
. "$(dirname "$0")/../relay/lib.sh"
PY=/usr/bin/python3                 # Debian's, which has python3-zmq
CLIENT="$(dirname "$0")/compat_client.py"
mkdir -p "$T/run"

# The endpoints live in a directory the relay must create itself.
EPD="$T/ctl"
endpoints() {
    local e
    for e in stats core_sched port_control config; do
        printf -- '--zmq-%s-ep ipc://%s/%s ' "${e//_/-}" "$EPD" "$e"
    done
}

# Bounded: a relay that wrongly accepted the endpoint would otherwise run on.
timeout -k 2 20 "$RELAY" $(relay_isolated) -C 0,1 -M 0 \
    --zmq-stats-ep tcp://127.0.0.1:45999 -- $(eal_opts tcp) >"$T/tcp.out" 2>&1 </dev/null
rc=$?
[ "$rc" = 2 ] || fail "a tcp:// endpoint without --allow-tcp-endpoints: exit $rc, expected 2"
grep -q 'allow-tcp-endpoints' "$T/tcp.out" || fail "tcp refusal does not say how: $(cat "$T/tcp.out")"
ok "tcp:// endpoint refused with exit 2: $(head -c 160 "$T/tcp.out")"

# The relay creates only its run directory (relay-signals checks it is
# 0750); an endpoint directory elsewhere is the operator's to make.
mkdir -m 0750 "$EPD"
spawn relay "$RELAY" $(relay_isolated) -C 0,1 -M 0 --vhost-path "$T" \
    --core-sched --ipc $(endpoints) -P net_null0=0 -- $(eal_opts r)
RELAY_PID=$SPAWNED
wait_for 20 relay_running || fail "relay did not start"
for e in stats core_sched port_control config; do
    wait_for 10 test -S "$EPD/$e" || fail "no $e socket"
    mode=$(stat -c %a "$EPD/$e")
    [ "$mode" = 660 ] || fail "$e socket has mode $mode, expected 660"
done
ok "four endpoints listening, sockets 0660"

spawn guest dpdk-testpmd -l 0,1 --main-lcore 1 $(eal_opts g) --single-file-segments \
    --vdev "net_virtio_user0,path=$T/virtio-forwarder0.sock,queues=1" -- \
    --forward-mode=io --nb-cores=1 --total-num-mbufs=16384 -a
wait_for 20 guest_up 0 || fail "guest did not connect"
guest_sending() { [ "$(cnt relay0.vm_to_vf.tx_pkts)" -gt 1000 ]; }
wait_for 20 guest_sending || fail "no traffic from the guest"

"$PY" "$CLIENT" "$PB2_DIR" "$EPD" check || fail "endpoint checks"
"$PY" "$CLIENT" "$PB2_DIR" "$EPD" garbage "$N" || fail "garbage"
stop_pid "$RELAY_PID" 3 || fail "relay did not stop cleanly after the garbage"
for e in stats core_sched port_control config; do
    [ ! -e "$EPD/$e" ] || fail "$e socket left behind"
done
ok "relay stopped cleanly and removed its endpoint sockets"

spawn relay2 "$RELAY" $(relay_isolated) -C 0,1 -M 0 --vhost-path "$T" \
    --dynamic-sockets --ipc $(endpoints) -- $(eal_opts r2)
RELAY_PID=$SPAWNED
wait_for 20 relay_running || fail "relay (dynamic sockets) did not start"
wait_for 10 test -S "$EPD/port_control" || fail "no port_control socket"
"$PY" "$CLIENT" "$PB2_DIR" "$EPD" sockets || fail "dynamic socket checks"

# REMOVE_SOCK with a guest connected: the vhost thread tears the guest down
# while the control thread waits for it, so neither may hold the relay lock
# the other needs.
"$PY" "$CLIENT" "$PB2_DIR" "$EPD" add_sock 6 "$T/dyn6.sock" || fail "ADD_SOCK 6"
spawn guest6 dpdk-testpmd -l 0,1 --main-lcore 1 $(eal_opts g6) --single-file-segments \
    --vdev "net_virtio_user0,path=$T/dyn6.sock,queues=1" -- \
    --forward-mode=io --nb-cores=1 --total-num-mbufs=16384 -a
wait_for 20 guest_up 6 || fail "guest did not connect to the dynamic socket"
out=$(timeout 10 "$PY" "$CLIENT" "$PB2_DIR" "$EPD" remove_sock 6) ||
    fail "REMOVE_SOCK with a connected guest did not answer OK within 10 s: $out"
took=$(sed -n 's/.* answered OK in \([0-9]*\) ms/\1/p' <<<"$out")
[ "$took" -lt 2000 ] || fail "REMOVE_SOCK with a connected guest took $took ms"
guest_down 6 || fail "relay 6 still shows its guest after REMOVE_SOCK"
[ ! -e "$T/dyn6.sock" ] || fail "REMOVE_SOCK left $T/dyn6.sock"
ok "REMOVE_SOCK with a connected guest: $out; guest down, socket gone"
stop_pid "$RELAY_PID" 3 || fail "relay did not stop cleanly"
