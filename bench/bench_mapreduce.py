#!/usr/bin/env python3
"""Issue 4 speed targets: pyhdp's MapReduce (local runner) in the same interleaved run as the peers.

    python bench/bench_mapreduce.py wordcount --size 100M [--rounds 3] [--peer-systems ...] [--pyhdp-systems ...]
    python bench/bench_mapreduce.py sort --records 10000000 [--rounds 2] [--reduces 2]

This drives the peers harness (``../shared/bench-peers/bench_wordcount.py`` / ``bench_sort.py``;
``--peers DIR`` overrides) with pyhdp added through its ``--extra`` / ``--pyhdp`` hooks, so
pyhdp runs in the same rotating rounds as real Hadoop local mode, madoop, the Python Counter
floors, ..., and its output is verified by the harness like theirs (word->count SHA-256 /
byte-identical sorted records).  Then it evaluates the issue-4 targets from that one run,
reads the task counters pyhdp printed (Map output records, Peak Map/Reduce Physical memory),
prints Markdown tables and writes ``bench/results/mapreduce-*.json``.

pyhdp systems (local files given as file:// URIs; run with HOME=WORKDIR/pyhdp-home, i.e. a fresh
install's state with no site files, so history and task dirs never touch the user's ~/.pyhdp):

  pyhdp-examples          hadoop jar .../hadoop-mapreduce-examples-3.4.1.jar wordcount file://IN file://OUT
  pyhdp-pyjob             hadoop jar bench/jobs/wordcount_job.py file://IN file://OUT
                          (a plain Job: one record per word, combiner, reducer)
  pyhdp-streaming         mapred streaming -input file://IN -output file://OUT -mapper stream_mapper
                          -combiner stream_reducer -reducer stream_reducer   (the peers' Python scripts)
  pyhdp-streaming-nocomb  the same without -combiner (as madoop runs them)
  pyhdp (sort)            hadoop jar .../hadoop-mapreduce-examples-3.4.1.jar terasort
                          -D mapreduce.job.reduces=R file://IN file://OUT

Peer systems (``--peer-systems``) are the harness's names: hadoop-local, python-counter,
python-counter-2p, madoop, spark-local2, dask-bag-2p, coreutils-sort-uniq, awk-hash, mrjob-local,
...; for sort: hadoop-sort, coreutils-sort, python-sorted.  ``--python`` is the interpreter that
has the peers' packages (pyspark, mrjob, dask, madoop); pyhdp runs on its own installation.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchsupport as bs  # noqa: E402

WC_PYHDP = {
    "pyhdp-examples": 'HOME="{home}" "{hadoop}" jar "{examples_jar}" wordcount {defines}file://{{input}} file://{{out}}',
    "pyhdp-pyjob": 'HOME="{home}" "{hadoop}" jar "{pyjob}" {defines}file://{{input}} file://{{out}}',
    "pyhdp-streaming": 'HOME="{home}" "{mapred}" streaming {defines}-input file://{{input}} -output file://{{out}} '
    '-mapper "{{bin}}/stream_mapper" -combiner "{{bin}}/stream_reducer" -reducer "{{bin}}/stream_reducer"',
    "pyhdp-streaming-nocomb": 'HOME="{home}" "{mapred}" streaming {defines}-input file://{{input}} -output file://{{out}} '
    '-mapper "{{bin}}/stream_mapper" -reducer "{{bin}}/stream_reducer"',
}
SORT_PYHDP = (
    'HOME="{home}" "{hadoop}" jar "{examples_jar}" terasort -D mapreduce.job.reduces={{reduces}} {defines}'
    "file://{{input}} file://{{out}}"
)
WC_PEERS_DEFAULT = "hadoop-local,python-counter,python-counter-2p,madoop"
SORT_PEERS_DEFAULT = "hadoop-sort,coreutils-sort,python-sorted"
COUNTER_RE = re.compile(r"^\s*([A-Za-z][^=\n]*?)=(\d+)\s*$", re.M)


def write_stream_bin(bindir: Path, peers: Path, python: str) -> None:
    """The peers' stream_mapper/stream_reducer as executables with ``#!python`` (as the harness makes them)."""
    bindir.mkdir(parents=True, exist_ok=True)
    for name in ("stream_mapper", "stream_reducer"):
        body = (peers / "peers" / f"{name}.py").read_text().split("\n", 1)[1]
        dst = bindir / name
        dst.write_text(f"#!{python}\n{body}")
        dst.chmod(0o755)


def log_offsets(logdir: Path, names: list[str], prefix: str = "") -> dict[str, int]:
    return {
        n: (logdir / f"{prefix}{n}.log").stat().st_size if (logdir / f"{prefix}{n}.log").exists() else 0
        for n in names
    }


def counters_from_log(path: Path, offset: int) -> list[dict[str, int]]:
    """Counter blocks (``Counters: N`` ... ) pyhdp printed in this run's part of a harness log."""
    if not path.exists():
        return []
    with open(path, "rb") as f:
        f.seek(offset)
        text = f.read().decode("utf-8", "replace")
    blocks = []
    for part in re.split(r"\n\$ ", text)[1:] if "\n$ " in text else [text]:
        i = part.find("Counters:")
        if i < 0:
            continue
        blocks.append({k.strip(): int(v) for k, v in COUNTER_RE.findall(part[i:])})
    return blocks


def task_memory(blocks: list[dict[str, int]]) -> float | None:
    peaks = [
        b.get(k)
        for b in blocks
        for k in ("Peak Map Physical memory (bytes)", "Peak Reduce Physical memory (bytes)")
    ]
    peaks = [p for p in peaks if p]
    return max(peaks) / bs.MIB if peaks else None


def io_sort_mb(defines: list[str], home: Path) -> int:
    for d in defines:
        k, _, v = d.partition("=")
        if k.strip() == "mapreduce.task.io.sort.mb":
            return int(v)
    try:
        from pyhdp.conf import load_configuration

        conf = load_configuration(str(home / ".pyhdp" / "conf"))
        return conf.get_int("mapreduce.task.io.sort.mb", 100)
    except Exception:  # noqa: BLE001 - pyhdp's conf is broken: Hadoop's default
        return 100


def run_harness(argv: list[str]) -> int:
    print("$ " + " ".join(argv), flush=True)
    return subprocess.run(argv).returncode


def rows_by_system(data: dict) -> dict[str, dict]:
    return {r["system"]: r for r in data.get("rows", [])}


def ratio(a: dict | None, b: dict | None) -> float | None:
    """time(a) / time(b) at equal work (MB/s based, so it holds for equal input sizes)."""
    if not a or not b or not a.get("mb_per_s") or not b.get("mb_per_s"):
        return None
    return b["mb_per_s"] / a["mb_per_s"]


def paired(data: dict, a: str, b: str) -> float | None:
    runs = data.get("runs", {})
    if a not in runs or b not in runs:
        return None
    rows = rows_by_system(data)
    if rows.get(a, {}).get("input_mb") != rows.get(b, {}).get("input_mb"):
        return None
    return bs.paired_ratio(runs[a], runs[b])


def inv(x: float | None) -> float | None:
    return 1 / x if x else None


def wordcount_targets(data: dict, size_label: str, blocks: dict[str, list]) -> list[bs.Target]:
    rows = rows_by_system(data)
    t: list[bs.Target] = []
    ex, pj = rows.get("pyhdp-examples"), rows.get("pyhdp-pyjob")
    counter, hadoop, madoop = rows.get("python-counter"), rows.get("hadoop-local"), rows.get("madoop")
    if ex:
        t.append(
            bs.Target(
                4,
                f"examples WordCount vs 1-process Counter, {size_label}",
                ratio(ex, counter),
                "<=",
                1.0,
                "pyhdp s / Counter s",
                paired(data, "pyhdp-examples", "python-counter"),
                "target size 1 GiB",
            )
        )
        t.append(
            bs.Target(
                4,
                f"examples WordCount vs Hadoop local, {size_label}",
                inv(ratio(ex, hadoop)),
                ">=",
                2.5,
                "Hadoop s / pyhdp s",
                inv(paired(data, "pyhdp-examples", "hadoop-local")),
                "the issue's 'i.e.'",
            )
        )
    if pj:
        t.append(
            bs.Target(
                4,
                f"plain Python job vs 1-process Counter, {size_label}",
                ratio(pj, counter),
                "",
                0,
                "pyhdp s / Counter s",
                paired(data, "pyhdp-pyjob", "python-counter"),
            )
        )
        t.append(
            bs.Target(
                4,
                f"plain Python job vs Hadoop local, {size_label}",
                inv(ratio(pj, hadoop)),
                "",
                0,
                "Hadoop s / pyhdp s",
                inv(paired(data, "pyhdp-pyjob", "hadoop-local")),
            )
        )
    for name in ("pyhdp-streaming", "pyhdp-streaming-nocomb"):
        st = rows.get(name)
        if not st:
            continue
        label = "Streaming" + (
            " (no combiner, as madoop)" if name.endswith("nocomb") else " (with -combiner)"
        )
        t.append(
            bs.Target(
                4,
                f"{label} vs madoop, {size_label}",
                inv(ratio(st, madoop)),
                ">=",
                4,
                "madoop s / pyhdp s",
                inv(paired(data, name, "madoop")),
                "target size 100 MB",
            )
        )
        t.append(
            bs.Target(
                4,
                f"{label} vs Hadoop local, {size_label}",
                ratio(st, hadoop),
                "",
                0,
                "pyhdp s / Hadoop s",
                paired(data, name, "hadoop-local"),
            )
        )
    tokens = next(iter(data.get("reference_counts", {}).values()), {}).get("tokens")
    for name, bl in blocks.items():
        mor = [b.get("Map output records") for b in bl if b.get("Map output records") is not None]
        if mor and tokens and name in ("pyhdp-examples", "pyhdp-pyjob"):
            t.append(
                bs.Target(
                    4,
                    f"{name}: counter Map output records = tokens ({tokens:,})",
                    float(all(m == tokens for m in mor)),
                    ">=",
                    1,
                    "1 = every run consistent",
                )
            )
    return t


def sort_targets(data: dict, blocks: list, sort_mb: int) -> list[bs.Target]:
    rows = rows_by_system(data)
    p, gnu, hadoop = rows.get("pyhdp"), rows.get("coreutils-sort"), rows.get("hadoop-sort")
    mb = data.get("mb", 0)
    label = f"{mb:.0f} MB"
    t = [
        bs.Target(
            4,
            f"terasort vs GNU sort, {label}",
            ratio(p, gnu),
            "<=",
            2,
            "pyhdp s / sort s",
            paired(data, "pyhdp", "coreutils-sort"),
        ),
        bs.Target(
            4,
            f"terasort vs Hadoop local, {label}",
            inv(ratio(p, hadoop)),
            ">=",
            1.5,
            "Hadoop s / pyhdp s",
            inv(paired(data, "pyhdp", "hadoop-sort")),
        ),
    ]
    peak = task_memory(blocks)
    t.append(
        bs.Target(
            4,
            f"terasort peak task memory (MiB, counters), io.sort.mb={sort_mb}",
            peak,
            "<=",
            sort_mb + 200,
            "max Peak Map/Reduce Physical memory",
        )
    )
    if p and p.get("peak_mb_max"):
        t.append(
            bs.Target(
                4,
                "terasort peak RSS of any process incl. the driver (MB, wait4)",
                p["peak_mb_max"],
                "",
                0,
                "max RSS",
            )
        )
    return t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("kind", choices=("wordcount", "sort"))
    ap.add_argument("--size", default="100M", help="wordcount corpus: 10M, 100M, 1G (10^9), 1GiB (2^30)")
    ap.add_argument("--input", default=None, help="wordcount: an existing corpus instead of datagen's")
    ap.add_argument("--records", type=int, default=10_000_000, help="sort: 100-byte records (10M = 1 GB)")
    ap.add_argument("--reduces", type=int, default=2, help="sort: reducers (Hadoop's and pyhdp's)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument(
        "--peer-systems",
        default=None,
        help=f"peer systems (wordcount default {WC_PEERS_DEFAULT}; sort default {SORT_PEERS_DEFAULT})",
    )
    ap.add_argument(
        "--pyhdp-systems",
        default=None,
        help="wordcount: any of " + ",".join(WC_PYHDP) + " (default all); sort: terasort or ''",
    )
    ap.add_argument(
        "-D",
        dest="defines",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra -D for every pyhdp job",
    )
    ap.add_argument("--slow", default=None, help="passed to bench_wordcount.py (systems run on --slow-size)")
    ap.add_argument("--slow-size", default=None)
    ap.add_argument(
        "--streaming-jar", default=None, help="a real hadoop-streaming jar: adds hadoop-streaming peers"
    )
    ap.add_argument("--python", default=None, help="interpreter with the peers' packages (default: this one)")
    ap.add_argument(
        "--workdir", default=None, help="scratch dir (default $PYHDP_BENCH_WORKDIR or /tmp/pyhdp-bench)"
    )
    ap.add_argument(
        "--peers", default=None, help="the peers harness dir (default <repo>/../shared/bench-peers)"
    )
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--json", default=None, help="default bench/results/mapreduce-KIND-SIZE-<UTC time>.json")
    a = ap.parse_args()

    peers = bs.peers_dir(a.peers)
    python = a.python or sys.executable
    workdir = bs.default_workdir() if a.workdir is None else Path(a.workdir).resolve()
    mrdir = workdir / "mr"
    mrdir.mkdir(parents=True, exist_ok=True)
    home = bs.pyhdp_home(workdir)  # pyhdp commands get HOME=home (fresh-install state); peers keep theirs
    bs.use_environ(bs.clean_environ())
    bs.compile_pyhdp()
    defines = "".join(f"-D {d} " for d in a.defines)
    fill = {
        "hadoop": bs.pyhdp_command("hadoop"),
        "mapred": bs.pyhdp_command("mapred"),
        "examples_jar": bs.examples_jar(),
        "pyjob": str(bs.BENCH / "jobs" / "wordcount_job.py"),
        "defines": defines,
        "home": str(home),
    }
    logdir = mrdir / "logs"
    logdir.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())

    if a.kind == "wordcount":
        size = str(bs.parse_size(a.size)) if a.size.endswith("iB") else a.size
        label = a.size if not a.input else os.path.basename(a.input)
        pyhdp_names = [
            s
            for s in (a.pyhdp_systems if a.pyhdp_systems is not None else ",".join(WC_PYHDP)).split(",")
            if s
        ]
        for n in pyhdp_names:
            if n not in WC_PYHDP:
                sys.exit(f"unknown pyhdp system {n}; known: {', '.join(WC_PYHDP)}")
        peer_names = a.peer_systems if a.peer_systems is not None else WC_PEERS_DEFAULT
        write_stream_bin(mrdir / "bin", peers, python)
        harness_json = mrdir / f"harness-wordcount-{label}-{stamp}.json"
        argv = [
            python,
            str(peers / "bench_wordcount.py"),
            "--rounds",
            str(a.rounds),
            "--workdir",
            str(mrdir),
            "--data-dir",
            str(workdir / "data"),
            "--python",
            python,
            "--systems",
            peer_names,
            "--json",
            str(harness_json),
            "--timeout",
            str(a.timeout),
        ]
        argv += ["--input", os.path.abspath(a.input)] if a.input else ["--size", size]
        if a.slow is not None:
            argv += ["--slow", a.slow]
        if a.slow_size:
            argv += ["--slow-size", a.slow_size]
        if a.streaming_jar:
            argv += ["--streaming-jar", a.streaming_jar]
        for n in pyhdp_names:
            argv += ["--extra", f"{n}=" + WC_PYHDP[n].format(**fill)]
        offsets = log_offsets(logdir, pyhdp_names)
        rc = run_harness(argv)
        if not harness_json.exists():
            sys.exit(f"the harness wrote no results (rc={rc})")
        data = json.loads(harness_json.read_text())
        blocks = {n: counters_from_log(logdir / f"{n}.log", offsets[n]) for n in pyhdp_names}
        tgts = wordcount_targets(data, label, blocks)
        memory = {n: task_memory(b) for n, b in blocks.items()}
    else:
        label = f"{a.records}"
        pyhdp_on = (a.pyhdp_systems if a.pyhdp_systems is not None else "terasort") != ""
        peer_names = a.peer_systems if a.peer_systems is not None else SORT_PEERS_DEFAULT
        harness_json = mrdir / f"harness-sort-{a.records}-{stamp}.json"
        argv = [
            python,
            str(peers / "bench_sort.py"),
            "--records",
            str(a.records),
            "--rounds",
            str(a.rounds),
            "--reduces",
            str(a.reduces),
            "--workdir",
            str(mrdir),
            "--data-dir",
            str(workdir / "data"),
            "--python",
            python,
            "--systems",
            peer_names,
            "--json",
            str(harness_json),
            "--timeout",
            str(a.timeout),
        ]
        if pyhdp_on:
            argv += ["--pyhdp", SORT_PYHDP.format(**fill)]
        offsets = log_offsets(logdir, ["pyhdp"], prefix="sort-")
        rc = run_harness(argv)
        if not harness_json.exists():
            sys.exit(f"the harness wrote no results (rc={rc})")
        data = json.loads(harness_json.read_text())
        blk = counters_from_log(logdir / "sort-pyhdp.log", offsets["pyhdp"])
        blocks = {"pyhdp": blk}
        tgts = sort_targets(data, blk, io_sort_mb(a.defines, home)) if pyhdp_on else []
        memory = {"pyhdp": task_memory(blk)}

    ttable = bs.targets_table(tgts)
    print("\n" + ttable)
    for n, m in memory.items():
        print(f"  {n}: peak task memory from counters: {bs.fmt(m, 0)} MiB")
    out = Path(a.json) if a.json else bs.result_path(f"mapreduce-{a.kind}-{label}")
    bs.write_json(
        out,
        {
            "benchmark": f"pyhdp-mapreduce-{a.kind}",
            "argv": sys.argv,
            "git_head": bs.git_head(),
            "harness_argv": argv,
            "harness_rc": rc,
            "harness_json": str(harness_json),
            "harness": data,
            "counters": blocks,
            "task_memory_mib": memory,
            "targets": [t.as_dict() for t in tgts],
            "targets_md": ttable,
            "table_md": data.get("table_md"),
        },
    )
    print(f"\nJSON: {out}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
