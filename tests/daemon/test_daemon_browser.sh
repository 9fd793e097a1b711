#!/usr/bin/env bash
# The report as the park's office sees it: parkpland with its HTTP listener
# on loopback plans the sample park, and headless Chromium opens /report.
#
#  - the screenshot is not blank: many colours, a good share of the page
#    drawn, the map's SVG there;
#  - the zone names render: Chromium prints the page to PDF and the text
#    taken back out of the PDF holds every zone's name, which it only does
#    when the glyphs were drawn with a font that has them (without a CJK
#    font every character is the same empty box, and the names cannot come
#    back out of it);
#  - the page is one self-contained document under 2 MB.
#
# PARKPLAN_SCREENSHOT=FILE keeps the screenshot (docs/report-park.png is
# made this way).  Needs chromium, pdftotext (poppler-utils), fonts-noto-cjk
# and Debian's python3-pil (scripts/setup installs them); skipped (77)
# without them.
set -euo pipefail
T_NAME=browser
. "$(dirname "$0")/test_daemon_lib.sh"

PY=/usr/bin/python3
for tool in chromium pdftotext "$PY"; do
	command -v "$tool" >/dev/null 2>&1 || { echo "skip: $tool is not installed"; exit 77; }
done
"$PY" -c 'import PIL' 2>/dev/null || { echo "skip: python3-pil is not installed"; exit 77; }

port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
t_create_db
t_migrate
t_sample
t_config "[http]" "listen = 127.0.0.1:$port"
t_start
"$PARKPLANCTL" replan --wait >/dev/null || fail "replan --wait"
plan=$(q "SELECT max(id) FROM plan_run WHERE status = 'succeeded'")
"$PARKPLANCTL" approve "$plan" >/dev/null || fail "approve $plan"
url="http://127.0.0.1:$port/report"

# The page itself: one document, no external assets, under 2 MB.
"$PY" - "$url" "$T_DIR/report.html" <<'EOF' || fail "GET /report"
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=60) as r:
    assert r.status == 200, r.status
    assert r.headers.get_content_type() == "text/html", r.headers["Content-Type"]
    body = r.read()
open(sys.argv[2], "wb").write(body)
text = body.decode("utf-8")
assert len(body) < 2 * 1024 * 1024, f"{len(body)} bytes"
assert "<svg" in text, "no map"
for bad in ("<script", "src=\"http", "href=\"http", "url(http", "@import"):
    assert bad not in text, f"the page refers outside itself: {bad}"
print(f"report: {len(body)} bytes")
EOF
ok "GET /report: one self-contained page under 2 MB"

chrome() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--disable-quic --hide-scrollbars --user-data-dir="$T_DIR/chrome" "$@" \
		>>"$T_DIR/chrome.log" 2>&1
}
chrome --window-size=1400,2200 --screenshot="$T_DIR/report.png" "$url" ||
	{ tail -n 20 "$T_DIR/chrome.log" >&2; fail "chromium could not take the screenshot"; }
"$PY" - "$T_DIR/report.png" <<'EOF' || fail "the screenshot is blank"
import sys
from PIL import Image
im = Image.open(sys.argv[1]).convert("RGB")
w, h = im.size
small = im.resize((w // 4, h // 4))
pixels = list(small.getdata())
colours = len(set(pixels))
drawn = sum(1 for p in pixels if min(p) < 235) / len(pixels)
print(f"screenshot {w}x{h}: {colours} colours, {drawn:.1%} of it drawn")
assert colours >= 50, "too few colours for a map and tables"
assert drawn >= 0.03, "almost nothing drawn"
EOF
ok "the screenshot is not blank"

chrome --print-to-pdf="$T_DIR/report.pdf" --no-pdf-header-footer "$url" ||
	{ tail -n 20 "$T_DIR/chrome.log" >&2; fail "chromium could not print the page"; }
pdftotext -enc UTF-8 "$T_DIR/report.pdf" "$T_DIR/report.txt"
q "SELECT name FROM zone WHERE active ORDER BY id" >"$T_DIR/zones.txt"
[ -s "$T_DIR/zones.txt" ] || fail "no zones in the database"
missing=0
while IFS= read -r zone; do
	if ! tr -d ' \n' <"$T_DIR/report.txt" | grep -qF "$(printf '%s' "$zone" | tr -d ' ')"; then
		echo "zone name not rendered: $zone" >&2
		missing=$((missing + 1))
	fi
done <"$T_DIR/zones.txt"
[ "$missing" = 0 ] || fail "$missing zone name(s) not rendered"
ok "every zone's name renders ($(wc -l <"$T_DIR/zones.txt") zones)"

if [ -n "${PARKPLAN_SCREENSHOT:-}" ]; then
	cp "$T_DIR/report.png" "$PARKPLAN_SCREENSHOT"
	ok "screenshot kept in $PARKPLAN_SCREENSHOT"
fi
t_stop
