#!/usr/bin/env python3
"""park_plan_check.py SNAPSHOT PLAN [PLAN2]: check a plan against docs/model.md.

An independent reading of docs/model.md (sections 2 and 3),
written without looking at parkplan's C code and without calling parkplan:
every pair's score, P, the pairing constraints and the uncovered
shortfalls; the roster's one zone per available instructor per period,
pins and forbids, the seats (Hamilton, exact with fractions.Fraction), R
with its skill / commute / keep / stay / overflow terms, min_fulltime.
Both parts must be proven optimal: status "optimal", or a bound below
objective + 1 (objectives are integers).

With PLAN2, the two plans must also agree in every pair, shortfall,
assignment, seat, objective and status ("seconds" may differ).

Exit 0 when every check passes; prints one line per check group.
"""
import json
import math
import sys
from datetime import date
from fractions import Fraction

EARTH_R = 6371008.8

DEFAULTS = {
    "pair_radius_m": 3000.0, "w_need": 600.0, "w_distance": 400.0,
    "w_keep_pair": 300, "w_uncovered": 10000, "diverse_industries": False,
    "max_changes": None, "new_bonus": 1, "new_days": 365, "w_balance": 10000,
    "w_skill": 200.0, "w_keep_zone": 300, "w_stay": 150, "w_commute": 100.0,
    "commute_scale_m": 10000.0, "time_limit_s": 30.0, "mip_gap": 0.0,
}
ORG_DEFAULTS = {"committee": 8, "general_branch": 5, "branch": 3,
                "joint_branch": 2, "none_with_members": 2, "none": 1}

failures = []


def fail(msg):
    failures.append(msg)
    if len(failures) <= 30:
        print("FAIL:", msg, file=sys.stderr)


def lround(x):
    """Round half away from zero, as C lround()."""
    a = abs(x)
    r = math.floor(a)
    if a - r >= 0.5:
        r += 1
    return int(r) if x >= 0 else -int(r)


def haversine(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_R * math.asin(min(1.0, math.sqrt(h)))


def days(d):
    if d is None:
        return None
    return (date.fromisoformat(d) - date(1970, 1, 1)).days


def hamilton(n, weights):
    """weights: list of (zone_id, D).  Returns {zone_id: seats}."""
    seats = {z: 0 for z, _ in weights}
    if n <= 0 or not weights:
        return seats
    total = sum(d for _, d in weights)
    if total == 0:
        weights = [(z, 1) for z, _ in weights]
        total = len(weights)
    quotas = {z: Fraction(n * d, total) for z, d in weights}
    for z, q in quotas.items():
        seats[z] = math.floor(q)
    left = n - sum(seats.values())
    order = sorted(quotas, key=lambda z: (-(quotas[z] - math.floor(quotas[z])), z))
    for z in order[:left]:
        seats[z] += 1
    return seats


def proven(part, name):
    st, obj, bound = part["status"], part["objective"], part.get("bound")
    if st != "optimal":
        fail(f"{name}: status {st}, not optimal (gap {part.get('gap')}, bound {bound})")
        return
    if bound is None or not (bound < obj + 1 - 1e-9):
        fail(f"{name}: optimal but bound {bound} does not prove objective {obj}")
    gap = part.get("gap")
    if gap is not None and gap > 1e-9 and not bound < obj + 1:
        fail(f"{name}: optimal with gap {gap}")


def check(snap, plan):
    st = dict(DEFAULTS)
    st.update({k: v for k, v in snap.get("settings", {}).items() if k != "org_weight"})
    ow_w = dict(ORG_DEFAULTS)
    ow_w.update(snap.get("settings", {}).get("org_weight", {}) or {})
    if plan.get("format") != "parkplan-plan/1":
        fail(f"plan format {plan.get('format')}")

    zones = {z["id"]: z for z in snap["zones"]}
    ents = {e["id"]: e for e in snap["enterprises"]}
    comms = {c["id"]: c for c in snap["communities"]}
    insts = {i["id"]: i for i in snap["instructors"]}
    periods = sorted(snap["periods"], key=lambda p: (days(p["start"]), p["id"]))
    rules = snap.get("rules", [])
    prev = snap.get("previous", {}) or {}
    prev_pairs = {tuple(x) for x in prev.get("pairs", [])}
    prev_assign = {tuple(x) for x in prev.get("assignments", [])}

    # ---------------- pairing (docs/model.md §2) ----------------
    pa = plan["pairing"]
    proven(pa, "pairing")
    R = float(st["pair_radius_m"])
    pins = {(r["enterprise_id"], r["community_id"]) for r in rules if r["kind"] == "pin_pair"}
    forbids = {(r["enterprise_id"], r["community_id"]) for r in rules if r["kind"] == "forbid_pair"}
    chosen = {}
    for p in pa["pairs"]:
        k = (p["enterprise_id"], p["community_id"])
        if k in chosen:
            fail(f"pair {k} twice")
        chosen[k] = p["score"]
    per_ent, per_comm = {}, {}
    P = 0
    for (e_id, c_id), score in chosen.items():
        e, c = ents.get(e_id), comms.get(c_id)
        if e is None or c is None:
            fail(f"pair {(e_id, c_id)} names an unknown enterprise or community")
            continue
        d = haversine(e["lat"], e["lon"], c["lat"], c["lon"])
        maxc = e.get("max_communities", 1)
        cand = (e_id, c_id) in pins or (
            (e_id, c_id) not in forbids and maxc >= 1 and (d <= R or (e_id, c_id) in prev_pairs))
        if not cand:
            fail(f"pair {(e_id, c_id)} is not a candidate (d = {d:.1f} m)")
        needs = set(c.get("needs", []))
        offers = set(e.get("offers", []))
        fit = len(needs & offers) / len(needs) if needs else 0.0
        prox = max(0.0, 1 - d / R)
        want = lround(float(st["w_need"]) * fit + float(st["w_distance"]) * prox)
        if (e_id, c_id) in prev_pairs:
            want += int(st["w_keep_pair"])
        if want != score:
            fail(f"pair {(e_id, c_id)}: score {score}, docs/model.md gives {want}")
        P += want
        per_ent[e_id] = per_ent.get(e_id, 0) + 1
        per_comm.setdefault(c_id, []).append(e_id)
    for e_id, n in per_ent.items():
        if n > ents[e_id].get("max_communities", 1):
            fail(f"enterprise {e_id}: {n} communities > max_communities")
    uncovered = {}
    for u in pa["uncovered"]:
        if u["community_id"] in uncovered:
            fail(f"community {u['community_id']} uncovered twice")
        uncovered[u["community_id"]] = u["shortfall"]
    short_total = 0
    for c_id, c in comms.items():
        n = len(per_comm.get(c_id, []))
        if n > c.get("max_partners", 3):
            fail(f"community {c_id}: {n} partners > max_partners")
        short = max(0, c.get("min_partners", 1) - n)
        short_total += short
        if uncovered.get(c_id, 0) != short:
            fail(f"community {c_id}: shortfall {uncovered.get(c_id, 0)}, plan has {n} "
                 f"partners, min_partners {c.get('min_partners', 1)}")
        if st["diverse_industries"]:
            inds = [ents[e]["industry"] for e in per_comm.get(c_id, [])]
            if len(inds) != len(set(inds)):
                fail(f"community {c_id}: two partners of one industry")
    for c_id in uncovered:
        if c_id not in comms:
            fail(f"uncovered names unknown community {c_id}")
    for k in pins:
        if k not in chosen:
            fail(f"pinned pair {k} missing")
    for k in forbids:
        if k in chosen and k not in pins:
            fail(f"forbidden pair {k} chosen")
    if st["max_changes"] is not None and st["max_changes"] >= 0:
        dropped = len(prev_pairs - set(chosen))
        if dropped > st["max_changes"]:
            fail(f"{dropped} pairs of the plan in force dropped > max_changes")
    P -= int(st["w_uncovered"]) * short_total
    if P != pa["objective"]:
        fail(f"pairing objective {pa['objective']}, docs/model.md gives P = {P}")
    print(f"pairing: {pa['status']}, P = {P} (plan {pa['objective']}, bound {pa.get('bound')}), "
          f"{len(chosen)} pairs checked, shortfall {short_total}")

    # ---------------- roster (docs/model.md §3) ----------------
    ro = plan["roster"]
    proven(ro, "roster")
    plan_date = days(periods[0]["start"])
    zone_ids = sorted(zones)

    def workload(e):
        org = e.get("party_org", "none")
        if org == "none" and e.get("party_members", 0) >= 3:
            org = "none_with_members"
        w = int(ow_w[org])
        j = days(e.get("joined_on"))
        if j is not None and 0 <= plan_date - j < int(st["new_days"]):
            w += int(st["new_bonus"])
        return w

    D = {z: 0 for z in zone_ids}
    load_by_industry = {z: {} for z in zone_ids}
    for e in ents.values():
        w = workload(e)
        D[e["zone_id"]] += w
        li = load_by_industry[e["zone_id"]]
        li[e["industry"]] = li.get(e["industry"], 0) + w

    def skill(i, z):
        if D[z] == 0:
            return 0
        s = sum(li for ind, li in load_by_industry[z].items()
                if ind in set(insts[i].get("skills", [])))
        return lround(float(st["w_skill"]) * s / D[z])

    def commute(i, z):
        ins, zz = insts[i], zones[z]
        d = haversine(ins["home_lat"], ins["home_lon"], zz["lat"], zz["lon"])
        return lround(float(st["w_commute"]) * min(1.0, d / float(st["commute_scale_m"])))

    avail = {p["id"]: {i for i, ins in insts.items() if p["id"] not in set(ins.get("unavailable", []))}
             for p in periods}
    where = {}
    for a in ro["assignments"]:
        k = (a["instructor_id"], a["period_id"])
        if k in where:
            fail(f"instructor {k[0]} twice in period {k[1]}")
        if a["zone_id"] not in zones:
            fail(f"assignment to unknown zone {a['zone_id']}")
        where[k] = a["zone_id"]
    for p in periods:
        for i in insts:
            if (i in avail[p["id"]]) != ((i, p["id"]) in where):
                fail(f"instructor {i} period {p['id']}: available {i in avail[p['id']]}, "
                     f"placed {(i, p['id']) in where}")
    for r in rules:
        if r["kind"] not in ("pin_zone", "forbid_zone"):
            continue
        pid = r.get("period_id") or 0
        for p in periods:
            if pid not in (0, p["id"]) or r["instructor_id"] not in avail[p["id"]]:
                continue
            z = where.get((r["instructor_id"], p["id"]))
            if r["kind"] == "pin_zone" and z != r["zone_id"]:
                fail(f"pin_zone {r} broken in period {p['id']}")
            if r["kind"] == "forbid_zone" and z == r["zone_id"]:
                fail(f"forbid_zone {r} broken in period {p['id']}")

    seats_plan = {(s["zone_id"], s["period_id"]): (s["seats_full_time"], s["seats_part_time"])
                  for s in ro.get("seats", [])}
    cov_plan = {(c["zone_id"], c["period_id"]): c for c in ro.get("coverage", [])}
    Rval = 0
    overflow = 0
    for pi, p in enumerate(periods):
        av = avail[p["id"]]
        F = sum(1 for i in av if insts[i].get("full_time", True))
        H = len(av) - F
        mins = sum(int(zones[z].get("min_fulltime", 1)) for z in zone_ids)
        ham_f = hamilton(F - mins, [(z, D[z]) for z in zone_ids])
        ham_h = hamilton(H, [(z, D[z]) for z in zone_ids])
        for z in zone_ids:
            sf = int(zones[z].get("min_fulltime", 1)) + ham_f[z]
            sh = ham_h[z]
            if seats_plan.get((z, p["id"])) != (sf, sh):
                fail(f"seats zone {z} period {p['id']}: plan {seats_plan.get((z, p['id']))}, "
                     f"Hamilton gives {(sf, sh)}")
            nf = sum(1 for i in av if where.get((i, p["id"])) == z and insts[i].get("full_time", True))
            nh = sum(1 for i in av if where.get((i, p["id"])) == z and not insts[i].get("full_time", True))
            if nf < int(zones[z].get("min_fulltime", 1)):
                fail(f"zone {z} period {p['id']}: {nf} full-time < min_fulltime")
            overflow += max(0, nf - sf) + max(0, nh - sh)
            cov = cov_plan.get((z, p["id"]))
            cap = sum(int(insts[i].get("capacity", 100 if insts[i].get("full_time", True) else 50))
                      for i in av if where.get((i, p["id"])) == z)
            if cov is None or cov["workload"] != D[z] or cov["capacity"] != cap:
                fail(f"coverage zone {z} period {p['id']}: plan {cov}, want workload {D[z]} "
                     f"capacity {cap}")
        for i in av:
            z = where.get((i, p["id"]))
            if z is None:
                continue
            Rval += skill(i, z) - commute(i, z)
            if pi == 0 and (i, z) in prev_assign:
                Rval += int(st["w_keep_zone"])
            if pi > 0 and where.get((i, periods[pi - 1]["id"])) == z:
                Rval += int(st["w_stay"])
    Rval -= int(st["w_balance"]) * overflow
    if Rval != ro["objective"]:
        fail(f"roster objective {ro['objective']}, docs/model.md gives R = {Rval}")
    print(f"roster: {ro['status']}, R = {Rval} (plan {ro['objective']}, bound {ro.get('bound')}), "
          f"{len(where)} assignments checked, overflow {overflow}")


def same(a, b):
    def key(plan):
        pa, ro = plan["pairing"], plan["roster"]
        return {
            "pairing": (pa["status"], pa["objective"],
                        sorted((p["enterprise_id"], p["community_id"], p["score"]) for p in pa["pairs"]),
                        sorted((u["community_id"], u["shortfall"]) for u in pa["uncovered"])),
            "roster": (ro["status"], ro["objective"],
                       sorted((x["instructor_id"], x["zone_id"], x["period_id"]) for x in ro["assignments"]),
                       sorted(tuple(sorted(s.items())) for s in ro.get("seats", [])),
                       sorted(tuple(sorted(c.items())) for c in ro.get("coverage", []))),
        }
    ka, kb = key(a), key(b)
    for part in ka:
        if ka[part] != kb[part]:
            fail(f"the two runs differ in {part}: objectives {ka[part][1]} / {kb[part][1]}")
    print("two runs: " + ("identical" if ka == kb else "DIFFERENT"))


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    snap = json.load(open(sys.argv[1]))
    plan = json.load(open(sys.argv[2]))
    check(snap, plan)
    if len(sys.argv) == 4:
        same(plan, json.load(open(sys.argv[3])))
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
