#!/usr/bin/env python3
"""parkpland and systemd: READY=1 once listening, STATUS= as the state
changes ("idle, no plan in force", "solving run N", "idle, plan N in force"
with planner.auto_approve), WATCHDOG=1 from a loop timer when WATCHDOG_USEC
is set, STOPPING=1 on SIGTERM; and socket activation: the control socket is
taken from systemd (LISTEN_FDS) instead of being created.

A NOTIFY_SOCKET listener (AF_UNIX, SOCK_DGRAM) stands in for systemd.
python3 standard library only; every wait is bounded.
"""
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

DSN = os.environ["PARKPLAN_TEST_DSN"]
CTL = os.environ["PARKPLANCTL"]
DAEMON = os.environ["PARKPLAND"]
failures = 0
passes = 0


def check(cond, what):
    global failures, passes
    if cond:
        passes += 1
        print("ok:", what)
    else:
        failures += 1
        print("FAIL:", what, file=sys.stderr)


def psql(dsn, sql):
    return subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", dsn, "-c", sql],
                          check=True, capture_output=True, text=True).stdout.strip()


def call(path, cmd, args=None, timeout=300):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(timeout)
    s.connect(path)
    s.sendall((json.dumps({"v": 1, "cmd": cmd, "args": args or {}}) + "\n").encode())
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = s.recv(1 << 16)
        if not chunk:
            break
        buf += chunk
    s.close()
    return json.loads(buf)


class Notify:
    """Reads every datagram at once, on a thread of its own, as systemd
    would: a full datagram queue would block the daemon's sd_notify()."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.sock.settimeout(0.2)
        self.messages = []
        self.lock = threading.Lock()
        self.stop = False
        self.thread = threading.Thread(target=self._reader, daemon=True)
        self.thread.start()

    def _reader(self):
        while not self.stop:
            try:
                data = self.sock.recv(4096).decode()
            except socket.timeout:
                continue
            except OSError:
                return
            with self.lock:
                self.messages.extend(line for line in data.split("\n") if line)

    def snapshot(self):
        with self.lock:
            return list(self.messages)

    def wait_for(self, pred, timeout):
        end = time.monotonic() + timeout
        while True:
            msgs = self.snapshot()
            if any(pred(m, msgs) for m in msgs):
                return True
            if time.monotonic() >= end:
                return False
            time.sleep(0.05)


def main():
    tmp = tempfile.mkdtemp(prefix="ppd-sd.")
    os.chmod(tmp, 0o755)
    db = "pp_sdnotify_%d_%d" % (os.getpid(), random.randrange(1 << 30))
    dsn = DSN.replace("dbname=postgres", "dbname=" + db)
    procs = []
    notify = None
    try:
        psql(DSN, "CREATE DATABASE " + db)
        subprocess.run([CTL, "migrate", "--dsn", dsn], check=True, capture_output=True)
        subprocess.run([CTL, "sample", "--dsn", dsn, "--scale", "park"], check=True,
                       capture_output=True)
        sock_path = os.path.join(tmp, "ctl.sock")
        conf = os.path.join(tmp, "parkpland.conf")
        with open(conf, "w") as f:
            f.write("[daemon]\nsocket = %s\n[planner]\nstartup_run = false\n"
                    "auto_approve = true\n" % sock_path)
        notify = Notify(os.path.join(tmp, "notify"))
        env = dict(os.environ, NOTIFY_SOCKET=os.path.join(tmp, "notify"),
                   WATCHDOG_USEC="300000", PARKPLAN_DSN=dsn)
        env.pop("WATCHDOG_PID", None)
        log = open(os.path.join(tmp, "daemon.log"), "w")
        p = subprocess.Popen([DAEMON, "-c", conf], env=env, stdout=log, stderr=log)
        procs.append(p)

        check(notify.wait_for(lambda m, _: m == "READY=1", 30), "READY=1")
        check(os.path.exists(sock_path), "READY=1 comes once the socket listens")
        check(notify.wait_for(lambda m, _: m == "STATUS=idle, no plan in force", 30),
              "STATUS=idle, no plan in force")
        check(notify.wait_for(lambda m, _: m == "WATCHDOG=1", 10), "WATCHDOG=1")
        n0 = notify.snapshot().count("WATCHDOG=1")
        check(notify.wait_for(lambda m, msgs: msgs.count("WATCHDOG=1") >= n0 + 2, 10),
              "WATCHDOG=1 again and again")

        r = call(sock_path, "replan", {"wait": True}, timeout=200)
        check(r.get("ok") is True, "replan --wait over the socket")
        run = r.get("data", {}).get("run")
        check(notify.wait_for(lambda m, _: m.startswith("STATUS=solving run %s" % run), 10),
              "STATUS=solving run %s" % run)
        check(notify.wait_for(lambda m, _: m == "STATUS=idle, plan %s in force" % run, 10),
              "STATUS=idle, plan %s in force (auto_approve)" % run)
        check(psql(dsn, "SELECT id || ' ' || approved_by FROM plan_in_force") == "%s auto" % run,
              "auto_approve: the run is the plan in force, approved by 'auto'")

        p.send_signal(signal.SIGTERM)
        check(notify.wait_for(lambda m, _: m == "STOPPING=1", 30), "STOPPING=1 on SIGTERM")
        try:
            rc = p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            rc = None
        check(rc == 0, "exit 0 after SIGTERM (got %r)" % rc)

        # --- socket activation: systemd hands over a listening socket as fd 3 ---
        act_path = os.path.join(tmp, "activated.sock")
        lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        lsock.bind(act_path)
        lsock.listen(16)
        env2 = dict(env, LISTEN_FDS="1")
        env2.pop("NOTIFY_SOCKET")
        env2.pop("WATCHDOG_USEC")

        def as_fd3():
            os.dup2(lsock.fileno(), 3)

        # LISTEN_PID must be the daemon's own pid: set it in a shell that execs.
        p2 = subprocess.Popen(["/bin/sh", "-c", 'LISTEN_PID=$$ exec "$0" "$@"', DAEMON,
                               "-c", conf, "-o", "daemon.socket=" + os.path.join(tmp, "unused.sock")],
                              env=env2, stdout=log, stderr=log, preexec_fn=as_fd3, close_fds=False)
        procs.append(p2)
        lsock.close()
        answered = False
        end = time.monotonic() + 30
        while time.monotonic() < end and not answered:
            try:
                answered = call(act_path, "status", timeout=5).get("ok") is True
            except OSError:
                time.sleep(0.1)
        check(answered, "socket activation: status answered on the socket systemd passed")
        check(not os.path.exists(os.path.join(tmp, "unused.sock")),
              "socket activation: no socket of its own created")
        p2.send_signal(signal.SIGTERM)
        try:
            rc = p2.wait(timeout=30)
        except subprocess.TimeoutExpired:
            rc = None
        check(rc == 0, "socket-activated daemon exits 0 after SIGTERM")
    finally:
        if notify is not None:
            notify.stop = True
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        if failures:
            try:
                with open(os.path.join(tmp, "daemon.log")) as f:
                    sys.stderr.write(f.read()[-4000:])
            except OSError:
                pass
        subprocess.run(["psql", "-X", "-q", DSN, "-c",
                        "DROP DATABASE IF EXISTS %s WITH (FORCE)" % db], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passes, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
