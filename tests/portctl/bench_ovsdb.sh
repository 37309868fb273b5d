#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# OVSDB change -> relay latency over N mark/unmark flips of one interface
# (a net_null VF named by external_ids:virtio_forwarder_device), through a
# real ovsdb-server. Fails if the median is over 100 ms.
# usage: bench_ovsdb.sh RELAY CNT_DUMP OVSDB_FLIP [N]
RELAY=$1 CNT_DUMP=$2 FLIP=$3 N=${4:-200}
. "$(dirname "$0")/../relay/lib.sh"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ovsdb_lib.sh"

mkdir -p "$T/run"
ovsdb_start
vsctl add-br br-virtio
vsctl add-port br-virtio eth4 -- set interface eth4 \
    'external_ids:virtio_forwarder_device="net_null4,no-rx=1"'
spawn relay "$RELAY" $(relay_portctl) -C 1 -M 0 --vhost-path "$T" \
    --ovsdb-sock "$DB_SOCK" -- $(eal_opts r)
wait_for 20 relay_running || fail "relay did not start"
wait_for 10 grep -q "OVSDB: monitoring Interface" "$T/relay.log" || fail "no OVSDB monitor"
"$FLIP" "$DB_SOCK" "$T/run" eth4 4 "$N" | tee "$T/flip.out" || fail "flips failed"
med=$(sed -n 's/.*median \([0-9.]*\) ms, p90.*/\1/p' "$T/flip.out")
awk -v m="$med" 'BEGIN { exit !(m < 100) }' || fail "median $med ms is over 100 ms"
