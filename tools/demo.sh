#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The live demo: a relay with 4 relays on 2 worker CPUs, guests and VFs
# played by vio4wd-loadgen with uneven, changing rates, the core scheduler
# rebalancing, and monitor_load showing it. No NIC and no hugepages needed.
#
#   tools/demo.sh [--build-dir DIR] [--duration SECONDS] [--headless]
#
# Every relay starts pinned on CPU 1, so the scheduler has work to do; later
# relay 1 steps up and relay 2 ramps down, so it has more. At the end it
# stops everything and prints a summary: migrations, packets lost, and the
# busiest worker's load (the makespan) before and after, each next to the
# lower bound of that moment. --headless prints only the summary (for CI);
# it exits non-zero if a packet was lost or the scheduler never moved
# anything.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$top/build"
duration=60
headless=false

usage() {
    sed -n '3,14s/^# \{0,1\}//p' "$0"
    exit "${1:-0}"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --build-dir) build=$(cd "$2" && pwd); shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --headless) headless=true; shift ;;
        -h|--help) usage 0 ;;
        *) echo "demo: unknown option '$1'" >&2; usage 2 ;;
    esac
done
case "$duration" in
    ''|*[!0-9]*) echo "demo: --duration '$duration' is not a whole number of seconds" >&2; exit 2 ;;
esac
[ "$duration" -ge 30 ] || { echo "demo: --duration must be at least 30 seconds" >&2; exit 2; }

RELAY="$build/relay/virtio-forwarder"
LOADGEN="$build/tools/loadgen/vio4wd-loadgen"
SCHED="$build/sched/vio4wd_core_scheduler"
MONITOR="$build/tools/vio4wd-monitor-load"
STATS="$build/tools/vio4wd-stats"
for bin in "$RELAY" "$LOADGEN" "$SCHED" "$MONITOR" "$STATS"; do
    [ -x "$bin" ] || { echo "demo: $bin is not built; run tools/setup.sh demo" >&2; exit 1; }
done

T=$(mktemp -d /tmp/vio4wd-demo.XXXXXX)
run="$T/run"
mkdir -p "$run"
prefix="vio4wd-demo$$"
pids=()

cleanup() {
    local rc=$?
    for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
    sleep 0.5
    for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
    if [ "$rc" != 0 ]; then
        for f in "$T"/*.log; do
            [ -f "$f" ] && { echo "---- $(basename "$f")"; tail -n 15 "$f"; }
        done >&2
    fi
    rm -rf "$T" /var/run/dpdk/"$prefix"* /dev/shm/"$prefix"* 2>/dev/null || true
    exit "$rc"
}
trap cleanup EXIT
# A closed terminal (SIGHUP) stops the demo as Ctrl-C does: without the
# trap bash would die without cleanup and leave the relay running.
trap 'exit 129' HUP
trap 'exit 130' INT TERM

say() { $headless || echo "demo: $*"; }

# start NAME CMD...: in its own session (so cleanup can kill the group).
start() {
    local name=$1; shift
    setsid "$@" >"$T/$name.log" 2>&1 </dev/null &
    pids+=($!)
    last_pid=$!
}

wait_until() {   # wait_until SECONDS WHAT CMD...
    local limit=$1 what=$2; shift 2
    local end=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -lt $end ] || { echo "demo: timed out waiting for $what" >&2; exit 1; }
        sleep 0.2
    done
}

# stop_and_wait PID SECONDS: SIGTERM, then wait for it to exit.
stop_and_wait() {
    local pid=$1 limit=$2 end=$((SECONDS + $2))
    kill -TERM "$pid" 2>/dev/null || return 0
    while kill -0 "$pid" 2>/dev/null; do
        [ $SECONDS -lt $end ] || { kill -KILL -- "-$pid" 2>/dev/null; break; }
        sleep 0.1
    done
    wait "$pid" 2>/dev/null || true
}

traffic=$((duration - 10))
say "work dir $T; traffic for ${traffic}s"
traffic_started=$SECONDS

# 1. The generator first: it creates the memif sockets the relay's VFs join.
start loadgen "$LOADGEN" --duration "${traffic}s" --grace 2s --json --quiet \
    --socket-dir "$T" --memif-dir "$T" \
    --relay 0,rate=300k \
    --relay 1,rate=40k,profile=step:$((traffic / 3))s:350k \
    --relay 2,rate=250k,profile=ramp:$((traffic * 2 / 3))s:30k \
    --relay 3,rate=120k \
    -- -l 0 --no-huge -m 512 --no-pci --single-file-segments --file-prefix="${prefix}lg"
loadgen_pid=$last_pid
wait_until 30 "the load generator" grep -q "memif sockets ready" "$T/loadgen.log"

# 2. The relay: 4 relays, every direction pinned on CPU 1 to begin with.
vf() { echo "net_memif$1,role=client,id=0,socket=$T/vio4wd-memif$1.sock,socket-abstract=no=$1"; }
# --config /dev/null: the demo is self-contained; a host's own
# /etc/default/virtioforwarder must not change it.
start relay "$RELAY" --config /dev/null --run-dir "$run" -p "$run" -C 0,1 -M 0 --vhost-path "$T" \
    --core-sched --ipc \
    --zmq-stats-ep "ipc://$run/stats" --zmq-core-sched-ep "ipc://$run/core_sched" \
    --zmq-port-control-ep "ipc://$run/port_control" \
    -P "$(vf 0)" -P "$(vf 1)" -P "$(vf 2)" -P "$(vf 3)" \
    -c 0:1 -c 1:1 -c 2:1 -c 3:1 \
    -- --no-huge -m 512 --no-pci --file-prefix="${prefix}r"
relay_pid=$last_pid
wait_until 30 "the relay's counters" test -e "$run/counters"
# Traffic flows once the generator's probes made it through every relay.
all_forwarding() {
    "$STATS" --counters "$run" --json --interval 0.2 | /usr/bin/python3 -c '
import json, sys
relays = json.loads(sys.stdin.readline())["relays"]
moving = [r for r in relays if all(r[d]["tx_pkts"] > 0 for d in ("vf_to_vm", "vm_to_vf"))]
sys.exit(0 if len(moving) == 4 else 1)'
}
wait_until 60 "traffic through all 4 relays" all_forwarding

# 3. A sample of the loads while everything sits on CPU 1, then a sample a
#    second for the rest of the run (the summary's "after").
sleep 3
"$STATS" --counters "$run" --json --interval 1 > "$T/before.json"
start watch "$STATS" --counters "$run" --watch 1
watch_pid=$last_pid

# 4. The scheduler.
start sched "$SCHED" --config /dev/null --stats-ep "ipc://$run/stats" --sched-ep "ipc://$run/core_sched" \
    --counters "$run" --poll-interval 2 --json
sched_pid=$last_pid

# 5. Watch until the traffic ends.
remaining=$((traffic - (SECONDS - traffic_started) - 1))
if $headless; then
    sleep "$remaining" &
    wait $!         # unlike a foreground sleep, a signal ends this wait at once
else
    say "monitor_load for ${remaining}s (q quits early); the summary follows"
    sleep 1
    timeout --foreground "$remaining" "$MONITOR" --counters "$run" --poll-interval 1 || true
fi

stop_and_wait "$sched_pid" 5
wait "$loadgen_pid" || true
sleep 1
stop_and_wait "$watch_pid" 2
stop_and_wait "$relay_pid" 5

/usr/bin/python3 - "$T/loadgen.log" "$T/before.json" "$T/watch.log" "$T/sched.log" <<'PY'
import json, sys

def samples(path):
    out = []
    for text in open(path):
        try:
            out.append(json.loads(text))
        except ValueError:
            pass                # a log line, not a sample
    return out

def makespan(line):
    """The busiest worker's load, its CPU, and the lower bound no placement
    can beat at that moment: max(total / workers, largest direction)."""
    per_cpu = {cpu: 0.0 for cpu in line["workers"]}
    jobs = []
    for r in line["relays"]:
        for d in ("vf_to_vm", "vm_to_vf"):
            per_cpu[r["cpu"][d]] = per_cpu.get(r["cpu"][d], 0.0) + r["load"][d]
            jobs.append(r["load"][d])
    busiest = max(per_cpu, key=per_cpu.get)
    bound = max(sum(jobs) / max(len(line["workers"]), 1), max(jobs, default=0.0))
    return per_cpu[busiest], busiest, bound

def moving(line):
    return sum(r[d]["rx_pps"] for r in line["relays"] for d in ("vf_to_vm", "vm_to_vf"))

log = open(sys.argv[1]).read()
report = json.loads(log[log.index('{"version"'):].splitlines()[0])
totals = report["totals"]
before, before_cpu, before_bound = makespan(samples(sys.argv[2])[0])
watch = samples(sys.argv[3])
# "after": the last sample taken while the generator was still sending
busy = [w for w in watch if moving(w) > 0.5 * max(moving(x) for x in watch)]
after, after_cpu, after_bound = makespan(busy[-1])
migrations = sum(r[d]["migrations"] for r in watch[-1]["relays"] for d in ("vf_to_vm", "vm_to_vf"))
decisions = samples(sys.argv[4])
applied = [d for d in decisions if d.get("applied")]
print("vio4wd demo summary")
print("  packets sent %d, received %d, lost %d, duplicated %d, reordered %d"
      % (totals["sent"], totals["received"], totals["lost"], totals["duplicated"],
         totals["reordered"]))
t0 = decisions[0]["t"] if decisions else 0
print("  scheduler: %d decisions, %d applied (at %s s after it started)"
      % (len(decisions), len(applied), ", ".join("%.0f" % (d["t"] - t0) for d in applied)))
print("  migrations %d" % migrations)
# Loads change during the run (relay 1 steps up, relay 2 ramps down), so
# each makespan is shown next to the best any placement could do then.
print("  makespan before %.3f (CPU %s; bound %.3f, %.2fx), after %.3f (CPU %s; bound %.3f, %.2fx)"
      % (before, before_cpu, before_bound, before / max(before_bound, 1e-9),
         after, after_cpu, after_bound, after / max(after_bound, 1e-9)))
bad = totals["lost"] + totals["duplicated"] + totals["reordered"]
sys.exit(0 if bad == 0 and migrations > 0 else 1)
PY
