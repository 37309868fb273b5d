#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Two vhost-user NICs on one real Linux guest, the relay configured with
# VIRTIOFWD_MRGBUF, VIRTIOFWD_TSO and VIRTIOFWD_JUMBO: the guest's driver
# negotiated mergeable buffers, TSO and checksum offload (its virtio
# feature bits and ethtool -k), the relay logged the same for each guest
# device, and an 8,972-byte ping (a 9,000-byte IP packet at MTU 9000) goes
# both ways on both NICs, counted exactly by both relays.
# usage: test_guest_features.sh RELAY CNT_DUMP CACHE
RELAY=$1 CNT_DUMP=$2 CACHE=$3
. "$(dirname "$0")/../relay/lib.sh"
. "$(dirname "$0")/guest_lib.sh"

N=2
GUEST_VF=veth   # frames of 9,014 bytes (see relay_start)
guest_initrd
guest_netns
relay_start $N --enable-mrgbuf --enable-tso --jumbo
tap_setup $N 9000
guest_boot g $N ""
guest_ready g
up() { [ "$(cnt relay0.flags)" ] && guest_up 0 && guest_up 1; }
wait_for 20 up || fail "the guest's two NICs did not come up on the relay"

# Virtio feature bits as the guest driver acked them, bit 0 first.
for i in 0 1; do
    bits=$(gsh g "cat /sys/class/net/eth$i/device/features")
    for b in 15:MRG_RXBUF 11:HOST_TSO4 0:CSUM 1:GUEST_CSUM 7:GUEST_TSO4; do
        [ "${bits:${b%%:*}:1}" = 1 ] || fail "eth$i: virtio feature ${b#*:} not negotiated ($bits)"
    done
    k=$(gsh g "ethtool -k eth$i")
    for f in tcp-segmentation-offload tx-checksumming rx-checksumming; do
        grep -q "^$f: on" <<<"$k" || fail "eth$i: ethtool -k: $(grep "^$f:" <<<"$k")"
    done
done
ok "guest: both NICs negotiated mergeable buffers, TSO and checksum offload (features, ethtool -k)"
n_logged=$(grep -c 'negotiated virtio features .*(mergeable buffers on, TSO on)' "$T/relay.log")
[ "$n_logged" -ge 2 ] || fail "relay logged mergeable buffers and TSO on for $n_logged devices, want 2"
ok "relay: logged mergeable buffers on, TSO on for both guest devices"

for i in 0 1; do
    gsh g "ip link set eth$i mtu 9000" || fail "guest cannot set MTU 9000 on eth$i"
done
# One 8,972-byte ping each way per NIC, unfragmented: 2 packets each way
# per relay.
for i in 0 1; do
    out=$(gsh g "ping -c 1 -W 5 -s 8972 10.99.$i.1") ||
        fail "guest eth$i: jumbo ping to the host failed: $out"
    ns_ping 1 "10.99.$i.2" -s 8972 -M do >"$T/ping$i.log" ||
        fail "host: jumbo ping to the guest's eth$i failed: $(cat "$T/ping$i.log")"
done
settled() {
    local i
    for i in 0 1; do
        [ "$(cnt relay$i.vf_to_vm.tx_pkts)" = 2 ] && [ "$(cnt relay$i.vm_to_vf.tx_pkts)" = 2 ] ||
            return 1
    done
}
wait_for 5 settled || fail "relay counts (want 2 each): $(for i in 0 1; do
    echo -n "relay$i vm_to_vf $(cnt relay$i.vm_to_vf.tx_pkts) vf_to_vm $(cnt relay$i.vf_to_vm.tx_pkts); "; done)"
for i in 0 1; do
    [ "$(cnt relay$i.vm_to_vf.tx_bytes)" = $((2 * 9014)) ] && [ "$(cnt relay$i.vf_to_vm.tx_bytes)" = $((2 * 9014)) ] ||
        fail "relay$i bytes vm_to_vf $(cnt relay$i.vm_to_vf.tx_bytes), vf_to_vm $(cnt relay$i.vf_to_vm.tx_bytes); want 2 frames of 9014 each"
done
ok "8,972-byte pings both ways on both NICs; each relay counted exactly 2 frames of 9,014 bytes each way"
