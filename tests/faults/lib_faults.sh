# SPDX-License-Identifier: BSD-3-Clause
# lib_faults.sh - shared by the fault-injection tests (sourced after
# tests/relay/lib.sh, which gives T, spawn, wait_for, cnt and cleanup).
#
# Counts: each test does a CI-sized number of rounds; VIO4WD_FAULTS_FULL=1
# runs the full counts (by hand: they take several minutes).
rounds() {   # rounds CI_COUNT FULL_COUNT
    if [ -n "${VIO4WD_FAULTS_FULL:-}" ]; then echo "$2"; else echo "$1"; fi
}

# A random delay in seconds between $1 and $2 (milliseconds), for sleep.
random_delay() {
    local ms=$(( $1 + RANDOM % ($2 - $1 + 1) ))
    printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}

now_ms() {
    echo $(( $(date +%s%N) / 1000000 ))
}

# exited_within PID MS : waits up to MS for PID to exit; sets EXIT_MS and
# EXIT_RC; returns 1 (and kills it) when it did not.
exited_within() {
    local pid=$1 limit=$2 start
    start=$(now_ms)
    while kill -0 "$pid" 2>/dev/null; do
        EXIT_MS=$(( $(now_ms) - start ))
        if [ "$EXIT_MS" -gt "$limit" ]; then
            kill -KILL -- "-$pid" 2>/dev/null
            wait "$pid" 2>/dev/null
            return 1
        fi
        sleep 0.01
    done
    EXIT_MS=$(( $(now_ms) - start ))
    wait "$pid"
    EXIT_RC=$?
    return 0
}

# The relay's files under $T: nothing may be left once it has stopped.
leftovers() {
    find "$T/run" "$T" -maxdepth 1 \( -name counters -o -name 'counters.*' -o -name '*.lock' \
        -o -name '*.pid' -o -name '*.sock' -o -name stats -o -name core_sched \
        -o -name port_control \) 2>/dev/null | grep -v "vio4wd_core_scheduler.pid" | sort
}

# The core map from the counters: "0:C1,C2 1:C1,C2" for relays 0..N-1.
core_map() {   # core_map N
    local out="" r
    for ((r = 0; r < $1; r++)); do
        out+="${out:+ }$r:$(cnt relay$r.vf_to_vm.cpu),$(cnt relay$r.vm_to_vf.cpu)"
    done
    echo "$out"
}

# Both directions of relays 0..N-1 moved packets within LIMIT ms.
traffic_moves() {   # traffic_moves N LIMIT_MS
    local n=$1 limit=$2 start k r d before=()
    for ((r = 0; r < n; r++)); do
        for d in vf_to_vm vm_to_vf; do before+=("$(cnt relay$r.$d.tx_pkts 2>/dev/null || echo 0)"); done
    done
    # From here: each read is a process (slow under ASan), and the window
    # is for the traffic, not for reading the starting values.
    start=$(now_ms)
    while [ $(( $(now_ms) - start )) -le "$limit" ]; do
        k=0
        local all=1
        for ((r = 0; r < n; r++)); do
            for d in vf_to_vm vm_to_vf; do
                [ "$(cnt relay$r.$d.tx_pkts 2>/dev/null || echo 0)" -gt "${before[$k]}" ] || all=0
                k=$((k + 1))
            done
        done
        [ "$all" = 1 ] && return 0
        sleep 0.02
    done
    return 1
}
