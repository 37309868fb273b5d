#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The newcomer's entry point: install what is missing, build, then either run
# the live demo or the whole test suite.
#
#   tools/setup.sh demo      relay + generated guest traffic + scheduler + monitor_load
#   tools/setup.sh test      unit and integration tests, then again under
#                            AddressSanitizer/UBSan, the pure libraries
#                            under valgrind, the threaded ones under TSan
#
# Idempotent: a second run installs nothing and rebuilds only what changed.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

usage() {
    sed -n '3,11s/^# \{0,1\}//p' "$0"
    exit "${1:-0}"
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_packages() {
    local missing=()
    while read -r pkg; do
        [ -n "$pkg" ] || continue
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed'; then
            missing+=("$pkg")
        fi
    done < <(sed 's/#.*//; s/[[:space:]]*$//' tools/debian-packages.txt)

    [ ${#missing[@]} -eq 0 ] && return 0
    echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
}

# Debian moves programs between packages in point releases; a package that
# installed fine may no longer bring what the tests run. Stop at once with
# the program and its package rather than 30 tests timing out later.
check_programs() {
    local prog pkg missing=0
    while read -r prog pkg; do
        [ -n "$prog" ] || continue
        if ! command -v "$prog" >/dev/null 2>&1; then
            echo "setup: $prog is missing: it should come with the Debian package $pkg" \
                "(check 'apt-file search bin/$prog' if the archive moved it)" >&2
            missing=1
        fi
    done < <(sed 's/#.*//' tools/required-programs.txt)
    [ "$missing" -eq 0 ] || exit 1
}

# build DIR [meson options...]: configure once, then compile incrementally.
build() {
    local dir=$1; shift
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || {
            cat "$dir.setup.log"; echo "setup: meson setup $dir failed" >&2; exit 1; }
        rm -f "$dir.setup.log"
    fi
    echo "setup: building $dir"
    meson compile -C "$dir" >/dev/null || meson compile -C "$dir"
}

# process_suite BUILD-DIR SUITE [meson test options...]: a suite whose tests
# start processes (integration, faults), one at a time, then proof that it
# left no process or file behind, even when it failed.
process_suite() {
    local dir=$1 suite=$2 snap rc=0
    shift 2
    snap=$(mktemp /tmp/vio4wd-setup-snap.XXXXXX)
    tools/leftovers.sh snapshot "$snap"
    meson test -C "$dir" --print-errorlogs --num-processes 1 --suite "$suite" "$@" || rc=$?
    tools/leftovers.sh check "$snap" || rc=1
    rm -f "$snap"
    return "$rc"
}

# The pure code that runs threads (the handover protocol, the log rate
# limiter) under ThreadSanitizer: the 'tsan' suite. Only its programs are
# built, not the whole tree, so this costs seconds. The ZeroMQ client's test
# stays out: libzmq is not instrumented, and TSan reports races inside it.
tsan_tests() {
    local dir=build-tsan targets
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" -Db_sanitize=thread -Db_lundef=false -Dc_args=-Wno-tsan \
            >"$dir.setup.log" 2>&1 || {
            cat "$dir.setup.log"; echo "setup: meson setup $dir failed" >&2; exit 1; }
        rm -f "$dir.setup.log"
    fi
    targets=$(meson introspect "$dir" --tests | python3 -c '
import json, os, sys
build = os.path.abspath(sys.argv[1])
for t in json.load(sys.stdin):
    if "vio4wd:tsan" in t["suite"]:
        print(os.path.relpath(t["cmd"][0], build))' "$dir" | sort -u)
    echo "setup: building $dir ($(echo $targets))"
    # shellcheck disable=SC2086 # one target per word
    meson compile -C "$dir" $targets >/dev/null || meson compile -C "$dir" $targets
    TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1} \
        meson test -C "$dir" --no-rebuild --print-errorlogs --num-processes 1 --suite tsan
}

run_tests() {
    # Formatting (.clang-format) and licence lines first: seconds, and a
    # newcomer learns it before the long run rather than after.
    tools/check-style.sh

    # Unit tests are solvers and pure libraries with no tight timing: they
    # run two at a time, which takes a minute off CI. Integration tests start
    # DPDK processes that busy-poll; on a 2-CPU machine they must not run
    # side by side.
    build build
    echo "setup: tests"
    meson test -C build --print-errorlogs --num-processes 2 --suite unit
    process_suite build integration

    echo "setup: tests under AddressSanitizer and UndefinedBehaviorSanitizer"
    build build-asan -Db_sanitize=address,undefined -Db_lundef=false
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
    # Suite 'slow' (a minute of solving, a million handovers) ran above;
    # its code runs here through the shorter tests, under CI's 30 minutes.
    ASAN_OPTIONS=detect_leaks=1 \
        meson test -C build-asan --print-errorlogs --num-processes 2 --suite unit --no-suite slow
    # DPDK keeps its allocations until the process exits, so the leak check
    # is off for the processes that run the EAL; every other check stays on.
    ASAN_OPTIONS=detect_leaks=0 process_suite build-asan integration

    # Fault injection (kill -9, signals, full disks) against both builds:
    # reduced counts here, VIO4WD_FAULTS_FULL=1 for the full ones by hand.
    echo "setup: fault-injection suite"
    process_suite build faults
    ASAN_OPTIONS=detect_leaks=0 process_suite build-asan faults

    echo "setup: the pure libraries under valgrind"
    meson test -C build --print-errorlogs --suite pure \
        --wrap='valgrind --quiet --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect'

    echo "setup: the threaded pure libraries under ThreadSanitizer"
    tsan_tests
}

run_demo() {
    build build
    exec tools/demo.sh --build-dir build "$@"
}

mode=${1:-}
[ $# -gt 0 ] && shift
case "$mode" in
    demo) install_packages; check_programs; run_demo "$@" ;;
    test) install_packages; check_programs; run_tests ;;
    -h|--help|help) usage 0 ;;
    *) echo "setup: unknown mode '${mode}'; use 'demo' or 'test'" >&2; usage 2 ;;
esac
