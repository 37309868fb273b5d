#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# 1,000 hitless migrations under traffic, driven through the core_sched
# endpoint: both directions of two relays move to random worker CPUs while
# vio4wd-loadgen (guest + memif VF peer) counts 0 lost, 0 duplicated and 0
# reordered packets. Also checks the endpoint's answers: GET_EAL_CORES,
# empty UPDATE = OK, and every rejection (unknown relay, non-worker CPU,
# malformed message), and that a rejected UPDATE changes nothing.
# With QUEUES > 1, relay 0 runs that many queue pairs (a migration moves a
# direction with all its queues): the relay's counters must say so, and
# every queue must carry traffic and come through whole and in order.
# usage: test_migrate.sh RELAY CNT_DUMP LOADGEN SCHED_CLIENT [N [QUEUES]]
RELAY=$1 CNT_DUMP=$2 LOADGEN=$3 SCHED=$4 N=${5:-1000} QUEUES=${6:-1}
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/run"
EP="ipc://$T/core_sched"

spawn lg "$LOADGEN" -d 0 -g 4s -q --json --expect-no-loss --socket-dir "$T" --memif-dir "$T" \
    --relay 0,rate=200k,queues="$QUEUES" --relay 1,rate=200k -- \
    -l 1 --no-huge -m 512 --no-pci --single-file-segments --file-prefix=${PREFIX}lg
LG_PID=$SPAWNED
wait_for 20 grep -q "memif sockets ready" "$T/lg.log" || fail "loadgen not ready"

memif() { echo "net_memif$1,role=client,id=0,socket=$T/vio4wd-memif$1.sock,socket-abstract=no"; }
spawn relay "$RELAY" $(relay_isolated) -C 0,1 -M 0 --vhost-path "$T" \
    --core-sched --zmq-core-sched-ep "$EP" -P "$(memif 0)=0" -P "$(memif 1)=1" -- $(eal_opts r)
RELAY_PID=$SPAWNED
wait_for 20 relay_running || fail "relay did not start"
flowing() {
    for k in relay0.vm_to_vf relay0.vf_to_vm relay1.vm_to_vf relay1.vf_to_vm; do
        [ "$(cnt $k.tx_pkts)" -gt 1000 ] || return 1
    done
}
wait_for 40 flowing || fail "traffic does not flow through both relays both ways"
[ "$(cnt relay0.n_queues)" = "$QUEUES" ] || fail "relay 0 runs $(cnt relay0.n_queues) queue pairs, want $QUEUES"
[ "$(cnt relay1.n_queues)" = 1 ] || fail "relay 1 runs $(cnt relay1.n_queues) queue pairs, want 1"
ok "n_queues: relay 0 $QUEUES, relay 1 1"

[ "$("$SCHED" "$EP" get)" = "0 1" ] || fail "GET_EAL_CORES: $("$SCHED" "$EP" get)"
ok "GET_EAL_CORES = 0 1"
[ "$("$SCHED" "$EP" update)" = OK ] || fail "empty UPDATE must be OK"
ok "empty UPDATE is OK"

before0=$(cnt relay0.vf_to_vm.cpu) before1=$(cnt relay0.vm_to_vf.cpu)
expect_err() {   # expect_err ERRNO SPEC...
    local want=$1; shift
    local out; out=$("$SCHED" "$EP" update "$@")
    [ "${out%% *}" = ERROR ] || fail "UPDATE $* answered '$out', expected ERROR"
    local code; code=$(echo "$out" | cut -d' ' -f2)
    [ "$code" = "$want" ] || fail "UPDATE $* error_code $code, expected $want ($out)"
    ok "UPDATE $* rejected: $out"
}
other=$((1 - before0))
expect_err 2 64:0,1                     # ENOENT: no such relay
expect_err 2 -1:0,1
expect_err 22 0:1,5                     # EINVAL: CPU 5 is not a worker
expect_err 22 "0:$other,$other" 1:0,7   # all or nothing: 0 must not move
expect_err 22 0:0,1 0:1,0               # relay named twice
[ "$(cnt relay0.vf_to_vm.cpu)" = "$before0" ] && [ "$(cnt relay0.vm_to_vf.cpu)" = "$before1" ] ||
    fail "a rejected UPDATE moved relay 0"
ok "rejected UPDATEs moved nothing"
"$SCHED" "$EP" garbage 300 || fail "garbage not answered with ERROR"

m_before=0
for k in relay0.vf_to_vm relay0.vm_to_vf relay1.vf_to_vm relay1.vm_to_vf; do
    m_before=$((m_before + $(cnt $k.migrations)))
done
SCHED_PAUSE_US=2000 "$SCHED" "$EP" random "$N" 0 1 || fail "random UPDATEs failed"
m=0
for k in relay0.vf_to_vm relay0.vm_to_vf relay1.vf_to_vm relay1.vm_to_vf; do
    m=$((m + $(cnt $k.migrations)))
done
m=$((m - m_before))
# 4 directions x N updates, each moving with probability 1/2
[ "$m" -gt $((N * 4 / 3)) ] || fail "only $m migrations counted for $N updates"
ok "$N UPDATEs: $m direction migrations counted by the relay"
sleep 1

# Stop sending; while the loadgen waits out its grace period (memif still
# up), take the relay's counters and stop the relay first: DPDK 22.11's
# memif PMD unmaps its rings on a peer disconnect without synchronising
# with rte_eth_rx_burst, which can crash any application polling it.
kill -TERM "$LG_PID"
sleep 1
"$CNT_DUMP" "$T/run" > "$T/cnt.txt"
stop_pid "$RELAY_PID" 3 || fail "relay did not stop cleanly"
stop_pid "$LG_PID" 15; lg_rc=$?
python3 - "$T/lg.log" "$T/cnt.txt" "$QUEUES" <<'PY' || fail "loadgen report"
import json, sys
text = open(sys.argv[1]).read()
rep = json.loads(text[text.index('{"version"'):].splitlines()[0])
t = rep["totals"]
print("loadgen totals:", t)
bad = [k for k in ("lost", "duplicated", "reordered") if t[k] != 0]
if bad or t["sent"] < 100000:
    sys.exit("loadgen counted %s (sent %d)" % (bad, t["sent"]))
for r in rep["relays"]:
    for d in ("vm_to_vf", "vf_to_vm"):
        x = r[d]
        if x["lost"] or x["duplicated"] or x["reordered"] or x["bogus"]:
            sys.exit("relay %d %s: %s" % (r["id"], d, x))
cnt = dict(l.split(" ", 1) for l in open(sys.argv[2]).read().splitlines())
if int(cnt["relay0.n_queues"]) != int(sys.argv[3]):
    sys.exit("relay 0 ended with %s queue pairs" % cnt["relay0.n_queues"])
for d in ("vm_to_vf", "vf_to_vm"):
    qs = rep["relays"][0][d]["queues"]
    print("relay 0 %s per queue (sent/received): %s"
          % (d, " ".join("%d/%d" % (q["sent"], q["received"]) for q in qs)))
    if len(qs) != int(sys.argv[3]) or min(q["sent"] for q in qs) < 1000:
        sys.exit("relay 0 %s: traffic not spread over every queue" % d)
for r in rep["relays"]:
    for d in ("vm_to_vf", "vf_to_vm"):
        x, k = r[d], "relay%d.%s." % (r["id"], d)
        want = x["received"] + x.get("probes_back", 0)
        got = int(cnt[k + "tx_pkts"])
        print("relay %d %s: relay forwarded %d, loadgen received %d + %d probes"
              % (r["id"], d, got, x["received"], x.get("probes_back", 0)))
        if got != want or int(cnt[k + "drop_full_pkts"]) or int(cnt[k + "drop_nc_pkts"]):
            sys.exit("relay counters disagree with the loadgen")
        # every migration's first service recorded its pause, in one bucket
        n, m = int(cnt[k + "pause_count"]), int(cnt[k + "migrations"])
        hist = [int(cnt[k + "pause_hist%d" % b]) for b in range(12)]
        mx = int(cnt[k + "pause_max_cycles"]) * 1e6 / int(cnt["header.tsc_hz"])
        print("relay %d %s: %d migrations, %d pauses, longest %.1f us, histogram %s"
              % (r["id"], d, m, n, mx, hist))
        if n != m or sum(hist) != n or int(cnt[k + "pause_last_cycles"]) > int(cnt[k + "pause_max_cycles"]):
            sys.exit("handover pauses do not match the migrations")
PY
[ "$lg_rc" = 0 ] || fail "loadgen exit code $lg_rc (--expect-no-loss)"
ok "loadgen: 0 lost, 0 duplicated, 0 reordered across $m migrations (relay 0 on $QUEUES queue pairs)"
