#!/usr/bin/python3
"""The merge and report step of scripts/coverage.sh (--report-only) on two
small coverage files written here in Verilator's format: counts summed
across runs, line points counted as lines and toggle and cover points not,
the uncovered line and the missed cover point named, the HTML page and the
annotated sources written. Usage: coverage_check.py OUTDIR."""
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from rtl_coverage import points  # noqa: E402  (scripts/rtl_coverage.py)

out = os.path.abspath(sys.argv[1])
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
shutil.rmtree(out, ignore_errors=True)
os.makedirs(os.path.join(out, "dat"))


def point(f, line, page, o, h, count, s=None):
    keys = [("f", f), ("l", str(line)), ("n", "3"), ("page", page), ("o", o)]
    if s:
        keys.append(("S", s))
    keys.append(("h", h))
    return "C '" + "".join(f"\x01{k}\x02{v}" for k, v in keys) + f"' {count}\n"


gear, top = "rtl/nb_gearbox.sv", "rtl/nb_top.sv"
# (line 29 block, line 40 if-branch, two toggle points, two cover points) x two runs
runs = [[(gear, 29, "v_line/nb_gearbox", "block", "top.nb_top.u_gear", 5, "29-30"),
         (gear, 40, "v_branch/nb_gearbox", "if", "top.nb_top.u_gear", 0, "40"),
         (gear, 12, "v_toggle/nb_gearbox", "in_valid_i", "top.nb_top.u_gear", 0),
         (gear, 15, "v_toggle/nb_gearbox", "in_last_i", "top.nb_top.u_gear", 0),
         (top, 1100, "v_user/nb_top", "c_x", "top.nb_top", 0),
         (top, 1101, "v_user/nb_top", "c_y", "top.nb_top", 0)],
        [(gear, 29, "v_line/nb_gearbox", "block", "top.nb_top.u_gear", 2, "29-30"),
         (gear, 40, "v_branch/nb_gearbox", "if", "top.nb_top.u_gear", 0, "40"),
         (gear, 12, "v_toggle/nb_gearbox", "in_valid_i", "top.nb_top.u_gear", 3),
         (gear, 15, "v_toggle/nb_gearbox", "in_last_i", "top.nb_top.u_gear", 0),
         (top, 1100, "v_user/nb_top", "c_x", "top.nb_top", 1),
         (top, 1101, "v_user/nb_top", "c_y", "top.nb_top", 0)]]
for i, pts in enumerate(runs):
    with open(os.path.join(out, "dat", f"run{i}.dat"), "w", encoding="latin-1") as f:
        f.write("# SystemC::Coverage-3\n" + "".join(point(*p) for p in pts))

subprocess.run(["bash", os.path.join(root, "scripts", "coverage.sh"), "--report-only"], check=True,
               env=dict(os.environ, NB_COVERAGE_OUT=out))
s = json.load(open(os.path.join(out, "summary.json")))
info = open(os.path.join(out, "coverage.info")).read()
merged = os.path.join(out, "merged.dat")
checks = {
    "lines 2 of 3 (29, 30 hit; 40 not; no toggle lines)": (s["line"]["hit"], s["line"]["total"]) == (2, 3),
    "line 29 counted 7 (5 + 2)": any(c == 7 and f.get("l") == "29" for f, c, _ in points(merged)),
    "line 29 in the lcov data": "DA:29," in info and "DA:12," not in info,
    "toggle 1 of 2": (s["toggle"]["hit"], s["toggle"]["total"]) == (1, 2),
    "cover 1 of 2": (s["cover"]["hit"], s["cover"]["total"]) == (1, 2),
    "uncovered line named": s["uncovered_lines"] == ["rtl/nb_gearbox.sv:40"],
    "missed cover point named": len(s["cover_missed"]) == 1 and s["cover_missed"][0].startswith("top.nb_top.c_y"),
    "HTML page": os.path.exists(os.path.join(out, "html", "index.html")),
    "annotated source": os.path.exists(os.path.join(out, "annotated", "nb_gearbox.sv")),
}
bad = [k for k, ok in checks.items() if not ok]
print("\n".join(f"{'ok  ' if ok else 'FAIL'} {k}" for k, ok in checks.items()))
sys.exit(1 if bad else 0)
