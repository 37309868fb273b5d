#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Every program answers --version with exit 0 and the project's version
# (issue 18: vio4wd-loadgen did not).
# usage: test_version.sh VERSION PROGRAM...
set -u
VERSION=$1
shift
for prog in "$@"; do
    out=$("$prog" --version 2>&1)
    rc=$?
    [ "$rc" = 0 ] || { echo "FAIL: $(basename "$prog") --version: exit $rc: $out" >&2; exit 1; }
    case $out in
    *"$VERSION"*) echo "ok: $out" ;;
    *) echo "FAIL: $(basename "$prog") --version does not say $VERSION: $out" >&2; exit 1 ;;
    esac
done
