"""``hadoop distcp`` against running daemons: file:// → webhdfs:// → hdfs://, checksum-based -update."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "daemons"))
from minicluster import MiniCluster  # noqa: E402


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = MiniCluster(tmp_path_factory.mktemp("distcp"), datanodes=1, conf={"dfs.replication": 1})
    c.start()
    yield c
    c.stop()


def counter(stderr: str, name: str) -> int | None:
    m = re.search(rf"^\s+{re.escape(name)}=(\d+)$", stderr, re.M)
    return int(m.group(1)) if m else None


def test_local_to_webhdfs_to_hdfs_and_checksum_update(cluster, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.bin").write_bytes(bytes(range(256)) * 4000)
    (src / "b.txt").write_text("same size one\n")
    web = f"webhdfs://127.0.0.1:{cluster.http_port}"
    hdfs = f"hdfs://localhost:{cluster.rpc_port}"
    r = cluster.cli("hadoop", "distcp", "-m", "2", f"file://{src}", f"{web}/w")
    assert r.returncode == 0, r.stderr.decode()
    fs = cluster.fs()
    assert fs.cat("/w/a.bin") == (src / "a.bin").read_bytes()
    r = cluster.cli("hadoop", "distcp", f"{web}/w", f"{hdfs}/h")
    err = r.stderr.decode()
    assert r.returncode == 0, err
    assert counter(err, "Files Copied") == 2
    assert fs.cat("/h/b.txt") == b"same size one\n"
    # same length, different bytes: only the checksum tells them apart
    with fs.create("/w/b.txt", overwrite=True) as f:
        f.write(b"SAME SIZE ONE\n")
    r = cluster.cli("hadoop", "distcp", "-update", f"{web}/w", f"{hdfs}/h")
    err = r.stderr.decode()
    assert r.returncode == 0, err
    assert counter(err, "Files Copied") == 1 and counter(err, "Files Skipped") == 1
    assert fs.cat("/h/b.txt") == b"SAME SIZE ONE\n"
    # -skipcrccheck compares lengths only: the next same-size change is not seen
    with fs.create("/w/b.txt", overwrite=True) as f:
        f.write(b"same size two\n")
    r = cluster.cli("hadoop", "distcp", "-update", "-skipcrccheck", f"{hdfs}/w", f"{hdfs}/h")
    err = r.stderr.decode()
    assert r.returncode == 0, err
    assert counter(err, "Files Skipped") == 2
    assert fs.cat("/h/b.txt") == b"SAME SIZE ONE\n"
