#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# vio4wd-guest-config against a running relay and a real virtio guest.
#
# The relay (2 relays: net_null0 with up to 32 queue pairs, net_ring0 with
# 16) runs from a configuration file in $T. The tool writes the guest's
# configuration from that file; a dpdk-testpmd guest (net_virtio_user)
# built from the tool's QEMU arguments (socket path, mode, queues) comes up
# on the relay with that many queue pairs and moves traffic. --check then
# judges domains with the relay's live state: the generated domain is
# clean, more queues than relay 1's VF serves (but within the relay's 32) is an error, a wrong socket
# path or mode is an error; bad input exits 2.
# usage: test_guest_live.sh RELAY CNT_DUMP GUEST_CONFIG
RELAY=$1 CNT_DUMP=$2 TOOL=$3
. "$(dirname "$0")/../relay/lib.sh"

need dpdk-testpmd
need python3

mkdir -p "$T/run"
cat "$T/relay.conf" - >"$T/cfg" <<CFG
VIRTIOFWD_CPU_MASK=1
VIRTIOFWD_MASTER_LCORE=0
VIRTIOFWD_STATIC_VFS=(net_null0,no-rx=1=0 net_ring0=1)
CFG
G=(--config "$T/cfg" --counters "$T/run")

spawn relay "$RELAY" --config "$T/cfg" --run-dir "$T/run" -- $(eal_opts r)
RELAY_PID=$SPAWNED
wait_for 20 relay_running || fail "relay did not start"
vfq_known() { [ "$(cnt relay1.vf_max_queues)" -ge 1 ] && [ "$(cnt relay0.vf_max_queues)" -ge 1 ]; }
wait_for 10 vfq_known || fail "the relay published no VF queue capacity"
echo "VF queue capacity: relay 0 $(cnt relay0.vf_max_queues), relay 1 $(cnt relay1.vf_max_queues)"
[ "$(cnt relay0.vf_max_queues)" = 32 ] || fail "net_null0 serves $(cnt relay0.vf_max_queues) pairs, want 32"
RING_Q=$(cnt relay1.vf_max_queues)
[ "$RING_Q" -lt 32 ] || fail "net_ring0 serves $RING_Q pairs, want fewer than the relay's 32"

# ---- the guest, from the tool's QEMU arguments ---------------------------
"$TOOL" "${G[@]}" --qemu --relay 0 --queues 2 --json >"$T/q.json" || fail "--qemu failed"
VDEV=$(python3 - "$T/q.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["relays"][0]
chardev = dict(kv.split("=", 1) for kv in r["qemu"][1].split(",")[1:])
netdev = dict(kv.split("=", 1) for kv in r["qemu"][3].split(","))
server = ",server=1" if chardev.get("server") == "on" else ""
print(f"net_virtio_user0,path={chardev['path']},queues={netdev['queues']}{server}")
PY
) || fail "cannot read the tool's QEMU arguments"
echo "guest vdev from the tool: $VDEV"
[ "$VDEV" = "net_virtio_user0,path=$T/virtio-forwarder0.sock,queues=2" ] ||
    fail "unexpected guest device: $VDEV"
spawn guest dpdk-testpmd -l 0,1 --main-lcore 0 $(eal_opts g) --single-file-segments \
    --vdev "$VDEV" -- -i --forward-mode=txonly --nb-cores=1 --rxq=2 --txq=2 \
    --total-num-mbufs=16384
wait_for 20 guest_up 0 || fail "the guest did not come up on the tool's socket"
nq2() { [ "$(cnt relay0.n_queues)" = 2 ]; }
wait_for 10 nq2 || fail "relay 0 serves $(cnt relay0.n_queues) queue pairs, want 2"
echo start >&8
moved() { [ "$(cnt relay0.vm_to_vf.tx_pkts)" -gt 10000 ]; }
wait_for 10 moved || fail "no guest traffic through relay 0: $(cnt relay0.vm_to_vf.tx_pkts)"
echo stop >&8
ok "a testpmd guest from the tool's arguments is up with 2 queue pairs and moves traffic"

# ---- --check with live state ---------------------------------------------
# domain RELAY QUEUES [sed expression]: a domain from --libvirt --domain.
domain() {
    "$TOOL" "${G[@]}" --libvirt --domain --relay "$1" --queues "$2" --backend memfd \
        --json >"$T/l.json" || fail "--libvirt failed"
    python3 - "$T/l.json" <<'PY' | sed "${3:-}"
import json, sys
g = json.load(open(sys.argv[1]))
print(f"""<domain type='kvm'><name>g</name><memory unit='MiB'>1024</memory><vcpu>1</vcpu>
<os><type arch='x86_64'>hvm</type></os>
{g['memory_backing']}{g['cpu_numa']}<devices>
{"".join(r['interface'] for r in g['relays'])}</devices></domain>""")
PY
}
# expect RC FILE TEXT CMD...: exit status RC and TEXT in the output.
expect() {
    local want=$1 text=$2
    shift 2
    "$@" >"$T/out" 2>&1
    local got=$?
    [ "$got" = "$want" ] && grep -qF -- "$text" "$T/out" ||
        { cat "$T/out"; fail "expected exit $want and '$text': $*"; }
}

domain 0 2 >"$T/clean.xml"
expect 0 "1 vhostuser interface, 0 errors, 0 warnings" "$TOOL" "${G[@]}" --check "$T/clean.xml"
expect 0 "0 errors" "$TOOL" "${G[@]}" --check - <"$T/clean.xml"
ok "the generated domain is clean against the running relay (file and stdin)"

domain 1 $((RING_Q + 1)) >"$T/mq.xml"
expect 1 "queues $((RING_Q + 1)): relay 1's VF serves at most $RING_Q queue pairs; fix: set queues='$RING_Q'" \
    "$TOOL" "${G[@]}" --check "$T/mq.xml"
"$TOOL" "${G[@]}" --check "$T/mq.xml" --json >"$T/mq.json"
python3 - "$T/mq.json" <<'PY' || fail "--check --json: $(cat "$T/mq.json")"
import json, sys
r = json.load(open(sys.argv[1]))
f = r["findings"]
assert r["errors"] == 1 and len(f) == 1, r
assert f[0]["xpath"] == "/domain/devices/interface/driver" and f[0]["severity"] == "error", f
PY
ok "$((RING_Q + 1)) queues on relay 1 (net_ring0: $RING_Q pairs) is an error, in text and JSON"

domain 0 1 "s|$T/virtio-forwarder0.sock|/var/run/virtio-forwarder0.sock|" >"$T/dir.xml"
expect 1 "fix: set path='$T/virtio-forwarder0.sock' (relay 0's socket)" \
    "$TOOL" "${G[@]}" --check "$T/dir.xml"
domain 0 1 "s|mode='client'|mode='server'|" >"$T/mode.xml"
expect 1 "relay 0 is a vhost-user server too" "$TOOL" "${G[@]}" --check "$T/mode.xml"
ok "wrong socket directory and same mode as the relay are errors with their fixes"

echo '<domain><devices>' >"$T/broken.xml"
expect 2 "not well-formed XML" "$TOOL" "${G[@]}" --check "$T/broken.xml"
expect 2 "$T/missing.xml" "$TOOL" "${G[@]}" --check "$T/missing.xml"
expect 2 "give --relay N" "$TOOL" "${G[@]}" --libvirt
expect 2 "--queues '33'" "$TOOL" "${G[@]}" --libvirt --relay 0 --queues 33
expect 0 "Usage:" "$TOOL" --help
expect 0 "vio4wd" "$TOOL" --version
ok "unreadable input and bad usage exit 2 and name the problem"

echo quit >&8
stop_pid "$RELAY_PID" 10 >/dev/null 2>&1 || true
