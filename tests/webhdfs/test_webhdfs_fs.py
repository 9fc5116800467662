"""``webhdfs://``: pyhdp's WebHdfsFileSystem against the daemons' WebHDFS, and the CLI with it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "daemons"))
from minicluster import MiniCluster  # noqa: E402


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = MiniCluster(tmp_path_factory.mktemp("webhdfsfs"), datanodes=2, conf={"dfs.replication": 2})
    c.start()
    yield c
    c.stop()


@pytest.fixture
def wfs(cluster):
    from pyhdp.fs.webhdfs import WebHdfsFileSystem

    return WebHdfsFileSystem(cluster.conf(), f"127.0.0.1:{cluster.http_port}")


def test_round_trip_and_metadata(cluster, wfs):
    data = os.urandom(2_200_000)
    assert wfs.mkdirs("/w/d")
    with wfs.create("/w/d/f.bin") as out:
        for i in range(0, len(data), 300_000):
            out.write(data[i: i + 300_000])
    assert cluster.fs().cat("/w/d/f.bin") == data  # what went through WebHDFS is in the DFS
    with wfs.open("/w/d/f.bin") as f:
        assert f.read(10) == data[:10]
        f.seek(1_500_000)
        assert f.read(100) == data[1_500_000:1_500_100]
        f.seek(0)
        assert f.read() == data
    st = wfs.get_file_status("/w/d/f.bin")
    local = cluster.fs().get_file_status("/w/d/f.bin")
    assert (st.length, st.replication, st.block_size, st.permission, st.owner, st.group, st.file_id) == (
        local.length, local.replication, local.block_size, local.permission, local.owner, local.group,
        local.file_id)
    assert [s.name for s in wfs.list_status("/w/d")] == ["f.bin"]
    with wfs.append("/w/d/f.bin") as out:
        out.write(b"more")
    assert wfs.cat("/w/d/f.bin") == data + b"more"
    assert wfs.get_file_checksum("/w/d/f.bin").value == cluster.fs().get_file_checksum("/w/d/f.bin").value
    cs = wfs.get_content_summary("/w")
    assert (cs.length, cs.file_count, cs.directory_count) == (len(data) + 4, 1, 2)
    assert wfs.rename("/w/d/f.bin", "/w/g.bin") and not wfs.exists("/w/d/f.bin")
    assert wfs.rename("/w/nope", "/w/x") is False
    wfs.set_permission("/w/g.bin", 0o600)
    wfs.set_times("/w/g.bin", 1_500_000_000_000, -1)
    st = wfs.get_file_status("/w/g.bin")
    assert st.permission == 0o600 and st.modification_time == 1_500_000_000_000
    assert wfs.set_replication("/w/g.bin", 1) and wfs.get_file_status("/w/g.bin").replication == 1
    assert wfs.truncate("/w/g.bin", 10) in (True, False)
    assert wfs.cat("/w/g.bin") == data[:10]
    with pytest.raises(FileNotFoundError, match="File does not exist: /w/none"):
        wfs.get_file_status("/w/none")
    with pytest.raises(OSError, match="non empty|not empty"):
        wfs.delete("/w")
    assert wfs.delete("/w", recursive=True) and not wfs.exists("/w")


def test_permissions_enforced_for_webhdfs_users(cluster):
    from pyhdp.fs.webhdfs import WebHdfsFileSystem

    cluster.fs().mkdirs("/private", 0o700)
    eve = WebHdfsFileSystem(cluster.conf(), f"127.0.0.1:{cluster.http_port}", user="eve")
    with pytest.raises(PermissionError, match="Permission denied: user=eve, access=READ_EXECUTE"):
        eve.list_status("/private")
    with pytest.raises(PermissionError, match="user=eve, access=EXECUTE, inode=\"/private\""):
        eve.mkdirs("/private/x")
    assert not cluster.fs().exists("/private/x")


def test_cli_on_webhdfs_scheme(cluster, tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("hello webhdfs\n")
    base = f"webhdfs://127.0.0.1:{cluster.http_port}"
    r = cluster.cli("hdfs", "dfs", "-put", str(src), f"{base}/cli.txt")
    assert r.returncode == 0, r.stderr
    r = cluster.cli("hdfs", "dfs", "-cat", f"{base}/cli.txt")
    assert r.stdout == b"hello webhdfs\n"
    r = cluster.cli("hdfs", "dfs", "-ls", f"{base}/")
    assert r.returncode == 0 and f"{base}/cli.txt".encode() in r.stdout
    r = cluster.cli("hdfs", "dfs", "-cat", f"{base}/missing")
    assert r.returncode == 1
    assert r.stderr.decode().strip() == f"cat: `{base}/missing': No such file or directory"
