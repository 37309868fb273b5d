#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# OVSDB port control against a real ovsdb-server, driven with ovs-vsctl as
# an operator would (no ovs-vswitchd: --no-wait):
#   - rows marked before the relay starts are found at start; rows that
#     cannot be acted on get one log line each and change nothing;
#   - add-port with the mark, marking and unmarking an existing port, and
#     del-port each change the relay; guest traffic flows through the new
#     relay with exact counts;
#   - ovsdb-server killed, the database changed while it is down, restarted:
#     the relay keeps forwarding meanwhile and is in sync afterwards; the
#     static VF is left alone throughout;
#   - 200 rapid mark/unmark flips end in the right state; the relay then
#     stops cleanly (exit 0: under ASan, no leak).
# usage: test_ovsdb.sh RELAY CNT_DUMP
RELAY=$1 CNT_DUMP=$2
. "$(dirname "$0")/../relay/lib.sh"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ovsdb_lib.sh"

NULL='no-rx=1'          # a VF that takes what the guest sends and drops it
mkdir -p "$T/run" "$T/sys/class/net"
ovsdb_start
vsctl add-br br-virtio
# Found at start: eth1 (device named directly), and three that cannot be
# acted on: a bad id, a netdev that does not exist, a relay a static VF has.
vsctl add-port br-virtio eth1 -- set interface eth1 external_ids:virtio_forwarder=1 \
    "external_ids:virtio_forwarder_device=\"net_null1,$NULL\""
vsctl add-port br-virtio bad0 -- set interface bad0 external_ids:virtio_forwarder=abc
vsctl add-port br-virtio nosuch0 -- set interface nosuch0 external_ids:virtio_relay=7
vsctl add-port br-virtio busy5 -- set interface busy5 external_ids:virtio_forwarder=5 \
    external_ids:virtio_forwarder_device=net_null9
# A VF's own netdev, resolved through (fake) sysfs to VF 6 at 0000:05:08.6:
# relay 6, as upstream numbers it; the PCI device cannot probe (--no-pci).
fake_vf_netdev "$T/sys" vfnet6 6
vsctl add-port br-virtio vfnet6 -- set interface vfnet6 external_ids:virtio_forwarder=1

VIO4WD_TEST_SYSFS_ROOT="$T/sys" spawn relay "$RELAY" $(relay_portctl) -C 1 -M 0 \
    --vhost-path "$T" --ovsdb-sock "$DB_SOCK" -P "net_null5,$NULL=5" -- $(eal_opts r)
RELAY_PID=$SPAWNED
wait_for 20 relay_running || fail "relay did not start"
grep -q "port control: OVSDB monitor on $DB_SOCK" "$T/relay.log" ||
    fail "the relay did not state the OVSDB mode"
wait_for 10 vf_is 1 "net_null1,$NULL" || fail "relay 1 did not get eth1's device at start"
vf_is 5 "net_null5,$NULL" || fail "the static VF of relay 5 is gone"
for why in "interface bad0: bad relay id 'abc' in external_ids:virtio_forwarder" \
           "interface nosuch0: no such network interface" \
           "interface busy5: relay 5 is already in use" \
           "interface vfnet6: 0000:05:08.6 will not attach to relay 6"; do
    [ "$(grep -cF "$why" "$T/relay.log")" = 1 ] || fail "expected one log line: $why"
done
vf_is 7 - || fail "relay 7 changed for an unknown netdev"
ok "at start: eth1 -> relay 1; bad id, unknown netdev, relay in use, VF that will not probe: one line each"

# add-port with the mark: relay 2, and a guest's traffic through it.
vsctl add-port br-virtio eth2 -- set interface eth2 external_ids:virtio_forwarder=2 \
    "external_ids:virtio_forwarder_device=\"net_null2,$NULL\""
wait_for 5 vf_is 2 "net_null2,$NULL" || fail "add-port did not give relay 2 its VF"
spawn guest dpdk-testpmd -l 0,1 --main-lcore 1 $(eal_opts g) --single-file-segments \
    --vdev "net_virtio_user0,path=$T/virtio-forwarder2.sock,queues=1" -- \
    -i --forward-mode=txonly --nb-cores=1 --total-num-mbufs=16384
GUEST_PID=$SPAWNED
wait_for 20 guest_up 2 || fail "guest did not connect to relay 2"
echo start >&8
sleep 2
echo stop >&8
sent() {
    grep -A2 'Accumulated forward statistics' "$T/guest.log" |
        sed -n 's/.*TX-packets: *\([0-9]*\).*/\1/p'
}
settled() { [ -n "$(sent)" ] && [ "$(cnt relay2.vm_to_vf.tx_pkts)" = "$(sent)" ]; }
wait_for 10 settled
echo quit >&8
stop_pid "$GUEST_PID" 10
s=$(sent) rx=$(cnt relay2.vm_to_vf.rx_pkts) tx=$(cnt relay2.vm_to_vf.tx_pkts)
[ -n "$s" ] && [ "$s" -gt 10000 ] || fail "testpmd sent too little: '$s'"
[ "$rx" = "$s" ] && [ "$tx" = "$s" ] || fail "testpmd sent $s; relay 2 received $rx, sent $tx"
ok "add-port: relay 2 carried exactly the $s packets the guest sent"

# Marking and unmarking an existing port, then del-port.
vsctl add-port br-virtio eth3
sleep 0.3
vf_is 3 - || fail "an unmarked port changed relay 3"
vsctl set interface eth3 external_ids:virtio_forwarder=3 \
    "external_ids:virtio_forwarder_device=\"net_null3,$NULL\""
wait_for 5 vf_is 3 "net_null3,$NULL" || fail "marking eth3 did not give relay 3 its VF"
vsctl remove interface eth3 external_ids virtio_forwarder
wait_for 5 vf_is 3 - || fail "unmarking eth3 did not release relay 3"
vsctl del-port br-virtio eth2
wait_for 5 vf_is 2 - || fail "del-port eth2 did not release relay 2"
ok "mark, unmark and del-port each followed"

# ovsdb-server crashes; while it is down eth1 is unmarked and eth3 marked.
ovsdb_kill
sleep 0.5
vf_is 1 "net_null1,$NULL" || fail "relay 1 lost its VF while ovsdb-server was down"
relay_running || fail "the relay stopped with ovsdb-server"
offline '{"op":"update","table":"Interface","where":[["name","==","eth1"]],
          "row":{"external_ids":["map",[]]}},
         {"op":"update","table":"Interface","where":[["name","==","eth3"]],
          "row":{"external_ids":["map",[["virtio_forwarder","3"],
                 ["virtio_forwarder_device","net_null3,no-rx=1"]]]}}'
ovsdb_start
wait_for 10 vf_is 3 "net_null3,$NULL" || fail "after the restart relay 3 has no VF"
wait_for 5 vf_is 1 - || fail "after the restart relay 1 still has eth1's VF"
vf_is 5 "net_null5,$NULL" || fail "the resync touched the static VF of relay 5"
[ "$(grep -cF "interface bad0: bad relay id" "$T/relay.log")" = 1 ] ||
    fail "the resync logged bad0's complaint again"
ok "ovsdb-server killed and restarted: relays kept forwarding, then resynced"

# 200 rapid flips on eth4; even count: ends unmarked, then one more: marked.
vsctl add-port br-virtio eth4 -- set interface eth4 \
    "external_ids:virtio_forwarder_device=\"net_null4,$NULL\""
for i in $(seq 100); do
    vsctl set interface eth4 external_ids:virtio_forwarder=4
    vsctl remove interface eth4 external_ids virtio_forwarder
done
wait_for 5 vf_is 4 - || fail "after 200 flips relay 4 should have no VF"
vsctl set interface eth4 external_ids:virtio_forwarder=4
wait_for 5 vf_is 4 "net_null4,$NULL" || fail "after 201 flips relay 4 should have its VF"
relay_running || fail "the relay died during the flips"
ok "200 rapid flips: final states right"

stop_pid "$RELAY_PID" 5; rc=$?
[ "$rc" = 0 ] || fail "relay exit code $rc after SIGTERM"
ok "relay stopped cleanly"
