# SPDX-License-Identifier: BSD-3-Clause
# guest_lib.sh - a real Linux guest (QEMU, the kernel's virtio-net driver)
# on the relay's vhost-user sockets, for the tests in tests/guest (sourced
# after ../relay/lib.sh, with RELAY, CNT_DUMP and CACHE set).
#
# Everything comes from Debian packages at test time: qemu-system-x86, the
# linux-image-cloud-amd64 kernel and modules, busybox-static, and ethtool
# with its shared libraries (busybox has no ethtool). The initramfs is built
# once per build directory, in $CACHE, and reused by every test.
#
# Each relay i has a net_tap VF v4gtap<i> in a network namespace this test
# creates (10.99.<i>.1), and the guest's eth<i> is 10.99.<i>.2, so the
# traffic is real IP between the guest and the host namespace. Static
# neighbours and no IPv6: the only frames are the ones a test sends, so the
# relay's counts are exact.
#
# The guest's console is a QEMU pipe chardev: `gsh NAME CMD` runs CMD in the
# guest's shell and prints its output; the console log is $T/NAME.log.
need qemu-system-x86_64 qemu-system-x86
need cpio cpio
need ip iproute2
need ping iputils-ping
need ethtool ethtool
BUSYBOX=/bin/busybox
# The initramfs carries only the C library ethtool needs: the busybox must be
# the static one.
[ -x "$BUSYBOX" ] && ! ldd "$BUSYBOX" >/dev/null 2>&1 ||
    fail "a static /bin/busybox is needed (Debian package busybox-static)"
KVER=
for k in /lib/modules/*/kernel/drivers/net/virtio_net.ko*; do
    v=${k#/lib/modules/}; v=${v%%/*}
    [ -r "/boot/vmlinuz-$v" ] && KVER=$v
done
[ -n "$KVER" ] || fail "no kernel with virtio_net (Debian package linux-image-cloud-amd64)"

# The one-second probe: this QEMU has a vhost-user netdev.
timeout 1 qemu-system-x86_64 -netdev help 2>/dev/null | grep -qx vhost-user || {
    echo "SKIP: qemu-system-x86_64 has no vhost-user netdev"; exit 77; }
# QEMU before 8.0 dereferences proxy->vector_irqfd (NULL without KVM irqfd)
# when the guest unmasks an MSI-X vector of a vhost-user device, and
# segfaults (docs/qemu-vhost-user.md). Without MSI-X it never goes there.
QVER=$(qemu-system-x86_64 -version | sed -n 's/.*version \([0-9]*\)\..*/\1/p;q')
VECTORS=
[ "${QVER:-0}" -ge 8 ] || VECTORS=,vectors=0
GUEST_MEM=256M

MODS="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover net_failover virtio_net"

# guest_initrd: sets INITRD to the cached initramfs, building it first if
# this kernel, busybox, ethtool or this file changed.
guest_initrd() {
    local key R f m
    key=$( { echo "$KVER"; md5sum "$BUSYBOX" "$(command -v ethtool)" "${BASH_SOURCE[0]}"; } |
        md5sum | cut -c1-12)
    INITRD=$CACHE/initrd-$key
    [ -s "$INITRD" ] && return 0
    mkdir -p "$CACHE"
    R=$T/initramfs
    mkdir -p "$R/bin" "$R/mod" "$R/proc" "$R/sys" "$R/dev" "$R/tmp"
    cp "$BUSYBOX" "$R/bin/busybox"
    for a in sh insmod ip arp ping sleep cat mount poweroff stty sed grep echo \
             seq kill ls head cut wc tr date; do
        ln -s busybox "$R/bin/$a"
    done
    # ethtool and the shared libraries it loads, at the paths it loads them
    cp "$(command -v ethtool)" "$R/bin/ethtool"
    for f in $(ldd "$(command -v ethtool)" | grep -o '/[^ ]*'); do
        mkdir -p "$R$(dirname "$f")"
        cp -L "$f" "$R$f"
    done
    for m in $MODS; do
        f=$(find "/lib/modules/$KVER/kernel" -name "$m.ko*" | head -n 1)
        [ -n "$f" ] || fail "module $m missing from /lib/modules/$KVER"
        case $f in
        *.ko.xz) xz -dc "$f" >"$R/mod/$m.ko" ;;
        *.ko.zst) zstd -qdc "$f" >"$R/mod/$m.ko" ;;
        *) cp "$f" "$R/mod/$m.ko" ;;
        esac
    done
    # init: the modules, every ethN up with its address and a static
    # neighbour for the host, a watcher that prints each link change, then
    # a shell on the console with no echo (the host reads its output).
    cat >"$R/init" <<INIT
#!/bin/sh
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
stty -echo -onlcr
for m in $MODS; do insmod /mod/\$m.ko || echo "GUEST: insmod \$m failed"; done
for d in /sys/class/net/eth*; do
    i=\${d#/sys/class/net/eth}
    ip link set eth\$i up
    ip addr add 10.99.\$i.2/24 dev eth\$i
    arp -i eth\$i -s 10.99.\$i.1 02:00:00:00:99:0\$i
done
(
    old=
    while :; do
        new=
        for d in /sys/class/net/eth*; do new="\$new \${d##*/}=\$(cat \$d/operstate)"; done
        [ "\$new" = "\$old" ] || echo "GUEST: links\$new"
        old=\$new
        sleep 0.05
    done
) &
echo "GUEST: ready"
# not an interactive shell: no prompt in the output
exec sh -c 'while IFS= read -r l; do eval "\$l"; done'
INIT
    chmod +x "$R/init"
    (cd "$R" && find . | cpio -o -H newc 2>/dev/null) >"$INITRD.tmp" ||
        fail "cannot build the initramfs"
    mv "$INITRD.tmp" "$INITRD"
    rm -rf "$R"
}

# guest_netns: the test's network namespace NS, removed on exit.
guest_netns() {
    NS=v4g$$
    ip netns add "$NS" || fail "cannot create network namespace $NS (needs root)"
    trap 'rc=$?; ip netns del "$NS" 2>/dev/null; (exit $rc); cleanup' EXIT
    ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1
    mkdir -p "$T/run"
}

# relay_start N [RELAY OPTIONS...]: the relay in NS with N VFs, one per
# relay; sets RELAY_PID. The host's end of VF i is v4gtap<i>, which
# tap_setup addresses. With GUEST_VF=veth the VF is net_pcap on one end of
# a veth pair (made once) instead of a net_tap: DPDK 22.11's net_tap sends
# no frame longer than 1,522 bytes, net_pcap does.
relay_start() {
    local n=$1 i vfs=()
    shift
    for ((i = 0; i < n; i++)); do
        if [ "${GUEST_VF:-tap}" = veth ]; then
            ip netns exec "$NS" ip link show "v4gvf$i" >/dev/null 2>&1 || {
                ip netns exec "$NS" ip link add "v4gvf$i" mtu 9000 type veth peer name "v4gtap$i" \
                    mtu 9000 address "02:00:00:00:99:0$i" &&
                ip netns exec "$NS" ip link set "v4gvf$i" up; } ||
                fail "cannot create the veth pair v4gvf$i/v4gtap$i"
            vfs+=(-P "net_pcap$i,rx_iface_in=v4gvf$i,tx_iface=v4gvf$i=$i")
        else
            vfs+=(-P "net_tap$i,iface=v4gtap$i,mac=02:00:00:00:99:0$i=$i")
        fi
    done
    spawn relay ip netns exec "$NS" "$RELAY" $(relay_isolated) -C 1 -M 0 \
        --vhost-path "$T" "${vfs[@]}" "$@" -- $(eal_opts r)
    RELAY_PID=$SPAWNED
    wait_for 20 relay_running || fail "relay did not start"
    for ((i = 0; i < n; i++)); do
        wait_for 10 ip netns exec "$NS" ip link show "v4gtap$i" ||
            fail "tap device v4gtap$i not created"
    done
}

# tap_setup N [MTU]: host addresses and static neighbours on the N taps
tap_setup() {
    local i
    for ((i = 0; i < $1; i++)); do
        ip netns exec "$NS" ip addr add "10.99.$i.1/24" dev "v4gtap$i"
        [ -z "${2:-}" ] || ip netns exec "$NS" ip link set "v4gtap$i" mtu "$2"
        ip netns exec "$NS" ip link set "v4gtap$i" up
        ip netns exec "$NS" ip neigh replace "10.99.$i.2" lladdr "52:54:00:00:99:1$i" \
            dev "v4gtap$i" nud permanent
    done
}

# guest_boot NAME N CHARDEV_OPTS [QEMU OPTIONS...]: boots the guest with N
# vhost-user NICs on $T/virtio-forwarder<i>.sock, i from GUEST_SOCK_FIRST
# (default 0) on (CHARDEV_OPTS appended to
# each socket chardev, e.g. ",reconnect=1") and waits for its shell; QEMU
# options such as -incoming go last. Sets GUEST_PID; $NAME.qmp is its QMP
# socket.
guest_boot() {
    local name=$1 n=$2 chr=$3 i nics=() dev_q=
    shift 3
    [ -n "${INITRD:-}" ] || guest_initrd
    for ((i = 0; i < n; i++)); do
        nics+=(-chardev "socket,id=c$i,path=$T/virtio-forwarder$((i + ${GUEST_SOCK_FIRST:-0})).sock$chr"
               -netdev "type=vhost-user,id=n$i,chardev=c$i${GUEST_QUEUES:+,queues=$GUEST_QUEUES}"
               -device "virtio-net-pci,netdev=n$i,mac=52:54:00:00:99:1$i,romfile=$VECTORS${GUEST_DEV_OPTS:-}")
    done
    mkfifo "$T/$name.in" "$T/$name.out"
    spawn "$name" cat "$T/$name.out"
    spawn "$name.qemu" timeout 240 qemu-system-x86_64 -machine pc -accel tcg -m $GUEST_MEM \
        -smp "${GUEST_CPUS:-1}" -display none -no-reboot -nodefaults \
        -chardev "pipe,id=con,path=$T/$name" -serial chardev:con \
        -qmp "unix:$T/$name.qmp,server=on,wait=off" \
        -object "memory-backend-memfd,id=mem,size=$GUEST_MEM,share=on" -numa node,memdev=mem \
        -kernel "/boot/vmlinuz-$KVER" -initrd "$INITRD" \
        -append "console=ttyS0 loglevel=3 ipv6.disable=1 panic=-1" "${nics[@]}" "$@"
    GUEST_PID=$SPAWNED
}

# guest_ready NAME [SECONDS]: the guest's shell answers
guest_ready() {
    wait_for "${2:-60}" grep -q 'GUEST: ready' "$T/$1.log" ||
        fail "guest $1 did not boot (QEMU: $(kill -0 "$GUEST_PID" 2>/dev/null && echo running || echo exited))"
}

# gsh NAME CMD [SECONDS]: runs CMD in guest NAME's shell, prints its output,
# returns its exit status (fails the test when it does not finish).
gsh() {
    local name=$1 cmd=$2 limit=${3:-30} rc
    # unique without a counter: gsh often runs in a $(...) subshell
    local n=$(date +%s%N)
    printf '( %s ) >/tmp/o 2>&1; r=$?; sed "s/^/<%d> /" /tmp/o; echo "@@%d $r"\n' \
        "$cmd" "$n" "$n" >"$T/$name.in"
    wait_for "$limit" grep -q "^@@$n " "$T/$name.log" ||
        fail "guest $name: '$cmd' did not finish in ${limit} s"
    sed -n "s/^<$n> //p" "$T/$name.log" | tr -d '\r'
    rc=$(sed -n "s/^@@$n \([0-9]*\).*/\1/p" "$T/$name.log")
    return "$rc"
}

# qmp NAME JSON...: sends QMP commands to guest NAME and prints the replies
qmp() {
    local name=$1
    shift
    python3 - "$T/$name.qmp" "$@" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rw")
json.loads(f.readline())                       # greeting
for cmd in ['{"execute":"qmp_capabilities"}'] + sys.argv[2:]:
    f.write(cmd + "\n"); f.flush()
    while True:
        r = json.loads(f.readline())
        if "event" not in r:
            break
    if "error" in r:
        sys.exit("QMP %s: %s" % (cmd, r["error"]))
    if cmd in sys.argv[2:]:
        print(json.dumps(r.get("return")))
PY
}

# ns_ping COUNT IP [PING OPTIONS...]: pings the guest from the host namespace
ns_ping() {
    local c=$1 ip=$2
    shift 2
    ip netns exec "$NS" ping -c "$c" -i 0.2 -W 2 "$@" "$ip"
}

# On failure: the relay's counters, while it still runs (lib.sh's cleanup
# calls this before it kills anything)...
report_live() {
    echo "---- relay counters"
    "$CNT_DUMP" "$T/run" 2>/dev/null | grep -E '^relay[0-9]+\.(vm_to_vf|vf_to_vm)\.|flags|n_queues' |
        grep -v ' 0$'
}

# ... then every log, once the processes have stopped writing them.
report_failure() {
    local f
    for f in "$T"/*.log; do
        # A guest kernel's oops starts far above its last 30 lines.
        if grep -aq 'BUG:\|Oops:\|Kernel panic' "$f"; then
            echo "---- $f (from the kernel's first report)"
            grep -a -m1 -B5 -A60 'BUG:\|Oops:\|WARNING:' "$f"
        fi
        echo "---- $f (last 30 lines)"
        grep -av '^tun_alloc\|^$' "$f" | tail -n 30
    done
}
