#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# vhost-user options that must have an effect: socket owner and group
# (names and numeric ids, 0660), an unknown owner refused at start with exit
# 2, mergeable buffers and TSO negotiated only when enabled, and jumbo
# frames giving 9 KiB buffers. The guest is a real virtio driver
# (dpdk-testpmd on net_virtio_user) asking for TCP checksum and TSO
# offloads (0x28), so it would take every one of these features if offered.
# usage: test_vhost_options.sh RELAY CNT_DUMP
RELAY=$1 CNT_DUMP=$2
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/run"

# Socket ownership: 'daemon' exists on every Debian system.
spawn relay "$RELAY" $(relay_isolated) -C 1 -M 0 --vhost-path "$T" \
    -u daemon -g daemon -P net_null0=0 -- $(eal_opts o)
RELAY_PID=$SPAWNED
wait_for 20 relay_running || fail "relay did not start"
owner=$(stat -c '%U:%G %a' "$T/virtio-forwarder0.sock")
[ "$owner" = "daemon:daemon 660" ] || fail "socket is '$owner', expected 'daemon:daemon 660'"
stop_pid "$RELAY_PID" 3 || fail "relay did not stop"
ok "sockets owned by daemon:daemon, mode 0660"

spawn relay "$RELAY" $(relay_isolated) -C 1 -M 0 --vhost-path "$T" \
    -u 4242 -g 4343 -P net_null0=0 -- $(eal_opts n)
RELAY_PID=$SPAWNED
wait_for 20 relay_running || fail "relay did not start with numeric ids"
owner=$(stat -c '%u:%g' "$T/virtio-forwarder0.sock")
[ "$owner" = "4242:4343" ] || fail "socket is '$owner', expected numeric 4242:4343"
stop_pid "$RELAY_PID" 3 || fail "relay did not stop"
ok "numeric owner and group applied"

"$RELAY" $(relay_isolated) -C 1 -M 0 --vhost-path "$T" -u no-such-user-here \
    -- $(eal_opts bad) >"$T/bad.out" 2>&1 </dev/null
rc=$?
[ "$rc" = 2 ] || fail "unknown socket owner: exit $rc, expected 2"
grep -q "VIRTIOFWD_SOCKET_OWNER='no-such-user-here': no such user" "$T/bad.out" ||
    fail "unclear message: $(cat "$T/bad.out")"
ok "unknown owner refused at start: $(grep -m1 SOCKET_OWNER "$T/bad.out" | cut -c1-120)"

# features RELAY-OPTIONS... : starts a relay and a guest, prints the log line
# with the negotiated features, then stops both.
features() {
    local tag=$1; shift
    spawn "relay$tag" "$RELAY" $(relay_isolated) -C 1 -M 0 --vhost-path "$T" \
        -P 'net_null0,no-rx=1=0' "$@" -- $(eal_opts "r$tag")
    local rpid=$SPAWNED
    wait_for 20 relay_running || fail "relay ($*) did not start"
    spawn "guest$tag" dpdk-testpmd -l 0,1 --main-lcore 1 $(eal_opts "g$tag") \
        --single-file-segments --vdev "net_virtio_user0,path=$T/virtio-forwarder0.sock" -- \
        -i --total-num-mbufs=16384 --tx-offloads=0x28
    local gpid=$SPAWNED
    wait_for 20 guest_up 0 || fail "guest did not connect ($*)"
    sleep 1
    echo quit >&8
    stop_pid "$gpid" 5
    stop_pid "$rpid" 3
    # the guest renegotiates once its offloads are configured: the last word
    grep 'negotiated virtio features' "$T/relay$tag.log" | tail -n 1
}

plain=$(features plain)
echo "without options: $plain"
case "$plain" in *"mergeable buffers off, TSO off"*) ;; *) fail "features without options: $plain" ;; esac
grep -q 'mbufs of 2176 bytes' "$T/relayplain.log" || fail "default buffer size not 2176 bytes"

full=$(features full --enable-mrgbuf --enable-tso -J)
echo "with --enable-mrgbuf --enable-tso -J: $full"
case "$full" in *"mergeable buffers on, TSO on"*) ;; *) fail "features with options: $full" ;; esac
grep -q 'mbufs of 9344 bytes' "$T/relayfull.log" || fail "jumbo: buffers are not 9216 + headroom"
ok "mergeable buffers and TSO negotiated only when enabled; jumbo gives 9 KiB buffers"
