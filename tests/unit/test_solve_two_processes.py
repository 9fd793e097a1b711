#!/usr/bin/python3
"""The two processes of a solve (worker/solve.c): the pairing in a second
process forked by the solve's child, the roster in the child itself.

On a generated snapshot whose pairing takes a while (N enterprises and M
communities within reach of each other, one zone, two instructors):
  1. two solves give one plan, both parts proven optimal, every pair within
     its enterprise's max_communities and its community's max_partners
     (that the plan is the one the single-process solver gives is
     scripts/same-plans' business, and test_worker_solve's on a case
     worked by hand);
  2. the pairing's process killed by a signal: the solve fails and says
     which signal, as when the child itself dies;
  3. the solve's child killed: the pairing's process dies with it (no
     orphan left solving).

usage: test_solve_two_processes.py PARKPLANCTL
"""
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

ctl = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="parkplan-two.")
failures = 0


def fail(msg):
    global failures
    failures += 1
    print("FAIL:", msg, file=sys.stderr)


def snapshot(n_ent, n_com, seed):
    rnd = random.Random(seed)
    kinds = ["law", "care", "sport", "study", "food"]
    lat0, lon0 = 31.17, 121.40
    def near():
        return lat0 + rnd.uniform(-0.01, 0.01), lon0 + rnd.uniform(-0.01, 0.01)
    ents, coms = [], []
    for i in range(n_ent):
        la, lo = near()
        ents.append({"id": i + 1, "name": "E%d" % (i + 1), "zone_id": 1,
                     "industry": rnd.choice(["chips", "bio", "soft"]), "party_org": "branch",
                     "party_members": rnd.randint(3, 40), "employees": rnd.randint(10, 900),
                     "lat": la, "lon": lo, "offers": rnd.sample(kinds, 2),
                     "max_communities": rnd.randint(0, 2)})
    for j in range(n_com):
        la, lo = near()
        coms.append({"id": 100000 + j, "name": "C%d" % j, "lat": la, "lon": lo,
                     "needs": rnd.sample(kinds, 2), "min_partners": 1, "max_partners": 3})
    return {"format": "parkplan-snapshot/1",
            "zones": [{"id": 1, "code": "A", "name": "A", "lat": lat0, "lon": lon0,
                       "min_fulltime": 1}],
            "enterprises": ents, "communities": coms,
            "instructors": [{"id": k, "name": "I%d" % k, "full_time": True, "capacity": 100,
                             "skills": ["chips"], "home_lat": lat0, "home_lon": lon0}
                            for k in (1, 2)],
            "periods": [{"id": 1, "label": "2027Q1", "start": "2027-01-01"}]}


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ")[1].split()[0] != "Z"
    except OSError:
        return False


def start(snap, plan):
    return subprocess.Popen([ctl, "solve", "--input", snap, "--output", plan, "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def find_pairing(proc, limit_s=20):
    """(child, pairing process) of a running solve, or (None, None)."""
    end = time.monotonic() + limit_s
    while time.monotonic() < end and proc.poll() is None:
        for c in children(proc.pid):
            g = children(c)
            if g:
                return c, g[0]
        time.sleep(0.0005)
    return None, None


snap = os.path.join(tmp, "snap.json")
with open(snap, "w") as f:
    json.dump(snapshot(6000, 1500, 7), f)

# 1. the plan, twice, and what the model says of it
plans = []
for k in range(2):
    out = os.path.join(tmp, "plan%d.json" % k)
    r = subprocess.run([ctl, "solve", "--input", snap, "--output", out, "--quiet"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        fail("solve %d: exit %d: %s" % (k, r.returncode, r.stderr))
        continue
    p = json.load(open(out))
    for part in ("pairing", "roster"):
        p[part].pop("seconds", None)
        p[part].pop("memory_budget_mib", None)
    plans.append(p)
if len(plans) == 2:
    if plans[0] != plans[1]:
        fail("two solves of one snapshot gave two plans")
    p = plans[0]
    s = json.load(open(snap))
    if p["pairing"]["status"] != "optimal" or p["roster"]["status"] != "optimal":
        fail("not both parts optimal: %s %s" % (p["pairing"]["status"], p["roster"]["status"]))
    cap = {e["id"]: e["max_communities"] for e in s["enterprises"]}
    per_e, per_c = {}, {}
    for x in p["pairing"]["pairs"]:
        per_e[x["enterprise_id"]] = per_e.get(x["enterprise_id"], 0) + 1
        per_c[x["community_id"]] = per_c.get(x["community_id"], 0) + 1
    if any(per_e[e] > cap[e] for e in per_e) or any(v > 3 for v in per_c.values()):
        fail("a pairing over its limits")
    if len(p["pairing"]["pairs"]) < 1500 or len(p["roster"]["assignments"]) != 2:
        fail("a thin plan: %d pairs, %d assignments" % (len(p["pairing"]["pairs"]),
                                                       len(p["roster"]["assignments"])))
    print("ok: one plan twice, both parts optimal, %d pairs within their limits"
          % len(p["pairing"]["pairs"]))

# 2. the pairing's process killed: the solve says by which signal
for sig, name in ((signal.SIGKILL, "SIGKILL"), (signal.SIGTERM, "SIGTERM")):
    caught = False
    for attempt in range(5):
        proc = start(snap, os.path.join(tmp, "killed.json"))
        child, pairing = find_pairing(proc)
        if pairing is None:
            proc.communicate()
            continue
        os.kill(pairing, sig)
        _, err = proc.communicate(timeout=120)
        caught = True
        if proc.returncode == 0:
            fail("%s to the pairing's process: the solve succeeded" % name)
        elif "signal %d (%s)" % (sig, name) not in err:
            fail("%s to the pairing's process: %r" % (name, err.strip()))
        else:
            print("ok: %s to the pairing's process: %s" % (name, err.strip()))
        break
    if not caught:
        fail("the pairing's process was never seen running (5 solves)")

# 3. the child killed: its pairing process goes with it
caught = False
for attempt in range(5):
    proc = start(snap, os.path.join(tmp, "orphan.json"))
    child, pairing = find_pairing(proc)
    if pairing is None:
        proc.communicate()
        continue
    caught = True
    os.kill(child, signal.SIGKILL)
    proc.communicate(timeout=120)
    end = time.monotonic() + 5
    while alive(pairing) and time.monotonic() < end:
        time.sleep(0.01)
    if alive(pairing):
        fail("the pairing's process %d outlived its parent" % pairing)
        os.kill(pairing, signal.SIGKILL)
    else:
        print("ok: the child killed, its pairing process went with it")
    break
if not caught:
    fail("the pairing's process was never seen running (5 solves)")

subprocess.run(["rm", "-rf", tmp])
if failures:
    sys.exit(1)
