#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# A relay restart under a running Linux guest, in either vhost-user mode:
#   client: the relay is the client (VIRTIOFWD_VHOST_CLIENT), QEMU serves
#           the socket (server=on); the restarted relay connects at once and
#           the guest's link must be back within 2 s of the relay's start.
#   server: the relay serves the socket, QEMU reconnects (reconnect=1).
# In both, the guest sees its link go down and come back, and pings go both
# ways afterwards, counted exactly by the new relay.
# usage: test_guest_reconnect.sh RELAY CNT_DUMP CACHE client|server
RELAY=$1 CNT_DUMP=$2 CACHE=$3 MODE=$4
. "$(dirname "$0")/../relay/lib.sh"
. "$(dirname "$0")/guest_lib.sh"

case $MODE in
client) RELAY_OPTS=(--vhostuser-client) CHR=",server=on,wait=off" LIMIT_MS=2000 ;;
server) RELAY_OPTS=() CHR=",reconnect=1" LIMIT_MS=3000 ;;
*) fail "mode must be client or server, not '$MODE'" ;;
esac

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# link_is STATE FROM_LINE: the guest printed eth0=STATE after line FROM_LINE
link_is() {
    tail -n +"$2" "$T/g.log" | grep -q "GUEST: links eth0=$1"
}
# pings_counted: one ping each way, and the relay counted exactly 2 packets
# in each direction since it started.
pings_counted() {
    gsh g "ping -c 1 -W 3 10.99.0.1" >/dev/null || fail "guest to host ping failed ($1)"
    ns_ping 1 10.99.0.2 >/dev/null || fail "host to guest ping failed ($1)"
    two() { [ "$(cnt relay0.vf_to_vm.tx_pkts)" = 2 ] && [ "$(cnt relay0.vm_to_vf.tx_pkts)" = 2 ]; }
    wait_for 5 two || fail "relay counted vm_to_vf $(cnt relay0.vm_to_vf.tx_pkts), vf_to_vm $(cnt relay0.vf_to_vm.tx_pkts) ($1); 2 each expected"
}

guest_initrd
guest_netns
if [ "$MODE" = client ]; then
    # QEMU serves the socket and waits for the relay before it boots.
    guest_boot g 1 "$CHR"
    wait_for 10 test -S "$T/virtio-forwarder0.sock" || fail "QEMU did not create its socket"
    relay_start 1 "${RELAY_OPTS[@]}"
else
    relay_start 1
    guest_boot g 1 "$CHR"
fi
tap_setup 1
guest_ready g
wait_for 20 guest_up 0 || fail "the guest did not come up on the relay"
wait_for 10 link_is up 1 || fail "guest link not up"
pings_counted "first relay"
ok "$MODE mode: guest up, one ping each way counted exactly"

from=$(($(wc -l <"$T/g.log") + 1))
stop_pid "$RELAY_PID" 5 || fail "relay did not stop on SIGTERM"
wait_for 5 link_is down "$from" || fail "the guest did not see its link go down"
from=$(($(wc -l <"$T/g.log") + 1))
t0=$(now_ms)
relay_start 1 "${RELAY_OPTS[@]}"
t_running=$(now_ms)
tap_setup 1
wait_for 10 link_is up "$from" || fail "guest link not back after the relay restart"
t_up=$(now_ms)
wait_for 5 guest_up 0 || fail "the restarted relay has no guest"
echo "relay restart: running after $((t_running - t0)) ms, guest link up after $((t_up - t0)) ms"
[ $((t_up - t0)) -le $LIMIT_MS ] ||
    fail "guest link back $((t_up - t0)) ms after the relay's start, limit $LIMIT_MS ms"
pings_counted "restarted relay"
ok "$MODE mode: relay restarted, guest link back in $((t_up - t0)) ms (limit $LIMIT_MS), pings counted exactly"
