#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Start-up and shutdown: a bad configuration exits 2 naming the variable; a
# second instance on the same run directory is refused; SIGTERM with a
# guest connected and traffic flowing exits 0 within 2 s, removing files.
# usage: test_lifecycle.sh RELAY CNT_DUMP
RELAY=$1 CNT_DUMP=$2
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/run"

expect_bad() {   # expect_bad VARIABLE ARGS...
    local var=$1
    shift
    "$RELAY" $(relay_isolated) --vhost-path "$T" "$@" \
        -- $(eal_opts bad) >"$T/bad.out" 2>&1 </dev/null
    local rc=$?
    [ "$rc" = 2 ] || fail "$* : exit code $rc, expected 2"
    grep -q "$var" "$T/bad.out" || fail "$* : message does not name $var: $(cat "$T/bad.out")"
    ok "rejected with exit 2 naming $var: $(grep -m1 "$var" "$T/bad.out" | cut -c1-150)"
}
expect_bad VIRTIOFWD_CPU_PINS -C 1 -c 0:7
expect_bad VIRTIOFWD_CPU_PINS -C 1 -c 0:0
expect_bad VIRTIOFWD_CPU_MASK -C abc
expect_bad VIRTIOFWD_LOG_LEVEL -l 9
printf 'VIRTIOFWD_CPU_MASK=1\nVIRTIOFWD_JUMBO=maybe\n' > "$T/bad.conf"
expect_bad VIRTIOFWD_JUMBO --config "$T/bad.conf"
"$RELAY" --config "$T/missing.conf" >"$T/bad.out" 2>&1 </dev/null
[ $? = 2 ] || fail "a missing explicit --config must exit 2"
ok "missing explicit config file: exit 2"
[ -z "$(ls /var/run/dpdk 2>/dev/null | grep "${PREFIX}bad")" ] || fail "EAL ran for a bad config"

spawn relay "$RELAY" $(relay_isolated) -C 1 -M 0 --vhost-path "$T" \
    --dynamic-sockets -P 'net_null0=0' -- $(eal_opts r)
RELAY_PID=$SPAWNED
wait_for 20 relay_running || fail "relay did not start"
"$RELAY" $(relay_isolated) -C 1 -M 0 --vhost-path "$T" \
    -- $(eal_opts r2) >"$T/second.out" 2>&1 </dev/null
rc=$?
[ "$rc" != 0 ] || fail "second instance started"
grep -q "another instance" "$T/second.out" || fail "second instance: unclear message"
ok "second instance refused (exit $rc): $(grep -m1 'another instance' "$T/second.out")"
[ "$(cnt header.pid)" = "$RELAY_PID" ] || fail "counters now belong to another pid"
stop_pid "$RELAY_PID" 3 || fail "relay did not stop cleanly"

# Guest connected and traffic in both directions (net_null also receives).
spawn relay "$RELAY" $(relay_isolated) -C 1 -M 0 --vhost-path "$T" \
    -P 'net_null0=0' -- $(eal_opts r)
RELAY_PID=$SPAWNED
wait_for 20 relay_running || fail "relay did not start again"
spawn guest dpdk-testpmd -l 0,1 --main-lcore 1 $(eal_opts g) --single-file-segments \
    --vdev "net_virtio_user0,path=$T/virtio-forwarder0.sock,queues=1" -- \
    --forward-mode=io --nb-cores=1 --total-num-mbufs=16384 -a
wait_for 20 guest_up 0 || fail "guest did not connect"
sleep 2
[ "$(cnt relay0.vf_to_vm.tx_pkts)" -gt 0 ] || fail "no VF->VM traffic"
[ "$(cnt relay0.vm_to_vf.tx_pkts)" -gt 0 ] || fail "no VM->VF traffic"
start=$(date +%s%N)
stop_pid "$RELAY_PID" 3; rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$rc" = 0 ] || fail "exit code $rc after SIGTERM with a guest connected"
[ "$ms" -lt 2000 ] || fail "took $ms ms to stop"
[ -z "$(ls "$T"/*.sock 2>/dev/null)" ] || fail "sockets left behind"
[ ! -e "$T/run/counters" ] || fail "counters left behind"
ok "SIGTERM under traffic with a guest connected: exit 0 in $ms ms, files removed"
