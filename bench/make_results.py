#!/usr/bin/env python3
"""Markdown sections for RESULTS.md from the JSON files of bench_fs.py / bench_mapreduce.py.

    python bench/make_results.py bench/results/fs-*.json bench/results/mapreduce-*.json > /tmp/sections.md

Per file: the exact command, when and at which commit it ran, the machine's load, the timing
table and the targets table; at the end one table of every target.  The prose of RESULTS.md
(what is missed and why) is written by hand around these sections.
"""

from __future__ import annotations

import json
import os
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchsupport as bs  # noqa: E402


def command_of(d: dict) -> str:
    argv = list(d.get("argv") or [])
    if argv and argv[0].endswith(".py"):
        argv = ["python3", "bench/" + argv[0].rsplit("/", 1)[-1]] + argv[1:]
    return " ".join(shlex.quote(a) for a in argv)


def section(path: str, d: dict) -> tuple[str, list[dict]]:
    env = d.get("environment") or (d.get("harness") or {}).get("environment") or {}
    title = d.get("benchmark", path)
    lines = [f"### {title}", "", "```bash", command_of(d), "```", ""]
    lines.append(
        f"Commit `{d.get('git_head', '?')}`; environment captured when the run ended, {env.get('date_utc', '?')}, "
        f"load average {', '.join(f'{x:.1f}' for x in env.get('loadavg_start', [])) or '?'} (2 cores); raw data `{path}`."
    )
    if d.get("harness_argv"):
        lines += [
            "",
            "Peers harness command:",
            "",
            "```bash",
            " ".join(shlex.quote(a) for a in d["harness_argv"]),
            "```",
        ]
    fields = {"issue", "name", "value", "op", "limit", "meaning", "paired", "note"}
    targets = [bs.Target(**{k: v for k, v in t.items() if k in fields}) for t in d.get("targets", [])]
    lines += ["", d.get("table_md") or "", "", bs.targets_table(targets)]
    mem = d.get("task_memory_mib")
    if mem:
        lines += [
            "",
            "Peak task memory from pyhdp's counters (MiB): "
            + ", ".join(f"{k} {v:.0f}" if v else f"{k} -" for k, v in mem.items()),
        ]
    return "\n".join(lines) + "\n", d.get("targets", [])


def main() -> int:
    out = []
    every = []
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        text, targets = section(path, d)
        out.append(text)
        every += targets
    print("\n".join(out))
    print("### Every target\n")
    print("| issue | target | measured | required | result |\n|---|---|---|---|---|")
    for t in every:
        req = f"{t['op']} {t['limit']:g}" if t["op"] else "-"
        val = "-" if t["value"] is None else f"{t['value']:.2f}"
        name = t["name"].replace("|", "\\|")
        print(f"| {t['issue']} | {name} | {val} | {req} | {t['status']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
