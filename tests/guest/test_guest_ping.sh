#!/bin/bash
# A real Linux guest (QEMU, the kernel's virtio-net driver) on a relay
# socket, the VF a net_tap device in a network namespace this test creates:
# ping works both ways and the relay counts the traffic in each direction.
# Everything is built at test time from Debian packages (qemu-system-x86,
# linux-image-cloud-amd64, busybox-static); no image is downloaded.
# usage: test_guest_ping.sh RELAY CNT_DUMP
# Exit 77 (meson: skipped) only when QEMU here cannot run vhost-user.
RELAY=$1 CNT_DUMP=$2
. "$(dirname "$0")/../relay/lib.sh"

need qemu-system-x86_64 qemu-system-x86
need cpio cpio
need ip iproute2
need ping iputils-ping
BUSYBOX=/bin/busybox
# The initramfs has no C library: the busybox must be the static one.
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

# initramfs: busybox, the virtio modules in dependency order, and an init
# that pings the host, then waits so the host can ping back.
R=$T/initramfs
mkdir -p "$R/bin" "$R/mod" "$R/proc" "$R/sys" "$R/dev"
cp "$BUSYBOX" "$R/bin/busybox"
for a in sh insmod ip arp ping sleep cat mount poweroff; do ln -s busybox "$R/bin/$a"; done
MODS="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover net_failover virtio_net"
for m in $MODS; do
    f=$(find "/lib/modules/$KVER/kernel" -name "$m.ko*" | head -n 1)
    [ -n "$f" ] || fail "module $m missing from /lib/modules/$KVER"
    case $f in
    *.ko.xz) xz -dc "$f" >"$R/mod/$m.ko" ;;
    *.ko.zst) zstd -qdc "$f" >"$R/mod/$m.ko" ;;
    *) cp "$f" "$R/mod/$m.ko" ;;
    esac
done
cat >"$R/init" <<INIT
#!/bin/sh
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in $MODS; do insmod /mod/\$m.ko || echo "GUEST: insmod \$m failed"; done
ip link set eth0 up
ip addr add 10.99.0.2/24 dev eth0
arp -i eth0 -s 10.99.0.1 02:00:00:00:99:01
for i in 1 2 3 4 5 6 7 8 9 10; do
    [ "\$(cat /sys/class/net/eth0/operstate)" = up ] && break; sleep 0.2
done
echo "GUEST: link \$(cat /sys/class/net/eth0/operstate)"
ping -c 5 -i 0.2 -W 2 10.99.0.1 | sed 's/^/GUEST: /'
echo "GUEST: pinged"
sleep 20
poweroff -f
INIT
chmod +x "$R/init"
(cd "$R" && find . | cpio -o -H newc 2>/dev/null) >"$T/initrd" ||
    fail "cannot build the initramfs"

NS=v4g$$
ip netns add "$NS" || fail "cannot create network namespace $NS (needs root)"
trap 'rc=$?; ip netns del "$NS" 2>/dev/null; (exit $rc); cleanup' EXIT
# Without IPv6 and with static neighbours the only frames are the pings,
# so the relay's counts are exact.
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1

mkdir -p "$T/run"
spawn relay ip netns exec "$NS" "$RELAY" $(relay_isolated) -C 1 -M 0 --vhost-path "$T" \
    -P "net_tap0,iface=v4gtap0,mac=02:00:00:00:99:01=0" -- $(eal_opts r)
wait_for 20 relay_running || fail "relay did not start"
wait_for 10 ip netns exec "$NS" ip link show v4gtap0 || fail "tap device v4gtap0 not created"
ip netns exec "$NS" ip addr add 10.99.0.1/24 dev v4gtap0
ip netns exec "$NS" ip link set v4gtap0 up
ip netns exec "$NS" ip neigh add 10.99.0.2 lladdr 52:54:00:00:99:02 dev v4gtap0 nud permanent

spawn qemu timeout 90 qemu-system-x86_64 -machine pc -accel tcg -m 256M -smp 1 \
    -display none -no-reboot -nodefaults -serial stdio \
    -object memory-backend-memfd,id=mem,size=256M,share=on -numa node,memdev=mem \
    -kernel "/boot/vmlinuz-$KVER" -initrd "$T/initrd" \
    -append "console=ttyS0 loglevel=3 ipv6.disable=1 panic=-1" \
    -chardev "socket,id=c0,path=$T/virtio-forwarder0.sock" \
    -netdev type=vhost-user,id=n0,chardev=c0 \
    -device "virtio-net-pci,netdev=n0,mac=52:54:00:00:99:02,romfile=$VECTORS"
QEMU_PID=$SPAWNED
wait_for 60 grep -q 'GUEST: pinged' "$T/qemu.log" ||
    fail "guest did not finish its ping (QEMU: $(kill -0 $QEMU_PID 2>/dev/null && echo running || echo exited))"
grep -q 'GUEST: link up' "$T/qemu.log" || fail "guest link not up"
grep -q 'GUEST: 5 packets transmitted, 5 packets received' "$T/qemu.log" ||
    fail "guest to host ping: $(grep 'packets transmitted' "$T/qemu.log")"
ok "guest link up; guest pinged the host namespace 5/5"
ip netns exec "$NS" ping -c 5 -i 0.2 -W 2 10.99.0.2 >"$T/hostping.log" ||
    fail "host to guest ping: $(grep 'packets transmitted' "$T/hostping.log")"
ok "host namespace pinged the guest 5/5"

# 5 requests and 5 replies each way; the counters of the direction must
# agree on both ends of the relay.
settled() { [ "$(cnt relay0.vf_to_vm.tx_pkts)" = 10 ] && [ "$(cnt relay0.vm_to_vf.tx_pkts)" = 10 ]; }
wait_for 5 settled || fail "relay counts vm_to_vf rx/tx $(cnt relay0.vm_to_vf.rx_pkts)/$(cnt relay0.vm_to_vf.tx_pkts), vf_to_vm rx/tx $(cnt relay0.vf_to_vm.rx_pkts)/$(cnt relay0.vf_to_vm.tx_pkts); 10 each expected"
[ "$(cnt relay0.vm_to_vf.rx_pkts)" = 10 ] && [ "$(cnt relay0.vf_to_vm.rx_pkts)" = 10 ] ||
    fail "relay rx counts differ from tx"
ok "relay counted exactly 10 packets each way (QEMU ${QVER}${VECTORS:+, MSI-X off})"
