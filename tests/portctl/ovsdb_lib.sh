# SPDX-License-Identifier: BSD-3-Clause
# ovsdb_lib.sh - a real ovsdb-server in the test's temp dir (sourced after
# tests/relay/lib.sh). Its database, socket, pid file, control socket and log
# all live under $T; lib.sh's cleanup kills it with everything else.

SCHEMA=/usr/share/openvswitch/vswitch.ovsschema

need ovsdb-server
need ovsdb-tool
need ovs-vsctl
[ -f "$SCHEMA" ] || fail "$SCHEMA not found: install the Debian package openvswitch-switch"

DB_SOCK="$T/db.sock"

vsctl() {
    ovs-vsctl --db="unix:$DB_SOCK" --no-wait --timeout=10 "$@"
}

# ovsdb_start: starts ovsdb-server on $T/conf.db (created on first call).
ovsdb_start() {
    [ -f "$T/conf.db" ] || ovsdb-tool create "$T/conf.db" "$SCHEMA" ||
        fail "ovsdb-tool create failed"
    spawn ovsdb-server ovsdb-server "$T/conf.db" --remote="punix:$DB_SOCK" \
        --pidfile="$T/ovsdb-server.pid" --unixctl="$T/ovsdb-server.ctl" --no-chdir
    OVSDB_PID=$SPAWNED
    wait_for 10 test -S "$DB_SOCK" || fail "ovsdb-server did not create $DB_SOCK"
    wait_for 10 vsctl show || fail "ovsdb-server does not answer on $DB_SOCK"
}

# ovsdb_kill: SIGKILL, as a crash would; removes its socket.
ovsdb_kill() {
    kill -KILL "$OVSDB_PID" 2>/dev/null
    wait "$OVSDB_PID" 2>/dev/null
    rm -f "$DB_SOCK" "$T/ovsdb-server.pid" "$T/ovsdb-server.ctl"
}

# offline TRANSACTION-OPS-JSON : changes the database while no server runs.
offline() {
    ovsdb-tool transact "$T/conf.db" "[\"Open_vSwitch\", $1]" >/dev/null ||
        fail "ovsdb-tool transact $1"
}
