#!/usr/bin/python3
"""The steps of scripts/coverage.sh that are not a tool's own (docs/coverage.md).

  rtl_coverage.py runs BUILD OUT [CTEST_ARGS...]
      the co-simulation tests of the suite (ctest's list; CTEST_ARGS select it) with their verilated
      model replaced by its coverage build: OUT/runs.json; prints their number
  rtl_coverage.py run OUT INDEX
      runs test INDEX of OUT/runs.json (coverage data into OUT/dat), judges it as ctest would
      (exit status, WILL_FAIL, PASS/FAIL_REGULAR_EXPRESSION); prints PASS or FAIL
  rtl_coverage.py lines IN.dat OUT.dat
      only the line coverage points (Verilator's v_line and v_branch pages) of IN.dat, for the lcov data
  rtl_coverage.py table MERGED.dat LINES.info OUT
      the table: per RTL file line and toggle coverage, the cover points hit/total; OUT/summary.txt
      (with the uncovered lines and cover points) and OUT/summary.json
"""
import json
import os
import re
import subprocess
import sys
import time
from collections import defaultdict


def points(path):
    """The coverage points of a Verilator .dat file: (fields, count, line of the file)."""
    with open(path, encoding="latin-1") as f:
        for line in f:
            if not line.startswith("C '"):
                continue
            q = line.rfind("'")
            fields = dict(part.split("\x02", 1) for part in line[3:q].split("\x01")[1:])
            yield fields, int(line[q + 1:]), line


def kind(fields):
    """line, toggle or user (cover statements), from the point's page."""
    page = fields.get("page", "").split("/")[0]
    return {"v_line": "line", "v_branch": "line", "v_toggle": "toggle", "v_user": "user"}.get(page, page)


# ------------------------------------------------------------------ runs
def cmd_runs(build, out, ctest_args):
    configs = re.findall(r'^\s*"(\w+) ', open(os.path.join(os.path.dirname(__file__), "..", "rtl", "configs.cmake")).read(),
                         re.M)
    listing = subprocess.run(["ctest", "--show-only=json-v1"] + ctest_args, cwd=build, check=True,
                             capture_output=True, text=True).stdout
    models = {os.path.join(os.path.abspath(build), "sim", "nb_rtl_" + c): c for c in configs}
    runs = []
    for t in json.loads(listing)["tests"]:
        cmd = t.get("command") or []
        if not any(a in models for a in cmd):
            continue  # not a co-simulation of a built configuration
        props = {p["name"]: p["value"] for p in t.get("properties", [])}
        runs.append({"name": t["name"], "command": [a + "_cov" if a in models else a for a in cmd],
                     "cwd": props.get("WORKING_DIRECTORY", build), "will_fail": bool(props.get("WILL_FAIL")),
                     "pass_regex": props.get("PASS_REGULAR_EXPRESSION", []),
                     "fail_regex": props.get("FAIL_REGULAR_EXPRESSION", [])})
    with open(os.path.join(out, "runs.json"), "w") as f:
        json.dump(runs, f, indent=1)
    print(len(runs))


def cmd_run(out, index):
    r = json.load(open(os.path.join(out, "runs.json")))[int(index)]
    env = dict(os.environ, NB_COVERAGE_DIR=os.path.abspath(os.path.join(out, "dat")))
    t0 = time.time()
    p = subprocess.run(r["command"], cwd=r["cwd"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, errors="replace")
    with open(os.path.join(out, "logs", r["name"] + ".log"), "w") as f:
        f.write(" ".join(r["command"]) + "\n" + p.stdout)
    # ctest's rules: a regular expression to pass replaces the exit status
    ok = any(re.search(x, p.stdout) for x in r["pass_regex"]) if r["pass_regex"] else p.returncode == 0
    ok = ok and not any(re.search(x, p.stdout) for x in r["fail_regex"])
    ok = ok != r["will_fail"]
    print(f"coverage: {'PASS' if ok else 'FAIL'} {r['name']} ({time.time() - t0:.0f} s)", flush=True)
    return 0 if ok else 1


def cmd_lines(src, dst):
    with open(dst, "w", encoding="latin-1") as f:
        f.write("# SystemC::Coverage-3\n")
        for fields, _, line in points(src):
            if kind(fields) == "line":
                f.write(line)


# ------------------------------------------------------------------ table
def lcov_lines(info):
    """file -> {line: count} of an lcov .info file."""
    out, sf = {}, None
    for line in open(info):
        if line.startswith("SF:"):
            sf = out.setdefault(line[3:].strip(), {})
        elif line.startswith("DA:") and sf is not None:
            n, c = line[3:].split(",")[:2]
            sf[int(n)] = sf.get(int(n), 0) + int(c)
    return out


def pct(hit, total):
    return 100.0 * hit / total if total else 100.0


def cmd_table(merged, info, out):
    lines = lcov_lines(info)
    # Points of every configuration merge at the source: a toggle point by
    # file, line and signal bit, a cover point by instance and name.
    toggles = defaultdict(int)
    covers = defaultdict(int)
    cover_where = {}
    for fields, count, _ in points(merged):
        k = kind(fields)
        if k == "toggle":
            toggles[(fields["f"], fields["l"], fields.get("h", ""), fields.get("o", ""))] += count
        elif k == "user":
            key = (fields.get("h", ""), fields.get("o", ""))
            covers[key] += count
            cover_where[key] = (fields["f"], int(fields["l"]))
    files = sorted(set(lines) | {k[0] for k in toggles} | {v[0] for v in cover_where.values()})
    rows, tot = [], defaultdict(int)
    for f in files:
        lf = len(lines.get(f, {}))
        lh = sum(1 for c in lines.get(f, {}).values() if c > 0)
        tf = sum(1 for k in toggles if k[0] == f)
        th = sum(1 for k, c in toggles.items() if k[0] == f and c > 0)
        cf = sum(1 for k in covers if cover_where[k][0] == f)
        ch = sum(1 for k, c in covers.items() if cover_where[k][0] == f and c > 0)
        rows.append((os.path.relpath(f), lh, lf, th, tf, ch, cf))
        for name, v in zip(("lh", "lf", "th", "tf", "ch", "cf"), (lh, lf, th, tf, ch, cf)):
            tot[name] += v
    text = [f"{'file':<22} {'lines':>18} {'toggle points':>21} {'cover points':>13}"]
    for name, lh, lf, th, tf, ch, cf in rows + [("total", tot["lh"], tot["lf"], tot["th"], tot["tf"], tot["ch"],
                                                 tot["cf"])]:
        covtxt = f"{ch}/{cf}" if cf else "-"
        text.append(f"{name:<22} {f'{lh}/{lf}':>11} {pct(lh, lf):5.1f}% {f'{th}/{tf}':>13} {pct(th, tf):5.1f}% "
                    f"{covtxt:>13}")
    text.append("")
    text.append("uncovered lines (file:line: source):")
    uncovered = []
    for f in files:
        src = open(f).read().split("\n") if os.path.exists(f) else []
        for n in sorted(lines.get(f, {})):
            if lines[f][n] == 0:
                code = src[n - 1].strip() if n - 1 < len(src) else ""
                uncovered.append(f"{os.path.relpath(f)}:{n}")
                text.append(f"  {os.path.relpath(f)}:{n}: {code}")
    text.append("cover points not hit:")
    missed = sorted(f"{h}.{o} ({os.path.relpath(cover_where[(h, o)][0])}:{cover_where[(h, o)][1]})"
                    for (h, o), c in covers.items() if c == 0)
    text += [f"  {m}" for m in missed] or ["  (none)"]
    print("\n".join(text))
    with open(os.path.join(out, "summary.txt"), "w") as f:
        f.write("\n".join(text) + "\n")
    summary = {"line": {"hit": tot["lh"], "total": tot["lf"], "percent": round(pct(tot["lh"], tot["lf"]), 2)},
               "toggle": {"hit": tot["th"], "total": tot["tf"], "percent": round(pct(tot["th"], tot["tf"]), 2)},
               "cover": {"hit": tot["ch"], "total": tot["cf"]},
               "files": [dict(zip(("file", "lines_hit", "lines", "toggle_hit", "toggle", "cover_hit", "cover"), r))
                         for r in rows],
               "uncovered_lines": uncovered, "cover_missed": missed}
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[:1] == ["runs"] and len(a) >= 3:
        cmd_runs(a[1], a[2], a[3:])
    elif a[:1] == ["run"] and len(a) == 3:
        sys.exit(cmd_run(a[1], a[2]))
    elif a[:1] == ["lines"] and len(a) == 3:
        cmd_lines(a[1], a[2])
    elif a[:1] == ["table"] and len(a) == 4:
        cmd_table(a[1], a[2], a[3])
    else:
        sys.exit(__doc__)
