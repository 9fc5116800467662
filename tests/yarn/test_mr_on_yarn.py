"""MapReduce jobs on a real YARN cluster (RM + NodeManagers as processes on loopback),
compared with the local runner, and the yarn commands that look at them."""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from .minicluster import MiniYarn

JAR = "/anywhere/share/hadoop/mapreduce/hadoop-mapreduce-examples-3.4.1.jar"
TEXT = "a bb ccc bb\ndddd a\tbb\n\nzz a ccc a\n" * 50


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    root = tmp_path_factory.mktemp("yarn")
    home = root / "home"
    home.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HADOOP_", "PYHDP_", "YARN_", "HDFS_", "MAPRED_"))
    }
    env.update(
        {
            "HOME": str(home),
            "PYHDP_PYTHON": sys.executable,
            "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),
        }
    )
    c = MiniYarn(root, env, nodes=2, extra={"mapreduce.framework.name": "yarn"})
    try:
        c.start()
        yield c
    finally:
        c.stop()


def parts(out: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(out.glob("part-*")))


def app_id_of(stderr: str) -> str:
    m = re.search(r"Submitted application (application_\d+_\d+)", stderr)
    assert m, stderr
    return m.group(1)


def test_wordcount_on_yarn_equals_local(cluster: MiniYarn):
    inp = cluster.root / "wc-in"
    inp.mkdir()
    (inp / "a.txt").write_text(TEXT)
    (inp / "b.txt").write_text(TEXT.upper())
    r = cluster.run("yarn", "jar", JAR, "wordcount", f"file://{inp}", f"file://{cluster.root}/wc-yarn")
    assert r.returncode == 0, r.stderr + cluster.logs()
    app = app_id_of(r.stderr)
    job = "job_" + app[len("application_") :]
    assert f"The url to track the job: http://{cluster.web}/proxy/{app}/" in r.stderr
    assert f"Running job: {job}" in r.stderr
    assert "map 100% reduce 100%" in r.stderr and f"Job {job} completed successfully" in r.stderr
    assert re.search(r"Launched map tasks=2\b", r.stderr)
    local = cluster.run(
        "hadoop",
        "jar",
        JAR,
        "wordcount",
        "-D",
        "mapreduce.framework.name=local",
        f"file://{inp}",
        f"file://{cluster.root}/wc-local",
    )
    assert local.returncode == 0, local.stderr
    c = Counter(TEXT.split() + TEXT.upper().split())
    expected = b"".join(b"%s\t%d\n" % (w.encode(), c[w]) for w in sorted(c))
    assert parts(cluster.root / "wc-yarn") == parts(cluster.root / "wc-local") == expected
    assert (cluster.root / "wc-yarn" / "_SUCCESS").exists()

    a = cluster.wait_app(app)
    assert (a["state"], a["finalStatus"], a["applicationType"]) == ("FINISHED", "SUCCEEDED", "MAPREDUCE")

    lst = cluster.run("yarn", "application", "-list", "-appStates", "FINISHED")
    assert lst.returncode == 0, lst.stderr
    lines = lst.stdout.splitlines()
    assert lines[0].startswith(
        "Total number of applications (application-types: [], states: [FINISHED] and tags: [])"
    )
    row = next(ln for ln in lines if app in ln).split("\t")
    assert [f.strip() for f in row[:8]] == [
        app,
        "word count",
        "MAPREDUCE",
        row[3].strip(),
        "default",
        "FINISHED",
        "SUCCEEDED",
        "100%",
    ]
    assert len(row[0]) == 30 or len(app) > 30

    st = cluster.run("yarn", "application", "-status", app)
    assert (
        st.returncode == 0 and "\tState : FINISHED" in st.stdout and "\tFinal-State : SUCCEEDED" in st.stdout
    )
    for _ in range(50):
        if cluster.app(app)["logAggregationStatus"] == "SUCCEEDED":
            break
        __import__("time").sleep(0.1)
    assert cluster.app(app)["logAggregationStatus"] == "SUCCEEDED"

    # log aggregation: every container's logs, readable after the application ended
    for _ in range(50):
        logs = cluster.run("yarn", "logs", "-applicationId", app)
        if logs.returncode == 0 and len(re.findall(r"^LogType:stderr$", logs.stdout, re.M)) >= 4:
            break
        __import__("time").sleep(0.2)
    assert len(re.findall(r"^LogType:stderr$", logs.stdout, re.M)) == 4, logs  # AM + 2 maps + 1 reduce
    am_container = f"container_{app[len('application_') :]}_01_000001"
    assert re.search(
        rf"Container: {am_container} on 127\.0\.0\.1_\d+\nLogAggregationType: AGGREGATED\n=+\n", logs.stdout
    )
    only = cluster.run(
        "yarn", "logs", "-applicationId", app, "-containerId", am_container, "-log_files", "stderr"
    )
    assert len(re.findall(r"^LogType:", only.stdout, re.M)) == 1 and "Job " + job in only.stdout

    nodes = cluster.run("yarn", "node", "-list")
    assert nodes.returncode == 0 and nodes.stdout.startswith("Total Nodes:2\n")


def test_streaming_on_yarn_equals_local(cluster: MiniYarn):
    inp = cluster.root / "st-in.txt"
    inp.write_text("\n".join(f"line {i % 17} x" for i in range(3000)) + "\n")
    outs = {}
    for fw in ("yarn", "local"):
        out = cluster.root / f"st-{fw}"
        r = cluster.run(
            "mapred",
            "streaming",
            "-D",
            f"mapreduce.framework.name={fw}",
            "-D",
            "mapreduce.job.reduces=2",
            "-input",
            f"file://{inp}",
            "-output",
            f"file://{out}",
            "-mapper",
            "cat",
            "-reducer",
            "uniq -c",
        )
        assert r.returncode == 0, r.stderr + cluster.logs()
        outs[fw] = [p.read_bytes() for p in sorted(out.glob("part-*"))]
        if fw == "yarn":
            assert "Submitted application application_" in r.stderr
    assert outs["yarn"] == outs["local"] and len(outs["yarn"]) == 2


def test_multi_step_grep_and_pi_on_yarn(cluster: MiniYarn):
    inp = cluster.root / "grep-in.txt"
    inp.write_text("dfs.a dfs.b\ndfs.a x\n" * 20 + "nothing\n")
    res = {}
    for fw in ("yarn", "local"):
        r = cluster.run(
            "hadoop",
            "jar",
            JAR,
            "grep",
            "-D",
            f"mapreduce.framework.name={fw}",
            f"file://{inp}",
            f"file://{cluster.root}/grep-{fw}",
            r"dfs\.[a-z]",
        )
        assert r.returncode == 0, r.stderr + cluster.logs()
        res[fw] = parts(cluster.root / f"grep-{fw}")
    assert res["yarn"] == res["local"] == b"40\tdfs.a\n20\tdfs.b\n"
    pi = cluster.run("yarn", "jar", JAR, "pi", "2", "100")
    assert pi.returncode == 0, pi.stderr
    assert "Estimated value of Pi is 3.1" in pi.stdout


def test_yarn_top_one_screen(cluster: MiniYarn):
    r = cluster.run("yarn", "top")
    assert r.returncode == 0, r.stderr
    assert "NodeManager(s): 2 total, 2 active, 0 lost" in r.stdout and "APPLICATIONID" in r.stdout
