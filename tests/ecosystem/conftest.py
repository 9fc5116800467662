"""Fixtures of the ecosystem tests: pyhdp seen by fsspec/pandas/pyarrow/dask, Hadoop's Java client
and Spark.  ``embedded`` points pyhdp (in this process) at a private embedded store; ``cluster``
starts a NameNode + DataNode from ``tests/daemons/minicluster.py`` on free loopback ports."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "daemons"))
from minicluster import MiniCluster, free_ports  # noqa: E402


def _xml(props: dict[str, object]) -> str:
    body = "".join(f"<property><name>{k}</name><value>{v}</value></property>\n" for k, v in props.items())
    return f'<?xml version="1.0"?>\n<configuration>\n{body}</configuration>\n'


@pytest.fixture
def embedded(tmp_path, monkeypatch) -> Path:
    """HOME and conf dir of this process point at a fresh embedded store (fs.defaultFS on a free
    loopback port where no NameNode listens, so pyhdp opens the store in-process)."""
    from pyhdp.fs import registry

    conf_dir = tmp_path / "conf"
    conf_dir.mkdir()
    (conf_dir / "core-site.xml").write_text(_xml({"fs.defaultFS": f"hdfs://localhost:{free_ports(1)[0]}",
                                                  "hadoop.tmp.dir": str(tmp_path / "data")}))
    for key in [k for k in os.environ if k.startswith(("HADOOP_", "PYHDP_", "HDFS_"))]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("PYHDP_CONF_DIR", str(conf_dir))
    registry.close_all()
    yield conf_dir
    registry.close_all()


@pytest.fixture
def pfs(embedded):
    """The ``pyhdp`` fsspec file system over the embedded store (a fresh instance)."""
    fsspec = pytest.importorskip("fsspec")
    from pyhdp.fs.fsspec_impl import PyhdpFileSystem

    PyhdpFileSystem.clear_instance_cache()  # instances made by earlier tests hold their conf
    fs = fsspec.filesystem("pyhdp")
    fs.makedirs("/data", exist_ok=True)
    return fs


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """NameNode + 1 DataNode (replication 1, 1 MiB blocks) for this module."""
    c = MiniCluster(tmp_path_factory.mktemp("eco"), datanodes=1, conf={"dfs.replication": 1,
                                                                        "dfs.permissions.enabled": "false"})
    c.start()
    yield c
    c.stop()


def java_ready() -> str | None:
    """None when Java and pyspark's Hadoop jars are usable, else the reason."""
    if shutil.which("java") is None:
        return "java is not installed (apt-get install openjdk-17-jdk-headless)"
    if shutil.which("javac") is None:
        return "javac is not installed (openjdk-17-jdk-headless): the JAX-RS shim of hadoop_java.py needs it"
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark (which ships the Hadoop client jars) is not installed"
    return None


def require_java() -> None:
    reason = java_ready()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: the ecosystem tests must run)")
        pytest.skip(reason)
