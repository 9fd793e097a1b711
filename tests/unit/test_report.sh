#!/usr/bin/env bash
# test_report.sh DATA_DIR EXAMPLES_DIR - runs test_report.py with a Python
# that has openpyxl (Debian's python3-openpyxl, installed by scripts/setup):
# /usr/bin/python3 first, then whatever python3 is on the PATH.
set -euo pipefail
: "${PARKPLANCTL:?PARKPLANCTL is not set}"
here=$(cd "$(dirname "$0")" && pwd)
for py in /usr/bin/python3 python3; do
	if command -v "$py" >/dev/null && "$py" -c 'import openpyxl' 2>/dev/null; then
		exec "$py" "$here/test_report.py" "$@"
	fi
done
echo "test_report: no python3 with openpyxl (apt-get install python3-openpyxl)" >&2
exit 1
