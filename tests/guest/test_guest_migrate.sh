#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
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
#
# Debian 12's QEMU 7.2 under TCG itself sometimes hands the destination a
# guest whose memory is damaged: the same happens with no NIC and no relay
# at all ("BUG: Bad rss-counter state", oopses in the page allocator), more
# often on a busy host. Such a guest may oops, hang (its console stops
# answering), or never send the announcement that moves the bridge's entry
# to the new port. Those
# attempts are QEMU's, not the relay's: the test repeats the migration with
# fresh guests, up to MAX_ATTEMPTS times, when the destination oopsed or
# hung, or when every packet the guest sent was received by a relay (the
# guest sent no announcement). Anything the guest sent that no relay received fails at
# once.
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

MAX_ATTEMPTS=3
guest_oopsed() {        # guest_oopsed NAME: the guest kernel reported a bug
    grep -aq 'BUG:\|Oops:\|Kernel panic' "$T/$1.log"
}
report_oops() {         # report_oops ATTEMPT NAME: say what the kernel reported
    echo "attempt $1: the destination guest's kernel reported a bug after QEMU's migration:"
    grep -a -m3 'BUG:\|Oops:\|Kernel panic' "$T/$2.log"
}
guest_tx_packets() {    # guest_tx_packets NAME: eth0's transmitted packets
    gsh "$1" "cat /proc/net/dev" 10 | awk '$1 == "eth0:" { print $10 }'
}
relays_received() {     # what both relays took from guests
    echo $(( $(cnt relay0.vm_to_vf.rx_pkts) + $(cnt relay1.vm_to_vf.rx_pkts) ))
}

# attempt N: one migration with fresh guests gN -> dN. Returns 0 when it
# passed, 2 when QEMU damaged the destination (see above); fails the test
# on anything that is the relay's.
attempt() {
    local a=$1 src=g$1 dst=d$1 replies_before
    for i in 0 1; do        # an earlier attempt's guest may have been learned on either port
        in_ns bridge fdb del 52:54:00:00:99:10 dev "v4gtap$i" master 2>/dev/null
    done
    guest_boot "$src" 1 ""
    SRC_QEMU=$GUEST_PID
    guest_ready "$src"
    wait_for 20 guest_up 0 || fail "the guest did not come up on relay 0"
    wait_for 20 ns_ping 1 10.99.0.2 -W 2 || fail "host to guest ping before the migration failed (20 s)"
    ok "attempt $a: guest up on relay 0, answers pings"

    GUEST_SOCK_FIRST=1 guest_boot "$dst" 1 "" -incoming "unix:$T/migrate$a.sock"
    DST_QEMU=$GUEST_PID
    wait_for 20 test -S "$T/$dst.qmp" || fail "destination QEMU did not start"

    replies_before=$(cnt relay1.vm_to_vf.tx_pkts)
    spawn "flood$a" ip netns exec "$NS" ping -D -i 0.$(printf %03d $INTERVAL_MS) -W 1 10.99.0.2
    local flood=$SPAWNED
    sleep 1
    qmp "$src" '{"execute":"migrate-set-parameters","arguments":{"downtime-limit":20,"max-bandwidth":10000000000}}' \
        '{"execute":"migrate","arguments":{"uri":"unix:'"$T/migrate$a.sock"'"}}' >/dev/null ||
        fail "QMP migrate refused"
    status() {
        qmp "$src" '{"execute":"query-migrate"}' >"$T/migrate.json" 2>/dev/null &&
            grep -q '"status": "completed"\|"status": "failed"' "$T/migrate.json"
    }
    wait_for 60 status || fail "migration did not finish: $(cat "$T/migrate.json")"
    grep -q '"status": "completed"' "$T/migrate.json" || fail "migration failed: $(cat "$T/migrate.json")"
    sleep 1.5       # pings after the switchover
    kill -INT "$flood"
    wait_for 5 grep -q 'packets transmitted' "$T/flood$a.log" || fail "the ping flood did not report"
    read -r total downtime <<<"$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]));
print(r["total-time"], r.get("downtime", -1))' "$T/migrate.json")"
    # Lost pings: their count, and the longest run of missing sequence numbers.
    read -r sent lost gap <<<"$(python3 - "$T/flood$a.log" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
sent = int(re.search(r"(\d+) packets transmitted", text).group(1))
seqs = sorted({int(m) for m in re.findall(r"icmp_seq=(\d+)", text)})
gap = max((b - a - 1 for a, b in zip([0] + seqs, seqs + [sent + 1])), default=sent)
print(sent, sent - len(seqs), gap)
PY
)"
    echo "attempt $a: migration: total $total ms, downtime $downtime ms (QEMU's figures); pings: $sent sent every $INTERVAL_MS ms, $lost lost ($((lost * INTERVAL_MS)) ms), longest gap $gap pings ($((gap * INTERVAL_MS)) ms)"
    if guest_oopsed "$dst"; then
        report_oops "$a" "$dst"
        return 2
    fi
    guest_up 1 || fail "the destination guest is not up on relay 1"
    if [ "$(cnt relay1.vm_to_vf.tx_pkts)" -eq "$replies_before" ]; then
        local sent_by_guest received
        # (a command substitution: a failed gsh cannot end the test, so
        # test what it printed)
        sent_by_guest=$(guest_tx_packets "$dst")
        if [ -z "$sent_by_guest" ]; then
            echo "attempt $a: the destination guest does not answer on its console: a damaged guest, as with the oopses (QEMU's side)"
            return 2
        fi
        received=$(relays_received)
        echo "attempt $a: no replies through relay 1; the guest sent $sent_by_guest packets since boot, the relays received $received"
        [ "$sent_by_guest" -le "$received" ] ||
            fail "the guest sent packets that no relay received: no replies from the destination through relay 1"
        echo "attempt $a: the destination guest sent no announcement after the migration (QEMU's side)"
        return 2
    fi
    [ $((lost * INTERVAL_MS)) -lt 100 ] || fail "$((lost * INTERVAL_MS)) ms of pings lost, limit 100 ms"
    grep -q 'dirty-page logging on' "$T/relay.log" ||
        fail "the relay never saw dirty-page logging turned on (VHOST_F_LOG_ALL)"
    # the damage can show late: a guest that forwarded every ping may
    # still panic seconds later (seen in CI: "Attempted to kill init"
    # after a fault in kmem_cache_alloc), and then this ping hangs
    if ! out=$(gsh "$dst" "ping -c 1 -W 3 10.99.0.1" 2>&1); then
        if guest_oopsed "$dst"; then
            report_oops "$a" "$dst"
            return 2
        fi
        fail "the migrated guest cannot ping the host: $out"
    fi
    ok "attempt $a: migrated in $total ms (downtime $downtime ms); $lost pings lost ($((lost * INTERVAL_MS)) ms < 100 ms); the guest answers through relay 1"
    return 0
}

for ((a = 1; a <= MAX_ATTEMPTS; a++)); do
    rc=0
    attempt "$a" || rc=$?
    [ "$rc" -eq 0 ] && exit 0
    kill -KILL -- "-$SRC_QEMU" "-$DST_QEMU" 2>/dev/null     # spawn made them group leaders
    wait_for 10 guest_down 0 && wait_for 10 guest_down 1 || fail "the relay still shows a guest after attempt $a's QEMUs were killed"
done
fail "QEMU damaged the destination guest in all $MAX_ATTEMPTS attempts"
