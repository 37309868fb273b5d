#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The libvirt XML vio4wd-guest-config writes is valid for libvirt itself: a
# full domain built from --domain plus the interfaces (server and client
# relays, 1 to 32 queues, hugepages and memfd) validates against libvirt's
# RNG schema with virt-xml-validate, and passes the tool's own --check.
# usage: validate_schema.sh GUEST_CONFIG
TOOL=$1
. "$(dirname "$0")/../relay/lib.sh"

need virt-xml-validate
need python3

# build_domain JSON OUT: a domain around the tool's --json parts.
build_domain() {
    python3 - "$1" "$2" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))
ifs = "".join(r["interface"] for r in g["relays"])
open(sys.argv[2], "w").write(f"""<domain type='kvm'>
  <name>vio4wd-guest</name>
  <memory unit='MiB'>2048</memory>
  <vcpu>4</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
{g['memory_backing']}{g['cpu_numa']}  <devices>
{ifs}  </devices>
</domain>
""")
PY
}

n=0
for client in n y; do
    cat >"$T/cfg" <<CFG
VIRTIOFWD_SOCKET_DIR=$T
VIRTIOFWD_VHOST_CLIENT=$client
VIRTIOFWD_STATIC_VFS=(net_null0=0 net_null1=5)
CFG
    for args in "--queues 1" "--queues 4 --rx-queue-size 1024 --tx-queue-size 256" \
                "--queues 32 --backend memfd --mac 52:54:00:00:00:01" \
                "--queues 2 --hugepage-size 2048 --reconnect 3"; do
        # shellcheck disable=SC2086
        "$TOOL" --config "$T/cfg" --counters "$T/none" --libvirt --domain --all --json \
            --memory 2048 --vcpus 4 $args >"$T/g.json" || fail "generation failed: $args"
        build_domain "$T/g.json" "$T/d.xml"
        virt-xml-validate "$T/d.xml" domain >"$T/v.log" 2>&1 || {
            cat "$T/d.xml" "$T/v.log"; fail "libvirt schema rejects the domain ($args, client=$client)"; }
        # The socket of a stopped relay "will exist": only findings would fail.
        "$TOOL" --config "$T/cfg" --counters "$T/none" --check "$T/d.xml" >"$T/c.log" 2>&1 || {
            cat "$T/d.xml" "$T/c.log"; fail "--check finds fault with generated XML ($args)"; }
        n=$((n + 1))
    done
done
# The schema does reject a broken domain (the test can fail).
sed 's/<vcpu>4<\/vcpu>/<vcpu>four<\/vcpu>/' "$T/d.xml" >"$T/bad.xml"
! virt-xml-validate "$T/bad.xml" domain >/dev/null 2>&1 || fail "virt-xml-validate accepted a bad domain"
ok "$n generated domains validate against libvirt's schema and pass --check"
