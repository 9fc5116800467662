"""Run the ML example programs through the real ``hadoop jar`` CLI on file:// or the embedded hdfs://."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

try:  # the ml extra (numpy, pandas, scikit-learn; pyarrow optional) is needed by every test here
    import sklearn  # noqa: F401
except ImportError:
    collect_ignore_glob = ["test_*.py"]

JAR = "/anywhere/share/hadoop/mapreduce/hadoop-mapreduce-examples-3.4.1.jar"


class MLEnv:
    def __init__(self, home, tmp: Path, scheme: str):
        self.home = home
        self.tmp = tmp
        self.scheme = scheme
        self.work = tmp / "work"
        self.work.mkdir()

    def run(self, *args: str, timeout: float = 300):
        return self.home.run(*args, cwd=self.work, timeout=timeout)

    def jar(self, *args: str):
        return self.run("hadoop", "jar", JAR, *args)

    def path(self, name: str) -> str:
        """Where a test's file lives in the file system under test."""
        return str(self.work / name) if self.scheme == "file" else f"/user/ml/{name}"

    def put_csv(self, name: str, arr, fmt: str = "%.17g") -> str:
        import numpy as np

        local = self.tmp / ("local-" + name)
        np.savetxt(local, arr, delimiter=",", fmt=fmt)
        return self.put_file(name, local)

    def put_text(self, name: str, text: str) -> str:
        local = self.tmp / ("local-" + name)
        local.write_text(text)
        return self.put_file(name, local)

    def put_file(self, name: str, local: Path) -> str:
        if self.scheme == "file":
            dst = self.work / name
            dst.write_bytes(local.read_bytes())
            return str(dst)
        r = self.run("hadoop", "fs", "-put", str(local), self.path(name))
        assert r.returncode == 0, r
        return self.path(name)

    def cat(self, path: str) -> str:
        r = self.run("hadoop", "fs", "-cat", path)
        assert r.returncode == 0, r
        return r.stdout

    def model(self, out: str) -> dict:
        return json.loads(self.cat(out + "/model.json"))


def _env(pyhdp_home, tmp_path: Path, scheme: str) -> MLEnv:
    fs = "file:///" if scheme == "file" else "hdfs://localhost:9000"
    pyhdp_home.write_site(
        "core-site.yaml", f"fs.defaultFS: {fs}\nhadoop.tmp.dir: {tmp_path / 'hadoop-tmp'}\n"
    )
    pyhdp_home.write_site(
        "mapred-site.yaml",
        f"mapreduce.jobhistory.done-dir: {tmp_path / 'history'}\n"
        "mapreduce.local.map.tasks.maximum: 2\n"
        "mapreduce.client.progressmonitor.pollinterval: 50\n",
    )
    if scheme == "hdfs":
        pyhdp_home.write_site("hdfs-site.yaml", "dfs.blocksize: 1m\n")
    env = MLEnv(pyhdp_home, tmp_path, scheme)
    if scheme == "hdfs":
        r = env.run("hadoop", "fs", "-mkdir", "-p", "/user/ml")
        assert r.returncode == 0, r
    return env


@pytest.fixture(params=["file", "hdfs"])
def ml(request, pyhdp_home, tmp_path):
    return _env(pyhdp_home, tmp_path, request.param)


@pytest.fixture
def ml_file(pyhdp_home, tmp_path):
    return _env(pyhdp_home, tmp_path, "file")
