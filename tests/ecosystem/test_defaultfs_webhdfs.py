"""``fs.defaultFS=webhdfs://...`` (or ``-fs``) sends every pyhdp FsShell command through WebHDFS:
the results match the same commands over pyhdp's RPC client on the same NameNode."""

from __future__ import annotations

import os


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
