#!/usr/bin/python3
"""import_cases.py - the bad lists of test_import.sh and what the import must
say about each, written by hand from docs/import.md (not captured from a run).

    import_cases.py write DIR SAMPLE_DIR   write DIR/bad-*.csv (codes taken from the sample's lists)
    import_cases.py check NAME RESULT.json compare `import --json` with the expectations of NAME
    import_cases.py credit BODY17          a credit code: BODY17 and its GB 32100 check character
    import_cases.py gcj LAT LON            the published WGS-84 -> GCJ-02 formula, for --crs gcj02

Each bad row shows one class of problem; the enterprises list alone has
twenty-odd classes, the other lists the classes only they can have.
"""
import csv
import json
import math
import sys

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit(body17):
    """GB 32100-2015: weights 3^(i-1) mod 31, check = 31 - sum mod 31 (31 -> 0)."""
    s = sum(ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(body17))
    return body17 + ALPHABET[(31 - s % 31) % 31]


def credit_ok(code):
    """Whether CODE is a credit code, by GB 32100-2015's rules read directly."""
    return (len(code) == 18 and all(c in ALPHABET for c in code)
            and code[2:8].isascii() and code[2:8].isdigit() and credit(code[:17]) == code)


def codes(n, seed):
    """N labelled candidates for the schema's check, as "code<TAB>t|f" lines:
    valid codes, each with one character changed, cut, lengthened, in lower
    case, with letters GB 32100 leaves out, letters where the division's
    digits go, full-width and other non-ASCII characters."""
    import random
    rnd = random.Random(seed)
    odd = "IOSVZabc-_ 0１Ａ统\u00e9"
    out = []
    while len(out) < n:
        body = "".join(rnd.choice(ALPHABET[:10]) if 2 <= i < 8 else rnd.choice(ALPHABET)
                       for i in range(17))
        good = credit(body)
        out.append(good)
        i = rnd.randrange(18)
        out.append(good[:i] + rnd.choice(ALPHABET + odd) + good[i + 1:])
        out.append(good[:rnd.randrange(18)])
        out.append(good + rnd.choice(ALPHABET))
        out.append(good.lower())
        j = rnd.randrange(2, 8)
        out.append(credit(body[:j] + rnd.choice(ALPHABET[10:]) + body[j + 1:]))
    return ["%s\t%s" % (c, "t" if credit_ok(c) else "f") for c in out[:n]]


def gcj(lat, lon):
    a, ee = 6378245.0, 0.00669342162296594323
    x, y = lon - 105.0, lat - 35.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
            + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
            + (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
            + (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
            + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
            + (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
            + (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - ee * math.sin(rad) ** 2
    sq = math.sqrt(magic)
    return (lat + dlat * 180.0 / ((a * (1 - ee)) / (magic * sq) * math.pi),
            lon + dlon * 180.0 / (a / sq * math.cos(rad) * math.pi))


def read(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


LONG_NAME = "名" * 257
LONG_ITEM = "x" * 65
# Four new codes, valid, not in the sample (its division digits are 31010x)
C1, C2, C3, C4 = (credit("9144030019220382" + d) for d in ("1", "2", "3", "4"))
WRONG_CHECK = C2[:17] + ("0" if C2[17] != "0" else "1")

ENT_HEADER = ["统一社会信用代码", "企业名称", "所属片区", "党组织类型", "党组织名称", "党员人数",
              "职工人数", "纬度", "经度", "坐标为估算", "可提供资源", "可结对居民区数", "入驻日期",
              "联系人"]


def ent(code, name="测试科技有限公司", zone="A", org="无", org_name="", members="0",
        employees="10", lat="31.17", lon="121.40", approx="否", offers="助餐", maxc="1",
        joined="2026-03-01", extra=None):
    row = [code, name, zone, org, org_name, members, employees, lat, lon, approx, offers, maxc,
           joined, ""]
    return row + ([extra] if extra is not None else [])


def enterprises_rows():
    return [
        ent(C1),                                        # 2 good
        ent(WRONG_CHECK),                               # 3 check character
        ent("9131010"),                                 # 4 length
        ent(C1, name="重复有限公司"),                     # 5 key twice
        ent(C3, zone="Z9"),                             # 6 unknown zone
        ent(C4, lat="123.5"),                           # 7 latitude out of range
        ent(credit("9144030019220383" + "1"), lon=""),  # 8 one coordinate
        ent(credit("9144030019220383" + "2"), org="党小组"),       # 9 unknown party_org
        ent(credit("9144030019220383" + "3"), org="联合党支部"),   # 10 joint branch unnamed
        ent(credit("9144030019220383" + "4"), joined="2026-02-30"),  # 11 bad date
        ent(credit("9144030019220383" + "5"), members="-3"),       # 12 negative count
        ent(credit("9144030019220383" + "6"), employees="十二"),   # 13 not an integer
        ent(credit("9144030019220383" + "7"), name=""),            # 14 empty required cell
        ent(credit("9144030019220383" + "8"), name=LONG_NAME),     # 15 text too long
        ent(credit("9144030019220383" + "9"), offers=LONG_ITEM + "、助餐"),  # 16 list item
        ent(credit("9144030019220384" + "0"), name="坏编码@@有限公司"),     # 17 encoding byte
        ent(credit("9144030019220384" + "1"), extra="多余"),        # 18 too many cells
        ent(credit("9144030019220384" + "2"), lat="", lon=""),     # 19 no coordinates
        ent(credit("9144030019220384" + "3"), approx="可能"),      # 20 yes/no
        ent(credit("9144030019220384" + "4"), org_name="某党支部"),  # 21 a name without a kind
        ent(credit("9144030019220384" + "5"), maxc="2000000"),     # 22 over the limit
        ent(credit("9144030019220384" + "6"), name="换行\n有限公司"),  # 23 a line break
        ent(credit("9144030019220384" + "7"), joined="2026年3月1日"),  # 24 good: Excel's date
    ]


def write_csv(path, header, rows, encoding="utf-8-sig", patch=None):
    import io
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    data = buf.getvalue().encode(encoding)
    if patch is not None:
        data = data.replace(*patch)
    with open(path, "wb") as f:
        f.write(data)


def write(out, sample):
    # enterprises: UTF-8 with its mark, one GBK pair (中, D6 D0) where "@@" stands
    write_csv(f"{out}/bad-enterprises.csv", ENT_HEADER, enterprises_rows(),
              patch=(b"@@", b"\xd6\xd0"))
    com = read(f"{sample}/utf-8/communities.csv")
    # communities: min above max; an unknown zone to place at; no coordinates
    write_csv(f"{out}/bad-communities.csv", ["居民区编码", "居民区名称", "就近片区", "纬度", "经度",
                                             "最少结对企业数", "最多结对企业数"], [
        ["310104999001", "甲居民区", "", "31.2", "121.4", "4", "3"],
        ["310104999002", "乙居民区", "Q", "31.2", "121.4", "1", "3"],
        ["310104999003", "丙居民区", "", "", "", "1", "3"],
        [com[1][0], com[1][1], "", "", "", "2", "1"],  # stored row, kept position, 2 > 1
    ])
    ents = read(f"{sample}/utf-8/enterprises.csv")
    e1, e2 = ents[1][0], ents[2][0]
    c1, c2 = com[1][0], com[2][0]
    # availability (the sample's): an instructor unavailable in some period
    av = read(f"{sample}/utf-8/availability.csv")
    busy = next(r for r in av[1:] if r[1])
    free = next(r for r in av[1:] if not r[1])
    period = busy[1].split("、")[0]
    # rules: English headers, English reasons
    write_csv(f"{out}/bad-rules.csv", ["kind", "enterprise", "community", "instructor", "zone",
                                       "period", "note"], [
        ["pin_pair", e1, c1, "", "", "", "good"],                  # 2
        ["forbid_pair", e1, c1, "", "", "", "contradicts 2"],      # 3
        ["pin_pair", credit("9144030019220385" + "0"), c2, "", "", "", "unknown"],  # 4
        ["pin_zone", "", "", busy[0], "B", period, "unavailable"],  # 5
        ["pin_zone", "", "", free[0], "A", "", "every period"],    # 6
        ["forbid_zone", "", "", free[0], "A", "2027Q3", "contradicts 6"],  # 7
        ["pin_pair", e2, "", "", "", "", "no community"],          # 8
        ["pin_pair", e2, c2, free[0], "", "", "an instructor too"],  # 9
        ["pin", e2, c2, "", "", "", "unknown kind"],                # 10
        ["pin_zone", "", "", "DJ99999", "A", "2099Q1", "unknown codes"],  # 11
    ], encoding="utf-8")
    # a good rule stored first, for the availability list to contradict
    write_csv(f"{out}/good-rules.csv", ["规则类型", "工号", "片区编码", "时段", "备注"], [
        ["指定派驻", free[0], "C", "2027Q2", "stored pin"],
    ])
    write_csv(f"{out}/bad-availability.csv", ["工号", "不可派驻时段"], [
        [free[0], "2027Q2"],         # 2 under the stored pin
        ["DJ99999", ""],             # 3 unknown instructor
        [busy[0], "2027Q9、2027Q1"],  # 4 unknown period
    ], encoding="gb18030")
    write_csv(f"{out}/bad-periods.csv", ["时段", "开始日期"], [
        ["2028Q1", "2028/1/1"],
        ["2028Q2", "2027-04-01"],  # 3: 2027Q2's start
        ["2028Q3", "2028年1月1日"],  # 4: line 2's start
    ])
    with open(f"{out}/cases.json", "w") as f:
        json.dump({"busy": busy[0], "free": free[0], "period": period}, f)


def expectations(name, cases):
    zh_no_coords = "缺少经纬度：请填写，或使用 --place-missing zone 按片区中心定位（标为估算）"
    if name == "enterprises":
        return [
            [1, "联系人", "联系人", "不是“企业名录”表的列（见 docs/import.md）"],
            [1, "行业", "", "缺少必填列"],
            [3, "统一社会信用代码", WRONG_CHECK,
             f"校验码错误：为 {WRONG_CHECK[17]}，应为 {C2[17]}（GB 32100）"],
            [4, "统一社会信用代码", "9131010", "长度为 7，统一社会信用代码应为 18 位"],
            [5, "统一社会信用代码", C1, "重复（与第 2 行相同）"],
            [6, "所属片区", "Z9", "没有此编码的片区"],
            [7, "纬度", "123.5", "纬度超出 -90 至 90"],
            [8, "经度", "", "经纬度须同时填写"],
            [9, "党组织类型", "党小组", "不是党组织类型（党委、党总支、党支部、联合党支部、无）"],
            [10, "党组织名称", "", "联合党支部须填写党组织名称（成员企业共用）"],
            [11, "入驻日期", "2026-02-30", "不是日期（应如 2026-03-01、2026/3/1、2026年3月1日）"],
            [12, "党员人数", "-3", "不能为负数"],
            [13, "职工人数", "十二", "不是整数"],
            [14, "企业名称", "", "不能为空"],
            [15, "企业名称", "名" * 26 + "…", "长度为 257 个字符，超过 256"],
            [16, "可提供资源", LONG_ITEM + "、助餐", f"“{LONG_ITEM}”长度为 65 个字符，超过 64"],
            [17, "企业名称", "坏编码\\xD6\\xD0有限公司", "含有不符合 utf-8-bom 编码的字节"],
            [18, "", "", "有 15 个单元格，表头只有 14 列"],
            [19, "纬度", "", zh_no_coords],
            [20, "坐标为估算", "可能", "应为“是”或“否”"],
            [21, "党组织名称", "某党支部", "填写了党组织名称，但党组织类型为“无”"],
            [22, "可结对居民区数", "2000000", "超出范围 0 至 1000000"],
            [23, "企业名称", "换行\\x0A有限公司", "含有换行或控制字符"],
        ]
    if name == "communities":
        return [
            [2, "最少结对企业数", "4", "最少结对企业数 4 大于最多结对企业数 3"],
            [3, "就近片区", "Q", "没有此编码的片区"],
            [4, "纬度", "", zh_no_coords],
            [5, "最少结对企业数", "2", "最少结对企业数 2 大于最多结对企业数 1"],
        ]
    if name == "rules":
        unknown = credit("9144030019220385" + "0")
        return [
            [2, "kind", "pin_pair", "contradicts the rule on line 3"],
            [3, "kind", "forbid_pair", "contradicts the rule on line 2"],
            [4, "enterprise", unknown, "no active enterprise has this credit code"],
            [5, "period", cases["period"], "the instructor is unavailable in this period"],
            [6, "kind", "pin_zone", "contradicts the rule on line 7"],
            [7, "kind", "forbid_zone", "contradicts the rule on line 6"],
            [8, "community", "", "is empty, but a pin_pair rule names one"],
            [9, "instructor", cases["free"], "a pin_pair rule does not name one"],
            [10, "kind", "pin",
             "is not a rule kind (指定结对, 禁止结对, 指定派驻, 禁止派驻; pin_pair, forbid_pair, "
             "pin_zone, forbid_zone)"],
            [11, "instructor", "DJ99999", "no active instructor has this staff number"],
            [11, "period", "2099Q1", "no active period has this label"],
        ]
    if name == "availability":
        return [
            [2, "不可派驻时段", "2027Q2", "已有规则指定该指导员在此时段派驻片区 C"],
            [3, "工号", "DJ99999", "没有此工号的在岗指导员"],
            [4, "不可派驻时段", "2027Q9", "没有此时段"],
        ]
    if name == "periods":
        return [
            [3, "开始日期", "2027-04-01", "时段 2027Q2 的开始日期与此相同"],
            [4, "开始日期", "2028年1月1日", "时段 2028Q1 的开始日期与此相同"],
        ]
    if name == "zones-in-use":
        return [
            [0, "片区编码", "D", "名单中没有此片区，但仍有 %s 家在册企业属于它：不能停用"
             % cases.get("zone_d", "?")],
        ]
    raise SystemExit(f"no expectations for {name}")


def check(name, path, cases_path):
    with open(path) as f:
        got = json.load(f)
    cases = json.load(open(cases_path)) if cases_path else {}
    want = expectations(name, cases)
    rows = [[p["line"], p["column"], p["value"], p["reason"]] for p in got["problems"]]
    bad = False
    for i in range(max(len(rows), len(want))):
        g = rows[i] if i < len(rows) else None
        w = want[i] if i < len(want) else None
        if g != w:
            print(f"{name}: problem {i}:\n  got  {g}\n  want {w}")
            bad = True
    if got["import_id"] is not None or got["new"] or got["changed"] or got["retired"]:
        print(f"{name}: a rejected list reports writing: {got}")
        bad = True
    if bad:
        sys.exit(1)
    print(f"ok: {name}: {len(rows)} problems as expected, nothing written")


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
    elif sys.argv[1] == "credit":
        print(credit(sys.argv[2]))
    elif sys.argv[1] == "codes":
        print("\n".join(codes(int(sys.argv[2]), int(sys.argv[3]))))
    elif sys.argv[1] == "gcj":
        print("%.12f %.12f" % gcj(float(sys.argv[2]), float(sys.argv[3])))
