#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Signals, files and start-up checks of the relay (issue 18, bugs 1, 5, 6, 7):
#  - SIGHUP re-reads the configuration: the log level changes live, a
#    changed worker mask is named as needing a restart, a broken file
#    changes nothing, and the relay keeps running;
#  - every other catchable fatal signal (SIGQUIT, SIGUSR1, SIGUSR2,
#    SIGXCPU) stops it within 2 s, leaving no counters, lock, endpoint or
#    vhost socket behind;
#  - a run directory it creates is 0750, its counters and lock 0640;
#  - an endpoint in a missing directory fails with a message and creates
#    nothing;
#  - a master lcore inside the worker mask is warned about;
#  - 2,005 bad control messages give a handful of warnings and a summary
#    of the rest, not 2,005 lines.
# usage: test_signals.sh RELAY CNT_DUMP
RELAY=$1 CNT_DUMP=$2
. "$(dirname "$0")/lib.sh"

# cfg TEXT: the test's configuration, on top of lib.sh's isolating one.
cfg() {
    { cat "$T/relay.conf"; printf "$1"; } >"$T/cfg"
}

start_relay() {   # start_relay NAME ARGS...
    local name=$1
    shift
    spawn "$name" "$RELAY" $(relay_isolated) --config "$T/cfg" \
        --vhost-path "$T" "$@" -- $(eal_opts "$name")
    RELAY_PID=$SPAWNED
    wait_for 20 relay_running || fail "$name: relay did not start"
}

no_files_left() {   # no_files_left WHAT
    local left
    left=$(ls "$T"/*.sock "$T/run" 2>/dev/null | grep -v '^$' | grep -v ':$')
    [ -z "$left" ] || fail "$1: left behind: $left"
}

cfg 'VIRTIOFWD_CPU_MASK=1\nVIRTIOFWD_MASTER_LCORE=0\nVIRTIOFWD_LOG_LEVEL=6\n'

# ---- permissions of what the relay creates (bug 5) ------------------------
start_relay perm
mode() { stat -c %a "$1"; }
[ "$(mode "$T/run")" = 750 ] || fail "run directory is $(mode "$T/run"), expected 750"
[ "$(mode "$T/run/counters")" = 640 ] || fail "counters file is $(mode "$T/run/counters")"
[ "$(mode "$T/run/virtio-forwarder.lock")" = 640 ] ||
    fail "lock file is $(mode "$T/run/virtio-forwarder.lock")"
ok "run directory 0750, counters and lock 0640"

# ---- SIGHUP reloads (bug 1) ------------------------------------------------
cfg 'VIRTIOFWD_CPU_MASK=1\nVIRTIOFWD_MASTER_LCORE=0\nVIRTIOFWD_LOG_LEVEL=7\n'
kill -HUP "$RELAY_PID"
wait_for 5 grep -q "log level 6 -> 7" "$T/perm.log" || fail "SIGHUP did not apply the log level"
cfg 'VIRTIOFWD_CPU_MASK=0,1\nVIRTIOFWD_MASTER_LCORE=0\nVIRTIOFWD_LOG_LEVEL=7\n'
kill -HUP "$RELAY_PID"
wait_for 5 grep -q "VIRTIOFWD_CPU_MASK changed.*restart" "$T/perm.log" ||
    fail "SIGHUP did not name the mask change as needing a restart"
cfg 'VIRTIOFWD_CPU_MASK=1\nVIRTIOFWD_JUMBO=maybe\n'
kill -HUP "$RELAY_PID"
wait_for 5 grep -q "not reloaded.*VIRTIOFWD_JUMBO" "$T/perm.log" ||
    fail "SIGHUP with a broken file: no error naming the variable"
sleep 0.5
kill -0 "$RELAY_PID" 2>/dev/null || fail "the relay died on SIGHUP"
relay_running || fail "the relay stopped running after SIGHUP"
ok "SIGHUP x3: log level applied, mask change needs a restart, bad file ignored; still running"
stop_pid "$RELAY_PID" 3 || fail "SIGTERM after SIGHUP: exit $?"
no_files_left SIGTERM
cfg 'VIRTIOFWD_CPU_MASK=1\nVIRTIOFWD_MASTER_LCORE=0\n'

# ---- other fatal signals stop cleanly (bug 1) ------------------------------
for sig in QUIT USR1 USR2 XCPU; do
    start_relay "sig$sig"
    start=$(date +%s%N)
    kill -"$sig" "$RELAY_PID"
    while kill -0 "$RELAY_PID" 2>/dev/null; do
        [ $(( ($(date +%s%N) - start) / 1000000 )) -lt 2000 ] || fail "SIG$sig: still up after 2 s"
        sleep 0.02
    done
    wait "$RELAY_PID"
    rc=$?
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    num=$(kill -l "$sig")
    [ "$rc" = $((128 + num)) ] || fail "SIG$sig: exit $rc, expected $((128 + num))"
    grep -q "shutting down" "$T/sig$sig.log" || fail "SIG$sig: no orderly shutdown"
    no_files_left "SIG$sig"
    ok "SIG$sig: orderly stop in $ms ms, exit $rc, nothing left behind"
done

# ---- an endpoint in a missing directory (bug 6) -----------------------------
"$RELAY" $(relay_isolated) --config "$T/cfg" \
    --zmq-stats-ep "ipc://$T/nonexistent/dir/stats" --vhost-path "$T" \
    -- $(eal_opts typo) >"$T/typo.out" 2>&1 </dev/null
rc=$?
[ "$rc" != 0 ] || fail "an endpoint in a missing directory was accepted"
grep -q "$T/nonexistent/dir does not exist" "$T/typo.out" ||
    fail "no message naming the missing directory: $(tail -3 "$T/typo.out")"
[ ! -e "$T/nonexistent" ] || fail "the relay created $T/nonexistent"
no_files_left "endpoint typo"
ok "endpoint typo: exit $rc, '$(grep -o 'directory [^;]*' "$T/typo.out" | head -1)', nothing created"

# ---- master lcore inside the mask (bug 7) ----------------------------------
start_relay shared -C 1 -M 1
grep -q "VIRTIOFWD_MASTER_LCORE=1 is also a worker CPU" "$T/shared.log" ||
    fail "no warning for a master lcore inside the mask"
stop_pid "$RELAY_PID" 3 || fail "stop: exit $?"
ok "master lcore in the mask: warned"

# ---- a flood of bad control messages is rate-limited (bug 9) ---------------
/usr/bin/python3 -c 'import zmq' 2>/dev/null ||
    fail "needs Python's ZeroMQ binding (Debian package python3-zmq)"
start_relay flood --ipc
/usr/bin/python3 - "ipc://$T/run/port_control" <<'PY' || fail "could not send the flood"
import sys, zmq
s = zmq.Context().socket(zmq.REQ)
s.setsockopt(zmq.LINGER, 0)
s.setsockopt(zmq.RCVTIMEO, 5000)
s.connect(sys.argv[1])
for i in range(2005):
    s.send(b"\xff\xfe not a PortControlRequest %d" % i)
    s.recv()
PY
sent_at=$SECONDS
wait_for 15 grep -q "more refused port_control requests in the last 10 s" "$T/flood.log" ||
    fail "no summary of the suppressed warnings within 15 s"
n=$(grep -c "port_control refused" "$T/flood.log")
summary=$(grep -o "[0-9,]* more refused port_control requests in the last 10 s" "$T/flood.log")
[ "$n" -le 10 ] || fail "$n warning lines for 2005 bad requests"
total=$n
for x in $(echo "$summary" | sed 's/ more.*//; s/,//g'); do total=$((total + x)); done
[ "$total" = 2005 ] || fail "$n logged + summaries ($summary) = $total, not 2005"
kill -0 "$RELAY_PID" || fail "the relay died under the flood"
stop_pid "$RELAY_PID" 3 || fail "stop after the flood: exit $?"
ok "2005 bad port_control requests: $n warning lines + '$summary' after $((SECONDS - sent_at)) s"
