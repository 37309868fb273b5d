#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Integration tests of the operator tools (issue 7).
#
# Usage: tools_integration.sh CASE RELAY STATS PINNER MONITOR PORTCTL PRESTART SCHED
#   CASE      usage | relay | pre-start | port-control
#   SCHED     path of vio4wd_core_scheduler (may not exist yet: that part skips)
#
# 'relay' starts one relay (2 workers on CPUs 0 and 1, net_null VFs, no
# hugepages) from a temporary configuration file whose endpoints are ipc://
# sockets in a temporary directory, and runs every tool against it through
# --config and --counters, as an operator would. Everything started runs in
# its own session and is killed, and every file removed, on any exit.
set -u

CASE=$1 RELAY=$2 STATS=$3 PINNER=$4 MONITOR=$5 PORTCTL=$6 PRESTART=$7 SCHED=$8

# T, PREFIX, PIDS, cleanup on any exit, fail, ok and wait_for come from the
# relay tests' helpers, so every integration test cleans up the same way.
. "$(dirname "$0")/../relay/lib.sh"

# expect RC OUTFILE CMD... : runs CMD (stdout+stderr to OUTFILE) and checks
# its exit status.
expect() {
    local want=$1 out=$2
    shift 2
    "$@" >"$out" 2>&1
    local got=$?
    if [ "$got" != "$want" ]; then
        echo "---- output of: $*"
        cat "$out"
        fail "expected exit $want, got $got: $*"
    fi
}

# contains FILE TEXT : FILE has TEXT (fixed string).
contains() {
    grep -qF -- "$2" "$1" || { echo "---- $1:"; cat "$1"; fail "'$2' not in the output"; }
}

# pyjson FILE EXPR : evaluates a Python expression over 'lines', the JSON
# objects of FILE (one per line; other lines are a tool's warnings on
# stderr); fails unless it is true.
pyjson() {
    python3 - "$1" "$2" <<'EOF' || { echo "---- $1:"; cat "$1"; fail "JSON check failed: $2"; }
import json, sys
# The file holds stdout and stderr: a tool may warn (on stderr) next to its
# JSON. Every object line must parse; warnings are not JSON and are skipped.
lines = [json.loads(l) for l in open(sys.argv[1]) if l.lstrip().startswith("{")]
ok = eval(sys.argv[2])
if not ok:
    sys.exit(1)
EOF
}


TOOLS=("$STATS" "$PINNER" "$MONITOR" "$PORTCTL")

# ---- usage: no relay needed -----------------------------------------------
case_usage() {
    local t
    for t in "${TOOLS[@]}"; do
        expect 0 "$T/out" "$t" --help
        contains "$T/out" "Usage:"
        contains "$T/out" "--counters"
        expect 0 "$T/out" "$t" --version
        contains "$T/out" "vio4wd"
        expect 2 "$T/out" "$t" --no-such-option
        local op=()
        [ "$t" != "$PORTCTL" ] || op=(query)
        expect 2 "$T/out" "$t" "${op[@]}" --config "$T/missing.conf"
        contains "$T/out" "$T/missing.conf"
    done
    ok "--help, --version, unknown option and missing --config for every tool"

    # Not running: exit 1, and the message names what was tried.
    expect 1 "$T/out" "$STATS" --counters "$T/none"
    contains "$T/out" "$T/none"
    expect 1 "$T/out" "$STATS" --json --counters "$T/none"
    expect 1 "$T/out" "$PINNER" --counters "$T/none"
    contains "$T/out" "$T/none"
    expect 1 "$T/out" "$PINNER" --sched-ep "ipc://$T/none" 0:1
    contains "$T/out" "ipc://$T/none"
    expect 1 "$T/out" "$MONITOR" --once --counters "$T/none"
    contains "$T/out" "$T/none"
    expect 1 "$T/out" "$MONITOR" --counters "$T/none"
    expect 1 "$T/out" "$PORTCTL" query --port-ep "ipc://$T/none"
    contains "$T/out" "ipc://$T/none"
    expect 1 "$T/out" "$PORTCTL" add --virtio-id 1 --pci-addr 0000:05:08.1 --zmq_ep "ipc://$T/none"
    ok "relay not running: exit 1 naming the counters path or endpoint"

    # Bad values: exit 2, naming the value.
    expect 2 "$T/out" "$PINNER" --virtio-cpu=0:a,b
    contains "$T/out" "'0:a,b'"
    expect 2 "$T/out" "$PINNER" 0:a,b
    expect 2 "$T/out" "$PINNER" --virtio-cpu=0:1 --virtio-cpu=0:2
    contains "$T/out" "relay 0"
    expect 2 "$T/out" "$PINNER" --virtio-cpu=0:1,2,3
    expect 2 "$T/out" "$PINNER" --interval x
    expect 2 "$T/out" "$MONITOR" --poll-interval abc
    contains "$T/out" "'abc'"
    expect 2 "$T/out" "$MONITOR" --width 5
    expect 2 "$T/out" "$MONITOR" extra
    expect 2 "$T/out" "$STATS" --watch 0
    contains "$T/out" "'0'"
    expect 2 "$T/out" "$STATS" --json --prometheus
    expect 2 "$T/out" "$STATS" --count 3
    expect 2 "$T/out" "$STATS" --relay 64
    expect 2 "$T/out" "$STATS" --timeout 0
    expect 2 "$T/out" "$PORTCTL"
    expect 2 "$T/out" "$PORTCTL" frobnicate
    contains "$T/out" "'frobnicate'"
    expect 2 "$T/out" "$PORTCTL" add --virtio-id 1
    contains "$T/out" "--pci-addr"
    expect 2 "$T/out" "$PORTCTL" add --virtio-id 1 --pci-addr zz:1
    contains "$T/out" "'zz:1'"
    expect 2 "$T/out" "$PORTCTL" add --virtio-id 64 --device net_null0
    expect 2 "$T/out" "$PORTCTL" add --virtio-id 1 --pci-addr 05:08.1 --mode 7
    expect 2 "$T/out" "$PORTCTL" add_sock
    contains "$T/out" "--vhost-path"
    ok "bad values: exit 2 naming the value"
}

# ---- pre-start: against a fake /proc and /sys -----------------------------
case_pre_start() {
    local sys=$T/sys proc=$T/proc
    mkdir -p "$sys/kernel/mm/hugepages/hugepages-2048kB" "$proc" "$T/huge"
    echo 0 >"$sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"
    echo 'VIRTIOFWD_HUGETLBFS_MOUNT_POINT="'"$T/huge"'"   # guest memory' >"$T/cfg"
    echo "sysfs /sys sysfs rw 0 0" >"$proc/mounts"
    export VIO4WD_PROC=$proc VIO4WD_SYS=$sys

    expect 1 "$T/out" "$PRESTART" --config "$T/cfg" --run-dir "$T/run"
    contains "$T/out" "no hugepages are reserved"
    [ ! -e "$T/run" ] || fail "run directory created although the check failed"
    echo 64 >"$sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"
    expect 1 "$T/out" "$PRESTART" --config "$T/cfg" --run-dir "$T/run"
    contains "$T/out" "$T/huge (in $T/cfg) is not a mounted hugetlbfs"
    echo "nodev $T/huge hugetlbfs rw,relatime 0 0" >>"$proc/mounts"
    echo 'VIRTIOFWD_HUGETLBFS_MOUNT_POINT=/nonexistent/huge' >>"$T/cfg"
    expect 1 "$T/out" "$PRESTART" --config "$T/cfg" --run-dir "$T/run"
    contains "$T/out" "/nonexistent/huge (in $T/cfg) does not exist"
    echo "VIRTIOFWD_HUGETLBFS_MOUNT_POINT='$T/huge'" >>"$T/cfg"
    expect 0 "$T/out" "$PRESTART" --config "$T/cfg" --run-dir "$T/run"
    [ "$(stat -c %a "$T/run")" = 750 ] || fail "run directory mode is not 0750"
    expect 0 "$T/out" "$PRESTART" --no-huge --config "$T/none.cfg" --run-dir "$T/run2"
    contains "$T/out" "does not exist; using the defaults"
    [ -d "$T/run2" ] || fail "--no-huge did not create the run directory"
    expect 2 "$T/out" "$PRESTART" --bogus
    ok "pre-start: hugepages, mount point, run directory 0750"
}

# ---- relay: every tool against a running relay ----------------------------
start_relay() {
    cat >"$T/cfg" <<EOF
VIRTIOFWD_CPU_MASK=0,1
VIRTIOFWD_MASTER_LCORE=0
VIRTIOFWD_LOG_LEVEL=6
VIRTIOFWD_STATIC_VFS=(net_null0=0 net_null1=1)
VIRTIOFWD_CPU_PINS=(0:0 1:1)
VIRTIOFWD_DYNAMIC_SOCKETS=y
VIRTIOFWD_SOCKET_DIR=$T
VIRTIOFWD_PID_DIR=$T
VIRTIOFWD_IPC_PORT_CONTROL=y
VIRTIOFWD_ZMQ_STATS_EP=ipc://$T/stats
VIRTIOFWD_ZMQ_CORE_SCHED_EP=ipc://$T/core_sched
VIRTIOFWD_ZMQ_PORT_CONTROL_EP=ipc://$T/port_control
VIO4WD_CORE_SCHED_ENABLE=y
EOF
    setsid "$RELAY" --config "$T/cfg" --run-dir "$T" -- --no-huge -m 512 --no-pci \
        --file-prefix="$PREFIX" >"$T/relay.log" 2>&1 </dev/null &
    PIDS+=($!)
    wait_for 15 test -S "$T/core_sched" || fail "the relay did not come up"
    wait_for 5 test -f "$T/counters" || fail "the relay wrote no counters"
}

C=()    # the options every tool gets: the operator's configuration

check_stats() {
    expect 0 "$T/out" "$STATS" "${C[@]}" --interval 0.3
    contains "$T/out" "net_null0"
    contains "$T/out" "net_null1"
    contains "$T/out" "VF->VM"
    contains "$T/out" "WORKER CPU"

    expect 0 "$T/json" "$STATS" "${C[@]}" --json --interval 0.3
    pyjson "$T/json" 'len(lines) == 1 and lines[0]["workers"] == [0, 1]'
    pyjson "$T/json" 'sorted(r["id"] for r in lines[0]["relays"]) == [0, 1]'
    pyjson "$T/json" 'all(set(r) >= {"id", "numa", "cpu", "load"} for r in lines[0]["relays"])'
    pyjson "$T/json" 'all(0 <= r["load"][d] <= 1 and r["cpu"][d] in (0, 1) for r in lines[0]["relays"] for d in ("vf_to_vm", "vm_to_vf"))'
    # net_null delivers packets as fast as they are taken: VF->VM is busy.
    pyjson "$T/json" 'all(r["load"]["vf_to_vm"] > 0.01 and r["vf_to_vm"]["rx_pps"] > 0 for r in lines[0]["relays"])'
    pyjson "$T/json" 'isinstance(lines[0]["t"], float) and lines[0]["interval"] > 0.25'

    expect 0 "$T/watch" "$STATS" "${C[@]}" --watch 0.3 --count 3
    pyjson "$T/watch" 'len(lines) == 3 and lines[0]["t"] < lines[1]["t"] < lines[2]["t"]'
    pyjson "$T/watch" 'all(0.25 < l["interval"] < 0.6 for l in lines)'

    expect 0 "$T/prom" "$STATS" "${C[@]}" --prometheus --interval 0.2
    [ "$(tail -n 1 "$T/prom")" = "# EOF" ] || fail "--prometheus does not end with # EOF"
    [ "$(grep -c '^# EOF' "$T/prom")" = 1 ] || fail "--prometheus has more than one # EOF"
    contains "$T/prom" 'vio4wd_relay_packets_total{relay="0",direction="vf_to_vm",stage="rx"}'
    contains "$T/prom" 'vio4wd_worker_load_ratio{cpu="1",numa="0"}'
    expect 0 "$T/out" "$STATS" "${C[@]}" --prometheus --interval 0.1 --output "$T/vio4wd.prom"
    [ "$(tail -n 1 "$T/vio4wd.prom")" = "# EOF" ] || fail "--output file incomplete"
    [ ! -e "$T/vio4wd.prom.tmp" ] || fail "--output left its temporary file"

    expect 0 "$T/json" "$STATS" "${C[@]}" --json --interval 0.1 --relay 1
    pyjson "$T/json" '[r["id"] for r in lines[0]["relays"]] == [1]'
    expect 1 "$T/out" "$STATS" --config "$T/cfg" --counters "$T/wrong"
    contains "$T/out" "$T/wrong"
    ok "vio4wd-stats: table, --json, --watch, --prometheus, --output, --relay, wrong path"
}

relay_cpus() {
    "$STATS" "${C[@]}" --json --interval 0.05 >"$T/cpus"
    python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(" ".join("%d:%d,%d" % (r["id"], r["cpu"]["vf_to_vm"], r["cpu"]["vm_to_vf"])
               for r in sorted(d["relays"], key=lambda r: r["id"])))' "$T/cpus"
}

check_pinner() {
    expect 0 "$T/out" "$PINNER" "${C[@]}" --interval 0.2
    contains "$T/out" "VF->VM"
    grep -qE '^ +0 +0 +0 +0 ' "$T/out" || { cat "$T/out"; fail "map row of relay 0"; }
    grep -qE '^ +1 +1 +1 +0 ' "$T/out" || { cat "$T/out"; fail "map row of relay 1"; }
    expect 0 "$T/json" "$PINNER" "${C[@]}" --json --interval 0.2
    pyjson "$T/json" 'lines[0]["workers"] == [0, 1] and len(lines[0]["relays"]) == 2'

    # Both directions apart, then the original syntax with one CPU.
    expect 0 "$T/out" "$PINNER" "${C[@]}" --virtio-cpu=0:1,0 --virtio-cpu=1:0
    contains "$T/out" "relay 0: VF->VM on CPU 1, VM->VF on CPU 0 (applied, confirmed by the counters)"
    contains "$T/out" "relay 1: VF->VM on CPU 0, VM->VF on CPU 0"
    [ "$(relay_cpus)" = "0:1,0 1:0,0" ] || fail "counters show $(relay_cpus), not 0:1,0 1:0,0"
    expect 0 "$T/out" "$PINNER" "${C[@]}" 0:1
    contains "$T/out" "relay 0: VF->VM on CPU 1, VM->VF on CPU 1"
    [ "$(relay_cpus)" = "0:1,1 1:0,0" ] || fail "counters show $(relay_cpus), not 0:1,1 1:0,0"
    expect 0 "$T/json" "$PINNER" "${C[@]}" --json --virtio-cpu=1:1,0
    pyjson "$T/json" 'lines[0]["applied"] == [{"relay": 1, "cpu": {"vf_to_vm": 1, "vm_to_vf": 0}, "confirmed": True}]'
    [ "$(relay_cpus)" = "0:1,1 1:1,0" ] || fail "counters show $(relay_cpus), not 0:1,1 1:1,0"
    ok "core_pinner: map, --json, pins applied and confirmed through the counters"

    expect 2 "$T/out" "$PINNER" "${C[@]}" --virtio-cpu=0:a,b
    expect 2 "$T/out" "$PINNER" "${C[@]}" --virtio-cpu=0:7
    contains "$T/out" "CPU 7 is not one of the relay's worker CPUs (0-1)"
    expect 1 "$T/out" "$PINNER" "${C[@]}" --virtio-cpu=9:0
    contains "$T/out" "none applied"
    expect 1 "$T/out" "$PINNER" "${C[@]}" --sched-ep "ipc://$T/wrong" 0:0
    contains "$T/out" "ipc://$T/wrong"
    [ "$(relay_cpus)" = "0:1,1 1:1,0" ] || fail "a refused pin changed the map"
    ok "core_pinner: bad CPU, unknown relay, wrong endpoint"

    # A process named like the scheduler makes it warn.
    cp "$(command -v sleep)" "$T/vio4wd_core_scheduler"
    setsid "$T/vio4wd_core_scheduler" 30 </dev/null >/dev/null 2>&1 &
    PIDS+=($!)
    wait_for 5 pgrep -x vio4wd_core_sch
    expect 0 "$T/out" "$PINNER" "${C[@]}" 0:0
    contains "$T/out" "warning: vio4wd_core_scheduler is running"
    kill -- "-${PIDS[-1]}" 2>/dev/null
    ok "core_pinner: warns while vio4wd_core_scheduler runs"
}

check_monitor() {
    "$PINNER" "${C[@]}" 0:0 1:1 >/dev/null || fail "could not reset the pins"
    expect 0 "$T/frame" "$MONITOR" "${C[@]}" --once --poll-interval 0.3 --width 100
    contains "$T/frame" "NUMA node 0"
    contains "$T/frame" "CPU   0 |0>"
    contains "$T/frame" "CPU   1 |1>"
    contains "$T/frame" "0:VF->VM"
    contains "$T/frame" "1:VF->VM"
    contains "$T/frame" "migrations since last frame"
    if grep -q $'\e' "$T/frame"; then fail "--once printed escape sequences"; fi
    awk 'length($0) > 100 { exit 1 }' "$T/frame" || fail "--once frame wider than --width"
    ok "monitor_load --once: CPUs 0 and 1, relays 0 and 1, plain text"

    need script bsdutils
    # A real terminal: frames must update in place, never clear the
    # screen (ncurses may clear it once, when it starts).
    TERM=xterm timeout -s INT 3 script -qfec "$MONITOR ${C[*]} --poll-interval 0.3" \
        /dev/null >"$T/tty" 2>&1 </dev/null
    contains "$T/tty" "NUMA node 0"
    local clears
    clears=$(grep -o $'\e\[2J' "$T/tty" | wc -l)
    [ "$clears" -le 1 ] || fail "monitor_load cleared the screen $clears times"
    # A terminal without cursor addressing gets plain text frames.
    TERM=dumb timeout -s INT 2 script -qfec "$MONITOR ${C[*]} --poll-interval 0.3" \
        /dev/null >"$T/dumb" 2>&1 </dev/null
    contains "$T/dumb" "CPU   1 |"
    if grep -q $'\e\[' "$T/dumb"; then fail "escape sequences on TERM=dumb"; fi
    ok "monitor_load on a terminal: in-place updates; TERM=dumb: plain text"
}

check_port_control() {
    [ -S "$T/port_control" ] || fail "the relay serves no port_control endpoint at $T/port_control"
    expect 0 "$T/out" "$PORTCTL" "${C[@]}" add --virtio-id 2 --device net_null2
    wait_for 5 sh -c "'$STATS' --config '$T/cfg' --counters '$T' --json --interval 0.05 --relay 2 | grep -q net_null2" ||
        fail "relay 2 did not get VF net_null2"
    expect 0 "$T/out" "$PORTCTL" "${C[@]}" query
    contains "$T/out" "2 net_null2"
    expect 0 "$T/out" "$PORTCTL" "${C[@]}" query --device net_null2
    [ "$(cat "$T/out")" = "2 net_null2" ] || fail "query --device net_null2: $(cat "$T/out")"
    expect 1 "$T/out" "$PORTCTL" "${C[@]}" query --device net_null5
    contains "$T/out" "no relay uses net_null5"
    expect 1 "$T/out" "$PORTCTL" "${C[@]}" add --virtio-id 3 --device net_bogus0
    contains "$T/out" "no DPDK driver is named 'net_bogus'"
    expect 0 "$T/out" "$PORTCTL" "${C[@]}" remove --virtio-id 2 --device net_null2
    expect 1 "$T/out" "$PORTCTL" "${C[@]}" remove --virtio-id 2 --device net_null2
    expect 1 "$T/out" "$PORTCTL" "${C[@]}" --port-ep "ipc://$T/wrong" query
    contains "$T/out" "ipc://$T/wrong"
    ok "port_control: add/remove a DPDK device string, query, refusal, wrong endpoint"
}

check_replay() {
    [ -x "$SCHED" ] || fail "$SCHED is not built"
    "$STATS" "${C[@]}" --watch 0.3 --count 3 >"$T/trace.jsonl" || fail "--watch for the trace"
    expect 0 "$T/replay" "$SCHED" --replay "$T/trace.jsonl" --topology "numa:1 core:2 pu:1"
    pyjson "$T/replay" 'len(lines) >= 1 and all("t" in l for l in lines)'
    "$STATS" "${C[@]}" --json --interval 0.2 >"$T/one.jsonl" || fail "--json for the trace"
    expect 0 "$T/replay" "$SCHED" --replay "$T/one.jsonl" --topology "numa:1 core:2 pu:1"
    ok "vio4wd-stats --watch and --json replayed by vio4wd_core_scheduler"
}

# ---- port-control: the wire format against a stand-in endpoint -----------
# Independently of the relay's own decoder, this checks what the tool sends,
# byte for byte, with the field numbers of lib/ctl/virtioforwarder.proto
# (docs/ARCHITECTURE.md, "6. Wire protocol and endpoints"); a REP socket in Python
# answers each request with the next scripted reply.
case_port_control() {
    if ! /usr/bin/python3 -c 'import zmq' 2>/dev/null; then
        fail "python3-zmq is not installed (Debian package python3-zmq; tools/setup.sh installs it)"
    fi
    cat >"$T/fake.py" <<'EOF2'
import sys, zmq
ep, outdir = sys.argv[1], sys.argv[2]
def s(field, text):
    b = text.encode()
    return bytes([field << 3 | 2, len(b)]) + b
replies = [
    b"\x20\x01",                                   # OK
    b"\x20\x01",
    b"\x20\x01",
    b"\x20\x01",
    b"\x20\x01" + s(7, "relay 2: net_memif0"),     # OK with a query string
    b"\x20\x00\x28\x11" + s(6, "relay 2 already has a VF"),   # ERROR, EEXIST
]
sock = zmq.Context().socket(zmq.REP)
sock.bind(ep)
for i, reply in enumerate(replies):
    req = sock.recv()
    open("%s/req%d" % (outdir, i), "wb").write(req)
    sock.send(reply)
EOF2
    setsid /usr/bin/python3 "$T/fake.py" "ipc://$T/pc" "$T" >"$T/fake.log" 2>&1 </dev/null &
    PIDS+=($!)
    wait_for 5 test -S "$T/pc" || fail "the stand-in endpoint did not come up"
    local P=("$PORTCTL" --port-ep "ipc://$T/pc")

    pbstr() {   # pbstr TEXT : a short protobuf string's length and bytes, in hex
        printf '%02x' "${#1}"
        printf '%s' "$1" | od -An -tx1 | tr -d ' \n'
    }
    has() {   # has FILE HEX : the request holds these bytes
        python3 -c 'import sys; sys.exit(bytes.fromhex(sys.argv[2]) not in open(sys.argv[1], "rb").read())' "$1" "$2" ||
            fail "request $1 lacks bytes $2: $(od -An -tx1 "$1")"
    }
    expect 0 "$T/out" "${P[@]}" add --virtio-id 2 --device net_memif0,role=client
    contains "$T/out" "add: OK"
    has "$T/req0" 0800                          # op ADD
    has "$T/req0" 18022000                      # virtio_id 2, conditional false as the original
    has "$T/req0" "a206$(pbstr net_memif0,role=client)"   # field 100, our extension
    expect 0 "$T/out" "${P[@]}" add --virtio-id 1 --pci-addr 0000:05:08.1 --conditional
    has "$T/req1" 12080800100518082001          # PciAddress{0, 5, 8, 1}
    has "$T/req1" 18012001                      # virtio_id 1, then --conditional
    expect 0 "$T/out" "${P[@]}" add --virtio-id 3 --pci-addr 05:08.1 --pci-addr 05:08.2 --name net_bonding0 --mode 4
    has "$T/req2" "2a$(pbstr net_bonding0)"
    has "$T/req2" 3004                          # mode 4
    expect 0 "$T/out" "${P[@]}" add_sock --vhost-path /tmp/v.sock
    has "$T/req3" 0802                          # op ADD_SOCK
    has "$T/req3" "3a$(pbstr /tmp/v.sock)"
    expect 0 "$T/out" "${P[@]}" query --device net_memif0
    contains "$T/out" "relay 2: net_memif0"
    has "$T/req4" 0804                          # op QUERY_PCI
    expect 1 "$T/out" "${P[@]}" add --virtio-id 2 --device net_null9
    contains "$T/out" "relay 2 already has a VF (error 17)"
    ok "port_control: ADD (device string, PCI, bond), ADD_SOCK, QUERY, refusal on the wire"
}

case_relay() {
    start_relay
    C=(--config "$T/cfg" --counters "$T")
    check_stats
    check_pinner
    check_monitor
    check_port_control
    check_replay
}

case $CASE in
usage) case_usage ;;
pre-start) case_pre_start ;;
port-control) case_port_control ;;
relay) case_relay ;;
*) fail "unknown case $CASE" ;;
esac
echo "PASS: $CASE"
