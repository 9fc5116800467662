"""``fs.defaultFS=webhdfs://...`` (or ``-fs``) sends every pyhdp FsShell command through WebHDFS:
the results match the same commands over pyhdp's RPC client on the same NameNode."""

from __future__ import annotations

import os

import pytest


def test_fsshell_through_webhdfs_default_fs(cluster, tmp_path):
    web = f"webhdfs://127.0.0.1:{cluster.http_port}"

    def via_web(*args: str, input: bytes | None = None):
        return cluster.cli("hdfs", "dfs", "-D", f"fs.defaultFS={web}", *args, input=input)

    def via_rpc(*args: str):
        return cluster.cli("hdfs", "dfs", *args)

    assert via_web("-mkdir", "-p", "/web/a/b").returncode == 0
    data = os.urandom(1_500_000)
    local = tmp_path / "d.bin"
    local.write_bytes(data)
    r = via_web("-put", str(local), "/web/a/d.bin")
    assert r.returncode == 0, r.stderr
    assert via_web("-put", "-", "/web/a/s.txt", input=b"from stdin\n").returncode == 0
    assert cluster.fs().cat("/web/a/d.bin") == data  # really in the NameNode's namespace
    assert via_web("-cat", "/web/a/d.bin").stdout == data
    assert via_web("-chmod", "-R", "700", "/web/a/b").returncode == 0
    assert cluster.fs().get_file_status("/web/a/b").permission == 0o700
    assert via_web("-mv", "/web/a/s.txt", "/web/a/b/").returncode == 0
    assert cluster.fs().cat("/web/a/b/s.txt") == b"from stdin\n"

    for args in (["-ls", "-R", "/web"], ["-du", "/web/a"], ["-count", "-q", "/web"], ["-checksum", "/web/a/d.bin"],
                 ["-stat", "%n %b %r %o %a %u %g %y", "/web/a/d.bin"], ["-test", "-d", "/web/a/b"]):
        w, r = via_web(*args), via_rpc(*args)
        assert (w.returncode, w.stdout) == (r.returncode, r.stdout), (args, w.stderr, r.stderr)

    # -fs works the same as -D fs.defaultFS, and relative paths resolve to /user/<user> over WebHDFS.
    r = cluster.cli("hdfs", "dfs", "-fs", web, "-mkdir", "-p", "rel")
    assert r.returncode == 0, r.stderr
    home = cluster.cli("hdfs", "dfs", "-fs", web, "-stat", "%n", "rel").stdout.decode().strip()
    assert home == "rel" and cluster.fs().is_dir(cluster.fs().home_directory() + "/rel")

    # Errors are Hadoop's, over WebHDFS as over RPC.
    w, r = via_web("-cat", "/web/nope"), via_rpc("-cat", "/web/nope")
    assert w.returncode == r.returncode == 1 and w.stderr == r.stderr
    w = via_web("-rm", "-r", "/web")
    assert w.returncode == 0 and w.stdout.decode() == "Deleted /web\n"
    assert not cluster.fs().exists("/web")


def test_fsspec_pyhdp_over_daemons_rpc_and_webhdfs(cluster):
    """The ``pyhdp`` fsspec protocol on the daemons: through RPC (the cluster's fs.defaultFS) and
    through WebHDFS (fs_uri), and qualified URLs of both in one instance."""
    fsspec = pytest.importorskip("fsspec")
    pd = pytest.importorskip("pandas")
    web = f"webhdfs://127.0.0.1:{cluster.http_port}"
    rpc_fs = fsspec.filesystem("pyhdp", conf_dir=str(cluster.conf_dir), skip_instance_cache=True)
    web_fs = fsspec.filesystem("pyhdp", conf_dir=str(cluster.conf_dir), fs_uri=web, skip_instance_cache=True)
    rpc_fs.makedirs("/fsspec", exist_ok=True)
    pd.DataFrame({"k": ["a", "b"], "v": [1, 2]}).to_csv("pyhdp:///fsspec/x.csv", index=False,
                                                         storage_options={"conf_dir": str(cluster.conf_dir)})
    with rpc_fs.open("/fsspec/x.csv", "rb") as f:
        assert f.read() == b"k,v\na,1\nb,2\n"
    assert web_fs.cat("/fsspec/x.csv") == b"k,v\na,1\nb,2\n"
    with web_fs.open("/fsspec/big.bin", "wb") as f:
        f.write(b"0123456789" * 300_000)  # 3 MB: three 1 MiB blocks written over WebHDFS
    assert cluster.fs().get_file_status("/fsspec/big.bin").length == 3_000_000
    with rpc_fs.open("/fsspec/big.bin", "rb") as f:
        f.seek(2_500_003)
        assert f.read(7) == b"3456789"
    assert web_fs.info("/fsspec/big.bin")["size"] == rpc_fs.info(f"{web}/fsspec/big.bin")["size"] == 3_000_000
    assert rpc_fs.checksum("/fsspec/big.bin") == web_fs.checksum("/fsspec/big.bin")
    assert web_fs.ls(f"{web}/fsspec", detail=False) == [f"{web}/fsspec/big.bin", f"{web}/fsspec/x.csv"]
    web_fs.mv("/fsspec/x.csv", "/fsspec/y.csv")
    assert rpc_fs.ls("/fsspec", detail=False) == ["/fsspec/big.bin", "/fsspec/y.csv"]
    web_fs.rm("/fsspec", recursive=True)
    assert not cluster.fs().exists("/fsspec")
