# SPDX-License-Identifier: BSD-3-Clause
# lib.sh - what the port-control tests share (sourced after
# tests/relay/lib.sh).

# relay_portctl: relay_isolated, with ZeroMQ port control turned off again
# so that the test's own mode (OVSDB or the IPC file) is the one that runs.
relay_portctl() {
    echo "$(relay_isolated) --set VIRTIOFWD_ZMQ_PORT_CONTROL_EP="
}

# vf_of RELAY : the relay's VF device as the counters show it ("-": none).
vf_of() {
    cnt "relay$1.vf_dev" 2>/dev/null || echo -
}

vf_is() {      # vf_is RELAY DEVICE
    [ "$(vf_of "$1")" = "$2" ]
}

# fake_vf_netdev ROOT IFNAME VF : a sysfs tree under ROOT in which IFNAME is
# the netdev of VF number VF (PCI 0000:05:08.VF) of PF 0000:05:00.0.
fake_vf_netdev() {
    local root=$1 ifname=$2 vf=$3 d
    d="$root/devices/pci0000:00"
    mkdir -p "$d/0000:05:00.0" "$d/0000:05:08.$vf" "$root/class/net/$ifname"
    ln -sfn "../0000:05:08.$vf" "$d/0000:05:00.0/virtfn$vf"
    ln -sfn "../0000:05:00.0" "$d/0000:05:08.$vf/physfn"
    ln -sfn "../../../devices/pci0000:00/0000:05:08.$vf" "$root/class/net/$ifname/device"
}
