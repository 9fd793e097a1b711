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
#    on reload (the old configuration stays).
set -euo pipefail
T_NAME=http
. "$(dirname "$0")/test_daemon_lib.sh"

# prometheus_client (Debian python3-prometheus-client) may live only in the
# system's python when another python3 comes first on PATH.
PY=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import prometheus_client' 2>/dev/null; then
		PY=$p
		break
	fi
done
[ -n "$PY" ] || fail "python3-prometheus-client is not installed (scripts/setup)"

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
    # the flood's first connections are within the limit: those are served
    ok_codes = range(200, 600) if kind == "flood" else range(400, 600)
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
ok "abuse answered with 4xx/5xx or closed; status answered throughout; no plan changed"

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
