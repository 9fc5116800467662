"""A job on YARN whose default file system is the embedded hdfs:// store: staging dir, the
AM's localized job file, job history, output and aggregated logs all live in it."""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

from .minicluster import MiniYarn


def test_wordcount_with_hdfs_default_fs(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HADOOP_", "PYHDP_", "YARN_", "HDFS_", "MAPRED_"))
    }
    env.update(
        {
            "HOME": str(tmp_path),
            "PYHDP_PYTHON": sys.executable,
            "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),
        }
    )
    c = MiniYarn(
        tmp_path / "y",
        env,
        nodes=2,
        extra={
            "mapreduce.framework.name": "yarn",
            "fs.defaultFS": "hdfs://localhost:9000",
            "yarn.nodemanager.remote-app-log-dir": "/tmp/logs",
            "yarn.app.mapreduce.am.staging-dir": "/tmp/hadoop-yarn/staging",
            "mapreduce.jobhistory.done-dir": "/history/done",
            "mapreduce.jobhistory.intermediate-done-dir": "/history/tmp",
        },
    )
    try:
        c.start()
        (c.root / "in.txt").write_text("a b a\nc a\n" * 100)
        assert c.run("hdfs", "dfs", "-mkdir", "-p", "/user/root").returncode == 0
        assert c.run("hdfs", "dfs", "-put", str(c.root / "in.txt"), "in.txt").returncode == 0
        r = c.run("yarn", "jar", "/x/hadoop-mapreduce-examples-3.4.1.jar", "wordcount", "in.txt", "out")
        assert r.returncode == 0, r.stderr + c.logs()
        assert c.run("hdfs", "dfs", "-cat", "out/part-r-00000").stdout == "a\t300\nb\t100\nc\t100\n"
        app = re.search(r"Submitted application (\S+)", r.stderr).group(1)
        job = "job_" + app[len("application_") :]
        st = c.run("mapred", "job", "-status", job)
        assert st.returncode == 0 and "Job state: SUCCEEDED" in st.stdout
        for _ in range(50):
            logs = c.run("yarn", "logs", "-applicationId", app, "-log_files", "stderr")
            if logs.returncode == 0 and len(re.findall(r"^LogType:stderr$", logs.stdout, re.M)) == 3:
                break
            time.sleep(0.2)
        assert len(re.findall(r"^LogType:stderr$", logs.stdout, re.M)) == 3, logs
        ls = c.run("hdfs", "dfs", "-ls", f"/tmp/logs/root/logs/{app}")
        assert ls.returncode == 0 and "127.0.0.1_" in ls.stdout
        staging = c.run("hdfs", "dfs", "-ls", f"/tmp/hadoop-yarn/staging/root/.staging/{job}")
        assert staging.returncode != 0  # cleaned up by the client
    finally:
        c.stop()
