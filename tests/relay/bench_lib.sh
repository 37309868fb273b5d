# SPDX-License-Identifier: BSD-3-Clause
# bench_lib.sh - helpers shared by the relay benchmarks (sourced after
# lib.sh).

# guest MODE TAG SOCKET : starts a guest-side dpdk-testpmd on
# net_virtio_user (forwarding lcore on CPU 0) in forward mode MODE; sets
# GUEST_PID.
guest() {
    spawn "guest$2" dpdk-testpmd -l 0,1 --main-lcore 1 $(eal_opts "g$2") --single-file-segments \
        --vdev "net_virtio_user0,path=$3,queues=1" -- \
        --forward-mode="$1" --nb-cores=1 --total-num-mbufs=16384 -a --stats-period=1
    GUEST_PID=$SPAWNED
}

# median : the median of the numbers on stdin (0 if there are none).
median() {
    sort -g | awk '{a[NR]=$1} END {if (NR==0) print 0; else print a[int((NR+1)/2)]}'
}

# median_pps LOG FIELD : median of testpmd's per-second FIELD (Rx-pps or
# Tx-pps) samples, skipping the first two (warm-up).
median_pps() {
    grep -o "$2: *[0-9]*" "$1" | awk '{print $2}' | tail -n +3 | median
}

mpps() { awk -v p="$1" 'BEGIN {printf "%.2f", p / 1e6}'; }
