#!/usr/bin/env bash
# The staged installation the other test_systemd_* tests read: what
# `DESTDIR=STAGE cmake --install BUILD --prefix /usr` writes.
set -euo pipefail
: "${PARKPLAN_STAGE:?}" "${PARKPLAN_BUILD_DIR:?}"
cmake=${CMAKE_COMMAND:-cmake}
rm -rf "$PARKPLAN_STAGE"
DESTDIR="$PARKPLAN_STAGE" "$cmake" --install "$PARKPLAN_BUILD_DIR" --prefix /usr
test -x "$PARKPLAN_STAGE/usr/sbin/parkpland"
