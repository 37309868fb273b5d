#!/bin/bash
# Live migration of a real Linux guest between two relay sockets on one
# host, under a ping flood. The relay has two VFs, taps v4gtap0 and v4gtap1,
# both ports of a bridge in the test's namespace (10.99.0.1), as the VFs of
# two hosts would be on one network. The source QEMU's NIC is on relay 0's
# socket, the destination QEMU (-incoming) on relay 1's. `migrate` over QMP
# while the host namespace pings the guest every 10 ms: the migration
# completes, the guest answers from the destination through relay 1, and
# fewer than 100 ms of pings are lost. Guest memory written by the relay
# during the migration (its received pings) reaches the destination only
# through vhost-user dirty-page logging.
# usage: test_guest_migrate.sh RELAY CNT_DUMP CACHE
RELAY=$1 CNT_DUMP=$2 CACHE=$3
. "$(dirname "$0")/../relay/lib.sh"
. "$(dirname "$0")/guest_lib.sh"
need python3 python3

INTERVAL_MS=10
guest_initrd
guest_netns
relay_start 2
in_ns() { ip netns exec "$NS" "$@"; }
in_ns ip link add br0 type bridge
for i in 0 1; do
    in_ns ip link set "v4gtap$i" master br0
    in_ns ip link set "v4gtap$i" up
done
in_ns ip addr add 10.99.0.1/24 dev br0
in_ns ip link set br0 up
in_ns ip neigh add 10.99.0.2 lladdr 52:54:00:00:99:10 dev br0 nud permanent

guest_boot g 1 ""
guest_ready g
wait_for 20 guest_up 0 || fail "the guest did not come up on relay 0"
ns_ping 1 10.99.0.2 -W 5 >/dev/null || fail "host to guest ping before the migration failed"
ok "guest up on relay 0, answers pings"

GUEST_SOCK_FIRST=1 guest_boot d 1 "" -incoming "unix:$T/migrate.sock"
SRC_PID=$(pgrep -f -- "-chardev pipe,id=con,path=$T/g " | head -n 1)
wait_for 20 test -S "$T/d.qmp" || fail "destination QEMU did not start"

spawn flood ip netns exec "$NS" ping -D -i 0.$(printf %03d $INTERVAL_MS) -W 1 10.99.0.2
FLOOD_PID=$SPAWNED
sleep 1
qmp g '{"execute":"migrate-set-parameters","arguments":{"downtime-limit":20,"max-bandwidth":10000000000}}' \
    '{"execute":"migrate","arguments":{"uri":"unix:'"$T/migrate.sock"'"}}' >/dev/null ||
    fail "QMP migrate refused"
status() {
    qmp g '{"execute":"query-migrate"}' >"$T/migrate.json" 2>/dev/null &&
        grep -q '"status": "completed"\|"status": "failed"' "$T/migrate.json"
}
wait_for 60 status || fail "migration did not finish: $(cat "$T/migrate.json")"
grep -q '"status": "completed"' "$T/migrate.json" || fail "migration failed: $(cat "$T/migrate.json")"
sleep 1.5       # pings after the switchover
kill -INT "$FLOOD_PID"
wait_for 5 grep -q 'packets transmitted' "$T/flood.log" || fail "the ping flood did not report"
read -r total downtime <<<"$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]));
print(r["total-time"], r.get("downtime", -1))' "$T/migrate.json")"
# Lost pings: their count, and the longest run of missing sequence numbers.
read -r sent lost gap <<<"$(python3 - "$T/flood.log" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
sent = int(re.search(r"(\d+) packets transmitted", text).group(1))
seqs = sorted({int(m) for m in re.findall(r"icmp_seq=(\d+)", text)})
gap = max((b - a - 1 for a, b in zip([0] + seqs, seqs + [sent + 1])), default=sent)
print(sent, sent - len(seqs), gap)
PY
)"
echo "migration: total $total ms, downtime $downtime ms (QEMU's figures); pings: $sent sent every $INTERVAL_MS ms, $lost lost ($((lost * INTERVAL_MS)) ms), longest gap $gap pings ($((gap * INTERVAL_MS)) ms)"
guest_up 1 || fail "the destination guest is not up on relay 1"
[ "$(cnt relay1.vm_to_vf.tx_pkts)" -gt 0 ] || fail "no replies from the destination through relay 1"
[ $((lost * INTERVAL_MS)) -lt 100 ] || fail "$((lost * INTERVAL_MS)) ms of pings lost, limit 100 ms"
grep -q 'dirty-page logging on' "$T/relay.log" ||
    fail "the relay never saw dirty-page logging turned on (VHOST_F_LOG_ALL)"
out=$(gsh d "ping -c 1 -W 3 10.99.0.1") || fail "the migrated guest cannot ping the host: $out"
ok "migrated in $total ms (downtime $downtime ms); $lost pings lost ($((lost * INTERVAL_MS)) ms < 100 ms); the guest answers through relay 1"
