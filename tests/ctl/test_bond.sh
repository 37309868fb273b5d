#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Bonds through port_control: ADD with two VFs (net_null vdevs that do not
# exist yet) builds net_bonding0 over them; the relay probes the slaves
# first. Under guest traffic (testpmd txonly) every packet the guest sent
# goes out through the bond, and the bond's receive side feeds the guest.
# REMOVE detaches the bond and the slaves it probed: their port ids are
# free again (a single VF added next takes port 0), and the same bond can
# be added a second time.
# usage: test_bond.sh RELAY CNT_DUMP PB2_DIR
RELAY=$1 CNT_DUMP=$2 PB2_DIR=$3
. "$(dirname "$0")/../relay/lib.sh"
mkdir -p "$T/run"
EP="ipc://$T/port_control"

# port OP RELAY [DEVICE...]: prints "OK" or "ERROR code: message".
port() {
    /usr/bin/python3 - "$PB2_DIR" "$EP" "$@" <<'PY'
import sys, zmq
sys.path.insert(0, sys.argv[1])
import virtioforwarder_pb2 as pb
ep, op, relay, devs = sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:]
req = pb.PortControlRequest(op=getattr(pb.PortControlRequest, op), virtio_id=relay)
req.device.extend(devs)
if len(devs) > 1:
    req.mode = 0                    # round robin
s = zmq.Context().socket(zmq.REQ)
s.setsockopt(zmq.LINGER, 0)
s.setsockopt(zmq.RCVTIMEO, 10000)
s.connect(ep)
s.send(req.SerializeToString())
r = pb.PortControlResponse()
r.ParseFromString(s.recv())
print("OK" if r.status == r.OK else "ERROR %d: %s" % (r.error_code, r.error_code_source))
PY
}

spawn relay "$RELAY" $(relay_isolated) -C 1 -M 0 --vhost-path "$T" \
    --ipc --zmq-port-control-ep "$EP" -- $(eal_opts r)
RELAY_PID=$SPAWNED
wait_for 20 relay_running || fail "relay did not start"
wait_for 10 test -S "$T/port_control" || fail "no port_control socket"

spawn guest stdbuf -oL dpdk-testpmd -l 0,1 --main-lcore 1 $(eal_opts g) --single-file-segments \
    --vdev "net_virtio_user0,path=$T/virtio-forwarder0.sock,queues=1" -- \
    -i --forward-mode=txonly --nb-cores=1 --total-num-mbufs=16384
GUEST_PID=$SPAWNED
wait_for 20 guest_up 0 || fail "guest did not connect"

tx_sent() {
    grep -A2 'Accumulated forward statistics' "$T/guest.log" | tail -n 3 |
        sed -n 's/.*TX-packets: *\([0-9]*\).*/\1/p'
}
vf_ready() { [ $(( $(cnt relay0.flags) & 2 )) -ne 0 ]; }
# traffic BASE: 2 s of guest traffic; every packet must reach the bond.
traffic() {
    local base=$1 vfrx0; vfrx0=$(cnt relay0.vf_to_vm.rx_pkts)

    echo start >&8
    sleep 2
    echo stop >&8
    settled() { local s; s=$(tx_sent); [ -n "$s" ] && [ "$(cnt relay0.vm_to_vf.rx_pkts)" = $((base + s)) ]; }
    wait_for 10 settled || fail "relay took $(( $(cnt relay0.vm_to_vf.rx_pkts) - base )) of $(tx_sent) packets"
    local s; s=$(tx_sent)
    [ "$s" -gt 100000 ] || fail "testpmd sent too little: $s"
    [ "$(cnt relay0.vm_to_vf.tx_pkts)" = $((base + s)) ] ||
        fail "bond took $(( $(cnt relay0.vm_to_vf.tx_pkts) - base )) of $s packets"
    [ "$(cnt relay0.vf_to_vm.rx_pkts)" -gt "$vfrx0" ] || fail "nothing received from the bond"
    SENT=$s
}

BOND="net_bonding0,mode=0,slave=net_null5,slave=net_null6"
r=$(port ADD 0 net_null5 net_null6); [ "$r" = OK ] || fail "ADD bond: $r"
[ "$(cnt relay0.vf_dev)" = "$BOND" ] || fail "relay 0 VF is '$(cnt relay0.vf_dev)', want $BOND"
wait_for 5 vf_ready || fail "bond not ready"
grep -q "bond slave net_null5 probed" "$T/relay.log" && grep -q "bond slave net_null6 probed" "$T/relay.log" ||
    fail "slaves not probed by the relay"
traffic 0
ok "bond of two net_null VFs: $SENT guest packets all sent through it, VF->VM $(cnt relay0.vf_to_vm.rx_pkts) received"

r=$(port REMOVE 0); [ "$r" = OK ] || fail "REMOVE bond: $r"
grep -q "bond slave net_null5 detached" "$T/relay.log" && grep -q "bond slave net_null6 detached" "$T/relay.log" ||
    fail "slaves not detached"
r=$(port ADD 0 net_null7); [ "$r" = OK ] || fail "ADD net_null7: $r"
grep -q "VF net_null7 is port 0" "$T/relay.log" || fail "ports of the removed bond still taken: $(grep 'VF net_null7' "$T/relay.log")"
r=$(port REMOVE 0); [ "$r" = OK ] || fail "REMOVE net_null7: $r"
ok "REMOVE detached the bond and its slaves (next VF is port 0 again)"

base=$(cnt relay0.vm_to_vf.rx_pkts)
r=$(port ADD 0 net_null5 net_null6); [ "$r" = OK ] || fail "second ADD of the bond: $r"
wait_for 5 vf_ready || fail "bond not ready the second time"
traffic "$base"
ok "the same bond added again: $SENT guest packets all sent through it"
r=$(port REMOVE 0); [ "$r" = OK ] || fail "second REMOVE: $r"

echo quit >&8
stop_pid "$GUEST_PID" 10
stop_pid "$RELAY_PID" 3 || fail "relay did not stop cleanly"
ok "relay stopped"
