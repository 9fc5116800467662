"""Python jobs (the Job API) on YARN: multi-step, shipped files, a failing task's traceback."""

from __future__ import annotations

import io
import json
import os
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from pyhdp.conf import load_configuration
from pyhdp.mapreduce.job.launcher import run_job_file

from .minicluster import MiniYarn

CORPUS = ["the quick brown fox", "jumps over the lazy dog", "", "the end  of   the  story"] * 30


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    root = tmp_path_factory.mktemp("pyjobs")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HADOOP_", "PYHDP_", "YARN_", "HDFS_", "MAPRED_"))
    }
    env.update(
        {
            "HOME": str(root),
            "PYHDP_PYTHON": sys.executable,
            "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),
        }
    )
    c = MiniYarn(root / "y", env, nodes=2, extra={"mapreduce.framework.name": "yarn"})
    try:
        yield c.start()
    finally:
        c.stop()


def run(cluster, tmp_path, source, args, **conf_kv):
    job = tmp_path / "job.py"
    job.write_text(textwrap.dedent(source))
    conf = load_configuration(str(cluster.conf_dir))
    for k, v in conf_kv.items():
        conf.set(k.replace("_", "."), v)
    err = io.StringIO()
    code = run_job_file(str(job), [str(a) for a in args], conf, err=err)
    return code, err.getvalue()


def read_output(out: Path) -> list[str]:
    return [ln for p in sorted(out.glob("part-*")) for ln in p.read_text().splitlines()]


def test_multi_step_with_shipped_file(cluster, tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("\n".join(CORPUS) + "\n")
    stop = tmp_path / "stop.txt"
    stop.write_text("the of\n")
    out = tmp_path / "out"
    code, err = run(
        cluster,
        tmp_path,
        """
        from pyhdp.mapreduce.job import Job, MRStep

        class TopWord(Job):
            OUTPUT_PROTOCOL = "json"

            def steps(self):
                return [MRStep(mapper_init=self.load, mapper=self.words, combiner=self.total, reducer=self.total),
                        MRStep(reducer=self.top)]

            def load(self):
                self.stop = set(open("stop.txt").read().split())

            def words(self, _, line):
                for w in line.split():
                    if w not in self.stop:
                        yield w.lower(), 1

            def total(self, w, counts):
                yield w, sum(counts)

            def top(self, w, counts):
                yield w, [sum(counts), w]
    """,
        [src, out, "--files", str(stop)],
    )
    assert code == 0, err + cluster.logs()
    assert err.count("Submitted application application_") == 1 and err.count("completed successfully") == 2
    got = {json.loads(k): json.loads(v) for k, v in (ln.split("\t") for ln in read_output(out))}
    exp = Counter(w for line in CORPUS for w in line.split() if w not in ("the", "of"))
    assert got == {w: [c, w] for w, c in exp.items()}


def test_failing_task_traceback_on_yarn(cluster, tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("1\n2\n0\n4\n")
    out = tmp_path / "out"
    code, err = run(
        cluster,
        tmp_path,
        """
        from pyhdp.mapreduce.job import Job

        class Div(Job):
            def mapper(self, _, line):
                yield "x", 10 // int(line)

            def reducer(self, k, vs):
                yield k, sum(vs)
    """,
        [src, out],
        mapreduce_map_maxattempts="2",
    )
    assert code == 1
    assert err.count("Status : FAILED") == 2, err
    assert "_m_000000_0" in err and "_m_000000_1" in err
    assert "ZeroDivisionError" in err
    assert "failed with state FAILED due to: Task failed task_" in err
    assert not list(out.rglob("part-*")) and not (out / "_SUCCESS").exists()
