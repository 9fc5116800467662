"""FsShell on the default file system (the embedded store, ``hdfs://localhost:9000``)."""

import pytest

from pyhdp.security import login_user


@pytest.fixture
def hdfs(cli, tmp_path):
    def run(*args, input=None):
        return cli("hdfs", "dfs", *args, cwd=tmp_path, input=input)

    return run


def test_relative_paths_live_in_the_home_directory(hdfs, tmp_path):
    user = login_user()
    assert hdfs("-mkdir", "-p", f"/user/{user}/d").returncode == 0
    (tmp_path / "local.txt").write_text("data\n")
    assert hdfs("-put", str(tmp_path / "local.txt"), "d/f").returncode == 0
    r = hdfs("-ls", "d")
    assert r.returncode == 0
    assert r.stdout.splitlines()[0] == "Found 1 items"
    line = r.stdout.splitlines()[1]
    assert line.startswith(f"-rw-r--r--   1 {user} supergroup          5 ") and line.endswith(" d/f")
    r = hdfs("-ls", "/user/*/d")
    assert r.stdout.splitlines()[1].endswith(f" /user/{user}/d/f")
    r = hdfs("-ls", "hdfs:///user/*/d")
    assert r.stdout.splitlines()[1].endswith(f" hdfs:///user/{user}/d/f")
    assert hdfs("-cat", "d/f").stdout == "data\n"
    r = hdfs("-stat", "%r %o %u:%g %n", "d/f")
    assert r.stdout == f"1 134217728 {user}:supergroup f\n"


def test_trash_on_the_store(hdfs):
    user = login_user()
    hdfs("-mkdir", "-p", f"/user/{user}")
    hdfs("-touchz", "gone")
    r = hdfs("-D", "fs.trash.interval=60", "-rm", "gone")
    assert r.returncode == 0 and r.stdout == ""
    assert (
        f"INFO fs.TrashPolicyDefault: Moved: 'hdfs://localhost:9000/user/{user}/gone' to trash at: "
        f"hdfs://localhost:9000/user/{user}/.Trash/Current/user/{user}/gone"
    ) in r.stderr
    assert hdfs("-test", "-e", f".Trash/Current/user/{user}/gone").returncode == 0
    r = hdfs("-D", "fs.trash.interval=60", "-rm", "-r", ".Trash")
    assert r.returncode == 0 and r.stdout == "Deleted .Trash\n"


def test_checksum_and_count_on_the_store(hdfs, tmp_path):
    user = login_user()
    hdfs("-mkdir", "-p", f"/user/{user}")
    (tmp_path / "x").write_bytes(b"12345678901234\n")
    hdfs("-put", str(tmp_path / "x"), "x")
    r = hdfs("-checksum", "x")
    assert r.returncode == 0
    path, algo, digest = r.stdout.rstrip("\n").split("\t")
    assert (path, algo) == ("x", "MD5-of-0MD5-of-512CRC32C") and len(digest) == 56
    r = hdfs("-count", "-q", "x")
    assert r.stdout.split() == ["none", "inf", "none", "inf", "0", "1", "15", "x"]
