#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# A real Linux guest (QEMU, the kernel's virtio-net driver) on a relay
# socket, the VF a net_tap device in a network namespace this test creates:
# ping works both ways and the relay counts the traffic in each direction.
# The relay runs with its defaults, so the guest must not have negotiated
# mergeable buffers or TSO (test_guest_features.sh turns them on).
# usage: test_guest_ping.sh RELAY CNT_DUMP CACHE
# Exit 77 (meson: skipped) only when QEMU here cannot run vhost-user.
RELAY=$1 CNT_DUMP=$2 CACHE=$3
. "$(dirname "$0")/../relay/lib.sh"
. "$(dirname "$0")/guest_lib.sh"

t0=$SECONDS
guest_initrd
t_initrd=$((SECONDS - t0))
guest_netns
relay_start 1
tap_setup 1
t0=$(date +%s%N)
guest_boot g 1 ""
guest_ready g
echo "guest boot to its shell: $(( ($(date +%s%N) - t0) / 1000000 )) ms (initramfs ready in ${t_initrd} s)"
wait_for 20 guest_up 0 || fail "the guest did not come up on the relay"
link_up() { grep -q 'GUEST: links eth0=up' "$T/g.log"; }
wait_for 10 link_up || fail "guest link not up"
bits=$(gsh g "cat /sys/class/net/eth0/device/features")
[ "${bits:15:1}${bits:11:1}" = 00 ] ||
    fail "mergeable buffers or TSO negotiated against a default relay ($bits)"
out=$(gsh g "ping -c 5 -i 0.2 -W 2 10.99.0.1")
grep -q '5 packets transmitted, 5 packets received' <<<"$out" ||
    fail "guest to host ping: $out"
ok "guest link up; guest pinged the host namespace 5/5"
ns_ping 5 10.99.0.2 >"$T/hostping.log" ||
    fail "host to guest ping: $(grep 'packets transmitted' "$T/hostping.log")"
ok "host namespace pinged the guest 5/5"

# 5 requests and 5 replies each way; the counters of the direction must
# agree on both ends of the relay.
settled() { [ "$(cnt relay0.vf_to_vm.tx_pkts)" = 10 ] && [ "$(cnt relay0.vm_to_vf.tx_pkts)" = 10 ]; }
wait_for 5 settled || fail "relay counts vm_to_vf rx/tx $(cnt relay0.vm_to_vf.rx_pkts)/$(cnt relay0.vm_to_vf.tx_pkts), vf_to_vm rx/tx $(cnt relay0.vf_to_vm.rx_pkts)/$(cnt relay0.vf_to_vm.tx_pkts); 10 each expected"
[ "$(cnt relay0.vm_to_vf.rx_pkts)" = 10 ] && [ "$(cnt relay0.vf_to_vm.rx_pkts)" = 10 ] ||
    fail "relay rx counts differ from tx"
ok "relay counted exactly 10 packets each way (QEMU ${QVER}${VECTORS:+, MSI-X off})"
