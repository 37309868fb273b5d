#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Per-relay rate limits with a real guest: a dpdk-testpmd guest
# (net_virtio_user, txonly, as fast as it can) sends through relay 0 to a
# net_null VF. VIRTIOFWD_RATE_LIMITS=(0:-,100Mb/s@20ms) holds VM->VF at
# 100 Mb/s: what the relay sends to the VF over 1 s is within 5% of the
# limit, the rest is counted as "rate limited" (not "queue full"), and
# vio4wd-stats shows it in the table, JSON and OpenMetrics forms. Then
# vio4wd-port-control rate changes the limit at run time (50 Mb/s, then
# unlimited: drops stop), VF->VM stays unlimited throughout, and a bad rate
# is refused with an example.
# usage: test_rate_limit.sh RELAY CNT_DUMP PORT_CONTROL STATS
RELAY=$1 CNT_DUMP=$2 PORTCTL=$3 STATS=$4
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/rate_lib.sh"
need dpdk-testpmd
need python3

mkdir -p "$T/run"
rate_relay_conf "$T/cfg" "0:-,100Mb/s@20ms"
spawn relay "$RELAY" --config "$T/cfg" --run-dir "$T/run" -- $(eal_opts r)
wait_for 20 relay_running || fail "relay did not start"
[ "$(cnt relay0.vm_to_vf.rate_limit_Bps)" = 12500000 ] ||
    fail "counters show a VM->VF limit of $(cnt relay0.vm_to_vf.rate_limit_Bps) B/s, want 12500000"
[ "$(cnt relay0.vm_to_vf.rate_burst_bytes)" = 250000 ] ||
    fail "counters show a burst of $(cnt relay0.vm_to_vf.rate_burst_bytes) B, want 250000"
[ "$(cnt relay0.vf_to_vm.rate_limit_Bps)" = 0 ] || fail "VF->VM is limited, should not be"
ok "VIRTIOFWD_RATE_LIMITS is in force at start, and in the counters"

spawn guest dpdk-testpmd -l 0,1 --main-lcore 0 $(eal_opts g) --single-file-segments \
    --vdev "net_virtio_user0,path=$T/virtio-forwarder0.sock,queues=1" -- \
    -i --forward-mode=txonly --nb-cores=1 --total-num-mbufs=16384
wait_for 20 guest_up 0 || fail "guest did not connect"
echo start >&8

HZ=$(cnt header.tsc_hz)
# rate_Bps: bytes/s the relay sent to the VF over 1 s, by the counters'
# own clock (bytes and TSC of one consistent block copy).
rate_Bps() {
    local a b
    a=$("$CNT_DUMP" "$T/run" | awk '$1=="relay0.vm_to_vf.tx_bytes"{b=$2} $1=="relay0.vm_to_vf.update_tsc"{t=$2} END{print b, t}')
    sleep 1
    b=$("$CNT_DUMP" "$T/run" | awk '$1=="relay0.vm_to_vf.tx_bytes"{b=$2} $1=="relay0.vm_to_vf.update_tsc"{t=$2} END{print b, t}')
    awk -v a="$a" -v b="$b" -v hz="$HZ" 'BEGIN{split(a,x," "); split(b,y," ");
        printf "%.0f\n", (y[1]-x[1]) * hz / (y[2]-x[2])}'
}
# within ACTUAL LIMIT PERCENT
within() {
    awk -v a="$1" -v l="$2" -v p="$3" 'BEGIN{d=(a-l)/l*100; if (d<0) d=-d; exit !(d<=p)}'
}
sleep 0.5           # past the first burst
R=$(rate_Bps)
echo "VM->VF at 100Mb/s@20ms: $R B/s (limit 12500000), rate-limited drops $(cnt relay0.vm_to_vf.drop_rl_pkts)"
within "$R" 12500000 5 || fail "achieved $R B/s, not within 5% of 12500000"
[ "$(cnt relay0.vm_to_vf.drop_rl_pkts)" -gt 0 ] || fail "no rate-limited drops: the guest did not exceed the limit"
[ "$(cnt relay0.vm_to_vf.drop_full_pkts)" = 0 ] || fail "queue-full drops under a rate limit"
ok "100 Mb/s limit holds within 5%; excess counted as rate limited"

# ---- the tools show it -----------------------------------------------------
C=(--config "$T/cfg" --counters "$T/run")
"$STATS" "${C[@]}" --interval 0.3 >"$T/table" 2>&1 || fail "vio4wd-stats failed: $(cat "$T/table")"
grep -q "RATELIM" "$T/table" && grep -q "100M" "$T/table" ||
    { cat "$T/table"; fail "the stats table shows no rate limit"; }
"$STATS" "${C[@]}" --interval 0.3 --json >"$T/json" 2>&1 || fail "vio4wd-stats --json failed"
python3 - "$T/json" <<'PY' || { cat "$T/json"; fail "--json lacks the rate limit"; }
import json, sys
v = json.loads(open(sys.argv[1]).read())
r = [x for x in v["relays"] if x["id"] == 0][0]
d = r["vm_to_vf"]
assert d["rate_limit_Bps"] == 12500000 and d["drop_rl_pkts"] > 0, d
assert r["vf_to_vm"]["rate_limit_Bps"] == 0
PY
"$STATS" "${C[@]}" --interval 0.3 --openmetrics >"$T/om" 2>&1 || fail "--openmetrics failed"
grep -q 'vio4wd_relay_dropped_packets_total{relay="0",direction="vm_to_vf",reason="rate_limited"} [1-9]' "$T/om" &&
grep -q 'vio4wd_relay_rate_limit_bytes_per_second{relay="0",direction="vm_to_vf"} 12500000' "$T/om" ||
    { grep rate "$T/om"; fail "OpenMetrics lacks the rate-limited drops or the limit"; }
ok "vio4wd-stats table, JSON and OpenMetrics show the limit and the rate-limited drops"

# ---- run time changes --------------------------------------------------------
P=("$PORTCTL" --config "$T/cfg")
"${P[@]}" rate --virtio-id 0 --vm-to-vf 50Mb/s@20ms >"$T/out" 2>&1 || fail "rate change failed: $(cat "$T/out")"
grep -qx "vf_to_vm=unlimited vm_to_vf=50Mb/s@20ms" "$T/out" || fail "rate answered: $(cat "$T/out")"
sleep 0.3
R=$(rate_Bps)
echo "VM->VF at 50Mb/s@20ms: $R B/s (limit 6250000)"
within "$R" 6250000 5 || fail "achieved $R B/s after the change, not within 5% of 6250000"
"${P[@]}" rate --virtio-id 0 >"$T/out" 2>&1 && grep -qx "vf_to_vm=unlimited vm_to_vf=50Mb/s@20ms" "$T/out" ||
    fail "rate without a limit should show them: $(cat "$T/out")"
ok "vio4wd-port-control rate changes the limit at run time (50 Mb/s within 5%)"

"${P[@]}" rate --virtio-id 0 --rate unlimited >"$T/out" 2>&1 || fail "unlimit failed: $(cat "$T/out")"
sleep 0.3
D0=$(cnt relay0.vm_to_vf.drop_rl_pkts)
R=$(rate_Bps)
D1=$(cnt relay0.vm_to_vf.drop_rl_pkts)
echo "unlimited: $R B/s, rate-limited drops $D0 -> $D1"
[ "$D0" = "$D1" ] || fail "rate-limited drops still grow without a limit"
[ "$(cnt relay0.vm_to_vf.rate_limit_Bps)" = 0 ] || fail "counters still show a limit"
awk -v r="$R" 'BEGIN{exit !(r > 6250000 * 1.5)}' || fail "unlimited is no faster: $R B/s"
ok "unlimited again: no more rate-limited drops, $R B/s"

"${P[@]}" rate --virtio-id 0 --vm-to-vf 10Mbit >"$T/out" 2>&1
[ $? = 2 ] && grep -q "rate '10Mbit'" "$T/out" && grep -q "10Mb/s@20ms" "$T/out" ||
    fail "a bad rate must exit 2 naming it with an example: $(cat "$T/out")"
ok "a bad rate is refused with an example"
echo stop >&8
echo quit >&8
