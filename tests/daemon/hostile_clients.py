#!/usr/bin/env python3
"""hostile_clients.py - clients that misbehave on parkpland's control socket,
for test_daemon_hostile.sh (python3, standard library only).

    hostile_clients.py SOCKET trickle SECONDS N     N connections sending a
        request a byte at a time, reconnecting when dropped; prints counts
    hostile_clients.py SOCKET unread CONNS REQUESTS PLAN SECONDS
        CONNS connections each sending REQUESTS snapshot requests at once
        and never reading, held open SECONDS
    hostile_clients.py SOCKET halfclose N PLAN       each of status, plans,
        show PLAN sent N times and the sending side closed: every reply read
    hostile_clients.py SOCKET fuzz N SEED            N mutated requests,
        many not UTF-8: every reply UTF-8 JSON, every error with a message

Each prints one JSON line of what it saw; fuzz and halfclose exit 1 on a
reply that breaks docs/protocol.md.
"""
import json
import random
import select
import socket
import sys
import time

CODES = {"bad_request", "unknown_command", "version", "too_large", "busy", "denied",
         "unavailable", "not_found", "run_failed", "bad_config", "database", "internal",
         "shutting_down", "standby"}


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


def read_all(s, timeout):
    """Everything until EOF (or timeout): the bytes."""
    s.settimeout(timeout)
    out = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except socket.timeout:
        pass
    except ConnectionResetError:
        pass
    return out


def check_reply(line, what):
    """A reply line as docs/protocol.md has it; returns the object or raises."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as e:
        raise AssertionError(f"{what}: reply not UTF-8: {e}: {line[:200]!r}")
    try:
        r = json.loads(text)
    except ValueError as e:
        raise AssertionError(f"{what}: reply not JSON: {e}: {text[:200]!r}")
    if not isinstance(r, dict) or r.get("v") != 1 or not isinstance(r.get("ok"), bool):
        raise AssertionError(f"{what}: reply without v 1 and ok: {text[:200]!r}")
    if not r["ok"]:
        if r.get("code") not in CODES:
            raise AssertionError(f"{what}: error code {r.get('code')!r}: {text[:200]!r}")
        if not isinstance(r.get("error"), str) or not r["error"].strip():
            raise AssertionError(f"{what}: error reply without its message: {text[:200]!r}")
    return r


def trickle(path, seconds, n):
    request = b'{"v":1,"cmd":"status"}'
    conns = {}  # socket -> bytes sent
    stats = {"connects": 0, "refused_busy": 0, "deadline_replies": 0, "other_replies": 0,
             "connect_errors": 0}
    end = time.monotonic() + seconds

    def fill():
        while len(conns) < n and time.monotonic() < end:
            try:
                s = connect(path)
            except OSError:
                stats["connect_errors"] += 1
                time.sleep(0.05)
                return
            s.setblocking(False)
            conns[s] = 0
            stats["connects"] += 1

    while time.monotonic() < end:
        fill()
        # one byte on each connection, never the LF
        for s in list(conns):
            k = conns[s] % (len(request) - 1)
            try:
                s.send(request[k:k + 1])
                conns[s] += 1
            except OSError:
                pass
        r, _, _ = select.select(list(conns), [], [], 0.3)
        busy_before = stats["refused_busy"]
        for s in r:
            try:
                b = s.recv(65536)
            except OSError:
                b = b""
            for line in b.splitlines():
                try:
                    rep = json.loads(line)
                except ValueError:
                    continue
                if rep.get("code") == "busy":
                    stats["refused_busy"] += 1
                elif "whole" in rep.get("error", ""):
                    stats["deadline_replies"] += 1
                else:
                    stats["other_replies"] += 1
            if not b or b.endswith(b"\n"):
                # answered (busy, or the deadline): the daemon closes; so do we
                s.close()
                del conns[s]
        if stats["refused_busy"] > busy_before:
            time.sleep(0.1)  # refused: knock again a little later, as a client would
    for s in conns:
        s.close()
    print(json.dumps(stats), flush=True)


def unread(path, conns, requests, plan, seconds):
    req = (json.dumps({"v": 1, "cmd": "snapshot", "args": {"plan": plan}}) + "\n").encode()
    socks = []
    sent = 0
    for _ in range(conns):
        s = connect(path)
        s.setblocking(False)
        socks.append([s, req * requests])
    end = time.monotonic() + seconds
    # write what the daemon takes, never read a byte
    while time.monotonic() < end:
        for e in socks:
            if e[1]:
                try:
                    k = e[0].send(e[1])
                    sent += k
                    e[1] = e[1][k:]
                except BlockingIOError:
                    pass
                except OSError:
                    e[1] = b""
        time.sleep(0.1)
    print(json.dumps({"connections": conns, "requests": conns * requests,
                      "request_bytes_sent": sent,
                      "request_bytes_not_taken": sum(len(e[1]) for e in socks)}), flush=True)
    # gone without reading a byte: the daemon drops what it queued
    for e in socks:
        e[0].close()


def halfclose(path, n, plan):
    cmds = [{"v": 1, "cmd": "status"}, {"v": 1, "cmd": "plans"},
            {"v": 1, "cmd": "show", "args": {"plan": plan}}]
    answered = 0
    total = 0
    for i in range(n):
        for c in cmds:
            total += 1
            s = connect(path)
            text = json.dumps(c)
            # every other one without its LF: a last request counts as one
            s.sendall((text + ("\n" if i % 2 == 0 else "")).encode())
            s.shutdown(socket.SHUT_WR)
            out = read_all(s, 10)
            s.close()
            lines = out.splitlines()
            if len(lines) != 1:
                raise SystemExit(f"halfclose {c['cmd']} #{i}: {len(lines)} replies: {out[:200]!r}")
            r = check_reply(lines[0], f"halfclose {c['cmd']}")
            if not r["ok"]:
                raise SystemExit(f"halfclose {c['cmd']} #{i}: {lines[0][:200]!r}")
            answered += 1
    # two requests pipelined, then the half-close: both answered, in order
    s = connect(path)
    s.sendall(b'{"v":1,"cmd":"status"}\n{"v":1,"cmd":"plans"}\n')
    s.shutdown(socket.SHUT_WR)
    lines = read_all(s, 10).splitlines()
    s.close()
    if len(lines) != 2 or not all(check_reply(x, "pipelined")["ok"] for x in lines):
        raise SystemExit(f"pipelined then half-closed: {lines!r}")
    print(json.dumps({"requests": total + 2, "answered": answered + 2}), flush=True)


# --- fuzz ---------------------------------------------------------------------

BAD_UTF8 = [b"\xff", b"\xfe", b"\xc3", b"\xe4\xb8", b"\xf0\x9f\x98", b"\xc0\xaf", b"\xed\xa0\x80",
            b"\xf4\x90\x80\x80", b"\x80", b"\xbf", b"\xc2\x9b", b"\xe2\x80\xae"]
WORDS = ["status", "plans", "show", "diff", "explain", "snapshot", "nosuch",
         "三片区" * 30, "é" * 40, "x" * 70]


def json_bytes(v):
    return json.dumps(v, ensure_ascii=False).encode("utf-8")


def mutate(rng):
    base = {"v": 1, "cmd": rng.choice(WORDS)}
    kind = rng.randrange(9)
    if kind == 0:
        base["v"] = rng.choice(["1", 1.5, None, [1], {"a": 1}, True, 2, -1, 10 ** 30, "一"])
    if kind == 1:
        base["args"] = rng.choice([{"plan": "x"}, {"plan": -3}, {"plan": 10 ** 20}, [],
                                   "args", {"kind": "zone", "id": 1}, {"limit": "many"},
                                   {"a": "b"}, {"plan": 1.5}])
    data = json_bytes(base)
    if kind in (2, 3, 4, 5):
        # raw bad bytes inside a string (the cmd's or an argument's), or anywhere
        bad = b"".join(rng.choice(BAD_UTF8) for _ in range(rng.randint(1, 4)))
        if kind == 2:
            data = data.replace(b'"cmd": "', b'"cmd": "' + bad, 1)
        elif kind == 3:
            data = json_bytes(dict(base, args={"plan": "P"})).replace(b'"P"', b'"' + bad + b'"')
        elif kind == 4:
            k = rng.randrange(len(data) + 1)
            data = data[:k] + bad + data[k:]
        else:
            data = data.replace(b'"cmd"', b'"c' + bad + b'"', 1)
    if kind == 6:
        # a multi-byte command cut anywhere, as %.64s would
        word = ("康桥" * 40).encode()
        data = b'{"v": 1, "cmd": "' + word[:rng.randrange(1, len(word))] + b'"}'
    if kind == 7:
        data = rng.choice([b'{"v": 1, "cmd": "\\ud800"}', b'{"v": 1, "cmd": "a\\u0000b"}',
                           b'{"v": 1, "cmd": "\\udfff\\ud800"}', b"[1,2]", b"\"str\"", b"{",
                           b"{}", b'{"v": 1}', b'{"cmd": "status"}', b"\x00\x01\x02",
                           b'{"v": 1, "cmd": "status", "v": 2}'])
    if kind == 8:
        # a few random bytes flipped
        b = bytearray(data)
        for _ in range(rng.randint(1, 3)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        data = bytes(b).replace(b"\n", b" ")
    return data


def fuzz(path, n, seed):
    rng = random.Random(seed)
    counts = {"requests": 0, "ok": 0, "errors": 0, "not_utf8_refused": 0}
    by_code = {}
    for i in range(n):
        data = mutate(rng)
        s = connect(path)
        s.sendall(data + b"\n")
        s.shutdown(socket.SHUT_WR)
        out = read_all(s, 10)
        s.close()
        lines = out.splitlines()
        counts["requests"] += 1
        if len(lines) != 1:
            raise SystemExit(f"fuzz #{i}: {len(lines)} replies to {data[:200]!r}: {out[:300]!r}")
        try:
            r = check_reply(lines[0], f"fuzz #{i} {data[:120]!r}")
        except AssertionError as e:
            raise SystemExit(str(e))
        if r["ok"]:
            counts["ok"] += 1
        else:
            counts["errors"] += 1
            by_code[r["code"]] = by_code.get(r["code"], 0) + 1
            if "not valid UTF-8" in r["error"]:
                counts["not_utf8_refused"] += 1
    counts["by_code"] = by_code
    print(json.dumps(counts), flush=True)


def main():
    path, what = sys.argv[1], sys.argv[2]
    a = sys.argv[3:]
    if what == "trickle":
        trickle(path, float(a[0]), int(a[1]))
    elif what == "unread":
        unread(path, int(a[0]), int(a[1]), int(a[2]), float(a[3]))
    elif what == "halfclose":
        halfclose(path, int(a[0]), int(a[1]))
    elif what == "fuzz":
        fuzz(path, int(a[0]), int(a[1]))
    else:
        raise SystemExit(f"unknown mode {what}")


if __name__ == "__main__":
    main()
