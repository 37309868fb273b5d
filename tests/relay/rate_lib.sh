# SPDX-License-Identifier: BSD-3-Clause
# rate_lib.sh - the relay configuration the rate-limit test and benchmark
# share (sourced after lib.sh): lib.sh's isolated $T/relay.conf, one worker
# on CPU 1, relay 0 on a net_null VF that drops what it is sent, ZeroMQ port
# control on, and the rate limits given.
# rate_relay_conf FILE [RATE_LIMITS]
rate_relay_conf() {
    {
        cat "$T/relay.conf"
        echo "VIRTIOFWD_CPU_MASK=1"
        echo "VIRTIOFWD_MASTER_LCORE=0"
        echo "VIRTIOFWD_STATIC_VFS=(net_null0,no-rx=1=0)"
        echo "VIRTIOFWD_IPC_PORT_CONTROL=y"
        echo "VIRTIOFWD_RATE_LIMITS=(${2:-})"
    } >"$1"
}
