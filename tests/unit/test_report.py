#!/usr/bin/env python3
"""test_report.py DATA_DIR EXAMPLES_DIR - parkplanctl export read back.

Each document is checked against the plan's own JSON and the snapshot,
recomputed here (distances by haversine, needs met, the placements per zone
and period), never against output captured once:

  (a) the workbook, read back with openpyxl: its sheets and Chinese headers,
      bold header rows, frozen panes, column widths that fit, numbers as
      numbers, and exactly the pairs, assignments, uncovered communities and
      coverage of the plan;
  (b) the CSV files: a byte-order mark, CRLF line ends, the same rows as the
      workbook's sheets;
  (c) the page: well formed (no unclosed tag), every zone's name, an <svg>,
      no script and no http(s) reference, a hostile name escaped with its
      bidirectional override dropped;
  (d) a park of district size (50 000 enterprises, 600 communities, 30
      zones, generated here with a plan made here): the whole park's page
      and a zone's page each under 2 MB.

Also the command line: what export refuses and why.
"""
import csv
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import unicodedata
from html.parser import HTMLParser

import openpyxl

CTL = os.environ["PARKPLANCTL"]
DATA, EXAMPLES = sys.argv[1], sys.argv[2]
MAX_PAGE = 2 * 1024 * 1024

failures = 0
checks = 0


def check(cond, what):
    global failures, checks
    checks += 1
    if not cond:
        failures += 1
        print("FAIL -", what, file=sys.stderr)


def run(*args, want=0):
    p = subprocess.run([CTL, *args], capture_output=True, text=True)
    check(p.returncode == want,
          f"parkplanctl {' '.join(args)}: exit {p.returncode}, wanted {want}: {p.stderr}")
    return p


# --- what the documents should hold, from the snapshot and the plan ---------

R_EARTH = 6371008.8


def haversine(lat1, lon1, lat2, lon2):
    f1, f2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((f2 - f1) / 2) ** 2 +
         math.cos(f1) * math.cos(f2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * R_EARTH * math.asin(math.sqrt(min(a, 1.0)))


def clean(text):
    """Text as shown: controls and bidirectional controls dropped."""
    out = []
    for ch in text or "":
        o = ord(ch)
        if ch in "\t\r\n":
            out.append(" ")
        elif o < 0x20 or 0x7F <= o <= 0x9F or 0x202A <= o <= 0x202E or \
                0x2066 <= o <= 0x2069 or o in (0x200E, 0x200F, 0x061C):
            continue
        else:
            out.append(ch)
    return "".join(out)


def codes(v):
    """A list of codes as the snapshot normalises it: a set sorted by bytes."""
    return sorted(set(v or []), key=lambda s: s.encode())


def zone_label(z):
    code, name = z.get("code") or "", z.get("name") or ""
    if not code and not name:
        return f"片区 #{z['id']}"
    if not code or code in name:
        return clean(name)
    if not name:
        return clean(code)
    return clean(f"{code} {name}")


def needs_met(e, c):
    needs = codes(c.get("needs"))
    met = [n for n in needs if n in set(e.get("offers") or [])]
    text = f"{len(met)}/{len(needs)}"
    return text + (f" ({'、'.join(met)})" if met else "")


def display_width(s):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(s))


HEADERS = {
    "结对共建": ["企业", "企业编号", "统一社会信用代码", "居民区", "居民区编号", "居民区编码",
                 "片区", "得分", "满足需求", "距离(米)", "位置为估算"],
    "未覆盖居民区": ["居民区", "居民区编号", "居民区编码", "缺少", "需求", "最少伙伴", "现有伙伴"],
    "片区工作量": ["片区", "时段", "工作量", "容量", "专职席位", "兼职席位", "专职在岗", "兼职在岗"],
}
FILES = {"结对共建": "pairs.csv", "指导员派驻": "assignments.csv",
         "未覆盖居民区": "uncovered.csv", "片区工作量": "workload.csv"}


def expected_tables(snap, plan):
    zones = {z["id"]: z for z in snap["zones"]}
    ents = {e["id"]: e for e in snap["enterprises"]}
    coms = {c["id"]: c for c in snap["communities"]}
    insts = {i["id"]: i for i in snap["instructors"]}
    periods = sorted(snap["periods"], key=lambda p: (p["start"], p["id"]))
    pa, ro = plan["pairing"], plan["roster"]

    pairs = []
    for p in pa["pairs"]:
        e, c = ents[p["enterprise_id"]], coms[p["community_id"]]
        pairs.append([clean(e["name"]), e["id"], e.get("credit_code") or "", clean(c["name"]),
                      c["id"], c.get("code") or "", zone_label(zones[e["zone_id"]]), p["score"],
                      needs_met(e, c), haversine(e["lat"], e["lon"], c["lat"], c["lon"]),
                      "是" if e.get("approximate") or c.get("approximate") else ""])

    where = {(a["instructor_id"], a["period_id"]): a["zone_id"] for a in ro["assignments"]}
    assignments = [["指导员", "指导员编号", "工号", "专职/兼职"] + [clean(p["label"]) for p in periods]]
    for iid in sorted(insts):
        i = insts[iid]
        row = [clean(i["name"]), iid, i.get("code") or "",
               "专职" if i.get("full_time", True) else "兼职"]
        for p in periods:
            z = where.get((iid, p["id"]))
            if z is not None:
                row.append(zone_label(zones[z]))
            elif p["id"] in (i.get("unavailable") or []):
                row.append("不在岗")
            else:
                row.append("未派驻")
        assignments.append(row)

    partners = {}
    for p in pa["pairs"]:
        partners[p["community_id"]] = partners.get(p["community_id"], 0) + 1
    uncovered = [[clean(coms[u["community_id"]]["name"]), u["community_id"],
                  coms[u["community_id"]].get("code") or "", u["shortfall"],
                  "、".join(codes(coms[u["community_id"]].get("needs"))),
                  coms[u["community_id"]].get("min_partners", 1),
                  partners.get(u["community_id"], 0)] for u in pa["uncovered"]]

    placed = {}
    for a in ro["assignments"]:
        ft = insts[a["instructor_id"]].get("full_time", True)
        key = (a["zone_id"], a["period_id"], ft)
        placed[key] = placed.get(key, 0) + 1
    labels = {p["id"]: clean(p["label"]) for p in periods}
    seats = {(s["zone_id"], s["period_id"]): s for s in ro["seats"]}
    workload = []
    for v in ro["coverage"]:
        s = seats[(v["zone_id"], v["period_id"])]
        workload.append([zone_label(zones[v["zone_id"]]), labels[v["period_id"]],
                         v["workload"], v["capacity"], s["seats_full_time"],
                         s["seats_part_time"], placed.get((v["zone_id"], v["period_id"], True), 0),
                         placed.get((v["zone_id"], v["period_id"], False), 0)])
    return {"结对共建": [HEADERS["结对共建"]] + pairs, "指导员派驻": assignments,
            "未覆盖居民区": [HEADERS["未覆盖居民区"]] + uncovered,
            "片区工作量": [HEADERS["片区工作量"]] + workload}


def same_rows(name, got, want, source):
    check(len(got) == len(want), f"{source} {name}: {len(got)} rows, wanted {len(want)}")
    for k, (g, w) in enumerate(zip(got, want)):
        if name == "结对共建" and k > 0:
            # the distance: whole metres of the haversine distance
            check(abs(float(g[9]) - w[9]) <= 0.5 + 1e-6,
                  f"{source} {name} row {k}: distance {g[9]}, recomputed {w[9]:.3f}")
            g, w = list(g[:9]) + list(g[10:]), list(w[:9]) + list(w[10:])
        check(list(g) == list(w), f"{source} {name} row {k}: {g!r}, wanted {w!r}")


# --- (a) the workbook -------------------------------------------------------

def check_workbook(path, want, source):
    wb = openpyxl.load_workbook(path)
    check(wb.sheetnames == ["概况", "结对共建", "指导员派驻", "未覆盖居民区", "片区工作量"],
          f"{source}: sheets {wb.sheetnames}")
    got = {}
    for name in FILES:
        if name not in wb.sheetnames:
            continue
        ws = wb[name]
        # an empty text is a blank cell
        rows = [["" if v is None else v for v in r] for r in ws.iter_rows(values_only=True)]
        got[name] = rows
        check(rows and rows[0] == want[name][0], f"{source} {name}: headers {rows[:1]}")
        check(all(ws.cell(row=1, column=k + 1).font.b for k in range(len(rows[0]))),
              f"{source} {name}: the header row is not bold")
        check(ws.freeze_panes == ("B2" if name == "指导员派驻" else "A2"),
              f"{source} {name}: frozen at {ws.freeze_panes}")
        for k in range(len(rows[0])):
            letter = openpyxl.utils.get_column_letter(k + 1)
            need = min(max(display_width(r[k]) for r in rows), 58)
            width = ws.column_dimensions[letter].width
            check(width is not None and need <= width <= 62,
                  f"{source} {name} column {letter}: width {width} for content of {need}")
        # numbers as numbers: every id and count column
        for r in rows[1:]:
            for k, v in enumerate(r):
                if isinstance(want[name][1][k] if len(want[name]) > 1 else "", (int, float)):
                    check(isinstance(v, (int, float)),
                          f"{source} {name}: {v!r} in column {k + 1} is not a number")
        same_rows(name, rows, want[name], source)
    summary = [r for r in wb["概况"].iter_rows(values_only=True)]
    check(any(r[0] == "结对数" and r[1] == len(want["结对共建"]) - 1 for r in summary),
          f"{source} 概况: the count of pairs")
    return got


# --- (b) the CSV files ------------------------------------------------------

def csv_text(v):
    """A cell as the CSV file writes it: a text that looks like a formula behind an apostrophe."""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v
    return str(v)


def check_csv(folder, want, book, source):
    for name, file in FILES.items():
        raw = open(os.path.join(folder, file), "rb").read()
        check(raw.startswith(b"\xef\xbb\xbf"), f"{source} {file}: no byte-order mark")
        body = raw[3:]
        check(body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b""),
              f"{source} {file}: not every line ends with CRLF")
        with open(os.path.join(folder, file), newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
        as_text = [[csv_text(v) for v in r] for r in book.get(name, [])]
        check(rows == as_text, f"{source} {file}: not the rows of the sheet {name}")
        typed = [[int(v) if isinstance(w, int) else v[1:] if v[:2] in ("'=", "'+", "'-", "'@")
                  else v for v, w in zip(r, want[name][1])]
                 for r in rows[1:]] if len(want[name]) > 1 else []
        same_rows(name, [rows[0]] + typed, want[name], f"{source} {file}")


# --- (c) the page -----------------------------------------------------------

VOID = {"meta", "br", "img", "input", "link", "hr", "col", "area", "base", "wbr", "source"}


class Balance(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def check_page(path, snap, source, zone=None):
    raw = open(path, "rb").read()
    page = raw.decode("utf-8")
    b = Balance()
    b.feed(page)
    b.close()
    check(not b.errors, f"{source}: {b.errors[:3]}")
    check(not b.stack, f"{source}: unclosed {b.stack}")
    check('<html lang="zh-CN">' in page, f"{source}: not lang zh-CN")
    check("<svg" in page, f"{source}: no <svg>")
    check("<script" not in page.lower(), f"{source}: a <script")
    check("http://" not in page and "https://" not in page, f"{source}: an http(s) reference")
    text = "".join(b.text)
    for z in snap["zones"]:
        if zone is None or z["id"] == zone:
            check(clean(z["name"]) in text, f"{source}: no zone name {z['name']!r}")
    return page, raw


# --- the cases --------------------------------------------------------------

def export_all(tmp, tag, snap_path, plan_path, *extra):
    out = os.path.join(tmp, tag)
    run("export", "--input", snap_path, "--plan", plan_path, "--xlsx", out + ".xlsx",
        "--csv", out + "-csv", "--html", out + ".html", *extra)
    return out


def case(tmp, tag, snap_path, extra_checks=None):
    plan_path = os.path.join(tmp, tag + "-plan.json")
    subprocess.run([CTL, "solve", "--quiet", "--input", snap_path, "--output", plan_path])
    snap, plan = json.load(open(snap_path)), json.load(open(plan_path))
    out = export_all(tmp, tag, snap_path, plan_path)
    want = expected_tables(snap, plan)
    book = check_workbook(out + ".xlsx", want, tag)
    check_csv(out + "-csv", want, book, tag)
    page, raw = check_page(out + ".html", snap, tag)
    for z in snap["zones"]:
        zpath = os.path.join(tmp, f"{tag}-zone{z['id']}.html")
        run("export", "--input", snap_path, "--plan", plan_path, "--html", zpath,
            "--zone", str(z["id"]))
        check_page(zpath, snap, f"{tag} zone {z['id']}", z["id"])
    return snap, plan, out, page, raw


def hostile(tmp):
    snap = json.load(open(os.path.join(DATA, "explain_park.json")))
    bad = "<script>alert(1)</script>&\u202e"
    snap["enterprises"][0]["name"] = bad
    snap["zones"][0]["name"] = 'Z"<b>片区\u2066'
    snap["communities"][0]["name"] = "=HYPERLINK(\"x\")\x07控制\x85居民区, \"一\""
    # the keys of the park's lists beside the names, and an estimated position
    for i, e in enumerate(snap["enterprises"]):
        e["credit_code"] = "91350100M00%05dX" % i
    snap["enterprises"][1]["approximate"] = True
    for i, c in enumerate(snap["communities"]):
        c["code"] = "310104%06d" % i
    snap["instructors"][0]["code"] = "DJ00001"
    path = os.path.join(tmp, "hostile.json")
    json.dump(snap, open(path, "w"), ensure_ascii=False)
    snap, plan, out, page, raw = case(tmp, "hostile", path)
    check("<script>alert(1)</script>" not in page, "hostile: the name is not escaped")
    check("&lt;script&gt;alert(1)&lt;/script&gt;&amp;" in page,
          "hostile: the escaped name is not on the page")
    check("Z&quot;&lt;b&gt;片区" in page, "hostile: the zone's name is not escaped")
    check("91350100M0000001X" in page or "310104000001" in page,
          "the page shows no credit code or community code beside the names")
    for ch in ("\u202e", "\u2066", "\x07", "\x85"):
        check(ch.encode() not in raw, f"hostile: U+{ord(ch):04X} is on the page")
        for f in FILES.values():
            check(ch.encode() not in open(os.path.join(out + "-csv", f), "rb").read(),
                  f"hostile: U+{ord(ch):04X} in {f}")
    seen = 0
    for f in FILES.values():
        with open(os.path.join(out + "-csv", f), newline="", encoding="utf-8-sig") as fh:
            for row in csv.reader(fh):
                check(not any(v[:1] == "=" for v in row), f"hostile: a formula in {f}: {row}")
                seen += sum(v.startswith("'=HYPERLINK") for v in row)
    check(seen > 0, "hostile: the community named like a formula is in no CSV file")


def district(tmp):
    """50 000 enterprises, 600 communities, 30 zones, 300 instructors; a plan made here."""
    rnd = random.Random(7)
    orgs = ["committee", "general_branch", "branch", "joint_branch", "none"]
    weights = [1, 3, 40, 110, 846]
    zones = []
    for k in range(30):
        zones.append({"id": k + 1, "code": f"{chr(65 + k // 6)}{k % 6 + 1:02d}",
                      "name": f"测试区第{k + 1}片区", "lat": 31.10 + (k // 6) * 0.02,
                      "lon": 121.30 + (k % 6) * 0.025, "min_fulltime": 1})
    ents = []
    for i in range(50000):
        z = zones[i % 30]
        ents.append({"id": i + 1, "name": f"上海测试{i + 1}号科技有限公司", "zone_id": z["id"],
                     "industry": rnd.choice(["软件", "集成电路", "生物医药"]),
                     "party_org": rnd.choices(orgs, weights)[0], "party_members": 3,
                     "lat": z["lat"] + rnd.uniform(-0.008, 0.008),
                     "lon": z["lon"] + rnd.uniform(-0.01, 0.01), "offers": ["养老"],
                     "max_communities": 1})
    coms = [{"id": i + 1, "name": f"测试{i + 1}居民区", "lat": 31.08 + rnd.uniform(0, 0.12),
             "lon": 121.28 + rnd.uniform(0, 0.17), "needs": ["养老", "托育"],
             "min_partners": 2, "max_partners": 3} for i in range(600)]
    insts = [{"id": i + 1, "name": f"指导员{i + 1}", "full_time": i % 3 != 0,
              "home_lat": 31.15, "home_lon": 121.35} for i in range(300)]
    periods = [{"id": p + 1, "label": f"2027Q{p + 1}", "start": f"2027-{3 * p + 1:02d}-01"}
               for p in range(4)]
    snap = {"format": "parkplan-snapshot/1", "zones": zones, "enterprises": ents,
            "communities": coms, "instructors": insts, "periods": periods}
    pairs, uncovered, used = [], [], set()
    for c in coms:
        n = 1 if c["id"] % 40 == 0 else 2
        for _ in range(n):
            e = rnd.randrange(50000) + 1
            while e in used:
                e = rnd.randrange(50000) + 1
            used.add(e)
            pairs.append({"enterprise_id": e, "community_id": c["id"], "score": rnd.randrange(900)})
        if n < 2:
            uncovered.append({"community_id": c["id"], "shortfall": 2 - n})
    pairs.sort(key=lambda p: (p["enterprise_id"], p["community_id"]))
    assignments, coverage, seats = [], [], []
    for p in periods:
        for i in insts:
            assignments.append({"instructor_id": i["id"], "zone_id": (i["id"] % 30) + 1,
                                "period_id": p["id"]})
        for z in zones:
            coverage.append({"zone_id": z["id"], "period_id": p["id"], "workload": 3000,
                             "capacity": 700})
            seats.append({"zone_id": z["id"], "period_id": p["id"], "seats_full_time": 7,
                          "seats_part_time": 3})
    part = {"status": "optimal", "objective": 0, "bound": 0, "gap": 0, "seconds": 1,
            "reasons": [], "method": "min-cost flow"}
    plan = {"format": "parkplan-plan/1",
            "pairing": dict(part, pairs=pairs, uncovered=uncovered),
            "roster": dict(part, method="branch-and-cut", assignments=assignments,
                           coverage=coverage, seats=seats)}
    sp, pp = os.path.join(tmp, "district.json"), os.path.join(tmp, "district-plan.json")
    json.dump(snap, open(sp, "w"), ensure_ascii=False)
    json.dump(plan, open(pp, "w"))
    whole, zone = os.path.join(tmp, "district.html"), os.path.join(tmp, "district-z1.html")
    run("export", "--input", sp, "--plan", pp, "--html", whole)
    run("export", "--input", sp, "--plan", pp, "--html", zone, "--zone", "1")
    for path in (whole, zone):
        size = os.path.getsize(path)
        print(f"district: {os.path.basename(path)} {size} bytes")
        check(0 < size < MAX_PAGE, f"district: {path} is {size} bytes")
        check_page(path, snap, os.path.basename(path), 1 if path == zone else None)
    check("<rect" in open(whole, encoding="utf-8").read(),
          "district: the enterprises are not aggregated into grid cells")


def changes(tmp):
    """What changes against the plan in force, counted here from the two plans."""
    snap = json.load(open(os.path.join(DATA, "explain_park.json")))
    snap.setdefault("settings", {})["w_need"] = 0
    snap["settings"]["w_commute"] = 5000
    path = os.path.join(tmp, "changed.json")
    json.dump(snap, open(path, "w"), ensure_ascii=False)
    plan_path = os.path.join(tmp, "changed-plan.json")
    old_path = os.path.join(tmp, "explain_park-plan.json")
    subprocess.run([CTL, "solve", "--quiet", "--input", path, "--output", plan_path])
    out = os.path.join(tmp, "changed.html")
    run("export", "--input", path, "--plan", plan_path, "--in-force", old_path, "--html", out)
    new, old = json.load(open(plan_path)), json.load(open(old_path))
    pn = {(p["enterprise_id"], p["community_id"]) for p in new["pairing"]["pairs"]}
    po = {(p["enterprise_id"], p["community_id"]) for p in old["pairing"]["pairs"]}
    an = {(a["instructor_id"], a["period_id"]): a["zone_id"] for a in new["roster"]["assignments"]}
    ao = {(a["instructor_id"], a["period_id"]): a["zone_id"] for a in old["roster"]["assignments"]}
    moved = sum(1 for k in an if k in ao and an[k] != ao[k])
    page = open(out, encoding="utf-8").read()
    check(pn != po or moved > 0, "changes: the two plans do not differ")
    want = (f"新增结对 {len(pn - po)} 对</b>，<b>取消结对 {len(po - pn)} 对</b>，"
            f"保留 {len(pn & po)} 对；<b>调整派驻 {moved} 人次</b>")
    check(want in page, f"changes: the page does not say {want!r}")
    check_page(out, snap, "changes")


def refusals(tmp):
    park = os.path.join(DATA, "explain_park.json")
    plan = os.path.join(tmp, "explain_park-plan.json")
    other = os.path.join(tmp, "model-plan.json")
    subprocess.run([CTL, "solve", "--quiet", "--input", os.path.join(EXAMPLES, "model-example.json"),
                    "--output", other])
    out = os.path.join(tmp, "x.html")
    run("export", "--plan", plan, "--html", out, want=2)
    run("export", "--input", park, "--plan", plan, want=2)
    run("export", "--input", park, "--plan", plan, "--xlsx", out, "--zone", "1", want=2)
    run("export", "--input", park, "--plan", plan, "--html", out, "--zone", "x", want=2)
    run("export", "--input", park, "--plan", plan, "--html", out, "--zone", "99", want=3)
    p = run("export", "--input", park, "--plan", other, "--html", out, want=3)
    check("not the plan of this snapshot" in p.stderr, f"another snapshot's plan: {p.stderr}")
    run("export", "--input", park, "--plan", plan, "--html", "/nonexistent/x.html", want=1)
    p = run("export", "--input", park, "--plan", plan, "--html", "-")
    check(p.stdout.startswith("<!DOCTYPE html>"), "--html - does not write to stdout")


def main():
    with tempfile.TemporaryDirectory(prefix="parkplan-report.") as tmp:
        case(tmp, "explain_park", os.path.join(DATA, "explain_park.json"))
        case(tmp, "model", os.path.join(EXAMPLES, "model-example.json"))
        hostile(tmp)
        changes(tmp)
        refusals(tmp)
        district(tmp)
    print(f"test_report: {checks} checks, {failures} failed")
    print(f"{checks - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
