#!/usr/bin/python3
"""bench/stale.py - a district snapshot with a stale plan in force.

  stale.py SNAPSHOT OUT
      OUT: SNAPSHOT as the data might have been a while ago, for the
      pairing alone (no instructors): every enterprise up to 8 km from
      where it is now, three in ten offering other codes (seeded, so every
      run builds the same).
  stale.py --previous PLAN --max-changes N|none SNAPSHOT OUT
      OUT: SNAPSHOT with PLAN's pairs as the plan in force and max_changes
      N (none: no limit).
  stale.py --kept SNAPSHOT PLAN
      prints prev=T kept=K dropped=D: the pairs of SNAPSHOT's plan in force
      PLAN keeps.
"""
import json
import math
import random
import sys


def moved(src, out):
    rng = random.Random(7)
    s = json.load(open(src))
    codes = sorted({c for e in s["enterprises"] for c in e.get("offers") or []})
    for e in s["enterprises"]:
        a = rng.uniform(0, 2 * math.pi)
        r = rng.uniform(0, 8000) / 111195.0
        e["lat"] += r * math.sin(a)
        e["lon"] += r * math.cos(a) / math.cos(math.radians(e["lat"]))
        if codes and rng.random() < 0.3:
            e["offers"] = sorted(rng.sample(codes, rng.randint(0, min(3, len(codes)))))
    s["instructors"] = []
    s["previous"]["assignments"] = []
    s["rules"] = [r for r in s["rules"] if r["kind"] in ("pin_pair", "forbid_pair")]
    json.dump(s, open(out, "w"))


def stale(plan, max_changes, src, out):
    p = json.load(open(plan))
    s = json.load(open(src))
    s["previous"]["pairs"] = [[q["enterprise_id"], q["community_id"]] for q in p["pairing"]["pairs"]]
    s["settings"]["max_changes"] = None if max_changes == "none" else int(max_changes)
    json.dump(s, open(out, "w"))


def kept(src, plan):
    s = json.load(open(src))
    prev = {tuple(x) for x in s["previous"]["pairs"]}
    pairs = {(q["enterprise_id"], q["community_id"]) for q in json.load(open(plan))["pairing"]["pairs"]}
    k = len(prev & pairs)
    print(f"prev={len(prev)} kept={k} dropped={len(prev) - k}")


def main(argv):
    if len(argv) == 3:
        moved(argv[1], argv[2])
    elif len(argv) == 7 and argv[1] == "--previous" and argv[3] == "--max-changes":
        stale(argv[2], argv[4], argv[5], argv[6])
    elif len(argv) == 4 and argv[1] == "--kept":
        kept(argv[2], argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
