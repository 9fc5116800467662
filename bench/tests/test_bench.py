"""Unit tests of the bench scripts' own logic (no timing is asserted anywhere).

python -m pytest -q bench/tests
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BENCH))

import bench_fs  # noqa: E402
import bench_mapreduce as bm  # noqa: E402
import benchsupport as bs  # noqa: E402


def test_parse_size_units():
    assert bs.parse_size("100M") == 100_000_000
    assert bs.parse_size("1G") == 10**9
    assert bs.parse_size("1GiB") == 1 << 30
    assert bs.parse_size("512MiB") == 512 << 20
    assert bs.parse_size("12345") == 12345


@pytest.mark.parametrize(
    ("op", "value", "limit", "status"),
    [
        ("<=", 3.9, 4, "PASS"),
        ("<=", 4.1, 4, "MISS"),
        (">=", 20.0, 20, "PASS"),
        (">=", 19.9, 20, "MISS"),
        (">=", None, 20, "n/a"),
        ("", 1.0, 0, "report"),
    ],
)
def test_target_status(op, value, limit, status):
    assert bs.Target(3, "t", value, op, limit, "x").status == status


def test_targets_table_shows_result_and_requirement():
    table = bs.targets_table([bs.Target(3, "ls", 25.0, ">=", 20, "FsShell s / pyhdp s", 24.0, "note")])
    row = table.splitlines()[2]
    assert "ls (note)" in row and "25.00" in row and "24.00" in row and ">= 20" in row and "**PASS**" in row


def test_paired_ratio_uses_same_round_and_ok_runs_only():
    a = [
        {"round": 0, "wall_s": 2.0, "rc": 0},
        {"round": 1, "wall_s": 9.0, "rc": 1},
        {"round": 2, "wall_s": 3.0, "rc": 0},
    ]
    b = [
        {"round": 0, "wall_s": 1.0, "rc": 0},
        {"round": 1, "wall_s": 1.0, "rc": 0},
        {"round": 2, "wall_s": 1.0, "rc": 0},
    ]
    assert bs.paired_ratio(a, b) == pytest.approx(2.5)


def test_counters_from_log_reads_only_this_runs_part(tmp_path):
    log = tmp_path / "pyhdp-examples.log"
    old = "\n$ old command\n\tMap-Reduce Framework\n\t\tMap output records=1\n"
    log.write_text(old)
    offset = log.stat().st_size
    with open(log, "a") as f:
        for n, peak in ((7, 100 << 20), (7, 150 << 20)):
            f.write(
                f"\n$ cmd\nINFO mapreduce.Job: Counters: 3\n\tMap-Reduce Framework\n\t\tMap output records={n}\n"
                f"\t\tPeak Map Physical memory (bytes)={peak}\n\t\tPeak Reduce Physical memory (bytes)=1000\n"
            )
    blocks = bm.counters_from_log(log, offset)
    assert [b["Map output records"] for b in blocks] == [7, 7]
    assert bm.task_memory(blocks) == pytest.approx(150)


def _harness(rows, runs, tokens=10):
    return {"rows": rows, "runs": runs, "reference_counts": {"in": {"tokens": tokens}}}


def test_wordcount_targets_ratios():
    rows = [
        {"system": "pyhdp-examples", "mb_per_s": 50.0, "input_mb": 100},
        {"system": "python-counter", "mb_per_s": 40.0, "input_mb": 100},
        {"system": "hadoop-local", "mb_per_s": 10.0, "input_mb": 100},
        {"system": "pyhdp-streaming", "mb_per_s": 20.0, "input_mb": 100},
        {"system": "madoop", "mb_per_s": 4.0, "input_mb": 100},
    ]
    runs = {r["system"]: [{"round": 0, "wall_s": 100 / r["mb_per_s"], "rc": 0}] for r in rows}
    blocks = {"pyhdp-examples": [{"Map output records": 10}, {"Map output records": 9}]}
    t = {x.name: x for x in bm.wordcount_targets(_harness(rows, runs), "100M", blocks)}
    ex = t["examples WordCount vs 1-process Counter, 100M"]
    assert ex.value == pytest.approx(0.8) and ex.status == "PASS"
    assert t["examples WordCount vs Hadoop local, 100M"].value == pytest.approx(5.0)
    st = t["Streaming (with -combiner) vs madoop, 100M"]
    assert st.value == pytest.approx(5.0) and st.paired == pytest.approx(5.0) and st.status == "PASS"
    consistent = next(x for x in t.values() if x.name.startswith("pyhdp-examples: counter"))
    assert consistent.status == "MISS"  # one run reported 9 map output records for 10 tokens


def test_sort_targets_memory_limit():
    rows = [
        {"system": "pyhdp", "mb_per_s": 40.0, "input_mb": 1000, "peak_mb_max": 500},
        {"system": "coreutils-sort", "mb_per_s": 100.0, "input_mb": 1000},
        {"system": "hadoop-sort", "mb_per_s": 50.0, "input_mb": 1000},
    ]
    data = {"rows": rows, "runs": {}, "mb": 1000}
    t = bm.sort_targets(data, [{"Peak Map Physical memory (bytes)": 320 << 20}], 100)
    assert [x.status for x in t[:3]] == [
        "MISS",
        "MISS",
        "MISS",
    ]  # 2.5x sort, 0.8x Hadoop (slower), 320 > 300 MiB
    assert (
        t[0].value == pytest.approx(2.5)
        and t[1].value == pytest.approx(0.8)
        and t[2].value == pytest.approx(320)
    )


def test_fs_summary_and_targets():
    entries = [
        {"name": f"ls1500:{s}", "op": "ls1500", "system": s} for s in ("pyhdp", "hadoop-fsshell-mincp")
    ]
    entries += [{"name": f"cat:{s}", "op": "cat", "system": s} for s in ("pyhdp", "coreutils")]
    walls = {
        "ls1500:pyhdp": [0.2, 0.3],
        "ls1500:hadoop-fsshell-mincp": [5.0, 4.0],
        "cat:pyhdp": [2.0, 2.0],
        "cat:coreutils": [1.0, 0.8],
    }
    results = {
        k: [{"round": i, "wall_s": w, "rc": 0, "cpu_s": w, "peak_mb": 10} for i, w in enumerate(v)]
        for k, v in walls.items()
    }
    rows = bench_fs.summarize(entries, results, big_mb=1000)
    t = {x.name.split(" vs ")[0]: x for x in bench_fs.targets(rows, results, 1024)}
    ls = t["`-ls` of 1,500 files"]
    assert ls.value == pytest.approx(4.5 / 0.25) and ls.status == "MISS"
    assert ls.paired == pytest.approx(1 / ((0.2 / 5.0 + 0.3 / 4.0) / 2))
    cat = t["`-cat` of the big file into `wc -c` (1024 MiB)"]
    assert cat.value == pytest.approx(0.9 / 2.0) and cat.status == "MISS"
    assert t["`hdfs dfs -ls /`"].status == "n/a"


def test_make_tree_counts(tmp_path):
    root = tmp_path / "tree"
    bench_fs.make_tree(str(root), 3, 4)
    files = [p for p in root.rglob("*") if p.is_file()]
    assert len(files) == 12 and not any(p.name.startswith(".") for p in files)
    bench_fs.make_tree(str(root), 3, 4)  # marker beside the tree: reused, not rebuilt
    assert len([p for p in root.rglob("*") if p.is_file()]) == 12


def test_clean_environ_drops_hadoop_vars_and_bytecode_flag(monkeypatch):
    monkeypatch.setenv("HADOOP_CONF_DIR", "/nowhere")
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    env = bs.clean_environ()
    assert "HADOOP_CONF_DIR" not in env and "PYTHONDONTWRITEBYTECODE" not in env
    assert env["HADOOP_USER_NAME"] and os.path.isabs(env["PYHDP_PYTHON"])


def test_wordcount_job_file_is_a_plain_job():
    from pyhdp.mapreduce.job import Job

    ns: dict = {}
    exec(compile((BENCH / "jobs" / "wordcount_job.py").read_text(), "wordcount_job.py", "exec"), ns)
    job = ns["WordCount"](["in", "out"])
    assert isinstance(job, Job)
    assert list(job.mapper(None, "a b  a\n")) == [("a", 1), ("b", 1), ("a", 1)]
    assert list(job.combiner("a", iter([1, 2]))) == [("a", 3)]
    assert list(job.reducer("a", iter([3, 4]))) == [("a", 7)]
    json.dumps(bs.Target(4, "x", 1.0, "<=", 1, "y").as_dict())
