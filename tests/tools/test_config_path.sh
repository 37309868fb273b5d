#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# One configuration file for every program, whatever the install prefix
# (issue 18, bug 3): the path the relay unit passes with --config is the
# one every program reads by default and shows in --help.
# usage: test_config_path.sh RELAY_UNIT PRESTART PROGRAM...
set -u
UNIT=$1 PRESTART=$2
shift 2
fail() { echo "FAIL: $*" >&2; exit 1; }

unit_path=$(sed -n 's/^ExecStart=.* --config \([^ ]*\).*/\1/p' "$UNIT")
[ -n "$unit_path" ] || fail "$UNIT: no --config in ExecStart"
grep -q "^config=$unit_path\$" "$PRESTART" || fail "$PRESTART does not default to $unit_path"
for prog in "$@"; do
    "$prog" --help >/tmp/vio4wd-help.$$ 2>&1
    help=$(tr -s ' \n' ' ' </tmp/vio4wd-help.$$)
    rm -f /tmp/vio4wd-help.$$
    case $help in
    *"$unit_path"*) echo "ok: $(basename "$prog") --help shows $unit_path" ;;
    *) fail "$(basename "$prog") --help does not show $unit_path (the unit's --config)" ;;
    esac
done
