#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# vio4wd-exporter scraped by a real Prometheus (Debian's prometheus).
#
# vio4wd-loadgen plays a guest and a VF (memif) for relay 0 at a constant
# rate; the relay forwards; the exporter serves /metrics; Prometheus scrapes
# it every second. Afterwards Prometheus's HTTP API must answer
# rate(vio4wd_relay_packets_total[8s]) within 5% of the rate the load
# generator measured for each direction. The load generator spreads its
# traffic over 2 queue pairs: the per-queue series carry a queue label for
# those 2 only, and add up to the direction's rx. Then the relay is killed with
# SIGKILL (its counters file stays behind, state RUNNING): the exporter
# must answer vio4wd_relay_up 0 and no old numbers.
#
# Prometheus runs with its configuration, storage and port in $T, on
# 127.0.0.1; both ports are free ones picked at start.
# vio4wd_core_scheduler runs alongside in --dry-run: its last makespan,
# bound and gap reach Prometheus, and vio4wd_scheduler_up drops to 0 when
# it stops.
# usage: test_prometheus.sh RELAY CNT_DUMP LOADGEN EXPORTER SCHEDULER
RELAY=$1 CNT_DUMP=$2 LOADGEN=$3 EXPORTER=$4 SCHEDULER=$5
. "$(dirname "$0")/../relay/lib.sh"

need prometheus
need curl

RATE=100000             # pps per direction
DURATION=16             # s of measured traffic
mkdir -p "$T/tsdb"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
EXP_PORT=$(free_port) PROM_PORT=$(free_port)
[ "$EXP_PORT" != "$PROM_PORT" ] || PROM_PORT=$(free_port)
PROM="http://127.0.0.1:$PROM_PORT"

cat >"$T/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: vio4wd
    static_configs:
      - targets: ['127.0.0.1:$EXP_PORT']
YML

spawn lg "$LOADGEN" -d "$DURATION" -g 1s -q --json --socket-dir "$T" --memif-dir "$T" \
    --relay 0,rate=$RATE,queues=2 -- -l 1 --no-huge -m 512 --no-pci --single-file-segments \
    --file-prefix=${PREFIX}lg
LG_PID=$SPAWNED
wait_for 20 grep -q "memif sockets ready" "$T/lg.log" || fail "loadgen not ready"

spawn exporter "$EXPORTER" --listen "127.0.0.1:$EXP_PORT" --counters "$T/run" \
    --config "$T/relay.conf"
spawn prometheus prometheus --config.file="$T/prometheus.yml" \
    --storage.tsdb.path="$T/tsdb" --web.listen-address="127.0.0.1:$PROM_PORT"
wait_for 20 curl -sf "$PROM/-/ready" || fail "prometheus did not become ready"
ok "prometheus ready on 127.0.0.1:$PROM_PORT, exporter on 127.0.0.1:$EXP_PORT"

# Before the relay runs: up 0, no relay numbers.
curl -sf "http://127.0.0.1:$EXP_PORT/metrics" >"$T/m0" || fail "exporter does not answer"
grep -qx "vio4wd_relay_up 0" "$T/m0" || fail "no relay yet, but not vio4wd_relay_up 0"

memif="net_memif0,role=client,id=0,socket=$T/vio4wd-memif0.sock,socket-abstract=no"
spawn relay "$RELAY" $(relay_isolated) -C 0,1 -M 0 --vhost-path "$T" \
    -P "$memif=0" -- $(eal_opts r)
RELAY_PID=$SPAWNED
wait_for 20 relay_running || fail "relay did not start"
spawn sched "$SCHEDULER" --config "$T/relay.conf" --counters "$T/run" --dry-run \
    --poll-interval 0.5
SCHED_PID=$SPAWNED

# The loadgen reports once its traffic and grace period are over.
wait_for $((DURATION + 40)) grep -q '{"version"' "$T/lg.log" || fail "loadgen did not finish"
END=$(date +%s.%N)

# promq QUERY TIME : the instant query's result vector as JSON.
promq() {
    curl -sf "$PROM/api/v1/query" --data-urlencode "query=$1" --data-urlencode "time=$2"
}
# A window well inside the traffic: it ended about 1-2 s (grace, drain)
# before the report.
AT=$(python3 -c "print($END - 4)")
Q='rate(vio4wd_relay_packets_total{relay="0",stage="tx"}[8s])'
promq "$Q" "$AT" >"$T/q.json" || fail "prometheus query failed: $Q"
python3 - "$T/lg.log" "$T/q.json" <<'PY' || fail "Prometheus and the load generator disagree"
import json, sys
text = open(sys.argv[1]).read()
rep = json.loads(text[text.index('{"version"'):].splitlines()[0])
q = json.load(open(sys.argv[2]))
got = {r["metric"]["direction"]: float(r["value"][1]) for r in q["data"]["result"]}
bad = False
for d in ("vm_to_vf", "vf_to_vm"):
    lg = rep["relays"][0][d]["rate_pps"]
    prom = got.get(d, 0.0)
    err = abs(prom - lg) / lg if lg else 1.0
    print('%s: Prometheus rate(vio4wd_relay_packets_total{relay="0",direction="%s",'
          'stage="tx"}[8s]) = %.0f pps; loadgen sent %.0f pps; difference %.2f%%'
          % (d, d, prom, lg, err * 100))
    bad |= err > 0.05
sys.exit(1 if bad else 0)
PY
ok "Prometheus's rate agrees with the load generator's within 5%"

# Per queue: the two queue pairs the load generator uses, each carrying
# traffic, and no series for the other 30 the relay could have.
Q='rate(vio4wd_relay_queue_packets_total{relay="0"}[8s])'
promq "$Q" "$AT" >"$T/qq.json" || fail "prometheus query failed: $Q"
python3 - "$T/qq.json" <<'PY' || { cat "$T/qq.json"; fail "per-queue series"; }
import json, sys
res = json.load(open(sys.argv[1]))["data"]["result"]
got = {(r["metric"]["direction"], r["metric"]["queue"]): float(r["value"][1]) for r in res}
for k, v in sorted(got.items()):
    print('rate(vio4wd_relay_queue_packets_total{relay="0",direction="%s",queue="%s"}[8s]) = %.0f pps'
          % (k[0], k[1], v))
want = {(d, q) for d in ("vf_to_vm", "vm_to_vf") for q in ("0", "1")}
if set(got) != want:
    sys.exit("FAIL: queue series %s, want %s" % (sorted(got), sorted(want)))
if min(got.values()) <= 0:
    sys.exit("FAIL: a queue carried nothing")
PY
curl -sf "http://127.0.0.1:$EXP_PORT/metrics" >"$T/mq" || fail "exporter does not answer"
python3 - "$T/mq" <<'PY' || fail "per-queue packets do not add up to the direction's rx"
import re, sys
text = open(sys.argv[1]).read()
def val(pat):
    return sum(int(m) for m in re.findall(pat + r" (\d+)$", text, re.M))
for d in ("vf_to_vm", "vm_to_vf"):
    q = val(r'vio4wd_relay_queue_packets_total\{relay="0",direction="%s",queue="\d+"\}' % d)
    rx = val(r'vio4wd_relay_packets_total\{relay="0",direction="%s",stage="rx"\}' % d)
    if q != rx or rx == 0:
        sys.exit("FAIL: %s: queues sum to %d, stage rx is %d" % (d, q, rx))
PY
ok "the queue label: 2 queue pairs per direction, each carrying traffic, summing to rx"

# Handover pauses: a histogram per direction that Prometheus takes in,
# its +Inf bucket equal to its count, and a max gauge.
promq 'vio4wd_relay_handover_pause_seconds_count{relay="0"}' "$(date +%s.%N)" |
    grep -q '"value"' || fail "Prometheus has no vio4wd_relay_handover_pause_seconds_count"
promq 'vio4wd_relay_handover_pause_max_seconds{relay="0"}' "$(date +%s.%N)" |
    grep -q '"value"' || fail "Prometheus has no vio4wd_relay_handover_pause_max_seconds"
python3 - "$T/mq" <<'PY' || fail "handover pause histogram"
import re, sys
text = open(sys.argv[1]).read()
for d in ("vf_to_vm", "vm_to_vf"):
    s = 'relay="0",direction="%s"' % d
    b = re.findall(r'^vio4wd_relay_handover_pause_seconds_bucket\{%s,le="([^"]+)"\} (\d+)$' % s, text, re.M)
    n = re.search(r'^vio4wd_relay_handover_pause_seconds_count\{%s\} (\d+)$' % s, text, re.M)
    if len(b) != 12 or b[0][0] != "1e-06" or b[-1][0] != "+Inf" or not n or b[-1][1] != n.group(1):
        sys.exit("FAIL: %s: buckets %s, count %s" % (d, b, n and n.group(1)))
PY
ok "handover pause histogram: 12 buckets from 1 us to +Inf, taken in by Prometheus"

promq 'vio4wd_relay_up' "$(date +%s.%N)" | grep -q '"value":\[[0-9.]*,"1"\]' ||
    fail "Prometheus does not see vio4wd_relay_up 1"
promq 'up{job="vio4wd"}' "$(date +%s.%N)" | grep -q '"value":\[[0-9.]*,"1"\]' ||
    fail "Prometheus does not see the exporter as up"
ok "Prometheus scrapes the exporter: up 1, vio4wd_relay_up 1"

# The scheduler's figures, from its last decision, through Prometheus.
sched_seen() { promq 'vio4wd_scheduler_makespan_cores{numa="0"}' "$(date +%s.%N)" | grep -q '"value"'; }
wait_for 10 sched_seen || fail "Prometheus has no vio4wd_scheduler_makespan_cores"
for m in vio4wd_scheduler_up vio4wd_scheduler_lower_bound_cores vio4wd_scheduler_gap_ratio; do
    promq "$m" "$(date +%s.%N)" | grep -q '"value"' || fail "Prometheus has no $m"
done
stop_pid "$SCHED_PID" 5 || fail "the scheduler did not stop cleanly"
[ ! -e "$T/run/vio4wd_core_scheduler.json" ] || fail "the scheduler left its last decision behind"
curl -sf "http://127.0.0.1:$EXP_PORT/metrics" | grep -qx "vio4wd_scheduler_up 0" ||
    fail "the scheduler stopped, but not vio4wd_scheduler_up 0"
ok "the scheduler's makespan, bound and gap reach Prometheus; up 0 once it stops"

# The VF's own drop counters are sampled by the relay's control thread
# (update_tsc moves) and served, each in the direction it hurts.
t1=$(cnt relay0.vf.update_tsc)
sleep 0.6
[ "$(cnt relay0.vf.update_tsc)" -gt "$t1" ] && [ "$t1" -gt 0 ] ||
    fail "the VF drop counters are not sampled (update_tsc $t1 -> $(cnt relay0.vf.update_tsc))"
curl -sf "http://127.0.0.1:$EXP_PORT/metrics" >"$T/m" || fail "exporter does not answer"
for pair in vf_to_vm:vf_rx_missed:imissed vf_to_vm:vf_rx_nombuf:rx_nombuf \
            vm_to_vf:vf_tx_error:oerrors; do
    IFS=: read -r dir reason key <<<"$pair"
    line="vio4wd_relay_dropped_packets_total{relay=\"0\",direction=\"$dir\",reason=\"$reason\"}"
    grep -qxF "$line $(cnt relay0.vf.$key)" "$T/m" ||
        { grep vf_ "$T/m"; fail "VF drops: '$line' is not relay0.vf.$key"; }
done
ok "VF drop counters sampled by the control thread and served by reason"

# A relay that dies without cleaning up: up 0 and no old numbers.
kill -KILL "$RELAY_PID"
wait "$RELAY_PID" 2>/dev/null
[ -e "$T/run/counters" ] || fail "expected the killed relay's counters file to stay behind"
curl -sf "http://127.0.0.1:$EXP_PORT/metrics" >"$T/m1" || fail "exporter does not answer"
grep -qx "vio4wd_relay_up 0" "$T/m1" || { cat "$T/m1"; fail "dead relay, but not vio4wd_relay_up 0"; }
! grep -q "^vio4wd_relay_packets_total" "$T/m1" || fail "dead relay, but old numbers served"
ok "a killed relay gives vio4wd_relay_up 0 and no old numbers"

stop_pid "$LG_PID" 10
