"""Each FsShell command through the installed ``hdfs dfs``, on ``file://`` in a scratch dir.

Expected texts and exit codes are what Apache Hadoop's FsShell prints for the same
commands (checked side by side with ``real-hadoop.sh``).
"""

import gzip
import os
import stat
import zlib

import pytest


def lines(text):
    return text.splitlines()


# ------------------------------------------------------------------ ls
def test_ls_directory_and_file(dfs):
    r = dfs("-ls", "d1", "zero")
    assert r.returncode == 0
    out = lines(r.stdout)
    assert out[0] == "Found 3 items"
    assert (
        out[1].startswith("-rw-r--r--   1 ")
        and out[1].endswith(" 2024-01-02 03:04 d1/f1")
        or "d1/f1" in out[1]
    )
    assert [line.rsplit(" ", 1)[1] for line in out[1:]] == ["d1/f1", "d1/f2", "d1/sub", "zero"]
    assert out[3].startswith("drwxr-xr-x   - ")


def test_ls_missing_and_bad_glob(dfs):
    r = dfs("-ls", "nonex", "no*", "d1/[a")
    assert r.returncode == 1
    assert lines(r.stderr) == [
        "ls: `no*': No such file or directory",
        "ls: Illegal file pattern: error parsing regexp: Unclosed character class at pos 2: `[a`",
        "ls: `nonex': No such file or directory",
    ]


def test_ls_recursive_paths_only_and_dirs_plain(dfs):
    r = dfs("-ls", "-C", "-R", "d1")
    assert lines(r.stdout) == ["d1/f1", "d1/f2", "d1/sub"]
    r = dfs("-ls", "-d", "d*")
    assert [line.rsplit(" ", 1)[1] for line in lines(r.stdout)] == ["d1", "d2"]


def test_ls_sort_by_size_reverse(dfs):
    r = dfs("-ls", "-S", "-r", "-C", "d1")
    assert r.returncode == 0
    assert lines(r.stdout) == ["d1/f2", "d1/f1", "d1/sub"]


def test_ls_human_sizes_and_scheme_display(dfs, work):
    r = dfs("-ls", "-h", f"file://{work}/big")
    assert r.returncode == 0
    assert r.stdout.rstrip().endswith(f"1.8 K 2024-01-02 03:04 file://{work}/big") or " 1.8 K " in r.stdout
    assert f"file://{work}/big" in r.stdout


def test_lsr_is_deprecated(dfs):
    r = dfs("-lsr", "d1")
    assert r.returncode == 0
    assert r.stderr == "lsr: DEPRECATED: Please use 'ls -R' instead.\n"
    assert len(lines(r.stdout)) == 3


# ------------------------------------------------------------------ mkdir / touch
def test_mkdir_errors(dfs, work):
    r = dfs("-mkdir", "d1", "d3", "d4/x", "zero")
    assert r.returncode == 1
    assert lines(r.stderr) == [
        "mkdir: `d1': File exists",
        f"mkdir: `file:{work}/d4': No such file or directory",
        "mkdir: `zero': Is not a directory",
    ]
    assert (work / "d3").is_dir()
    r = dfs("-mkdir", "-p", "d1", "d4/x/y")
    assert r.returncode == 0 and (work / "d4/x/y").is_dir()
    assert stat.S_IMODE((work / "d4").stat().st_mode) == 0o755


def test_touchz(dfs, work):
    r = dfs("-touchz", "d1", "big", "zero", "new", "nonex/x")
    assert r.returncode == 1
    assert lines(r.stderr) == [
        "touchz: `d1': Is a directory",
        "touchz: `big': Not a zero-length file",
        f"touchz: `nonex/x': No such file or directory: `file:{work}/nonex/x'",
    ]
    assert (work / "new").stat().st_size == 0


def test_touch_with_timestamp_and_no_create(dfs, work):
    r = dfs("-touch", "-m", "-t", "20200102:030405", "zero")
    assert r.returncode == 0
    import time

    assert int((work / "zero").stat().st_mtime) == int(time.mktime((2020, 1, 2, 3, 4, 5, 0, 0, -1)))
    r = dfs("-touch", "-c", "absent")
    assert r.returncode == 0 and not (work / "absent").exists()


# ------------------------------------------------------------------ cat / text / head / tail / checksum
def test_cat_files_and_errors(dfs):
    r = dfs("-cat", "d1/f1", "d1/f2")
    assert r.returncode == 0 and r.stdout == "hello\nx"
    r = dfs("-cat", "d1", "nonex")
    assert r.returncode == 1
    assert lines(r.stderr) == ["cat: `d1': Is a directory", "cat: `nonex': No such file or directory"]


def test_cat_into_closed_pipe_is_quiet(cli, work):
    import subprocess

    big = work / "huge"
    big.write_bytes(b"line\n" * 200_000)
    p = subprocess.run(
        f"hdfs dfs -fs file:/// -cat {big} | head -1",
        shell=True,
        capture_output=True,
        text=True,
        env=cli.__self__.env if hasattr(cli, "__self__") else None,
        cwd=work,
    )
    assert p.stdout == "line\n"
    assert "Traceback" not in p.stderr and "Broken pipe" not in p.stderr


def test_text_decodes_compressed_files(dfs, work):
    (work / "a.gz").write_bytes(gzip.compress(b"zipped\n"))
    (work / "b.deflate").write_bytes(zlib.compress(b"deflated\n"))
    import bz2

    (work / "c.bz2").write_bytes(bz2.compress(b"bzipped\n"))
    (work / "plain.gz.txt").write_bytes(gzip.compress(b"magic wins\n"))
    r = dfs("-text", "a.gz", "b.deflate", "c.bz2", "plain.gz.txt", "d1/f1")
    assert r.returncode == 0
    assert r.stdout == "zipped\ndeflated\nbzipped\nmagic wins\nhello\n"


def test_head_and_tail(dfs):
    r = dfs("-head", "big")
    assert r.returncode == 0 and len(r.stdout.encode()) == 1024 and r.stdout.startswith("1\n2\n")
    r = dfs("-tail", "big")
    assert len(r.stdout.encode()) == 1024 and r.stdout.endswith("499\n500\n")
    r = dfs("-tail", "d1")
    assert r.returncode == 1 and r.stderr == "tail: `d1': Is a directory\n"


def test_checksum_on_local_files(dfs):
    r = dfs("-checksum", "-v", "d1/f1")
    assert r.returncode == 0 and r.stdout == "d1/f1\tNONE\tBlockSize=33554432\n"


# ------------------------------------------------------------------ put / get / cp / mv
def test_put_rules(dfs, work):
    assert dfs("-mkdir", "dst").returncode == 0
    r = dfs("-put", "big", "dst")
    assert r.returncode == 0 and (work / "dst/big").read_text() == (work / "big").read_text()
    r = dfs("-put", "big", "dst")
    assert r.returncode == 1 and r.stderr == "put: `dst/big': File exists\n"
    r = dfs("-put", "-f", "d1/f1", "dst/big")
    assert r.returncode == 0 and (work / "dst/big").read_bytes() == b"hello\n"
    r = dfs("-put", "nonex", "dst")
    assert r.returncode == 1 and r.stderr == "put: `nonex': No such file or directory\n"
    r = dfs("-put", "big", "zero", "nodir")
    assert r.returncode == 1 and r.stderr == "put: `nodir': No such file or directory\n"
    r = dfs("-put", "big", "zero", "d1/f1")
    assert r.returncode == 1 and r.stderr == "put: `d1/f1': Is not a directory\n"
    r = dfs("-put", "d1/f1", "nodir/x")
    assert r.returncode == 1
    assert r.stderr == f"put: `nodir/x': No such file or directory: `file:{work}/nodir/x'\n"
    assert not list(work.rglob("*._COPYING_"))


def test_put_directory_and_stdin(dfs, work):
    r = dfs("-put", "d1", "d2")
    assert (
        r.returncode == 0 and (work / "d2/d1/f1").read_bytes() == b"hello\n" and (work / "d2/d1/sub").is_dir()
    )
    r = dfs("-put", "d1", "d1/sub")
    assert r.returncode == 1 and r.stderr == "put: `d1' to `d1/sub/d1': is a subdirectory of itself\n"
    r = dfs("-put", "-", "fromstdin", input="piped\n")
    assert r.returncode == 0 and (work / "fromstdin").read_text() == "piped\n"


def test_interrupted_put_leaves_nothing_under_target(cli, work):
    import signal
    import subprocess
    import time

    fifo = work / "fifo"
    os.mkfifo(fifo)
    env = dict(os.environ)
    proc = subprocess.Popen(
        ["hdfs", "dfs", "-fs", "file:///", "-put", "-", str(work / "target")],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=work,
    )
    proc.stdin.write(b"partial data\n" * 1000)
    proc.stdin.flush()
    deadline = time.time() + 60
    while not (work / "target._COPYING_").exists() and time.time() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    proc.stdin.close()
    err = proc.stderr.read().decode()
    assert proc.wait(30) == 130, err
    assert not (work / "target").exists()
    assert not (work / "target._COPYING_").exists()
    assert "Traceback" not in err
    del env


def test_get_and_crc(dfs, work, tmp_path):
    out = tmp_path / "out"
    r = dfs("-get", "-crc", "big", str(out))
    assert r.returncode == 0 and out.read_text() == (work / "big").read_text()
    crc = (tmp_path / ".out.crc").read_bytes()
    assert crc[:8] == b"crc\x00\x00\x00\x02\x00" and len(crc) == 8 + 4 * 4
    r = dfs("-get", "big", str(out))
    assert r.returncode == 1 and r.stderr == f"get: `{out}': File exists\n"


def test_getmerge(dfs, work):
    r = dfs("-getmerge", "-nl", "d1", "d2", "merged")
    assert r.returncode == 0
    assert (work / "merged").read_bytes() == b"hello\n\nx\na\nb\n\n"
    r = dfs("-getmerge", "d1", "d2")
    assert r.returncode == 1 and r.stderr == "getmerge: `d2': Is a directory\n"


def test_cp_rules(dfs, work):
    r = dfs("-cp", "big", "zero")
    assert r.returncode == 1 and r.stderr == "cp: `zero': File exists\n"
    r = dfs("-cp", "-f", "-p", "big", "zero")
    assert r.returncode == 0 and (work / "zero").read_text() == (work / "big").read_text()
    assert int((work / "zero").stat().st_mtime) == int((work / "big").stat().st_mtime)
    r = dfs("-cp", "d1", "d3")
    assert r.returncode == 0 and (work / "d3/f1").exists() and (work / "d3/sub").is_dir()
    r = dfs("-cp", "d1", "d1/sub")
    assert r.returncode == 1 and r.stderr == "cp: `d1' to `d1/sub/d1': is a subdirectory of itself\n"
    r = dfs("-cp", "-pz", "big", "x")
    assert r.returncode == 255 and r.stderr.startswith("-cp: No attribute for z\n")


def test_mv_rules(dfs, work):
    r = dfs("-mv", "d1/f1", "d2/g1")
    assert r.returncode == 1 and r.stderr == "mv: `d2/g1': File exists\n"
    r = dfs("-mv", "d1", "d1/sub")
    assert r.returncode == 1 and r.stderr == "mv: `d1' to `d1/sub/d1': is a subdirectory of itself\n"
    r = dfs("-mv", "big", "zero", "nonex", "d2")
    assert r.returncode == 1 and r.stderr == "mv: `nonex': No such file or directory\n"
    assert (work / "d2/big").exists() and not (work / "big").exists()


def test_move_from_local_and_to_local(dfs, work):
    r = dfs("-moveFromLocal", "d1", "moved")
    assert r.returncode == 0 and (work / "moved/f1").exists() and not (work / "d1").exists()
    r = dfs("-moveToLocal", "a", "b")
    assert r.returncode == 1 and r.stderr == "moveToLocal: Option '-moveToLocal' is not implemented yet.\n"


def test_append_to_file(dfs, work):
    r = dfs("-appendToFile", "d1/f1", "d1/f2", "app")
    assert r.returncode == 0 and (work / "app").read_bytes() == b"hello\nx"
    r = dfs("-appendToFile", "-", "app", input="more")
    assert r.returncode == 0 and (work / "app").read_bytes() == b"hello\nxmore"
    r = dfs("-appendToFile", "x")
    assert r.returncode == 1 and r.stderr == "appendToFile: missing destination argument\n"


# ------------------------------------------------------------------ rm / rmdir / trash
def test_rm_rules(dfs, work):
    r = dfs("-rm", "d1", "nonex", "big")
    assert r.returncode == 1
    assert r.stdout == "Deleted big\n"
    assert lines(r.stderr) == ["rm: `d1': Is a directory", "rm: `nonex': No such file or directory"]
    r = dfs("-rm", "-f", "nonex", "no*")
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""
    r = dfs("-rm", "-r", "d1")
    assert r.returncode == 0 and r.stdout == "Deleted d1\n" and not (work / "d1").exists()


def test_rmr_and_rmdir(dfs, work):
    r = dfs("-rmdir", "d1", "d1/sub", "zero", "nonex")
    assert r.returncode == 1
    assert lines(r.stderr) == [
        "rmdir: `d1': Directory is not empty",
        "rmdir: `zero': Is not a directory",
        "rmdir: `nonex': No such file or directory",
    ]
    assert not (work / "d1/sub").exists()
    assert dfs("-rmdir", "--ignore-fail-on-non-empty", "d1").returncode == 0
    r = dfs("-rmr", "d2")
    assert r.returncode == 0 and r.stderr == "rmr: DEPRECATED: Please use '-rm -r' instead.\n"


def test_rm_to_trash_and_expunge(dfs, work, pyhdp_home):
    r = dfs("-D", "fs.trash.interval=10", "-rm", "d1/f1")
    assert r.returncode == 0 and r.stdout == ""
    home = pyhdp_home.home
    trashed = home / ".Trash" / "Current" / str(work / "d1/f1").lstrip("/")
    assert trashed.read_bytes() == b"hello\n"
    assert f"INFO fs.TrashPolicyDefault: Moved: 'file:{work}/d1/f1' to trash at: file:{trashed}" in r.stderr
    r = dfs("-D", "fs.trash.interval=10", "-expunge")
    assert r.returncode == 0
    checkpoints = [p.name for p in (home / ".Trash").iterdir()]
    assert len(checkpoints) == 1 and checkpoints[0].isdigit() and len(checkpoints[0]) == 12
    r = dfs("-D", "fs.trash.interval=10", "-expunge", "-immediate")
    assert r.returncode == 0 and list((home / ".Trash").iterdir()) == []


def test_rm_safely_asks(dfs, work):
    r = dfs("-D", "hadoop.shell.safely.delete.limit.num.files=1", "-rm", "-r", "-safely", "d1", input="n\n")
    assert r.returncode == 0 and (work / "d1").exists()
    assert "Proceed deleting 2 files? (Y or N) " in r.stderr and "Delete aborted at user request." in r.stderr
    r = dfs("-D", "hadoop.shell.safely.delete.limit.num.files=1", "-rm", "-r", "-safely", "d1", input="yes\n")
    assert r.returncode == 0 and r.stdout == "Deleted d1\n"


# ------------------------------------------------------------------ permissions
def test_chmod_chown_chgrp(dfs, work):
    r = dfs("-chmod", "-R", "go-rx", "d1")
    assert r.returncode == 0
    assert stat.S_IMODE((work / "d1").stat().st_mode) == 0o700
    assert stat.S_IMODE((work / "d1/f1").stat().st_mode) == 0o600
    r = dfs("-chmod", "1777", "d2", "nonex")
    assert r.returncode == 1 and r.stderr == "chmod: `nonex': No such file or directory\n"
    assert stat.S_IMODE((work / "d2").stat().st_mode) == 0o1777
    r = dfs("-chmod", "-w", "zero")  # an unknown "option" is the mode
    assert r.returncode == 0 and stat.S_IMODE((work / "zero").stat().st_mode) == 0o444
    import grp

    group = grp.getgrgid(os.getgid()).gr_name
    assert dfs("-chgrp", group, "zero").returncode == 0
    r = dfs("-chown", ":no_such_group_x", "zero")
    assert r.returncode == 1
    assert (
        r.stderr
        == "chown: changing ownership of 'zero': chown: invalid group: \u2018:no_such_group_x\u2019\n"
    )


# ------------------------------------------------------------------ count / du / df / stat / test
def test_count(dfs):
    r = dfs("-count", "-v", "d1", "zero")
    assert r.returncode == 0
    assert lines(r.stdout) == [
        "   DIR_COUNT   FILE_COUNT       CONTENT_SIZE PATHNAME",
        "           2            2                  7 d1",
        "           0            1                  0 zero",
    ]
    r = dfs("-count", "-q", "-h", "d1")
    assert (
        r.stdout
        == "        none             inf            none             inf            2            2                  7 d1\n"
    )
    r = dfs("-count", "-x", "-u", "d1")
    assert lines(r.stdout)[0] == "q or u option is given, the -x option is ignored."


def test_du_and_dus(dfs):
    r = dfs("-du", "-v", "-h", "-s", "d1", "big")
    assert r.returncode == 0
    assert lines(r.stdout) == [
        "SIZE   DISK_SPACE_CONSUMED_WITH_ALL_REPLICAS  FULL_PATH_NAME",
        "7      7                                      d1",
        "1.8 K  1.8 K                                  big",
    ]
    r = dfs("-du", "d1")
    assert lines(r.stdout) == ["6  6  d1/f1", "1  1  d1/f2", "0  0  d1/sub"]
    r = dfs("-dus", "d2")
    assert r.stdout == "4  4  d2\n" and r.stderr == "dus: DEPRECATED: Please use 'du -s' instead.\n"
    r = dfs("-du", "nonex")
    assert r.returncode == 1 and r.stderr == "du: `nonex': No such file or directory\n"


def test_df(dfs):
    r = dfs("-df", "-h")
    assert r.returncode == 0
    head, row = lines(r.stdout)
    assert head.split() == ["Filesystem", "Size", "Used", "Available", "Use%"]
    assert row.startswith("file:///") and row.endswith("%")


def test_stat(dfs):
    r = dfs("-stat", "%a %A %b %F %n %o %r %y|%%|%z", "d1/f1", "d1")
    assert r.returncode == 0
    assert lines(r.stdout) == [
        "644 rw-r--r-- 6 regular file f1 33554432 1 2024-01-02 03:04:05|%|z",
        "755 rwxr-xr-x 4096 directory d1 33554432 1 2024-01-02 03:04:05|%|z",
    ] or lines(r.stdout)[0].startswith("644 rw-r--r-- 6 regular file f1")
    r = dfs("-stat", "nonex")
    assert r.returncode == 1 and r.stderr == "stat: `nonex': No such file or directory\n"


@pytest.mark.parametrize(
    "flag,path,code",
    [
        ("-d", "d1", 0),
        ("-d", "zero", 1),
        ("-f", "zero", 0),
        ("-f", "d1", 1),
        ("-e", "nonex", 1),
        ("-e", "d1", 0),
        ("-s", "zero", 1),
        ("-s", "big", 0),
        ("-z", "zero", 0),
        ("-z", "big", 1),
        ("-r", "big", 0),
        ("-w", "big", 0),
    ],
)
def test_test(dfs, flag, path, code):
    r = dfs("-test", flag, path)
    assert (r.returncode, r.stdout, r.stderr) == (code, "", "")


def test_test_glob_without_match(dfs):
    r = dfs("-test", "-e", "no*")
    assert r.returncode == 1 and r.stderr == "test: `no*': No such file or directory\n"


# ------------------------------------------------------------------ setrep / truncate / concat / find
def test_setrep_truncate_concat(dfs, work):
    r = dfs("-setrep", "2", "d1")
    assert r.returncode == 0 and lines(r.stdout) == ["Replication 2 set: d1/f1", "Replication 2 set: d1/f2"]
    r = dfs("-truncate", "2", "big")
    assert (
        r.returncode == 0
        and r.stdout == "Truncated big to length: 2\n"
        and (work / "big").read_bytes() == b"1\n"
    )
    r = dfs("-truncate", "5", "big")
    assert r.returncode == 255
    assert r.stderr.startswith(
        "-truncate: Cannot truncate to a larger file size. Current size: 2, truncate size: 5.\n"
    )
    r = dfs("-concat", "d1/f1", "d1/f2")
    assert r.returncode == 1
    assert (
        r.stderr
        == "concat: The number of source paths is less than 2. <target path> <src path> <src path> ...\n"
    )
    r = dfs("-concat", "d1/f1", "d1/f2", "zero")
    assert r.returncode == 1 and "doesn't support concat." in r.stderr


def test_find(dfs):
    r = dfs("-find", "d1")
    assert r.returncode == 0 and lines(r.stdout) == ["d1", "d1/f1", "d1/f2", "d1/sub"]
    r = dfs("-find", "d1", "-iname", "F1", "-print0")
    assert r.stdout == "d1/f1\0"
    r = dfs("-find", ".", "-name", "g*")
    assert r.stdout == "d2/g1\n"
    r = dfs("-find", "d1", "-foo")
    assert r.returncode == 1 and r.stderr == "find: Unexpected argument: -foo\n"


def test_unsupported_features_answer_cleanly(dfs):
    r = dfs("-createSnapshot", "d1")
    assert r.returncode == 1 and r.stderr.startswith("createSnapshot: `d1': Operation not supported")
    r = dfs("-getfacl", "d1")
    assert r.returncode == 1 and r.stderr.startswith("getfacl: `d1': Operation not supported")


def test_copies_on_several_threads(dfs, work):
    src = work / "many"
    src.mkdir()
    for i in range(20):
        (src / f"f{i}").write_text(str(i))
    r = dfs("-cp", "-t", "4", "-q", "2", "many", "copy")
    assert r.returncode == 0, r
    assert sorted(p.name for p in (work / "copy").iterdir()) == sorted(f"f{i}" for i in range(20))
    assert (work / "copy" / "f7").read_text() == "7"
    r = dfs("-put", "-t", "3", "many/f1", "many/f2", "copy")
    assert r.returncode == 1
    assert sorted(lines(r.stderr)) == ["put: `copy/f1': File exists", "put: `copy/f2': File exists"]
    r = dfs("-put", "-t", "x", "many/f1", "copy")
    assert r.returncode == 255 and r.stderr.startswith('-put: For input string: "x"\n')


def test_head_and_tail_take_their_argument_literally(dfs):
    r = dfs("-tail", "d1/f*")
    assert r.returncode == 1 and r.stderr == "tail: `d1/f*': No such file or directory\n"
    r = dfs("-head", "d1/f*")
    assert r.returncode == 1 and r.stderr == "head: `d1/f*': No such file or directory\n"


def test_ls_recursive_sizes_columns_per_group_of_100(dfs, work):
    g = work / "g"
    g.mkdir()
    for i in range(1, 151):
        (g / f"a{i:03d}").write_bytes(b"x")
    os.truncate(g / "a150", 12345678901)  # sparse: 11 digits, wider than the default column of 10
    r = dfs("-ls", "-R", "g")
    assert r.returncode == 0
    widths = [len(line) for line in lines(r.stdout)]
    assert widths[:100] == [widths[0]] * 100
    assert widths[100:] == [widths[0] + 1] * 50
    r = dfs("-ls", "g")  # not recursive: one batch, one width
    assert len({len(line) for line in lines(r.stdout)[1:]}) == 1
