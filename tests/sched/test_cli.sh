#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The scheduler's command line, end to end without a relay: --help, bad
# values (exit 2, message naming option, value and range), --replay on a
# small trace (file and stdin; JSON lines checked), a trace naming a CPU
# the topology lacks, and the daemon's life cycle with no relay: pid file,
# SIGHUP reload, SIGTERM exit 0, --once failing clearly.
# usage: test_cli.sh SCHEDULER
set -u
S=$1
T=$(mktemp -d /tmp/vio4wd-sched-cli.XXXXXX)
PID=
cleanup() {
    [ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$T/d.log" ] && tail -20 "$T/d.log" >&2; exit 1; }
ok() { echo "ok: $*"; }

# --help names every option
"$S" --help >"$T/help" || fail "--help exit $?"
for o in --stats-ep --sched-ep --poll-interval --loglevel --sensitivity --global-numa-opt \
         --config --topology --time-limit-ms --deadline-ms --dry-run --once --json --replay --counters \
         --pid-file --help --version --mode --pack-target --pack-keep --exclude-cpus --max-migrations; do
    grep -q -- "$o" "$T/help" || fail "--help does not mention $o"
done
ok "--help lists every option"

bad() {   # bad NEEDLE ARGS...
    local needle=$1; shift
    "$S" --config /dev/null "$@" >/dev/null 2>"$T/err"; local rc=$?
    [ $rc = 2 ] || fail "$* exited $rc, expected 2"
    grep -qF -- "$needle" "$T/err" || fail "$*: '$(cat "$T/err")' lacks '$needle'"
    ok "$* -> exit 2: $(cat "$T/err")"
}
bad "--sensitivity '-0.5': must be a number >= 0" --sensitivity -0.5
bad "--poll-interval 'fast'" --poll-interval fast
bad "--loglevel '8'" --loglevel 8
bad "from 1 to 60000" --time-limit-ms 100000
bad "--deadline-ms 'soon'" --deadline-ms soon
bad "not a ZeroMQ endpoint" --sched-ep /tmp/x
bad "unknown option" --frobnicate
bad "--mode 'packed': must be spread or pack" --mode packed
bad "--pack-target '1.5': must be a number > 0 and at most 1" --pack-target 1.5
bad "--pack-keep '2': must be a number from 0 to 1" --pack-keep 2
bad "--max-migrations '-1': must be a number of migrations per decision from 0 to 65536" \
    --max-migrations -1
bad "--exclude-cpus '2-x'" --exclude-cpus 2-x
"$S" --config "$T/none" --once >/dev/null 2>"$T/err"
[ $? = 2 ] && grep -q "$T/none" "$T/err" || fail "a missing --config file must exit 2 naming it"
ok "missing --config file -> exit 2"

# a trace: relay 0 and 1 share cpu 1 on node 0; relay 2 on node 1
cat >"$T/trace.jsonl" <<'TR'
# made-up trace
{"t": 0, "workers": [1, 2, 5, 6], "relays": [{"id": 0, "numa": 0, "cpu": {"vf_to_vm": 1, "vm_to_vf": 1}, "load": {"vf_to_vm": 0.4, "vm_to_vf": 0.3}}, {"id": 1, "numa": 0, "cpu": {"vf_to_vm": 1, "vm_to_vf": 1}, "load": {"vf_to_vm": 0.4, "vm_to_vf": 0.3}}, {"id": 2, "numa": 1, "cpu": {"vf_to_vm": 5, "vm_to_vf": 6}, "load": {"vf_to_vm": 0.2, "vm_to_vf": 0.2}}], "rates": {"ignored": true}}
{"t": 5, "workers": [1, 2, 5, 6], "relays": [{"id": 0, "numa": 0, "cpu": {"vf_to_vm": 1, "vm_to_vf": 1}, "load": {"vf_to_vm": 0.41, "vm_to_vf": 0.29}}, {"id": 1, "numa": 0, "cpu": {"vf_to_vm": 1, "vm_to_vf": 1}, "load": {"vf_to_vm": 0.39, "vm_to_vf": 0.31}}, {"id": 2, "numa": 1, "cpu": {"vf_to_vm": 5, "vm_to_vf": 6}, "load": {"vf_to_vm": 0.2, "vm_to_vf": 0.2}}]}
TR
TOPO="pack:2 [numa] core:2 pu:2"
"$S" --config /dev/null --topology "$TOPO" --replay "$T/trace.jsonl" >"$T/out" 2>"$T/err" ||
    fail "replay exit $?: $(cat "$T/err")"
"$S" --config /dev/null --topology "$TOPO" --replay - <"$T/trace.jsonl" >"$T/out2" ||
    fail "replay from stdin"
# wall times differ from run to run; nothing else may
strip_times() { sed -E 's/"(solve|elapsed|budget)_ms":[^,]*,//g' "$1"; }
cmp -s <(strip_times "$T/out") <(strip_times "$T/out2") ||
    fail "replay from a file and from stdin differ"
python3 - "$T/out" <<'PY' || fail "replay output"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 2, lines
a, b = lines
for d in lines:
    for k in ("t", "applied", "makespan", "lower_bound", "greedy_makespan", "solve_ms",
              "nodes", "migrations", "elapsed_ms", "deadline_ms", "cut"):
        assert k in d, k
    # the default deadline: 15% of the 5 s poll interval, never cut here
    assert d["deadline_ms"] == 750 and not d["cut"] and d["elapsed_ms"] < 750, d
    for n in d["nodes"]:
        for k in ("numa", "numa_set", "makespan", "lower_bound", "greedy_makespan", "solve_ms",
                  "budget_ms", "cut", "least_makespan"):
            assert k in n, k
        assert n["least_makespan"] <= n["greedy_makespan"] + 1e-9, n
        assert n["numa_set"] == [n["numa"]], n
# step 1: cpu 1 carries 1.4, half of it goes to cpu 2 (node 0 only)
assert a["applied"] and a["current_makespan"] > 1.39 and a["makespan"] < 0.71, a
assert a["migrations"] and all(m["to"] == 2 and m["from"] == 1 for m in a["migrations"]), a
assert all(m["dir"] in ("vf_to_vm", "vm_to_vf") for m in a["migrations"])
# step 2: the mapping evolved; the same loads +-3% need nothing
assert not b["applied"] and b["migrations"] == [] and b["current_makespan"] < 0.75, b
print("replay:", a["migrations"])
PY
ok "replay: 2 JSON lines, cpu 1 split onto cpu 2, then stable"

# pack mode (issue 13): node 1's relay fits on one worker, so the other parks
"$S" --config /dev/null --topology "$TOPO" --replay "$T/trace.jsonl" --mode pack >"$T/pack" ||
    fail "pack replay exit $?"
head -1 "$T/pack" | grep -q '"mode":"pack"' || fail "pack: no \"mode\":\"pack\": $(head -1 "$T/pack")"
head -1 "$T/pack" | grep -q '"parked":\[6\]' || fail "pack: cpu 6 not parked: $(head -1 "$T/pack")"
ok "replay --mode pack: cpu 6 parked, listed in \"parked\""

sed 's/\[1, 2, 5, 6\]/[1, 2, 5, 9]/' "$T/trace.jsonl" >"$T/bad.jsonl"
"$S" --config /dev/null --topology "$TOPO" --replay "$T/bad.jsonl" >/dev/null 2>"$T/err"
[ $? = 1 ] && grep -q "bad.jsonl:2: worker cpu 9 is not in the topology" "$T/err" ||
    fail "unknown CPU: $(cat "$T/err")"
ok "a worker CPU outside the topology: $(cat "$T/err")"
# a relay CPU the topology lacks, an empty trace, a trace of comments:
# exit 1, naming the line
sed '2s/"vm_to_vf": 6}/"vm_to_vf": 999}/' "$T/trace.jsonl" >"$T/badcpu.jsonl"
"$S" --config /dev/null --topology "$TOPO" --replay "$T/badcpu.jsonl" >/dev/null 2>"$T/err"
[ $? = 1 ] && grep -q "badcpu.jsonl:2: relay 2 vm_to_vf: cpu 999 is not in the topology" "$T/err" ||
    fail "relay CPU outside the topology: $(cat "$T/err")"
ok "a relay CPU outside the topology: $(cat "$T/err")"
: >"$T/empty.jsonl"
printf '# only a header\n\n' >"$T/comments.jsonl"
for f in empty comments; do
    "$S" --config /dev/null --topology "$TOPO" --replay "$T/$f.jsonl" >"$T/out" 2>"$T/err"
    [ $? = 1 ] && [ ! -s "$T/out" ] && grep -q "$f.jsonl:[0-9]*: end of the trace, but no state line" "$T/err" ||
        fail "$f trace: $(cat "$T/err")"
    ok "$f trace -> exit 1: $(cat "$T/err")"
done
"$S" --config /dev/null --topology "$TOPO" --replay "$T/missing" 2>/dev/null
[ $? = 1 ] || fail "a missing trace must exit 1"

# the daemon with no relay: waits, reloads, exits cleanly
cat >"$T/conf" <<'CF'
VIO4WD_CORE_SCHED_POLL_INTERVAL=0.2
CF
NO="--counters $T/nothing --stats-ep ipc://$T/nostats --sched-ep ipc://$T/nosched"
"$S" --config "$T/conf" $NO --once >/dev/null 2>"$T/err"
[ $? = 1 ] && grep -q "the relay is not running" "$T/err" || fail "--once without a relay: $(cat "$T/err")"
ok "--once without a relay -> exit 1"

"$S" --config "$T/conf" $NO --pid-file "$T/s.pid" --loglevel 7 >"$T/d.out" 2>"$T/d.log" &
PID=$!
for i in $(seq 50); do [ -s "$T/s.pid" ] && break; sleep 0.1; done
[ "$(cat "$T/s.pid" 2>/dev/null)" = "$PID" ] || fail "pid file"
sleep 0.5
echo "VIO4WD_CORE_SCHED_SENSITIVITY=0.5" >>"$T/conf"
kill -HUP $PID
for i in $(seq 50); do grep -q "configuration reloaded" "$T/d.log" && break; sleep 0.1; done
grep -q "configuration reloaded: poll interval 0.2 s, sensitivity 0.5" "$T/d.log" ||
    fail "SIGHUP did not reload"
ok "SIGHUP reloads the configuration"
kill -0 $PID || fail "the daemon died"
kill -TERM $PID
for i in $(seq 30); do kill -0 $PID 2>/dev/null || break; sleep 0.1; done
wait $PID; rc=$?
PID=
[ $rc = 0 ] || fail "SIGTERM: exit $rc"
[ ! -e "$T/s.pid" ] || fail "pid file left behind"
ok "SIGTERM: exit 0 within 3 s, pid file removed"

# A bad --topology is a bad option: exit 2 as --help promises (issue 18).
for mode in "--once" "--replay /dev/null"; do
    # shellcheck disable=SC2086
    "$S" --config /dev/null $NO --topology bogus $mode >/dev/null 2>"$T/err"
    rc=$?
    [ $rc = 2 ] || fail "--topology bogus $mode: exit $rc, expected 2 ($(cat "$T/err"))"
done
ok "--topology bogus -> exit 2, live and replay"

# Without --pid-file the daemon locks one next to the counters, so a second
# scheduler on the same relay is refused (issue 18).
RD="$T/rundir"
"$S" --config "$T/conf" --counters "$RD" --stats-ep "ipc://$T/nostats" \
    --sched-ep "ipc://$T/nosched" >/dev/null 2>"$T/first.log" &
FIRST=$!
for i in $(seq 50); do [ -s "$RD/vio4wd_core_scheduler.pid" ] && break; sleep 0.1; done
[ "$(cat "$RD/vio4wd_core_scheduler.pid" 2>/dev/null)" = "$FIRST" ] ||
    fail "no default pid file in $RD: $(ls -la "$RD" 2>&1)"
[ "$(stat -c %a "$RD")" = 750 ] || fail "$RD created with mode $(stat -c %a "$RD")"
"$S" --config "$T/conf" --counters "$RD" --stats-ep "ipc://$T/nostats" \
    --sched-ep "ipc://$T/nosched" >/dev/null 2>"$T/second.log" &
SECOND=$!
for i in $(seq 50); do kill -0 $SECOND 2>/dev/null || break; sleep 0.1; done
if kill -0 $SECOND 2>/dev/null; then
    kill -TERM $SECOND $FIRST
    fail "a second scheduler ran alongside the first"
fi
wait $SECOND
rc=$?
[ $rc = 1 ] || fail "second scheduler: exit $rc, expected 1"
grep -q "another instance is running (pid $FIRST" "$T/second.log" ||
    fail "second scheduler: $(cat "$T/second.log")"
"$S" --config "$T/conf" --counters "$RD" --stats-ep "ipc://$T/nostats" \
    --sched-ep "ipc://$T/nosched" --once --dry-run >/dev/null 2>"$T/once.log"
grep -q "another instance" "$T/once.log" &&
    fail "--once beside a running daemon was refused by its pid file"
kill -TERM $FIRST
wait $FIRST || fail "first scheduler: exit $? on SIGTERM"
[ ! -e "$RD/vio4wd_core_scheduler.pid" ] || fail "pid file left behind"
ok "default pid file in the run directory: second scheduler refused (exit 1), removed on exit"

# An endpoint that never answers (a hung or stopped relay): one warning for
# the first failure, not one line per poll (issue 18).
if /usr/bin/python3 -c 'import zmq' 2>/dev/null; then
    /usr/bin/python3 - "ipc://$T/mute" <<'PY' &
import sys, time, zmq
s = zmq.Context().socket(zmq.ROUTER)     # takes requests, never answers
s.bind(sys.argv[1])
time.sleep(12)
PY
    MUTE=$!
    for i in $(seq 50); do [ -S "$T/mute" ] && break; sleep 0.1; done
    "$S" --config "$T/conf" --counters "$T/nothing" --stats-ep "ipc://$T/mute" \
        --sched-ep "ipc://$T/mute" --poll-interval 0.1 --pid-file none >/dev/null \
        2>"$T/quiet.log" &
    QUIET=$!
    sleep 7     # the client waits 2 s per request: three failed polls at least
    kill -TERM $QUIET
    # A poll that outlasts the interval must not starve SIGTERM: the
    # request under way ends within 2 s, and then the daemon exits.
    for i in $(seq 30); do kill -0 $QUIET 2>/dev/null || break; sleep 0.1; done
    kill -0 $QUIET 2>/dev/null && { kill -KILL $QUIET; fail "SIGTERM ignored while polling a silent endpoint"; }
    wait $QUIET || fail "exit $? on SIGTERM"
    kill $MUTE 2>/dev/null
    wait $MUTE 2>/dev/null
    w=$(grep -c "warning: .*no answer within" "$T/quiet.log")
    [ "$w" = 1 ] || fail "$w warnings about the silent endpoint, expected one: $(cat "$T/quiet.log")"
    ok "silent endpoint for 7 s: $w warning, repeats not logged at info; SIGTERM honoured"
else
    fail "needs Python's ZeroMQ binding (Debian package python3-zmq)"
fi
