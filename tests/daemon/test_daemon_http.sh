#!/usr/bin/env bash
# parkpland's HTTP listener (docs/http.md), on a free loopback port:
#  - /api/status, /api/plans, /api/plans/N, /api/plans/N/diff/M give exactly
#    the "data" of parkplanctl --json for the same request, and errors the
#    control socket's own error object with the documented HTTP status;
#  - show with "document": the plan as parkplan-plan/1, the same rows as show;
#  - /metrics parses with prometheus_client before and after replans: the
#    run counters and the phase histograms move by exactly the runs made,
#    the HTTP request counters move too; /healthz;
#  - abuse (oversized headers, an overlong URI, a malformed request line,
#    POST/PUT/DELETE, slow senders, more connections than the limit) each
#    get a 4xx/5xx answer or a close while parkplanctl status keeps
#    answering: its latency (p50/p99) idle and under abuse is printed,
#    never asserted; nothing served over HTTP changes a plan;
#  - a non-loopback listen without allow_remote is refused at start-up and
#    on reload (the old configuration stays);
#  - /report is HTML with every zone's name (from the database), the
#    workbook of /plans/N.xlsx read back with openpyxl and the CSV tables
#    hold exactly the pairs and assignments of /api/plans/N, and the
#    workbook's temporary file is gone afterwards.
set -euo pipefail
T_NAME=http
. "$(dirname "$0")/test_daemon_lib.sh"

# prometheus_client (Debian python3-prometheus-client) may live only in the
# system's python when another python3 comes first on PATH.
PY=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import prometheus_client, openpyxl' 2>/dev/null; then
		PY=$p
		break
	fi
done
[ -n "$PY" ] || fail "python3-prometheus-client or python3-openpyxl is missing (scripts/setup)"

port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$port"
MAX_CONN=8

t_create_db
t_migrate
t_sample
t_config "[http]" "listen = 127.0.0.1:$port" "max_connections = $MAX_CONN" "timeout_s = 3" \
	"max_header_bytes = 4096" "max_uri_bytes = 1024"

# --- a non-loopback listen needs allow_remote, at start-up ---
sed -e "s/^listen = .*/listen = 0.0.0.0:$port/" "$T_CONF" >"$T_DIR/remote.conf"
set +e
"$PARKPLAND" -c "$T_DIR/remote.conf" -t >"$T_DIR/remote.out" 2>&1
rc_t=$?
"$PARKPLAND" -c "$T_DIR/remote.conf" >>"$T_DIR/remote.out" 2>&1
rc_start=$?
set -e
[ "$rc_t" != 0 ] && [ "$rc_start" != 0 ] && grep -q "not a loopback address" "$T_DIR/remote.out" ||
	fail "0.0.0.0 without allow_remote: -t $rc_t, start $rc_start: $(cat "$T_DIR/remote.out")"
echo "allow_remote = true" >>"$T_DIR/remote.conf"
"$PARKPLAND" -c "$T_DIR/remote.conf" -t >/dev/null || fail "0.0.0.0 with allow_remote refused"
ok "a non-loopback listen is refused at start-up unless http.allow_remote"

# the workbook's temporary files go here: none may be left
mkdir "$T_DIR/tmp"
export TMPDIR="$T_DIR/tmp"
t_start
t_wait_for "the HTTP listener" 10 curl -sf "$BASE/healthz"

# --- metrics before, two replans, metrics after ---
curl -sf "$BASE/metrics" >"$T_DIR/m0.txt" || fail "/metrics"
"$PARKPLANCTL" replan --wait >/dev/null || fail "replan 1"
"$PARKPLANCTL" replan --wait >/dev/null || fail "replan 2"
"$PARKPLANCTL" approve 1 >/dev/null || fail "approve 1"
curl -sf "$BASE/api/status" >/dev/null
curl -sf "$BASE/metrics" >"$T_DIR/m1.txt" || fail "/metrics"
"$PY" - "$T_DIR/m0.txt" "$T_DIR/m1.txt" <<'PY'
import sys
from prometheus_client.parser import text_string_to_metric_families

def samples(path):
    out = {}
    types = {}
    for fam in text_string_to_metric_families(open(path).read()):
        types[fam.name] = fam.type
        for s in fam.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out, types

a, ta = samples(sys.argv[1])
b, tb = samples(sys.argv[2])
def get(d, name, **labels):
    return d.get((name, tuple(sorted(labels.items()))), 0.0)

assert ta["parkplan_runs"] == "counter", ta.get("parkplan_runs")
assert ta["parkplan_run_phase_seconds"] == "histogram"
d = get(b, "parkplan_runs_total", trigger="replan", status="succeeded") - \
    get(a, "parkplan_runs_total", trigger="replan", status="succeeded")
assert d == 2, "replan runs moved by %s, not 2" % d
for trig in ("data_change", "schedule", "startup"):
    for st in ("succeeded", "failed"):
        assert get(b, "parkplan_runs_total", trigger=trig, status=st) == \
            get(a, "parkplan_runs_total", trigger=trig, status=st), (trig, st)
for phase in ("load", "solve", "store"):
    dc = get(b, "parkplan_run_phase_seconds_count", phase=phase) - \
        get(a, "parkplan_run_phase_seconds_count", phase=phase)
    assert dc == 2, "%s histogram count moved by %s" % (phase, dc)
    inf = get(b, "parkplan_run_phase_seconds_bucket", phase=phase, le="+Inf")
    assert inf == get(b, "parkplan_run_phase_seconds_count", phase=phase)
    assert get(b, "parkplan_run_phase_seconds_sum", phase=phase) > 0
d200 = get(b, "parkplan_http_requests_total", code="200") - \
    get(a, "parkplan_http_requests_total", code="200")
assert d200 >= 2, "HTTP 200 counter moved by %s" % d200
assert get(b, "parkplan_plan_in_force_id") == 1
assert get(b, "parkplan_database_connected") == 1
assert get(b, "parkplan_role", role="active") == 1 and get(b, "parkplan_role", role="standby") == 0
for part in ("pairing", "roster"):
    assert get(b, "parkplan_plan_objective", part=part) > 0, part
    assert ("parkplan_plan_gap", (("part", part),)) in b
dreq = get(b, "parkplan_control_requests_total", command="replan", result="ok") - \
    get(a, "parkplan_control_requests_total", command="replan", result="ok")
assert dreq == 2, "control requests (replan, ok) moved by %s" % dreq
assert get(b, "process_start_time_seconds") > 1.5e9
print("metrics: runs +2, phase histograms +2 each, HTTP 200 +%d" % d200)
PY
ok "/metrics parses; runs, histograms, requests move by the runs made"

# --- /api/* against parkplanctl --json and the control socket ---
"$PY" - "$BASE" "$T_SOCK" "$PARKPLANCTL" <<'PY'
import json, socket, subprocess, sys, urllib.request, urllib.error
base, sock, ctl = sys.argv[1:4]

def http(path, method="GET"):
    req = urllib.request.Request(base + path, method=method)
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()

def ctl_json(*args):
    out = subprocess.run([ctl, *args, "--json"], check=True, capture_output=True, timeout=30)
    return json.loads(out.stdout)

def socket_reply(cmd, args):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(20)
    s.connect(sock)
    s.sendall(json.dumps({"v": 1, "cmd": cmd, "args": args}).encode() + b"\n")
    buf = b""
    while not buf.endswith(b"\n"):
        c = s.recv(1 << 20)
        if not c:
            break
        buf += c
    s.close()
    return json.loads(buf)

same = [("/api/status", ["status"]),
        ("/api/plans", ["plans"]),
        ("/api/plans?limit=1", ["plans", "--limit", "1"]),
        ("/api/plans/1", ["show", "1"]),
        ("/api/plans/2", ["show", "2"]),
        ("/api/plans/1/diff/2", ["diff", "1", "2"]),
        ("/api/plans/2/diff/1", ["diff", "2", "1"])]
for path, args in same:
    code, headers, body = http(path)
    assert code == 200, (path, code, body[:200])
    assert headers["Content-Type"] == "application/json", headers["Content-Type"]
    want = ctl_json(*args)
    got = json.loads(body)
    assert got == want, "%s differs from parkplanctl %s" % (path, " ".join(args))
print("same data as parkplanctl --json: %d routes" % len(same))

# errors: the socket's own error object, with the documented status
errors = [("/api/plans/999", "show", {"plan": 999}, 404),
          ("/api/plans/1/diff/999", "diff", {"a": 1, "b": 999}, 404),
          ("/api/plans?limit=100001", "plans", {"limit": 100001}, 400)]
for path, cmd, args, status in errors:
    code, headers, body = http(path)
    want = socket_reply(cmd, args)
    assert want["ok"] is False, want
    assert code == status, (path, code, body)
    assert json.loads(body) == want, (path, body, want)
strict = [("/api/plans/abc", 400), ("/api/plans/0", 400), ("/api/plans/01", 400),
          ("/api/plans/-1", 400), ("/api/plans/1x", 400), ("/api/plans/1/diff/b", 400),
          ("/api/plans?limit=0", 400), ("/api/plans?limit=abc", 400),
          ("/api/plans?limit=1&limit=2", 400), ("/api/plans?lim=1", 400),
          ("/api/status?x=1", 400), ("/api/plans/1/other/2", 404), ("/api/nothing", 404),
          ("/", 404), ("/api/plans/", 400)]
for path, status in strict:
    code, headers, body = http(path)
    doc = json.loads(body)
    assert code == status and doc["ok"] is False and doc["v"] == 1 and \
        doc["code"] in ("bad_request", "not_found"), (path, code, body)
for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
    code, headers, body = http("/api/status", method)
    assert code == 405 and headers["Allow"] == "GET, HEAD", (method, code)
code, headers, body = http("/api/status", "HEAD")
assert code == 200 and body == b"", (code, body)
print("errors: socket error objects, 400 for malformed ids and parameters, 404, 405")

# /healthz
code, headers, body = http("/healthz")
h = json.loads(body)
assert code == 200 and h["status"] == "ok" and h["database"] == "connected" and \
    h["database_connected"] is True and h["role"] == "active", (code, h)

# show with "document": the same rows as a parkplan-plan/1 document
plain = socket_reply("show", {"plan": 2})
withdoc = socket_reply("show", {"plan": 2, "document": True})
assert "plan" not in plain["data"], "show without document has a plan"
doc = withdoc["data"].pop("plan")
assert withdoc["data"] == plain["data"], "document changes the rest of show"
assert doc["format"] == "parkplan-plan/1", doc.get("format")
pairs = sorted((p["enterprise_id"], p["community_id"]) for p in plain["data"]["pairs"])
assert sorted((p["enterprise_id"], p["community_id"]) for p in doc["pairing"]["pairs"]) == pairs
asg = sorted((a["instructor_id"], a["zone_id"], a["period_id"]) for a in plain["data"]["assignments"])
assert sorted((a["instructor_id"], a["zone_id"], a["period_id"])
              for a in doc["roster"]["assignments"]) == asg
assert doc["pairing"]["objective"] == plain["data"]["run"]["pairing_objective"]
bad = socket_reply("show", {"plan": 2, "document": "yes"})
assert bad["code"] == "bad_request", bad
print("show document: %d pairs, %d assignments as in show" % (len(pairs), len(asg)))
PY
ok "/api gives parkplanctl's data and the socket's errors; show document; /healthz"

# --- the documents: /report, /plans/N.xlsx, /plans/N/TABLE.csv ---
q "SELECT id || E'\t' || code || E'\t' || name FROM zone ORDER BY id" >"$T_DIR/zones.tsv"
"$PY" - "$BASE" "$T_DIR/zones.tsv" <<'PY'
import csv, io, json, sys, urllib.request, urllib.error
from html.parser import HTMLParser
import openpyxl
base, zones_file = sys.argv[1:3]
zones = [line.rstrip("\n").split("\t") for line in open(zones_file, encoding="utf-8")]

def http(path, method="GET"):
    req = urllib.request.Request(base + path, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()

class Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.links = [], []
    def handle_data(self, data):
        self.parts.append(data)
    def handle_starttag(self, tag, attrs):
        self.links += [v for k, v in attrs if k == "href"]

def page(path):
    code, headers, body = http(path)
    assert code == 200, (path, code, body[:300])
    assert headers["Content-Type"] == "text/html; charset=utf-8", headers["Content-Type"]
    assert headers["Transfer-Encoding"] == "chunked", headers
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    t = Text()
    t.feed(body.decode("utf-8"))
    return "".join(t.parts), t.links

text, links = page("/report")
missing = [z[2] for z in zones if z[2] not in text]
assert not missing, "zones not named in /report: %s" % missing
assert "plans/1.xlsx" in links, "no link to the workbook of the plan in force: %s" % links[:20]
text2, _ = page("/report?plan=2")
zid, zcode, zname = zones[0]
text3, _ = page("/report?plan=2&zone=%s" % zid)
assert zname in text3
print("/report: %d bytes of text, all %d zones named; plan=2, zone=%s" % (len(text), len(zones), zid))
for path, status in (("/report?plan=999", 404), ("/report?zone=999999", 404),
                     ("/report?plan=x", 400), ("/report?plan=1&plan=2", 400),
                     ("/report?planx=1", 400), ("/plans/999.xlsx", 404),
                     ("/plans/2/nope.csv", 404), ("/plans/2/pairs", 404), ("/plans/x.xlsx", 400),
                     ("/plans/2.xls", 404), ("/plans/2/pairs.csv?x=1", 400)):
    code, headers, body = http(path)
    doc = json.loads(body)
    assert code == status and doc["ok"] is False, (path, code, body)
code, headers, body = http("/plans/2.xlsx", "HEAD")
assert code == 200 and body == b"" and headers["Content-Type"].startswith(
    "application/vnd.openxmlformats"), (code, headers)

api = json.loads(http("/api/plans/2")[2])
pairs = sorted((p["enterprise_id"], p["community_id"]) for p in api["pairs"])
asg = sorted((a["instructor_id"], a["period"], a["zone"]) for a in api["assignments"])

code, headers, body = http("/plans/2.xlsx")
assert code == 200, (code, body[:200])
assert headers["Content-Type"] == \
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", headers["Content-Type"]
assert headers["Content-Disposition"] == 'attachment; filename="parkplan-2.xlsx"', headers
wb = openpyxl.load_workbook(io.BytesIO(body), read_only=True)

def sheet_rows(ws):
    rows = list(ws.iter_rows(values_only=True))
    return rows[0], [r for r in rows[1:] if any(v is not None for v in r)]

def pairs_of(header, rows):
    e, c = header.index("企业编号"), header.index("居民区编号")
    return sorted((int(r[e]), int(r[c])) for r in rows)

def assignments_of(header, rows):
    i = header.index("指导员编号")
    periods = [(k, h) for k, h in enumerate(header) if h in {a[1] for a in asg}]
    out = []
    for r in rows:
        for k, label in periods:
            v = r[k]
            if v not in (None, "", "不在岗"):
                out.append((int(r[i]), label, str(v).split(" ", 1)[0]))
    return sorted(out)

h, rows = sheet_rows(wb["结对共建"])
assert pairs_of(h, rows) == pairs, "the workbook's pairs differ from /api/plans/2"
h, rows = sheet_rows(wb["指导员派驻"])
assert assignments_of(h, rows) == asg, "the workbook's assignments differ from /api/plans/2"
print("/plans/2.xlsx: %d pairs and %d assignments, as /api/plans/2" % (len(pairs), len(asg)))

def table(name):
    code, headers, body = http("/plans/2/%s" % name)
    assert code == 200, (name, code, body[:200])
    assert headers["Content-Type"] == "text/csv; charset=utf-8", headers["Content-Type"]
    assert headers["Content-Disposition"] == 'attachment; filename="parkplan-2-%s"' % name
    assert body.startswith(b"\xef\xbb\xbf") and b"\r\n" in body, "no BOM or no CRLF"
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    return rows[0], rows[1:]
h, rows = table("pairs.csv")
assert pairs_of(h, rows) == pairs, "pairs.csv differs from /api/plans/2"
h, rows = table("assignments.csv")
assert assignments_of(h, rows) == asg, "assignments.csv differs from /api/plans/2"
for name in ("uncovered.csv", "workload.csv"):
    table(name)
print("/plans/2/*.csv: the same pairs and assignments")
PY
[ -z "$(ls -A "$T_DIR/tmp")" ] || fail "temporary files left: $(ls "$T_DIR/tmp")"
ok "/report names every zone; the workbook and the CSV tables hold the plan's pairs and assignments"

# --- abuse, and status latency idle vs under abuse ---
runs_before=$(q "SELECT count(*) FROM plan_run")
force_before=$(t_status plan_in_force)
"$PY" - "$port" "$PARKPLANCTL" "$MAX_CONN" <<'PY'
import socket, subprocess, sys, threading, time
port, ctl, max_conn = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])

def status_latencies(n):
    lats, failed = [], 0
    for _ in range(n):
        t0 = time.monotonic()
        r = subprocess.run([ctl, "status", "--json"], capture_output=True, timeout=30)
        lats.append(time.monotonic() - t0)
        if r.returncode != 0 or b'"state"' not in r.stdout:
            failed += 1
    return lats, failed

def pct(lats, p):
    s = sorted(lats)
    return 1000 * s[min(len(s) - 1, int(p * len(s)))]

def conn():
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.settimeout(10)
    return s

def answer(s, data):
    """The status code answered, or 'closed'."""
    try:
        s.sendall(data)
    except OSError:
        return "closed"
    buf = b""
    try:
        while b"\r\n" not in buf:
            c = s.recv(4096)
            if not c:
                break
            buf += c
    except OSError:
        pass
    if not buf.startswith(b"HTTP/1."):
        return "closed"
    return int(buf.split()[1])

results = {}
lock = threading.Lock()
def record(kind, r):
    with lock:
        results.setdefault(kind, []).append(r)

stop = threading.Event()
def abuser(kind, make):
    while not stop.is_set():
        try:
            s = conn()
            r = answer(s, make())
            s.close()
        except OSError as e:
            r = "closed"
        record(kind, r)

kinds = {
    "headers": lambda: b"GET /api/status HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 8000 + b"\r\n\r\n",
    "uri": lambda: b"GET /api/status?" + b"a" * 2000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    "malformed": lambda: b"GARBAGE GARBAGE\r\n\r\n",
    "post": lambda: b"POST /api/status HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
    "put": lambda: b"PUT /api/plans/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
    "delete": lambda: b"DELETE /api/plans/1 HTTP/1.1\r\nHost: x\r\n\r\n",
    # a render cut short when the client goes after the status line
    "report": lambda: b"GET /report HTTP/1.1\r\nHost: x\r\n\r\n",
}

def slow_sender():
    # one byte a second: the connection is closed within http.timeout_s (3 s)
    while not stop.is_set():
        s = conn()
        t0 = time.monotonic()
        r = "open"
        for ch in b"GET /api/status HTTP/1.1\r\nHost: x\r\n\r\n":
            try:
                s.send(bytes([ch]))
                s.settimeout(1)
                if s.recv(1) == b"":
                    r = "closed"
                    break
            except socket.timeout:
                continue
            except OSError:
                r = "closed"
                break
        s.close()
        record("slow", (r, time.monotonic() - t0))

def flood():
    # more connections than the limit: held open, then a request on each
    while not stop.is_set():
        held = []
        for _ in range(2 * max_conn + 4):
            try:
                held.append(conn())
            except OSError:
                record("flood", "closed")
        time.sleep(0.2)
        for s in held:
            r = answer(s, b"GET /api/status HTTP/1.1\r\nHost: x\r\n\r\n")
            record("flood", r)
            s.close()
        time.sleep(0.2)

idle, idle_failed = status_latencies(100)
threads = [threading.Thread(target=abuser, args=(k, f), daemon=True) for k, f in kinds.items()]
threads += [threading.Thread(target=slow_sender, daemon=True) for _ in range(3)]
threads.append(threading.Thread(target=flood, daemon=True))
for t in threads:
    t.start()
time.sleep(0.5)
busy, busy_failed = status_latencies(100)
time.sleep(4)  # let a slow sender meet the timeout
stop.set()
for t in threads:
    t.join(30)

print("parkplanctl status latency, idle:        p50 %6.1f ms  p99 %6.1f ms  (n %d)" % (
    pct(idle, 0.5), pct(idle, 0.99), len(idle)))
print("parkplanctl status latency, under abuse: p50 %6.1f ms  p99 %6.1f ms  (n %d)" % (
    pct(busy, 0.5), pct(busy, 0.99), len(busy)))
assert idle_failed == 0 and busy_failed == 0, "status unanswered: %d idle, %d under abuse" % (
    idle_failed, busy_failed)
for kind, rs in sorted(results.items()):
    if kind == "slow":
        assert all(r == "closed" for r, _ in rs), rs
        print("  %-9s %3d connections, all closed (within %.1f s)" % (
            kind, len(rs), max(t for _, t in rs)))
        continue
    # the flood's first connections are within the limit, and reports are
    # rendered until http.max_renders: those are served
    ok_codes = range(200, 600) if kind in ("flood", "report") else range(400, 600)
    bad = [r for r in rs if not (r == "closed" or (isinstance(r, int) and r in ok_codes))]
    assert not bad, "%s: answers %s" % (kind, bad[:5])
    seen = sorted(set(str(r) for r in rs))
    print("  %-9s %4d requests: %s" % (kind, len(rs), ", ".join(seen)))
assert "slow" in results, "no slow sender finished"
assert any(r == 503 for r in results["flood"]), "no 503 past the connection limit"
for kind, want in (("uri", 414), ("post", 405), ("delete", 405)):
    assert want in results[kind], "%s: never %d: %s" % (kind, want, sorted(set(map(str, results[kind]))))
PY
[ "$(q "SELECT count(*) FROM plan_run")" = "$runs_before" ] || fail "runs made during the HTTP abuse"
[ "$(t_status plan_in_force)" = "$force_before" ] || fail "the plan in force changed"
curl -sf "$BASE/healthz" >/dev/null || fail "HTTP does not answer after the abuse"
[ -z "$(ls -A "$T_DIR/tmp")" ] || fail "temporary files left: $(ls "$T_DIR/tmp")"
ok "abuse answered with 4xx/5xx or closed; status answered throughout; no plan changed"

# --- a run that failed validation: its problems over /api, no report ---
e=$(q "SELECT min(id) FROM enterprise WHERE active AND max_communities > 0")
c=$(q "SELECT min(id) FROM community WHERE active")
q "INSERT INTO rule (kind, enterprise_id, community_id) VALUES ('pin_pair', $e, $c), ('forbid_pair', $e, $c)" >/dev/null
"$PARKPLANCTL" replan --wait >/dev/null 2>&1 && fail "a replan on contradictory rules succeeded"
bad=$(q "SELECT max(id) FROM plan_run")
[ "$(q "SELECT status FROM plan_run WHERE id = $bad")" = failed ] || fail "run $bad did not fail"
"$PY" - "$BASE" "$bad" <<'PY'
import json, sys, urllib.request, urllib.error
base, bad = sys.argv[1], sys.argv[2]
def http(path):
    try:
        with urllib.request.urlopen(base + path, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
code, body = http("/api/plans/" + bad)
assert code == 200 and json.loads(body)["problems"], (code, body[:200])
for path in ("/report?plan=" + bad, "/plans/%s.xlsx" % bad, "/plans/%s/pairs.csv" % bad):
    code, body = http(path)
    doc = json.loads(body)
    assert code == 404 and doc["code"] == "not_found", (path, code, body)
print("failed run %s: problems in /api, 404 for its documents (%s)" % (bad, doc["error"]))
PY
ok "a run that failed validation has its problems over /api and no documents"

# --- a reload to a non-loopback listen is refused; the old one stays ---
cp "$T_CONF" "$T_DIR/good.conf"
sed -i -e "s/^listen = .*/listen = 0.0.0.0:$port/" "$T_CONF"
set +e
"$PARKPLANCTL" reload >/dev/null 2>"$T_DIR/r.err"
rc=$?
set -e
[ "$rc" = 1 ] && grep -q "kept the old configuration: .*not a loopback address" "$T_DIR/r.err" ||
	fail "reload to 0.0.0.0: exit $rc $(cat "$T_DIR/r.err")"
curl -sf "$BASE/healthz" >/dev/null || fail "HTTP stopped after the refused reload"
cp "$T_DIR/good.conf" "$T_CONF"
"$PARKPLANCTL" reload >/dev/null || fail "reload of the good configuration"
ok "a reload to a non-loopback listen is refused, the listener stays"

t_stop
ok "parkpland stopped"

# --- a Unix socket (for nginx's proxy_pass http://unix:...) ---
sed -i -e "s|^listen = .*|listen = unix:$T_DIR/http.sock|" "$T_CONF"
t_start
t_wait_for "the HTTP socket" 10 test -S "$T_DIR/http.sock"
[ "$(stat -c %a "$T_DIR/http.sock")" = 660 ] || fail "http.sock mode $(stat -c %a "$T_DIR/http.sock")"
curl -sf --unix-socket "$T_DIR/http.sock" http://localhost/healthz | grep -q '"status":"ok"' ||
	fail "/healthz over the Unix socket"
curl -sf --unix-socket "$T_DIR/http.sock" http://localhost/api/plans/1 >/dev/null ||
	fail "/api/plans/1 over the Unix socket"
t_stop
[ ! -e "$T_DIR/http.sock" ] || fail "http.sock left after the stop"
ok "http.listen = unix:PATH: mode 0660, answers, removed at the stop"
