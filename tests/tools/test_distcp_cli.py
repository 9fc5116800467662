"""``hadoop distcp`` end to end: the real command, file:// and the embedded hdfs:// store."""

from __future__ import annotations

import os
import re

import pytest

HDFS = "hdfs://localhost:9000"


def counter(stderr: str, name: str) -> int | None:
    m = re.search(rf"^\s+{re.escape(name)}=(\d+)$", stderr, re.M)
    return int(m.group(1)) if m else None


@pytest.fixture
def src(tmp_path):
    d = tmp_path / "src"
    (d / "sub").mkdir(parents=True)
    (d / "a.txt").write_text("hello\n")
    (d / "sub" / "b.txt").write_text("".join(f"{i}\n" for i in range(5000)))
    (d / "sub" / "c.txt").write_text("see\n")
    return d


def tree(root) -> dict[str, bytes]:
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            p = os.path.join(dirpath, f)
            out[os.path.relpath(p, root)] = open(p, "rb").read()
    return out


def test_file_to_hdfs_and_back(cli, src, tmp_path):
    r = cli("hadoop", "distcp", "-m", "2", f"file://{src}", f"{HDFS}/d1")
    assert r.returncode == 0, r
    assert "DistCp Counters" in r.stderr
    assert counter(r.stderr, "Files Copied") == 3
    assert counter(r.stderr, "Bytes Copied") == sum(len(v) for v in tree(src).values())
    assert counter(r.stderr, "Bytes Expected") == counter(r.stderr, "Bytes Copied")
    cat = cli("hdfs", "dfs", "-cat", f"{HDFS}/d1/sub/c.txt")
    assert cat.stdout == "see\n"
    back = tmp_path / "back"
    r = cli("hadoop", "distcp", f"{HDFS}/d1", f"file://{back}")
    assert r.returncode == 0, r
    assert tree(back) == tree(src)


def test_existing_target_dir_gets_source_dir_by_name(cli, src, tmp_path):
    dst = tmp_path / "dst"
    dst.mkdir()
    r = cli("hadoop", "distcp", f"file://{src}", f"file://{dst}")
    assert r.returncode == 0, r
    assert tree(dst / "src") == tree(src)
    # two sources into a new directory: each under its own name
    two = tmp_path / "two"
    r = cli("hadoop", "distcp", f"file://{src}/a.txt", f"file://{src}/sub", f"file://{two}")
    assert r.returncode == 0, r
    assert sorted(tree(two)) == ["a.txt", "sub/b.txt", "sub/c.txt"]


def test_update_skips_unchanged_and_copies_changed(cli, src, tmp_path):
    dst = tmp_path / "dst"
    dst.mkdir()
    assert cli("hadoop", "distcp", "-update", f"file://{src}", f"{HDFS}/u").returncode == 0
    (src / "sub" / "c.txt").write_text("changed content\n")
    (src / "new.txt").write_text("new\n")
    r = cli("hadoop", "distcp", "-update", f"file://{src}", f"{HDFS}/u")
    assert r.returncode == 0, r
    assert counter(r.stderr, "Files Copied") == 2
    assert counter(r.stderr, "Files Skipped") == 2
    assert counter(r.stderr, "Bytes Skipped") == len("hello\n") + len((src / "sub" / "b.txt").read_bytes())
    assert cli("hdfs", "dfs", "-cat", f"{HDFS}/u/sub/c.txt").stdout == "changed content\n"
    # -update copies the contents, not the directory itself, into an existing target
    assert cli("hdfs", "dfs", "-test", "-e", f"{HDFS}/u/src").returncode == 1


def test_overwrite_copies_everything(cli, src, tmp_path):
    dst = tmp_path / "dst"
    assert cli("hadoop", "distcp", f"file://{src}", f"file://{dst}").returncode == 0
    r = cli("hadoop", "distcp", "-overwrite", f"file://{src}", f"file://{dst}")
    assert r.returncode == 0, r
    assert counter(r.stderr, "Files Copied") == 3
    assert counter(r.stderr, "Files Skipped") is None
    assert tree(dst) == tree(src)


def test_delete_removes_files_missing_in_source(cli, src, tmp_path):
    dst = tmp_path / "dst"
    (dst / "old").mkdir(parents=True)
    (dst / "old" / "x").write_text("x")
    (dst / "stale.txt").write_text("stale")
    r = cli("hadoop", "distcp", "-update", "-delete", f"file://{src}", f"file://{dst}")
    assert r.returncode == 0, r
    assert tree(dst) == tree(src)
    assert not (dst / "old").exists()
    assert "Deleted from target: files: 1 directories: 1" in r.stderr


def test_preserve_permissions_and_times(cli, src, tmp_path):
    os.chmod(src / "a.txt", 0o640)
    os.utime(src / "a.txt", (1_500_000_000, 1_500_000_000))
    os.chmod(src / "sub", 0o750)
    r = cli("hadoop", "distcp", "-ppt", f"file://{src}", f"{HDFS}/p")
    assert r.returncode == 0, r
    st = cli("hdfs", "dfs", "-stat", "%a %Y", f"{HDFS}/p/a.txt").stdout.split()
    assert st == ["640", "1500000000000"]
    assert cli("hdfs", "dfs", "-stat", "%a", f"{HDFS}/p/sub").stdout.strip() == "750"
    # without -p the target gets default permissions and a fresh time
    r = cli("hadoop", "distcp", f"file://{src}/a.txt", f"{HDFS}/np.txt")
    assert r.returncode == 0, r
    st = cli("hdfs", "dfs", "-stat", "%a %Y", f"{HDFS}/np.txt").stdout.split()
    assert st[0] != "640" and st[1] != "1500000000000"


def test_several_maps(cli, tmp_path):
    d = tmp_path / "many"
    d.mkdir()
    for i in range(7):
        (d / f"f{i}").write_text(str(i) * (i + 1) * 100)
    r = cli("hadoop", "distcp", "-m", "3", "-strategy", "dynamic", f"file://{d}", f"file://{tmp_path}/out")
    assert r.returncode == 0, r
    assert counter(r.stderr, "Launched map tasks") == 3
    assert tree(tmp_path / "out") == tree(d)


def test_source_listing_file_and_log_dir(cli, src, tmp_path):
    listing = tmp_path / "list.txt"
    listing.write_text(f"file://{src}/a.txt\nfile://{src}/sub\n")
    logs = tmp_path / "logs"
    r = cli(
        "hadoop", "distcp", "-v", "-log", f"file://{logs}", "-f", f"file://{listing}", f"file://{tmp_path}/o"
    )
    assert r.returncode == 0, r
    assert sorted(tree(tmp_path / "o")) == ["a.txt", "sub/b.txt", "sub/c.txt"]
    log_text = "".join(v.decode() for k, v in tree(logs).items() if k.startswith("part-"))
    assert log_text.count("FILE_COPIED: source=") == 3


def test_atomic(cli, src, tmp_path):
    r = cli("hadoop", "distcp", "-atomic", f"file://{src}", f"{HDFS}/atomic")
    assert r.returncode == 0, r
    ls = cli("hdfs", "dfs", "-ls", "/").stdout
    assert ".distcp.tmp" not in ls
    assert cli("hdfs", "dfs", "-cat", f"{HDFS}/atomic/a.txt").stdout == "hello\n"


def test_missing_source(cli, tmp_path):
    r = cli("hadoop", "distcp", f"file://{tmp_path}/nope", f"file://{tmp_path}/out")
    assert r.returncode == 255
    assert f"file:{tmp_path}/nope doesn't exist" in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "args,message",
    [
        (["/only"], "Neither source file listing nor source paths present"),
        (["-update", "-overwrite", "/a", "/b"], "Overwrite and update options are mutually exclusive"),
        (["-delete", "/a", "/b"], "Delete missing is applicable only with update or overwrite options"),
        (["-pz", "/a", "/b"], "z is not a valid preserve attribute"),
        (["-bogus", "/a", "/b"], "Unrecognized option: -bogus"),
    ],
)
def test_invalid_arguments(cli, args, message):
    r = cli("hadoop", "distcp", *args)
    assert r.returncode == 255, r
    assert f"Invalid arguments: {message}" in r.stderr
    assert "usage: distcp OPTIONS [source_path...] <target_path>" in r.stderr


def test_failed_copy_is_reported_and_ignored_with_i(cli, src, tmp_path):
    for args in (
        ["-mkdir", "-p", f"{HDFS}/t/sub"],
        ["-chmod", "777", f"{HDFS}/t"],
        ["-chmod", "755", f"{HDFS}/t/sub"],
    ):
        assert cli("hdfs", "dfs", *args).returncode == 0
    bob = {"HADOOP_USER_NAME": "bob"}
    r = cli(
        "hadoop",
        "distcp",
        "-D",
        "mapreduce.map.maxattempts=1",
        "-update",
        f"file://{src}",
        f"{HDFS}/t",
        env=bob,
    )
    assert r.returncode == 25, r
    assert "java.io.IOException: DistCp failure: Job job_" in r.stderr
    assert f"File copy failed: file:{src}/sub/" in r.stderr and "Permission denied: user=bob" in r.stderr
    logs = tmp_path / "logs"
    r = cli(
        "hadoop", "distcp", "-i", "-update", "-log", f"file://{logs}", f"file://{src}", f"{HDFS}/t", env=bob
    )
    assert r.returncode == 0, r
    assert counter(r.stderr, "Files Failed") == 2
    assert counter(r.stderr, "Files Copied") == 1
    assert counter(r.stderr, "Bytes Failed") == len((src / "sub" / "b.txt").read_bytes()) + len("see\n")
    assert cli("hdfs", "dfs", "-cat", f"{HDFS}/t/a.txt").stdout == "hello\n"
    fails = [line for k, v in tree(logs).items() if k.startswith("part-") for line in v.decode().splitlines()]
    assert sorted(f.split(" - ")[0] for f in fails) == [
        f"FAIL: file:{src}/sub/b.txt",
        f"FAIL: file:{src}/sub/c.txt",
    ]


def test_no_arguments_prints_the_usage(cli):
    r = cli("hadoop", "distcp")
    assert r.returncode == 255
    assert r.stderr.startswith("usage: distcp OPTIONS [source_path...] <target_path>")
    assert "Invalid arguments" not in r.stderr


def test_glob_sources(cli, src, tmp_path):
    (src / "a2.txt").write_text("two\n")
    r = cli("hadoop", "distcp", f"file://{src}/a*.txt", f"file://{src}/s?b", f"{HDFS}/g")
    assert r.returncode == 0, r
    ls = cli("hdfs", "dfs", "-ls", "-R", "-C", f"{HDFS}/g").stdout.split()
    assert ls == [f"{HDFS}/g/{p}" for p in ("a.txt", "a2.txt", "sub", "sub/b.txt", "sub/c.txt")]
    r = cli("hadoop", "distcp", f"file://{src}/z*", f"{HDFS}/g2")
    assert r.returncode == 255 and f"file:{src}/z* doesn't exist" in r.stderr
