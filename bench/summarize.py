#!/usr/bin/python3
"""bench/summarize.py RAW PREFIX - bench/run's raw results (one JSON object a
line) as PREFIX.csv (one row per scale and tool: status, objective, bound,
gap, seconds min and median over the runs, peak RSS) and PREFIX.md (one
table per scale, and the stale plan in force).  Seconds are wall-clock:
a part's own (from the plan), a process's (GNU time), LEMON's set-up and
run (bench/lemon_alone, the file's reading left out)."""
import csv
import json
import statistics
import sys

SCALES = ("park", "district", "city")


def num(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def mib(kib):
    k = num(kib)
    return None if k is None else round(k / 1024)


def main(raw, prefix):
    rows = [json.loads(line) for line in open(raw) if line.strip()]
    machine = next((r for r in rows if r.get("kind") == "machine"), {})
    out = []  # dicts: the CSV rows

    def add(scale, ents, tool, status="", obj="", bound="", gap="", secs=(), kib=(), note=""):
        secs = [s for s in (num(x) for x in secs) if s is not None]
        peaks = [p for p in (mib(k) for k in kib) if p is not None]
        out.append({"date": machine.get("date", ""), "scale": scale, "enterprises": ents,
                    "tool": tool, "status": status, "objective": obj, "bound": bound,
                    "gap": gap, "s_min": f"{min(secs):.3f}" if secs else "",
                    "s_median": f"{statistics.median(secs):.3f}" if secs else "",
                    "runs": len(secs), "peak_mib": max(peaks) if peaks else "", "note": note})

    for scale in SCALES:
        mine = [r for r in rows if r.get("scale") == scale]
        if not mine:
            continue
        load = next(r for r in mine if r["kind"] == "load")
        ents = load.get("enterprises", "")
        add(scale, ents, "load", "exit " + load["rc"], secs=[load["s"]], kib=[load["kib"]],
            note=f"{ents} enterprises, {load.get('communities')} communities, "
                 f"{load.get('instructors')} instructors, {load.get('zones')} zones")
        solves = [r for r in mine if r["kind"] == "solve"]
        if solves:
            last = solves[-1]
            for part, key in (("pairing", "P"), ("roster", "R")):
                sts = [r[f"{part}_status"] for r in solves]
                status = f"{sts[0]} x{len(sts)}" if len(set(sts)) == 1 else ", ".join(sts)
                # the run with the widest gap stands for all
                worst = max(solves, key=lambda r: num(r[f"{part}_gap"]) or 0)
                add(scale, ents, part, status, worst[f"{part}_{key}"], worst[f"{part}_bound"],
                    worst[f"{part}_gap"], secs=[r[f"{part}_s"] for r in solves],
                    note=last.get(f"{part}_method", "").replace("_", " "))
            add(scale, ents, "solve", "exit " + last["rc"], secs=[r["s"] for r in solves],
                kib=[r["kib"] for r in solves], note="parkplanctl solve, default limits")
        rep = next((r for r in mine if r["kind"] == "replan"), None)
        if rep:
            st = rep.get("status", "exit " + rep.get("rc", "?"))
            for what in ("load", "solve", "store"):
                add(scale, ents, f"daemon_{what}", st, secs=[rep.get(f"{what}_s")])
            add(scale, ents, "daemon_end", st, secs=[rep.get("end_s")], kib=[rep.get("daemon_kib")],
                note=f"pairing {rep.get('pairing', '')}, roster {rep.get('roster', '')}; "
                     f"the client waited {num(rep.get('client_s')) or 0:.2f} s")
        chk = next((r for r in mine if r["kind"] == "check"), None)
        if chk:
            add(scale, ents, "check", chk["result"].replace("_", " "))
        exp = next((r for r in mine if r["kind"] == "export"), None)
        if exp:
            add(scale, ents, "export", "exit " + exp["rc"], secs=[exp["s"]], kib=[exp["kib"]],
                note=f"LP {exp['pairing_mb']} + {exp['roster_mb']} MB, network {exp['network_mb']} MB")
        for algo in ("ns", "cs"):
            ls = [r for r in mine if r["kind"] == "lemon" and r["algo"] == algo]
            if ls:
                add(scale, ents, f"lemon_{algo}", "optimal" if ls[-1]["rc"] == "0" else "failed",
                    ls[-1].get("P", ""), secs=[r["total"] for r in ls], kib=[r["kib"] for r in ls],
                    note=f"{ls[-1].get('nodes')} nodes, {ls[-1].get('arcs')} arcs")
        for tool in ("cbc", "glpsol"):
            for part in ("pairing", "roster"):
                r = next((r for r in mine if r["kind"] == tool and r["part"] == part), None)
                if r:
                    # glpsol prints an objective of 0 with no solution
                    obj = "" if "UNDEFINED" in r["result"] else r.get("obj", "")
                    add(scale, ents, f"{tool}_{part}", r["result"].replace("_", " "), obj,
                        secs=[r["s"]], kib=[r["kib"]])
        for r in (r for r in mine if r["kind"] == "stale"):
            add(scale, ents, f"stale_{r['max_changes']}", r["pairing_status"], r["pairing_P"],
                r["pairing_bound"], r["pairing_gap"], secs=[r["pairing_s"]], kib=[r["kib"]],
                note=f"{r.get('pairing_method', '').replace('_', ' ')}; plan in force "
                     f"{r.get('prev')} pairs, {r.get('dropped')} dropped; solve {r['s']} s")

    fields = ["date", "scale", "enterprises", "tool", "status", "objective", "bound", "gap",
              "s_min", "s_median", "runs", "peak_mib", "note"]
    with open(prefix + ".csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(out)

    names = {"load": "snapshot load (parkplanctl snapshot)", "pairing": "parkplan pairing",
             "roster": "parkplan roster", "solve": "parkplan end to end (solve)",
             "check": "plan vs docs/model.md", "export": "exports (LP + network, in the child)",
             "daemon_load": "parkpland re-plan: load", "daemon_solve": "parkpland re-plan: solve",
             "daemon_store": "parkpland re-plan: store",
             "daemon_end": "parkpland re-plan: end to end (load, solve, store)",
             "lemon_ns": "LEMON NetworkSimplex alone", "lemon_cs": "LEMON CostScaling alone",
             "cbc_pairing": "CBC, pairing LP", "cbc_roster": "CBC, roster LP",
             "glpsol_pairing": "GLPK glpsol, pairing LP", "glpsol_roster": "GLPK glpsol, roster LP"}
    md = [f"Measured {machine.get('date', '')} (load average {machine.get('load', '?')}), {machine.get('cores', '?')} cores "
          f"({machine.get('cpu', '')}), GLPK {machine.get('glpk', '?')}, CBC "
          f"{machine.get('cbc', '?')}, LEMON {machine.get('lemon', '?')}; "
          f"{machine.get('runs', '?')} runs where seconds show min / median; CBC and glpsol "
          f"limited to {machine.get('secs', '?')} s a model.", ""]
    for scale in SCALES:
        rs = [r for r in out if r["scale"] == scale and not r["tool"].startswith("stale")]
        if not rs:
            continue
        md += [f"### {scale} ({rs[0]['note']})", "",
               "| | status | objective | gap | seconds (min / median) | peak RSS MiB | |",
               "|---|---|---:|---:|---:|---:|---|"]
        for r in rs:
            gap = num(r["gap"])
            s = r["s_min"] if r["runs"] in (0, 1) else f"{r['s_min']} / {r['s_median']}"
            md.append(f"| {names.get(r['tool'], r['tool'])} | {r['status']} | {r['objective']} | "
                      f"{'' if gap is None else f'{100 * gap:.3f} %'} | {s} | {r['peak_mib']} | "
                      f"{r['note'] if r['tool'] != 'load' else ''} |")
        pair = next((r for r in rs if r["tool"] == "pairing"), None)
        ns = next((r for r in rs if r["tool"] == "lemon_ns"), None)
        if pair and ns and num(ns["s_median"]):
            md.append(f"| pairing / LEMON NetworkSimplex alone (medians) | | | | "
                      f"{num(pair['s_median']) / num(ns['s_median']):.2f} | | |")
        md.append("")
    st = [r for r in out if r["tool"].startswith("stale")]
    if st:
        md += ["### district, a stale plan in force (bench/stale.py), default limits", "",
               "| max_changes | status | P | bound | gap | pairing seconds | peak RSS MiB | |",
               "|---|---|---:|---:|---:|---:|---:|---|"]
        for r in st:
            gap = num(r["gap"])
            md.append(f"| {r['tool'][6:]} | {r['status']} | {r['objective']} | {r['bound']} | "
                      f"{'' if gap is None else f'{100 * gap:.3f} %'} | {r['s_min']} | "
                      f"{r['peak_mib']} | {r['note']} |")
        md.append("")
    open(prefix + ".md", "w").write("\n".join(md))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
