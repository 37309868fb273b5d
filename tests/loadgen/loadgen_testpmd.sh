#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Integration tests of vio4wd-loadgen against dpdk-testpmd standing in for
# the relay: for each relay N, testpmd io-forwards between
#   net_vhost<k>,iface=DIR/virtio-forwarder<N>.sock      (the guest side)
#   net_memif<N>,role=client,socket=DIR/vio4wd-memif<N>.sock,socket-abstract=no
# (the relay's VF, paired with the generator's memif server), so packets go
# generator -> vhost -> memif -> generator and back.
#
# usage: loadgen_testpmd.sh LOADGEN SCENARIO
#   clean     2 relays, both directions, a step profile: 0 lost and the
#             generator's counts equal testpmd's own
# The tests that expect 0 lost use low rates and deep rings (4096), so that
# the machine's other load can stall the generator for 100 ms without the
# stand-in dropping packets towards it.
#   multiqueue  queues=4: testpmd forwards queue q to queue q, every queue
#             carries traffic and arrives whole and in order
#   rxonly    testpmd drops everything: lost == sent, exactly, exit 1
#   kill      testpmd is killed mid-run: loss reported, exit 1, no hang
#   sigint    -d 0, stopped by SIGINT: clean report, exit 0
#   server    virtio_user server=1 with a vhost client relay
#   reconnect that relay is killed and restarted: traffic resumes
#   timeout   no relay at all: exit 3 naming the socket
#   usage     bad command lines: exit 2 naming option and value
set -u
LG=$1
SCENARIO=$2
TESTPMD=${TESTPMD:-dpdk-testpmd}

if [ "$SCENARIO" != usage ] && ! command -v "$TESTPMD" >/dev/null; then
    echo "FAIL: $TESTPMD is not installed (Debian package dpdk-dev; tools/setup.sh installs it)"
    exit 1
fi

DIR=$(mktemp -d /tmp/vio4wd-lgtest.XXXXXX)
PIDS=()
TAG=lgt$$

cleanup() {
    local p
    # Every process was started with setsid: kill its whole group.
    for p in "${PIDS[@]}"; do
        kill -TERM -- "-$p" 2>/dev/null
    done
    sleep 0.3
    for p in "${PIDS[@]}"; do
        kill -KILL -- "-$p" 2>/dev/null
    done
    [ -n "${KEEP:-}" ] && cp -r "$DIR" /tmp/lgkeep
    rm -rf "$DIR" "/var/run/dpdk/${TAG}lg" "/var/run/dpdk/${TAG}tp"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*"
    for f in "$DIR"/*.out "$DIR"/*.err; do
        [ -f "$f" ] || continue
        echo "---- $f"
        grep -v -E '^(EAL|TELEMETRY|vhost_user_setup|virtio_user_dev)' "$f" | tail -25
    done
    exit 1
}

EAL_LG=(-l 0 --no-huge -m 256 --no-pci --single-file-segments
        "--file-prefix=${TAG}lg")

# start_loadgen ARGS... : in the background, output in DIR/lg.out/.err
start_loadgen() {
    setsid "$LG" --socket-dir "$DIR" --memif-dir "$DIR" --connect-timeout 20 \
        "$@" -- "${EAL_LG[@]}" >"$DIR/lg.out" 2>"$DIR/lg.err" &
    LG_PID=$!
    PIDS+=("$LG_PID")
}

# wait_file PATH : until it exists (the generator's memif servers)
wait_file() {
    local i
    for i in $(seq 100); do
        [ -e "$1" ] && return 0
        kill -0 "$LG_PID" 2>/dev/null || fail "loadgen exited early"
        sleep 0.1
    done
    fail "$1 never appeared"
}

# start_testpmd "RELAY_IDS" [vhost-extra] [testpmd args...]
# (TP_QUEUES: queue pairs of its vhost ports, 1 unless a scenario says)
TP_QUEUES=1
start_testpmd() {
    local ids=$1 vextra=$2 k=0 n
    shift 2
    local vdevs=()
    for n in $ids; do
        vdevs+=(--vdev "net_vhost$k,iface=$DIR/virtio-forwarder$n.sock,queues=$TP_QUEUES$vextra")
        vdevs+=(--vdev "net_memif$n,role=client,id=0,socket=$DIR/vio4wd-memif$n.sock,socket-abstract=no,rsize=12")
        k=$((k + 1))
    done
    # Its stdin is a FIFO we hold open: testpmd forwards until it reads a
    # line there (stop_testpmd), then prints its final forward statistics
    # and exits. Stopping it with SIGINT instead lost those statistics at
    # times: its signal handler prints them, and may interrupt a printf.
    [ -p "$DIR/tp.in" ] || mkfifo "$DIR/tp.in"
    exec 7<>"$DIR/tp.in"
    setsid "$TESTPMD" -l 0,1 --main-lcore 0 --no-huge -m 256 --no-pci \
        --file-prefix="${TAG}tp" "${vdevs[@]}" -- --nb-cores=1 \
        --port-topology=paired --total-num-mbufs=8192 -a "$@" \
        >"$DIR/tp.out" 2>&1 <&7 &
    TP_PID=$!
    disown "$TP_PID"      # no "Killed" job notice when a test kills it
    PIDS+=("$TP_PID")
}

# wait_pid PID SECONDS : wait for it to exit, fail if it takes longer
wait_pid() {
    local i
    for i in $(seq $(($2 * 10))); do
        kill -0 "$1" 2>/dev/null || { wait "$1"; return $?; }
        sleep 0.1
    done
    fail "process $1 still running after $2 s"
}

# stop_testpmd : a line on its stdin; it stops forwarding, prints its
# final "Forward statistics" and exits
stop_testpmd() {
    echo >&7
    wait_pid "$TP_PID" 10 >/dev/null
}

# json EXPR : evaluate a Python expression over the report j
json() {
    python3 -c "import json,sys; j=json.load(open('$DIR/lg.out')); print($1)" \
        || fail "cannot read the JSON report"
}

check_json_clean() {
    [ "$(json 'j["clean"]')" = True ] || fail "report not clean"
    [ "$(json 'all(r[d]["lost"]==0 and r[d]["sent"]==r[d]["received"] for r in j["relays"] for d in ("vm_to_vf","vf_to_vm") if r[d]["enabled"])')" = True ] \
        || fail "sent != received"
}

# check_testpmd_counts NRELAYS : stop testpmd; on each of its vhost ports
# (0, 2, ...) what it received from the guest is what the generator sent
# (traffic and probes), what it sent to the guest is what the generator got.
# (Its memif ports' forward statistics are reset when memif connects.)
check_testpmd_counts() {
    local k port st tp_rx tp_tx lg_tx lg_rx
    stop_testpmd
    for k in $(seq 0 $(($1 - 1))); do
        port=$((k * 2))
        st=$(grep -A2 "Forward statistics for port $port " "$DIR/tp.out")
        tp_rx=$(echo "$st" | awk '/RX-packets/ {print $2}')
        tp_tx=$(echo "$st" | awk '/TX-packets/ {print $2}')
        lg_tx=$(json "(lambda d: d['sent'] + d['probes_sent'])(j['relays'][$k]['vm_to_vf'])")
        lg_rx=$(json "(lambda d: d['received'] + d['probes_back'])(j['relays'][$k]['vf_to_vm'])")
        [ -n "$tp_rx" ] || fail "no testpmd statistics for port $port"
        [ "$tp_rx" = "$lg_tx" ] || fail "testpmd port $port received $tp_rx, generator sent $lg_tx"
        [ "$tp_tx" = "$lg_rx" ] || fail "testpmd port $port sent $tp_tx, generator received $lg_rx"
    done
}

case "$SCENARIO" in
clean)
    start_loadgen -d 4 -g 1 --json --expect-no-loss \
        --relay 1,rate=15k,profile=step:2s:30k,qsize=4096 \
        --relay 2,vm2vf-rate=20k,vf2vm-rate=10k,size=256,profile=ramp:3s:20k,qsize=4096
    wait_file "$DIR/vio4wd-memif1.sock"
    wait_file "$DIR/vio4wd-memif2.sock"
    start_testpmd "1 2" "" --forward-mode=io
    wait_pid "$LG_PID" 40
    rc=$?
    [ $rc = 0 ] || fail "loadgen exit $rc, expected 0"
    check_json_clean
    # The profile was followed: relay 1 per direction 2 s at 15k + 2 s at 30k.
    [ "$(json 'j["relays"][0]["vm_to_vf"]["target"]')" -gt 85000 ] \
        || fail "relay 1 target too small"
    [ "$(json 'min(r[d]["sent"] for r in j["relays"] for d in ("vm_to_vf","vf_to_vm"))')" -gt 20000 ] \
        || fail "too little sent"
    check_testpmd_counts 2
    echo "ok: counts agree exactly with testpmd's"
    ;;
multiqueue)
    # 4 queue pairs on the guest and the memif server; testpmd (4 rx and
    # tx queues per port, io forwarding) sends what it takes from queue q
    # on queue q, so every queue is a stream of its own, in order.
    TP_QUEUES=4
    start_loadgen -d 3 -g 1 --json --expect-no-loss \
        --relay 9,rate=40k,queues=4,qsize=4096
    wait_file "$DIR/vio4wd-memif9.sock"
    start_testpmd 9 "" --forward-mode=io --rxq=4 --txq=4
    wait_pid "$LG_PID" 40
    rc=$?
    [ $rc = 0 ] || fail "loadgen exit $rc, expected 0"
    check_json_clean
    [ "$(json 'j["relays"][0]["queues"]')" = 4 ] || fail "report does not say 4 queues"
    # Bursts went round-robin: every queue carried a fair share, and each
    # arrived whole (the totals are the sums of the queues).
    for d in vm_to_vf vf_to_vm; do
        [ "$(json "[len(q) == 4 and min(x['sent'] for x in q) > 20000 and all(x['received'] == x['sent'] and x['lost'] + x['duplicated'] + x['reordered'] == 0 for x in q) for q in [j['relays'][0]['$d']['queues']]][0]")" = True ] \
            || fail "$d: traffic not spread over 4 queues: $(json "j['relays'][0]['$d']['queues']")"
        [ "$(json "sum(x['sent'] for x in j['relays'][0]['$d']['queues']) == j['relays'][0]['$d']['sent']")" = True ] \
            || fail "$d: queues do not add up to the stream"
    done
    check_testpmd_counts 1
    # testpmd's own per-stream statistics: queue q went to queue q.
    for q in 0 1 2 3; do
        grep -q "RX Port= 0/Queue= $q -> TX Port= 1/Queue= $q" "$DIR/tp.out" \
            || fail "testpmd forwarded nothing from guest queue $q"
    done
    echo "ok: 4 queues, each whole and in order, counts agree with testpmd's"
    ;;
rxonly)
    # Nothing comes back: probes would wait forever, so --no-probe.
    start_loadgen -d 2 -g 500ms --json --expect-no-loss --no-probe \
        --relay 3,rate=50k
    wait_file "$DIR/vio4wd-memif3.sock"
    start_testpmd 3 "" --forward-mode=rxonly
    wait_pid "$LG_PID" 40
    rc=$?
    [ $rc = 1 ] || fail "loadgen exit $rc, expected 1 (loss)"
    [ "$(json 'j["clean"]')" = False ] || fail "report says clean"
    for d in vm_to_vf vf_to_vm; do
        sent=$(json "j['relays'][0]['$d']['sent']")
        lost=$(json "j['relays'][0]['$d']['lost']")
        recv=$(json "j['relays'][0]['$d']['received']")
        [ "$sent" -gt 10000 ] || fail "$d: only $sent sent"
        [ "$lost" = "$sent" ] && [ "$recv" = 0 ] \
            || fail "$d: sent $sent, lost $lost, received $recv"
    done
    echo "ok: everything lost and counted as lost"
    ;;
kill)
    start_loadgen -d 5 -g 500ms --json --expect-no-loss --relay 4,rate=100k
    wait_file "$DIR/vio4wd-memif4.sock"
    start_testpmd 4 "" --forward-mode=io
    # Kill the relay stand-in while traffic flows.
    for i in $(seq 100); do
        grep -q 'sending for' "$DIR/lg.err" && break
        sleep 0.1
    done
    sleep 1.5
    kill -KILL -- "-$TP_PID"
    wait_pid "$LG_PID" 30
    rc=$?
    [ $rc = 1 ] || fail "loadgen exit $rc, expected 1 (loss)"
    [ "$(json 'j["clean"]')" = False ] || fail "report says clean"
    [ "$(json 'j["totals"]["lost"] > 0')" = True ] || fail "no loss reported"
    [ "$(json 'j["totals"]["received"] > 50000')" = True ] \
        || fail "too little traffic before the kill"
    echo "ok: $(json 'j["totals"]["lost"]') packets lost in the killed relay"
    ;;
sigint)
    start_loadgen -d 0 -g 1 --json --expect-no-loss --relay 5,rate=20k,dir=vm2vf,qsize=4096
    wait_file "$DIR/vio4wd-memif5.sock"
    start_testpmd 5 "" --forward-mode=io
    for i in $(seq 100); do
        grep -q 'sending for' "$DIR/lg.err" && break
        sleep 0.1
    done
    sleep 2
    kill -INT "$LG_PID"
    wait_pid "$LG_PID" 10
    rc=$?
    [ $rc = 0 ] || fail "loadgen exit $rc after SIGINT, expected 0"
    [ "$(json 'j["interrupted"]')" = True ] || fail "not marked interrupted"
    [ "$(json 'j["relays"][0]["vf_to_vm"]["sent"]')" = 0 ] || fail "vf_to_vm sent"
    check_json_clean
    grep -q 'r5 ' "$DIR/lg.err" || fail "no progress line"
    echo "ok: stopped by SIGINT after $(json 'j["send_s"]') s, clean"
    ;;
server)
    # The relay in vhost client mode: the generator owns the socket.
    start_loadgen -d 2 --json --expect-no-loss --relay 6,rate=20k,server=1,qsize=4096
    wait_file "$DIR/vio4wd-memif6.sock"
    wait_file "$DIR/virtio-forwarder6.sock"
    start_testpmd 6 ",client=1" --forward-mode=io
    wait_pid "$LG_PID" 40
    rc=$?
    [ $rc = 0 ] || fail "loadgen exit $rc, expected 0"
    check_json_clean
    echo "ok: server mode clean"
    ;;
reconnect)
    # The relay in vhost client mode restarts under the generator: the
    # generator's guest port takes the new connection and traffic resumes.
    # A low rate: DPDK 22.11's memif can crash its user when the peer dies
    # in the middle of a burst, and at 5k/s the generator is rarely in one.
    start_loadgen -d 6 -g 500ms --json --relay 8,rate=5k,server=1
    wait_file "$DIR/vio4wd-memif8.sock"
    wait_file "$DIR/virtio-forwarder8.sock"
    start_testpmd 8 ",client=1" --forward-mode=io
    for i in $(seq 100); do
        grep -q 'sending for' "$DIR/lg.err" && break
        sleep 0.1
    done
    sleep 1.5
    kill -KILL -- "-$TP_PID"
    sleep 0.5
    start_testpmd 8 ",client=1" --forward-mode=io
    wait_pid "$LG_PID" 40
    rc=$?
    [ $rc = 0 ] || fail "loadgen exit $rc, expected 0"
    [ "$(json 'j["relays"][0]["reconnects"]')" -ge 1 ] || fail "no reconnect seen"
    # 1.5 s before the kill and about 3 s after the restart, at 5k/s
    for d in vm_to_vf vf_to_vm; do
        [ "$(json "j['relays'][0]['$d']['received']")" -gt 12000 ] \
            || fail "$d: traffic did not resume after the relay restart"
    done
    [ ! -e "$DIR/virtio-forwarder8.sock" ] || fail "server socket left behind"
    echo "ok: traffic resumed after the relay restarted"
    ;;
timeout)
    start_loadgen -d 1 --connect-timeout 1 --relay 7
    wait_pid "$LG_PID" 20
    rc=$?
    [ $rc = 3 ] || fail "loadgen exit $rc, expected 3"
    grep -q "virtio-forwarder7.sock" "$DIR/lg.err" || fail "socket not named"
    echo "ok: gave up naming the socket"
    ;;
usage)
    check_usage() {   # expected-substring args...
        local want=$1 out rc
        shift
        out=$("$LG" "$@" 2>&1 >/dev/null)
        rc=$?
        [ $rc = 2 ] || fail "'$*': exit $rc, expected 2"
        case "$out" in
            *"$want"*) ;;
            *) fail "'$*': message '$out' lacks '$want'" ;;
        esac
    }
    check_usage "bad rate 'fast'" --relay 1,rate=fast
    check_usage "option --duration: bad value 'x'" -d x --relay 1
    check_usage "option --relay: missing" -d 1
    check_usage "bad dir 'sideways'" --relay 1,dir=sideways
    check_usage "bad queues '33'; valid: queue pairs per port, 1..32" --relay 1,queues=33
    "$LG" --help | grep -q 'role=client' || fail "--help lacks the pairing"
    echo "ok: bad command lines rejected with exit 2"
    ;;
*)
    fail "unknown scenario $SCENARIO"
    ;;
esac
exit 0
