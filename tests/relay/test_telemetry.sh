#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# vio4wd's commands on DPDK's telemetry socket, asked with Debian's own
# dpdk-telemetry.py against a running relay with a guest and a VF
# (vio4wd-loadgen plays both, at a low rate, on 2 queue pairs): /vio4wd/version, /relays,
# /relay,<id> (state, guest features, CPUs, counters) and /workers answer,
# agree with the counters file, and bad ids get null, not a crash; DPDK's
# own /ethdev/list still lists the VF.
# usage: test_telemetry.sh RELAY CNT_DUMP LOADGEN
RELAY=$1 CNT_DUMP=$2 LOADGEN=$3
. "$(dirname "$0")/lib.sh"

need dpdk-telemetry.py

spawn lg "$LOADGEN" -d 0 -g 1s -q --socket-dir "$T" --memif-dir "$T" \
    --relay 0,rate=10k,queues=2 -- -l 1 --no-huge -m 512 --no-pci --single-file-segments \
    --file-prefix=${PREFIX}lg
LG_PID=$SPAWNED
wait_for 20 grep -q "memif sockets ready" "$T/lg.log" || fail "loadgen not ready"
memif="net_memif0,role=client,id=0,socket=$T/vio4wd-memif0.sock,socket-abstract=no"
spawn relay "$RELAY" $(relay_isolated) -C 0,1 -M 0 --vhost-path "$T" \
    -P "$memif=0" -- $(eal_opts r)
RELAY_PID=$SPAWNED
wait_for 20 relay_running || fail "relay did not start"
flowing() { [ "$(cnt relay0.vf_to_vm.tx_pkts)" -gt 1000 ] && [ "$(cnt relay0.vm_to_vf.tx_pkts)" -gt 1000 ]; }
wait_for 30 flowing || fail "no traffic through relay 0"

# dpdk-telemetry.py reads commands from stdin and prints one JSON reply a line.
printf '%s\n' / /vio4wd/version /vio4wd/relays /vio4wd/relay,0 /vio4wd/workers \
    /vio4wd/relay,63 /vio4wd/relay,64 /vio4wd/relay,x /vio4wd/relay /ethdev/list |
    timeout 20 dpdk-telemetry.py -f "${PREFIX}r" >"$T/tel.out" 2>&1 ||
    { cat "$T/tel.out"; fail "dpdk-telemetry.py failed"; }
"$CNT_DUMP" "$T/run" >"$T/cnt.txt"

python3 - "$T/tel.out" "$T/cnt.txt" <<'PY' || { cat "$T/tel.out"; fail "telemetry answers"; }
import json, sys
# One reply per command, in order; a reply is keyed by the command without
# its parameters.
replies = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
cmds = ["/", "/vio4wd/version", "/vio4wd/relays", "/vio4wd/relay,0", "/vio4wd/workers",
        "/vio4wd/relay,63", "/vio4wd/relay,64", "/vio4wd/relay,x", "/vio4wd/relay",
        "/ethdev/list"]
if len(replies) != len(cmds):
    sys.exit("FAIL: %d replies for %d commands" % (len(replies), len(cmds)))
r = {c: list(rep.values())[0] for c, rep in zip(cmds, replies)}
cnt = dict(l.split(" ", 1) for l in open(sys.argv[2]).read().splitlines())
def check(ok, what):
    if not ok:
        sys.exit("FAIL: " + what)
for c in ("/vio4wd/version", "/vio4wd/relays", "/vio4wd/relay", "/vio4wd/workers"):
    check(c in r["/"], c + " not listed by /")
v = r["/vio4wd/version"]
check(v["version"] != "" and v["dpdk"].startswith("DPDK 22.11"), "version: %s" % v)
# Every relay listens on its vhost-user socket (static sockets): all in use.
check(r["/vio4wd/relays"] == list(range(64)), "relays: %s" % r["/vio4wd/relays"])
x = r["/vio4wd/relay,0"]
print("/vio4wd/relay,0:", json.dumps(x))
check(x["id"] == 0 and x["guest_up"] == 1 and x["vf_ready"] == 1, "relay 0 state")
check(x["guest_features"] & (1 << 32), "no VIRTIO_F_VERSION_1 in the guest features")
check(x["vf"].startswith("net_memif0,"), "vf " + x["vf"])
check(x["vhost"].endswith("/virtio-forwarder0.sock"), "vhost " + x["vhost"])
for d in ("vf_to_vm", "vm_to_vf"):
    check(x[d + "_cpu"] in (0, 1), d + " cpu")
    # asked before the counters file was dumped: never more than it says
    check(1000 < x[d + "_tx_pkts"] <= int(cnt["relay0.%s.tx_pkts" % d]), d + " tx_pkts")
    # per queue pair (the load generator uses 2), from the same snapshot
    for f in ("rx_pkts", "rx_bytes"):
        q = x["%s_queue_%s" % (d, f)]
        check(len(q) == 2 and min(q) > 0 and sum(q) == x[d + "_" + f], "%s queues %s" % (d, q))
    # handover pauses: a count and a histogram of pause_hist.h's 12 buckets
    h = x[d + "_handover_pause_hist"]
    check(len(h) == 12 and sum(h) == x[d + "_handover_pauses"], "%s pause hist %s" % (d, h))
    check(x[d + "_handover_pause_max_cycles"] >= x[d + "_handover_pause_last_cycles"],
          d + " pause max below last")
for k in ("imissed", "rx_nombuf", "oerrors"):
    check(x["vf_" + k] == int(cnt["relay0.vf." + k]), "vf_" + k)
w = r["/vio4wd/workers"]
print("/vio4wd/workers:", json.dumps(w))
check(sorted(w["cpu"]) == [0, 1] and len(w["busy_cycles"]) == 2, "workers %s" % w)
check(sum(w["directions"]) == 2, "the two directions are not on the workers")
y = r["/vio4wd/relay,63"]
check(y["guest_up"] == 0 and y["vf"] == "-" and y["vf_to_vm_cpu"] == -1, "relay 63: %s" % y)
# Out of range, not a number, missing: null, and the relay lives on.
for c in ("/vio4wd/relay,64", "/vio4wd/relay,x", "/vio4wd/relay"):
    check(r[c] is None, c + " answered %s" % r[c])
check(len(r["/ethdev/list"]) >= 1, "DPDK's /ethdev/list")
PY
kill -0 "$RELAY_PID" || fail "the relay died"
ok "dpdk-telemetry.py: /vio4wd/version, /relays, /relay,<id>, /workers; bad ids get null"

# Stop the relay before the loadgen (see test_migrate.sh: memif and
# disconnecting peers).
stop_pid "$RELAY_PID" 3 || fail "relay did not stop cleanly"
stop_pid "$LG_PID" 10
