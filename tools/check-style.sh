#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# check-style.sh - is every C file formatted as .clang-format says, and
# does every source file carry its SPDX licence line?
#
#   tools/check-style.sh           list the files that differ, exit 1 if any
#   tools/check-style.sh --fix     format them in place
#
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

command -v clang-format >/dev/null 2>&1 || {
    echo "check-style: clang-format is missing (Debian package clang-format)" >&2; exit 1; }

mapfile -t files < <(git ls-files '*.c' '*.h')
if [ "${1:-}" = "--fix" ]; then
    clang-format -i --style=file "${files[@]}"
    exit 0
fi
bad=0
# Every source file says its licence (tools/add-spdx.sh adds the line).
while read -r f; do
    echo "check-style: $f has no SPDX-License-Identifier line (tools/add-spdx.sh)"
    bad=1
done < <(tools/add-spdx.sh --dry-run)
for f in "${files[@]}"; do
    if ! clang-format --style=file --dry-run -Werror "$f" >/dev/null 2>&1; then
        echo "check-style: $f is not formatted (tools/check-style.sh --fix)"
        bad=1
    fi
done
exit "$bad"
