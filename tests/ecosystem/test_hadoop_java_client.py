"""Hadoop's own Java client (FsShell + WebHdfsFileSystem from the pyspark wheel's jars) against a
pyhdp NameNode/DataNode over ``webhdfs://``: the same commands through pyhdp's CLI print the same."""

from __future__ import annotations

import os

import pytest
from hadoop_java import HadoopJava

from conftest import require_java


@pytest.fixture(scope="module")
def jfs(tmp_path_factory):
    require_java()
    return HadoopJava(tmp_path_factory.mktemp("hadoop-java"))


def same(java, pyhdp, what: str) -> None:
    """Java's FsShell and pyhdp's printed the same stdout and exit code."""
    assert (java.returncode, java.stdout.decode()) == (pyhdp.returncode, pyhdp.stdout.decode()), (
        f"{what}\njava stderr: {java.stderr.decode()[-2000:]}\npyhdp stderr: {pyhdp.stderr.decode()[-2000:]}")


@pytest.mark.timeout(900)  # a dozen JVM starts; slow on a loaded 2-core machine
def test_java_fsshell_against_pyhdp_webhdfs(cluster, jfs, tmp_path):
    base = f"webhdfs://127.0.0.1:{cluster.http_port}"
    dfs = cluster.fs()

    def both(*args: str):
        return jfs.fs(*args), cluster.cli("hdfs", "dfs", *args)

    # -mkdir -p and -put by Java; pyhdp reads it back (RPC) byte for byte.
    r = jfs.fs("-mkdir", "-p", f"{base}/eco/a/b")
    assert r.returncode == 0, r.stderr.decode()
    assert dfs.get_file_status("/eco/a/b").is_dir
    data = os.urandom(2_500_000)  # three 1 MiB blocks
    local = tmp_path / "data.bin"
    local.write_bytes(data)
    r = jfs.fs("-put", str(local), f"{base}/eco/a/data.bin")
    assert r.returncode == 0, r.stderr.decode()
    assert cluster.cli("hdfs", "dfs", "-cat", "/eco/a/data.bin").stdout == data
    assert dfs.get_file_status("/eco/a/data.bin").length == len(data)

    # pyhdp writes, Java -cat reads the same bytes.
    text = "".join(f"line {i} of pyhdp\n" for i in range(20_000)).encode()
    assert cluster.cli("hdfs", "dfs", "-put", "-", "/eco/a/text.txt", input=text).returncode == 0
    r = jfs.fs("-cat", f"{base}/eco/a/text.txt")
    assert r.returncode == 0 and r.stdout == text, r.stderr.decode()

    # -chmod by Java is seen by pyhdp.
    assert jfs.fs("-chmod", "750", f"{base}/eco/a/data.bin").returncode == 0
    assert dfs.get_file_status("/eco/a/data.bin").permission == 0o750

    # Same listing, sizes, counts, checksum and stat fields through both clients.
    same(*both("-ls", "-R", f"{base}/eco"), "-ls -R")
    same(*both("-ls", "-d", f"{base}/eco/a"), "-ls -d")
    same(*both("-du", f"{base}/eco/a"), "-du")
    same(*both("-du", "-s", "-h", f"{base}/eco"), "-du -s -h")
    same(*both("-count", f"{base}/eco"), "-count")
    same(*both("-count", "-q", "-h", f"{base}/eco"), "-count -q -h")
    same(*both("-checksum", f"{base}/eco/a/data.bin"), "-checksum")
    same(*both("-stat", "%n|%b|%r|%o|%a|%A|%u|%g|%F|%y|%Y", f"{base}/eco/a/data.bin"), "-stat")
    same(*both("-stat", "%n|%F|%a|%u|%g|%Y", f"{base}/eco/a/b"), "-stat dir")
    # The checksum is HDFS's own (the one pyhdp computes over RPC).
    ck = dfs.get_file_checksum("/eco/a/data.bin")
    java_ck = jfs.fs("-checksum", f"{base}/eco/a/data.bin").stdout.decode().split()
    assert java_ck[1:] == [ck.algorithm, ck.hex()]

    # -mv by Java; -rm -r by Java; pyhdp sees both.
    r = jfs.fs("-mv", f"{base}/eco/a/text.txt", f"{base}/eco/a/b/moved.txt")
    assert r.returncode == 0, r.stderr.decode()
    assert not dfs.exists("/eco/a/text.txt") and dfs.get_file_status("/eco/a/b/moved.txt").length == len(text)
    r = jfs.fs("-rm", "-r", f"{base}/eco/a/b")
    assert r.returncode == 0, r.stderr.decode()
    assert r.stdout.decode() == f"Deleted {base}/eco/a/b\n"
    assert not dfs.exists("/eco/a/b")
    dfs.mkdirs("/eco/a/c")
    p = cluster.cli("hdfs", "dfs", "-rm", "-r", f"{base}/eco/a/c")
    assert p.stdout.decode() == f"Deleted {base}/eco/a/c\n"

    # Errors: same message and exit code for a missing path.
    j, p = both("-cat", f"{base}/eco/nope")
    assert j.returncode == p.returncode == 1
    assert j.stderr.decode().strip().splitlines()[-1] == p.stderr.decode().strip().splitlines()[-1]
    j, p = both("-ls", f"{base}/eco/nope")
    assert (j.returncode, j.stderr.decode().strip().splitlines()[-1]) == (
        p.returncode, p.stderr.decode().strip().splitlines()[-1])
