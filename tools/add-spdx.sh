#!/usr/bin/env bash
# add-spdx.sh - puts an SPDX licence line at the top of every source file
# that has none: C files get a comment line, shell, Python and meson files a
# '#' line (after the #! line when there is one). The licence is the
# project's (meson.build: BSD-3-Clause). Run once, commit the result on its
# own; a second run changes nothing.
#
#   tools/add-spdx.sh [--dry-run]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

licence=BSD-3-Clause
dry=0
[ "${1:-}" = "--dry-run" ] && dry=1

git ls-files '*.c' '*.h' '*.sh' '*.py' '*.proto' 'meson.build' '*/meson.build' \
    'meson_options.txt' | while read -r f; do
    grep -q 'SPDX-License-Identifier' "$f" && continue
    case "$f" in
        *.c|*.h|*.proto) line="/* SPDX-License-Identifier: $licence */" ;;
        *) line="# SPDX-License-Identifier: $licence" ;;
    esac
    if [ "$dry" -eq 1 ]; then
        echo "$f"
        continue
    fi
    if head -n1 "$f" | grep -q '^#!'; then
        sed -i "1a $line" "$f"
    else
        sed -i "1i $line" "$f"
    fi
done
