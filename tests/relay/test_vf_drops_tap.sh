#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# A VF that really drops, and how an operator tells who is too slow.
#
# The VF is a net_tap device (a kernel tap interface in this test's network
# namespace); the guest a dpdk-testpmd on net_virtio_user that the test
# drives through its command line. Frames come in from the kernel side of
# the tap (an AF_PACKET socket), so the VF receives them.
#
#  1. The VF fails to transmit: the tap interface is set down under a
#     transmitting guest. Every send fails; DPDK's tap driver counts them in
#     rte_eth_stats oerrors, and the relay's control thread samples it: the
#     counters file, vio4wd-stats (table and --json) and the exporter show
#     vf_tx_error.
#  2. The guest is too slow: it stops receiving, its ring fills, and the
#     relay drops VF->VM as queue_full, at a low load: the relay kept up.
#  3. The relay is too slow (VIO4WD_TEST_NS_PER_PACKET makes every packet
#     cost 50 us): the guest drains, nothing is dropped as queue_full, the
#     VF->VM direction is saturated and the tap dropped what the relay did
#     not fetch. DPDK 22.11's tap driver does not report those drops in
#     imissed (the kernel counts them as the tap interface's tx_dropped), so
#     the relay's vf_rx_missed stays 0 here; with a NIC it grows.
# usage: test_vf_drops_tap.sh RELAY CNT_DUMP STATS EXPORTER
RELAY=$1 CNT_DUMP=$2 STATS=$3 EXPORTER=$4
. "$(dirname "$0")/lib.sh"

need ip
need curl
need dpdk-testpmd
[ -c /dev/net/tun ] || fail "/dev/net/tun is missing: net_tap needs the kernel's tun driver"
mkdir -p "$T/run"
TAP="v4d$$"                     # kernel interface names are at most 15 characters

# inject N [SECONDS] : N 64-byte frames into the VF from the kernel side of
# the tap, or as many as fit in SECONDS.
inject() {
    python3 - "$TAP" "$1" "${2:-3600}" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
frame = bytes.fromhex("02000000000102000000000208004500") + bytes(48)
end = time.monotonic() + float(sys.argv[3])
for i in range(int(sys.argv[2])):
    try:
        s.send(frame)
    except OSError:     # the tap's queue is full: the kernel drops, so do we
        pass
    if i % 1024 == 0 and time.monotonic() > end:
        break
PY
}
start_relay() {  # start_relay TAG [ENV...]
    local tag=$1
    shift
    spawn "relay$tag" env "$@" "$RELAY" $(relay_isolated) -C 1 -M 0 --vhost-path "$T" \
        -P "net_tap0,iface=$TAP=0" -- $(eal_opts "r$tag")
    RELAY_PID=$SPAWNED
    wait_for 20 relay_running || fail "relay $tag did not start"
    wait_for 10 ip link show "$TAP" || fail "no tap interface $TAP"
}
start_guest() {  # start_guest TAG: an interactive testpmd, not forwarding yet
    spawn "guest$1" dpdk-testpmd -l 0,1 --main-lcore 1 $(eal_opts "g$1") --single-file-segments \
        --vdev "net_virtio_user0,path=$T/virtio-forwarder0.sock,queues=1" -- \
        -i --nb-cores=1 --total-num-mbufs=16384
    GUEST_PID=$SPAWNED
    wait_for 20 guest_up 0 || fail "guest $1 did not connect"
}
guest_cmd() { printf '%s\n' "$@" >&8; }
json() {        # json EXPR : a value from vio4wd-stats --json for relay 0
    "$STATS" --counters "$T/run" --config "$T/relay.conf" --json --interval 1 -r 0 |
        python3 -c "import json, sys; r = json.load(sys.stdin)['relays'][0]; print($1)"
}
tap_dropped() { cat "/sys/class/net/$TAP/statistics/tx_dropped"; }
gt() { [ "$(cnt "$1")" -gt "$2" ]; }

start_relay a
start_guest a
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
EXP_PORT=$(free_port)
spawn exporter "$EXPORTER" --listen "127.0.0.1:$EXP_PORT" --counters "$T/run" \
    --config "$T/relay.conf"

# ---- 1. the VF fails to transmit ----------------------------------------
guest_cmd "set fwd txonly" "start"
wait_for 10 gt relay0.vm_to_vf.tx_pkts 10000 || fail "no guest traffic reached the tap"
[ "$(cnt relay0.vf.oerrors)" = 0 ] || fail "oerrors $(cnt relay0.vf.oerrors) while the tap is up"
ip link set "$TAP" down || fail "cannot set $TAP down"
wait_for 10 gt relay0.vf.oerrors 1000 || fail "the tap is down, but no VF oerrors sampled"
guest_cmd "stop"
sleep 0.6                       # two samples of the VF counters
oerr=$(cnt relay0.vf.oerrors)
full=$(cnt relay0.vm_to_vf.drop_full_pkts)
echo "tap down under a transmitting guest: VF oerrors $oerr, relay VM->VF queue_full $full"
[ "$full" -gt 0 ] || fail "the relay did not drop what the VF refused"
[ "$(json "r['vm_to_vf']['vf_tx_error']")" = "$oerr" ] || fail "vio4wd-stats --json vf_tx_error"
"$STATS" --counters "$T/run" --config "$T/relay.conf" --interval 0.2 >"$T/table" ||
    fail "vio4wd-stats failed"
# the VM->VF row's VFDROP column (fifth from the end)
vfdrop=$(awk '/ VM->VF / {print $(NF-4)}' "$T/table")
[ -n "$vfdrop" ] && [ "$vfdrop" != 0 ] || { cat "$T/table"; fail "vio4wd-stats shows VFDROP '$vfdrop'"; }
curl -sf "http://127.0.0.1:$EXP_PORT/metrics" >"$T/m1" || fail "exporter does not answer"
grep -qxF "vio4wd_relay_dropped_packets_total{relay=\"0\",direction=\"vm_to_vf\",reason=\"vf_tx_error\"} $oerr" \
    "$T/m1" || { grep vf_tx "$T/m1"; fail "the exporter does not show the VF's transmit errors"; }
ok "a VF that fails to transmit: oerrors in the counters, vio4wd-stats and the exporter"
ip link set "$TAP" up || fail "cannot set $TAP up"

# ---- 2. the guest is too slow -------------------------------------------
# testpmd is stopped: nobody drains its receive ring.
full0=$(cnt relay0.vf_to_vm.drop_full_pkts)
inject 20000
wait_for 5 gt relay0.vf_to_vm.drop_full_pkts "$full0" || fail "a stalled guest, but no queue_full drops"
sleep 0.6
guest=$(( $(cnt relay0.vf_to_vm.drop_full_pkts) - full0 ))
rx=$(cnt relay0.vf_to_vm.rx_pkts)
echo "guest not receiving: relay got $rx from the VF, dropped $guest as queue_full;" \
     "VF rx drops $(cnt relay0.vf.imissed)+$(cnt relay0.vf.rx_nombuf)"
[ "$(json "r['vf_to_vm']['drop_full_pkts']")" -ge "$((full0 + guest))" ] ||
    fail "vio4wd-stats does not show the queue_full drops"
curl -sf "http://127.0.0.1:$EXP_PORT/metrics" | grep -q \
    "^vio4wd_relay_dropped_packets_total{relay=\"0\",direction=\"vf_to_vm\",reason=\"queue_full\"} [1-9]" ||
    fail "the exporter does not show the queue_full drops"
[ "$(cnt relay0.vf.imissed)" = 0 ] && [ "$(cnt relay0.vf.rx_nombuf)" = 0 ] ||
    fail "a slow guest, but the VF counted rx drops"
ok "a guest too slow: queue_full drops on VF->VM, none by the VF"
guest_cmd "quit"
stop_pid "$GUEST_PID" 10
stop_pid "$RELAY_PID" 5 || fail "relay a did not stop cleanly"

# ---- 3. the relay is too slow -------------------------------------------
start_relay b VIO4WD_TEST_NS_PER_PACKET=50000
start_guest b
guest_cmd "set fwd rxonly" "start"
sleep 1
d0=$(tap_dropped)
f0=$(cnt relay0.vf_to_vm.drop_full_pkts)
( inject 100000000 3 ) &
INJ=$!
sleep 0.5
sat=$(json "'%s,%.2f' % (r['vf_to_vm']['saturated'], r['load']['vf_to_vm'])")
wait "$INJ"
d1=$(tap_dropped)
full=$(( $(cnt relay0.vf_to_vm.drop_full_pkts) - f0 ))
echo "relay at 50 us/packet: vio4wd-stats VF->VM (saturated, load) = ($sat);" \
     "the tap dropped $((d1 - d0)) frames the relay did not fetch;" \
     "relay queue_full $full, VF imissed $(cnt relay0.vf.imissed)"
case $sat in True,*) ;; *) fail "a relay too slow, but VF->VM is not saturated: $sat" ;; esac
[ "$((d1 - d0))" -gt 0 ] || fail "the tap dropped nothing: the relay was not too slow"
[ "$full" = 0 ] || fail "a draining guest, but $full queue_full drops"
ok "a relay too slow: VF->VM saturated, the VF (tap) drops, no queue_full"
guest_cmd "quit"
stop_pid "$GUEST_PID" 10
stop_pid "$RELAY_PID" 5 || fail "relay b did not stop cleanly"
ip link show "$TAP" >/dev/null 2>&1 && fail "the relay left its tap interface $TAP behind"
ok "relay stopped, tap interface gone"
