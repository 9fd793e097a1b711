#!/usr/bin/env python3
"""parkpland logs to the journal with the run and plan ids as fields.

When JOURNAL_STREAM names stderr's device:inode (systemd.exec(5)), the
messages are structured entries sent with sd_journal_send: MESSAGE,
PRIORITY, SYSLOG_IDENTIFIER=parkpland, PARKPLAN_RUN=<id> on the messages
of a run, PARKPLAN_PLAN=<id> on those about a plan (stored, approved).
When it does not, they stay "<N>" lines on stderr and nothing is sent.

A datagram socket stands in for journald: the daemon runs in a private
mount namespace (unshare -m) where a temporary folder is mounted on /run,
so that /run/systemd/journal/socket is the test's socket.  Skipped (77)
when mount namespaces are not allowed.  python3 standard library only;
every wait is bounded.
"""
import json
import os
import random
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

DSN = os.environ["PARKPLAN_TEST_DSN"]
CTL = os.environ["PARKPLANCTL"]
DAEMON = os.environ["PARKPLAND"]
failures = 0


def check(cond, what):
    global failures
    if cond:
        print("ok:", what)
    else:
        failures += 1
        print("FAIL:", what, file=sys.stderr)


def psql(dsn, sql):
    return subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", dsn, "-c", sql],
                          check=True, capture_output=True, text=True).stdout.strip()


def ctl(sock, *args):
    return subprocess.run([CTL, *args, "--socket", sock], capture_output=True, text=True,
                          timeout=600)


def parse_entry(data):
    """journald's native protocol: KEY=value lines, or KEY\\n<le64 size><value>\\n."""
    fields = {}
    i = 0
    while i < len(data):
        nl = data.index(b"\n", i)
        line = data[i:nl]
        if b"=" in line:
            k, v = line.split(b"=", 1)
            fields[k.decode()] = v.decode()
            i = nl + 1
        else:
            size = struct.unpack("<Q", data[nl + 1:nl + 9])[0]
            fields[line.decode()] = data[nl + 9:nl + 9 + size].decode()
            i = nl + 9 + size + 1
    return fields


def main():
    if shutil.which("unshare") is None or subprocess.run(
            ["unshare", "-m", "--propagation", "private", "true"],
            capture_output=True).returncode != 0:
        print("skip: no mount namespaces (unshare -m)")
        return 77
    tmp = tempfile.mkdtemp(prefix="ppd-journal.")
    os.chmod(tmp, 0o755)
    db = "pp_journal_%d_%d" % (os.getpid(), random.randint(0, 1 << 30))
    tdsn = DSN.replace("dbname=postgres", "dbname=" + db)
    daemon = None
    try:
        psql(DSN, "CREATE DATABASE " + db)
        subprocess.run([CTL, "migrate", "--dsn", tdsn], check=True, capture_output=True)
        subprocess.run([CTL, "sample", "--dsn", tdsn, "--scale", "park"], check=True,
                       capture_output=True)
        rundir = os.path.join(tmp, "run")
        os.makedirs(os.path.join(rundir, "systemd", "journal"))
        jsock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        jsock.bind(os.path.join(rundir, "systemd", "journal", "socket"))
        jsock.settimeout(0.2)
        received = []
        done = threading.Event()

        def reader():
            # journald reads at once: a full queue would block the daemon
            while not done.is_set():
                try:
                    received.append(jsock.recv(1 << 20))
                except socket.timeout:
                    pass

        rt = threading.Thread(target=reader, daemon=True)
        rt.start()
        sock = os.path.join(tmp, "parkpland.sock")
        conf = os.path.join(tmp, "parkpland.conf")
        with open(conf, "w") as f:
            f.write("[daemon]\nsocket = %s\nlog_level = info\n[database]\ndsn = %s\n"
                    "[planner]\nstartup_run = false\nnotify_quiet_s = 86400\n" % (sock, tdsn))
        os.chmod(conf, 0o600)

        def start(log_path, journal_stream):
            log = open(log_path, "w")
            st = os.fstat(log.fileno())
            env = dict(os.environ)
            env["JOURNAL_STREAM"] = journal_stream(st)
            p = subprocess.Popen(
                ["unshare", "-m", "--propagation", "private", "sh", "-c",
                 'mount --bind "$1" /run && exec "$2" -c "$3"', "sh", rundir, DAEMON, conf],
                stdout=log, stderr=log, env=env)
            log.close()
            for _ in range(300):
                if ctl(sock, "status", "--json").returncode == 0:
                    return p
                if p.poll() is not None:
                    break
                time.sleep(0.1)
            raise RuntimeError("parkpland did not start: " + open(log_path).read())

        def stop(p):
            p.terminate()
            p.wait(timeout=30)
            return p.returncode

        def entries():
            time.sleep(0.5)
            out = [parse_entry(d) for d in received]
            del received[:]
            return out

        # --- stderr is the journal's stream: structured entries ---
        log1 = os.path.join(tmp, "daemon1.log")
        daemon = start(log1, lambda st: "%d:%d" % (st.st_dev, st.st_ino))
        r = ctl(sock, "replan", "--wait", "--json", "--timeout", "600")
        check(r.returncode == 0, "replan --wait: " + r.stderr.strip())
        run = json.loads(r.stdout)["run"]
        r = ctl(sock, "approve", str(run))
        check(r.returncode == 0, "approve %d: %s" % (run, r.stderr.strip()))
        time.sleep(0.3)
        check(stop(daemon) == 0, "parkpland stopped with status 0")
        daemon = None
        got = entries()
        print("%d journal entries" % len(got))
        for e in got:
            if "PARKPLAN_RUN" in e or "PARKPLAN_PLAN" in e:
                print("  %s" % json.dumps(e, sort_keys=True))

        def find(prefix):
            return [e for e in got if e.get("MESSAGE", "").startswith(prefix)]

        started = find("run %d started" % run)
        check(len(started) == 1, "one entry 'run %d started'" % run)
        if started:
            e = started[0]
            check(e.get("PARKPLAN_RUN") == str(run), "its PARKPLAN_RUN is %d" % run)
            check(e.get("PRIORITY") == "5", "its PRIORITY is 5 (notice)")
            check(e.get("SYSLOG_IDENTIFIER") == "parkpland", "its SYSLOG_IDENTIFIER")
            check("PARKPLAN_PLAN" not in e, "no PARKPLAN_PLAN before there is a plan")
        loaded = find("run %d: loaded" % run)
        check(len(loaded) == 1 and loaded[0].get("PARKPLAN_RUN") == str(run) and
              loaded[0].get("PRIORITY") == "6", "'run %d: loaded' at priority 6 with the run" % run)
        stored = find("run %d: plan stored" % run)
        check(len(stored) == 1 and stored[0].get("PARKPLAN_RUN") == str(run) and
              stored[0].get("PARKPLAN_PLAN") == str(run),
              "'run %d: plan stored' names the run and the plan" % run)
        approved = find("plan %d approved" % run)
        check(len(approved) == 1 and approved[0].get("PARKPLAN_PLAN") == str(run) and
              "PARKPLAN_RUN" not in approved[0],
              "'plan %d approved' names the plan" % run)
        plain = [e for e in got if "PARKPLAN_RUN" not in e and "PARKPLAN_PLAN" not in e]
        check(len(plain) > 0 and all(e.get("PRIORITY", "").isdigit() and e.get("MESSAGE")
                                     for e in got),
              "the other messages are entries too, each with MESSAGE and PRIORITY")
        text = open(log1).read()
        check("run %d started" % run not in text, "nothing about the run on stderr")

        # --- stderr is not the journal's stream: "<N>" lines, nothing sent ---
        log2 = os.path.join(tmp, "daemon2.log")
        daemon = start(log2, lambda st: "%d:%d" % (st.st_dev, st.st_ino + 1))
        r = ctl(sock, "replan", "--wait", "--json", "--timeout", "600")
        check(r.returncode == 0, "second replan --wait")
        run2 = json.loads(r.stdout)["run"]
        check(stop(daemon) == 0, "second parkpland stopped with status 0")
        daemon = None
        got2 = entries()
        check(got2 == [], "no journal entry when JOURNAL_STREAM is another file (%d)" % len(got2))
        text = open(log2).read()
        check("<5>run %d started" % run2 in text and "<6>run %d: loaded" % run2 in text,
              "'<N>' lines on stderr instead")
        done.set()
    finally:
        if daemon is not None and daemon.poll() is None:
            daemon.kill()
            daemon.wait()
        try:
            psql(DSN, "DROP DATABASE IF EXISTS %s WITH (FORCE)" % db)
        except Exception:
            pass
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
