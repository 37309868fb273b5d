#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The IPC command-file monitor: add_port/del_port lines (written in place or
# moved in), a netdev resolved through (fake) sysfs, a garbage file, files
# anyone else could have written (mode, owner, symlink), and 1,000 lines at
# once. Every file is consumed (removed) as upstream does.
# usage: test_ipc.sh RELAY CNT_DUMP
RELAY=$1 CNT_DUMP=$2
. "$(dirname "$0")/../relay/lib.sh"
. "$(dirname "$0")/lib.sh"

NULL='no-rx=1'
CMD="$T/cmd/vio_cmd"
mkdir -p "$T/run" "$T/cmd"
fake_vf_netdev "$T/sys" vfnet2 2

# send_file FILE [MODE [OWNER]] : a finished file moved into place.
send_file() {
    cp "$1" "$T/cmd/.next"
    chmod "${2:-0600}" "$T/cmd/.next"
    [ -z "${3:-}" ] || chown "$3" "$T/cmd/.next"
    mv "$T/cmd/.next" "$CMD"
    wait_for 10 test ! -e "$CMD" || fail "the relay did not consume $CMD"
}
send() {      # send TEXT [MODE [OWNER]]
    local text=$1
    shift
    printf '%s\n' "$text" >"$T/text"
    send_file "$T/text" "$@"
}
logged() { grep -acF -- "$1" "$T/relay.log"; }

VIO4WD_TEST_SYSFS_ROOT="$T/sys" spawn relay "$RELAY" $(relay_portctl) -C 1 \
    -M 0 --vhost-path "$T" --ipc --ipc-file "$CMD" \
    -- $(eal_opts r)
RELAY_PID=$SPAWNED
wait_for 20 relay_running || fail "relay did not start"
grep -q "port control: IPC command file $CMD" "$T/relay.log" ||
    fail "the relay did not state the IPC mode"

echo "add_port vf1 relay=1 device=net_null1,$NULL" >"$CMD"     # written in place
wait_for 5 vf_is 1 "net_null1,$NULL" || fail "add_port did not give relay 1 its VF"
wait_for 5 test ! -e "$CMD" || fail "the command file was not removed"
send "add_port vfnet2"
[ "$(logged "add_port interface vfnet2: 0000:05:08.2 will not attach to relay 2")" = 1 ] ||
    fail "vfnet2 was not resolved to VF 0000:05:08.2, relay 2"
send "del_port vf1"
wait_for 5 vf_is 1 - || fail "del_port did not release relay 1"
ok "add_port, del_port; a netdev resolved through sysfs to its VF and relay"

{ head -c 3000 /dev/urandom | tr -d '\n' | fold -w 60; echo
  echo "add_port vf3 relay=3 device=net_null3,$NULL"; } >"$T/garbage"
lines=$(wc -l <"$T/garbage")
send_file "$T/garbage"
wait_for 5 vf_is 3 "net_null3,$NULL" || fail "the good line after the garbage was not obeyed"
relay_running || fail "the relay died on a garbage file"
bad=$(grep -ac "IPC file $CMD line [0-9]*: .*; ignored" "$T/relay.log")
[ "$bad" -ge $((lines - 2)) ] || fail "only $bad of $((lines - 1)) garbage lines reported"
ok "a garbage file: $bad bad lines reported by number, the good last line obeyed"

send "add_port vf4 relay=4 device=net_null4,$NULL" 0666
[ "$(logged "is world-writable (mode 0666); refused")" = 1 ] || fail "a 0666 file was not refused"
send "add_port vf4 relay=4 device=net_null4,$NULL" 0600 65534
[ "$(logged "is owned by uid 65534, not by the relay's user")" = 1 ] ||
    fail "a file of another user was not refused"
echo "add_port vf4 relay=4 device=net_null4,$NULL" >"$T/elsewhere"
ln -s "$T/elsewhere" "$T/cmd/.next"
mv "$T/cmd/.next" "$CMD"
wait_for 10 test ! -L "$CMD" || fail "the relay did not remove the symbolic link"
[ "$(logged "(a symbolic link; refused)")" = 1 ] || fail "a symbolic link was not refused"
vf_is 4 - || fail "an unsafe file was obeyed"
ok "world-writable, foreign and symlinked command files refused and removed"

# 1,000 lines at once: 49 rounds of add+del on relays 10-19, then the adds
# once more, and 10 bad lines.
{
    for round in $(seq 49); do
        for r in $(seq 10 19); do echo "add_port v$r relay=$r device=net_null$r,$NULL"; done
        for r in $(seq 10 19); do echo "del_port v$r"; done
    done
    for r in $(seq 10 19); do echo "add_port v$r relay=$r device=net_null$r,$NULL"; done
    for r in $(seq 10); do echo "bogus line $r"; done
} >"$T/many"
[ "$(wc -l <"$T/many")" = 1000 ] || fail "the generator made $(wc -l <"$T/many") lines"
start=$(date +%s%N)
send_file "$T/many"
for r in $(seq 10 19); do
    wait_for 20 vf_is "$r" "net_null$r,$NULL" || fail "relay $r should end with its VF"
done
ms=$(( ($(date +%s%N) - start) / 1000000 ))
ten_reported() { [ "$(logged "unknown command 'bogus'")" = 10 ]; }
wait_for 10 ten_reported || fail "the 10 bad lines were not all reported"
ok "1,000 lines at once: final state right, 10 bad lines reported, $ms ms"

stop_pid "$RELAY_PID" 5; rc=$?
[ "$rc" = 0 ] || fail "relay exit code $rc after SIGTERM"
ok "relay stopped cleanly"
