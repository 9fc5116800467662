#!/usr/bin/env python3
"""Where does a pyhdp command spend its time?  Import time, cProfile, and py-spy for multi-process jobs.

    python bench/profile_pyhdp.py [--workdir DIR] [--mode importtime,cprofile] [--top 25] -- hdfs dfs -ls /
    python bench/profile_pyhdp.py --mode pyspy -- hadoop jar EXAMPLES_JAR wordcount file:///in file:///out

The command runs in the benchmarks' isolated pyhdp state (HOME = ``WORKDIR/pyhdp-home``, no site
files: run ``bench_fs.py --keep-store`` first to profile against its store).

* ``importtime``: ``python -X importtime``; prints the total and the slowest top-level imports
  (cumulative), i.e. what start-up costs before the command does anything.
* ``cprofile``: the command's ``main()`` under cProfile, in this process's child; top functions
  by cumulative and by own time.  Only the driver process is seen (not task workers).
* ``pyspy``: ``py-spy record --subprocesses --format raw`` (needs ``py-spy`` on PATH or beside
  this interpreter); own-time samples summed per function over every process of the command,
  including MapReduce task workers and streaming children.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchsupport as bs  # noqa: E402

MAIN = "import sys; from pyhdp.cli.main import main; sys.exit(main({prog!r}))"
CPROFILE = (
    "import cProfile, pstats, sys; from pyhdp.cli.main import main\n"
    "sys.argv = [{prog!r}] + sys.argv[1:]\n"
    "pr = cProfile.Profile(); rc = 0\n"
    "pr.enable()\n"
    "try:\n    rc = main({prog!r})\nexcept SystemExit as e:\n    rc = e.code\n"
    "pr.disable()\n"
    "sys.stdout.flush()\n"
    "st = pstats.Stats(pr, stream=sys.stderr); st.sort_stats('cumulative').print_stats({top})\n"
    "st.sort_stats('tottime').print_stats({top})\n"
    "sys.exit(rc or 0)\n"
)


def importtime(prog: str, args: list[str], env: dict, top: int) -> None:
    p = subprocess.run(
        [bs.base_python(), "-X", "importtime", "-c", MAIN.format(prog=prog), *args],
        env=env,
        capture_output=True,
        text=True,
    )
    rows = []
    for line in p.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            rows.append((int(m.group(2)), len(m.group(3)) // 2, m.group(4), int(m.group(1))))
    total = sum(c for c, depth, _, _ in rows if depth == 0)
    print(
        f"## importtime: {len(rows)} modules, top-level cumulative {total / 1000:.1f} ms (rc={p.returncode})"
    )
    print("| cumulative ms | self ms | depth | module |\n|---|---|---|---|")
    for cum, depth, mod, self_us in sorted(rows, key=lambda r: -r[0])[:top]:
        print(f"| {cum / 1000:.1f} | {self_us / 1000:.1f} | {depth} | {mod} |")
    pyhdp = sorted((r for r in rows if r[2].startswith("pyhdp")), key=lambda r: -r[3])[:top]
    print("\npyhdp modules by own import time:", ", ".join(f"{m} {s / 1000:.1f} ms" for _, _, m, s in pyhdp))


def cprofile(prog: str, args: list[str], env: dict, top: int) -> None:
    print(f"## cProfile of {prog} {' '.join(args)}")
    p = subprocess.run(
        [bs.base_python(), "-c", CPROFILE.format(prog=prog, top=top), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    print(f"rc={p.returncode}\n```\n{p.stderr.strip()}\n```")


def find_pyspy(given: str | None = None) -> str | None:
    for cand in (given, shutil.which("py-spy"), os.path.join(os.path.dirname(sys.executable), "py-spy")):
        if cand and os.path.exists(cand):
            return cand
    return None


def pyspy(prog: str, args: list[str], env: dict, top: int, rate: int, given: str | None = None) -> None:
    exe = find_pyspy(given)
    if not exe:
        print("py-spy not found (pip install py-spy)")
        return
    with tempfile.TemporaryDirectory() as d:
        raw = os.path.join(d, "out.txt")
        cmd = [
            exe,
            "record",
            "--subprocesses",
            "--format",
            "raw",
            "--rate",
            str(rate),
            "-o",
            raw,
            "--",
            bs.base_python(),
            "-c",
            MAIN.format(prog=prog),
            *args,
        ]
        p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if not os.path.exists(raw):
            print(f"py-spy wrote nothing (rc={p.returncode}): {p.stderr[-1000:]}")
            return
        own: collections.Counter = collections.Counter()
        incl: collections.Counter = collections.Counter()
        total = 0
        for line in open(raw, encoding="utf-8", errors="replace"):
            stack, _, n = line.rstrip("\n").rpartition(" ")
            if not n.isdigit():
                continue
            frames = stack.split(";")
            k = int(n)
            total += k
            # frames: "process ...;thread ...;func (file:line);..." -> drop line numbers to group per function
            funcs = [re.sub(r":\d+\)$", ")", f) for f in frames if "(" in f]
            if funcs:
                own[funcs[-1]] += k
                for f in set(funcs):
                    incl[f] += k
    print(f"## py-spy (all processes), {total} samples at {rate} Hz (rc={p.returncode})")
    print("| own % | function |\n|---|---|")
    for f, k in own.most_common(top):
        print(f"| {100 * k / max(total, 1):.1f} | {f} |")
    print("\n| inclusive % | function |\n|---|---|")
    for f, k in incl.most_common(top):
        print(f"| {100 * k / max(total, 1):.1f} | {f} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--workdir", default=None, help="scratch dir (default $PYHDP_BENCH_WORKDIR or /tmp/pyhdp-bench)"
    )
    ap.add_argument("--mode", default="importtime,cprofile", help="importtime, cprofile, pyspy (comma list)")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--rate", type=int, default=200, help="py-spy samples per second")
    ap.add_argument("--py-spy", default=None, help="the py-spy binary (default: on PATH or beside python)")
    ap.add_argument(
        "command", nargs=argparse.REMAINDER, help="-- PROG ARGS... (PROG: hadoop, hdfs, mapred, yarn)"
    )
    a = ap.parse_args()
    cmd = a.command[1:] if a.command[:1] == ["--"] else a.command
    if not cmd or cmd[0] not in ("hadoop", "hdfs", "mapred", "yarn", "pyhdp"):
        ap.error("give the command after --, e.g. -- hdfs dfs -ls /")
    workdir = bs.default_workdir() if a.workdir is None else Path(a.workdir).resolve()
    env = bs.pyhdp_environ(workdir)
    bs.compile_pyhdp()
    env["PYTHONPATH"] = str(bs.REPO / "src") + os.pathsep + env.get("PYTHONPATH", "")
    prog, args = cmd[0], cmd[1:]
    for mode in [m for m in a.mode.split(",") if m]:
        if mode == "importtime":
            importtime(prog, args, env, a.top)
        elif mode == "cprofile":
            cprofile(prog, args, env, a.top)
        elif mode == "pyspy":
            pyspy(prog, args, env, a.top, a.rate, a.py_spy)
        else:
            ap.error(f"unknown mode {mode}")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
