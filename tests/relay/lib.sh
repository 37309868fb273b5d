# SPDX-License-Identifier: BSD-3-Clause
# lib.sh - shared helpers for the relay integration tests (sourced).
#
# Every process a test starts runs in its own session (setsid), so cleanup
# can kill its whole process group. cleanup runs on EXIT, whatever happens:
# it kills what we started, removes our temp dir and DPDK's runtime dirs for
# our file prefixes. On failure it shows the end of every log, or calls the
# test's report_failure function if it defines one.
set -u

T=$(mktemp -d /tmp/vio4wd-test.XXXXXX)
PREFIX="v4t$$"                  # unique DPDK --file-prefix stem
PIDS=()
FAILED=0
# A stdin that never delivers EOF (testpmd exits on EOF of stdin).
mkfifo "$T/stdin"
exec 8<>"$T/stdin"

cleanup() {
    local rc=$?
    # What only a running process can show (the relay removes its counters
    # file when it stops): the test's report_live, before anything is killed.
    if { [ "$rc" != 0 ] || [ "$FAILED" != 0 ]; } && declare -F report_live >/dev/null; then
        report_live
    fi
    for pid in "${PIDS[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null
    done
    sleep 0.3
    for pid in "${PIDS[@]}"; do
        kill -KILL -- "-$pid" 2>/dev/null
    done
    if [ "$rc" != 0 ] || [ "$FAILED" != 0 ]; then
        if declare -F report_failure >/dev/null; then
            report_failure          # the test's own account of its logs
        else
            for f in "$T"/*.log; do
                [ -f "$f" ] || continue
                echo "---- $f (last 30 lines)"
                tail -n 30 "$f"
            done
        fi
    fi
    rm -rf "$T" /var/run/dpdk/"$PREFIX"* /dev/shm/"$PREFIX"* 2>/dev/null
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 129' HUP        # a closed terminal: clean up as for Ctrl-C
trap 'exit 130' INT TERM

fail() {
    echo "FAIL: $*" >&2
    FAILED=1
    exit 1
}

ok() {
    echo "ok: $*"
}

# spawn LOGNAME CMD... : runs CMD in a new session, output to $T/LOGNAME.log;
# sets SPAWNED to its pid.
spawn() {
    local name=$1
    shift
    need_program_of "$@"
    setsid "$@" >"$T/$name.log" 2>&1 <&8 &
    SPAWNED=$!
    PIDS+=("$SPAWNED")
}

# wait_for SECONDS CMD... : polls CMD every 0.1 s until it succeeds.
wait_for() {
    local limit=$1
    shift
    local end=$((SECONDS + limit))
    while ! "$@" >/dev/null 2>&1; do
        [ $SECONDS -lt $end ] || return 1
        sleep 0.1
    done
}

# stop_pid PID SECONDS : SIGTERM, wait up to SECONDS; returns the exit code
# (or 124 on timeout, after which the group is killed).
stop_pid() {
    local pid=$1 limit=$2
    kill -TERM "$pid" 2>/dev/null
    local end=$(( $(date +%s%N) + limit * 1000000000 ))
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$(date +%s%N)" -gt "$end" ]; then
            kill -KILL -- "-$pid" 2>/dev/null
            wait "$pid" 2>/dev/null
            return 124
        fi
        sleep 0.02
    done
    wait "$pid"
}

# cnt KEY : one counter value of the relay running on $T/run.
cnt() {
    "$CNT_DUMP" "$T/run" "$1"
}

relay_running() {
    [ "$(cnt header.state 2>/dev/null)" = 1 ]
}

guest_up() {   # guest_up RELAY
    local f
    f=$(cnt "relay$1.flags") || return 1
    [ $(( f & 8 )) -ne 0 ]
}

guest_down() {
    ! guest_up "$1"
}

# The EAL options every DPDK process here needs; $1 = name suffix.
eal_opts() {
    echo "--no-huge -m 512 --no-pci --file-prefix=${PREFIX}$1"
}

# relay_isolated: the options that keep a relay inside $T. It reads
# $T/relay.conf instead of the host's /etc/default/virtioforwarder, binds
# every endpoint, pid file and counters file under $T/run (which the test
# or the relay creates), and picks ZeroMQ port control there, so a host that
# runs the real daemon can run the tests, and two checkouts can test at
# once. Options given after it win.
cat >"$T/relay.conf" <<EOF
VIRTIOFWD_ZMQ_STATS_EP=ipc://$T/run/stats
VIRTIOFWD_ZMQ_CORE_SCHED_EP=ipc://$T/run/core_sched
VIRTIOFWD_ZMQ_PORT_CONTROL_EP=ipc://$T/run/port_control
VIRTIOFWD_SOCKET_DIR=$T
VIRTIOFWD_PID_DIR=$T/run
EOF
relay_isolated() {
    echo "--config $T/relay.conf --run-dir $T/run -p $T/run"
}

# need PROGRAM [PACKAGE]: fail at once, naming both, when a test's external
# program is missing (a timeout 20 s later says nothing useful). The package
# comes from tools/required-programs.txt when not given.
LIB_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
need() {
    command -v "$1" >/dev/null 2>&1 && return 0
    local pkg=${2:-}
    [ -n "$pkg" ] || pkg=$(awk -v p="$1" '$1 == p { print $2 }' \
        "$LIB_TOP/tools/required-programs.txt" 2>/dev/null)
    fail "$1 is not installed (Debian package ${pkg:-unknown}; tools/setup.sh installs it)"
}

# need_program_of CMD...: need() for the program a command line runs,
# looking through the wrappers tests put in front of it.
need_program_of() {
    while [ $# -gt 0 ]; do
        case $1 in
        stdbuf|env|timeout|nice|taskset|-*|*=*) shift ;;
        [0-9]*) shift ;;             # timeout's duration, taskset's mask
        *) need "$1"; return ;;
        esac
    done
}

# loadgen_clean LOG [MIN_SENT]: the loadgen's JSON report in LOG counts 0
# lost, 0 duplicated and 0 reordered, over at least MIN_SENT packets
# (default 100000).
loadgen_clean() {
    python3 - "$1" "${2:-100000}" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
rep = json.loads(text[text.index('{"version"'):].splitlines()[0])
t = rep["totals"]
print("loadgen totals:", t)
bad = [k for k in ("lost", "duplicated", "reordered") if t[k] != 0]
if bad or t["sent"] < int(sys.argv[2]):
    sys.exit("loadgen counted %s (sent %d)" % (bad, t["sent"]))
PY
}
