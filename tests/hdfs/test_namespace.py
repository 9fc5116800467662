"""The namespace core through DistributedFileSystem: HDFS semantics and Hadoop's messages."""

from __future__ import annotations

import pytest

from pyhdp.errors import (
    FsError,
    HadoopIllegalArgumentError,
    InvalidPathError,
    PathExistsError,
    PathIsNotEmptyDirectoryError,
    PathNotFoundError,
    QuotaExceededError,
)


def test_fresh_store_layout(dfs, superuser):
    names = [s.path for s in dfs.list_status("/")]
    assert names == ["/tmp", "/user"]
    tmp = dfs.get_file_status("/tmp")
    assert tmp.permission == 0o1777 and tmp.owner == superuser and tmp.group == "supergroup"
    home = dfs.get_file_status(f"/user/{superuser}")
    assert home.is_dir and home.owner == superuser
    root = dfs.get_file_status("/")
    assert root.permission == 0o755 and root.group == "supergroup"


def test_create_write_read_and_status(dfs):
    with dfs.create("/d/f.txt") as out:  # parents created
        out.write(b"hello ")
        out.write(b"world\n")
    st = dfs.get_file_status("/d/f.txt")
    assert (st.length, st.replication, st.block_size, st.permission) == (12, 1, 128 * 1024 * 1024, 0o644)
    assert dfs.get_file_status("/d").permission == 0o744  # u+wx added to the file's mode, as HDFS does
    assert dfs.cat("/d/f.txt") == b"hello world\n"


def test_create_existing_without_overwrite(dfs):
    dfs.write_bytes("/f", b"1")
    with pytest.raises(PathExistsError, match=r"^/f for client 127.0.0.1 already exists$"):
        dfs.create("/f")
    dfs.write_bytes("/f", b"22", overwrite=True)
    assert dfs.cat("/f") == b"22"
    dfs.mkdirs("/dir")
    with pytest.raises(PathExistsError, match="^/dir already exists as a directory$"):
        dfs.create("/dir", overwrite=True)


def test_create_without_parent(dfs):
    with pytest.raises(PathNotFoundError, match="^Parent directory doesn't exist: /no/such$"):
        dfs.create("/no/such/file", create_parent=False)


def test_not_found_messages(dfs):
    with pytest.raises(PathNotFoundError, match="^File does not exist: /nope$"):
        dfs.get_file_status("/nope")
    with pytest.raises(PathNotFoundError, match="^File /nope does not exist.$"):
        dfs.list_status("/nope")
    assert dfs.delete("/nope") is False


def test_invalid_names(dfs):
    with pytest.raises(InvalidPathError, match="is not a valid DFS filename"):
        dfs.mkdirs("/a:b")
    with pytest.raises(InvalidPathError):
        dfs.create("/x/../y")


def test_mkdirs_through_file(dfs):
    dfs.write_bytes("/file", b"x")
    with pytest.raises(PathExistsError, match="^Path is not a directory: /file$"):
        dfs.mkdirs("/file/sub")


def test_delete_non_empty(dfs):
    dfs.mkdirs("/a/b")
    with pytest.raises(PathIsNotEmptyDirectoryError, match=r"^`/a is non empty': Directory is not empty$"):
        dfs.delete("/a")
    assert dfs.delete("/a", recursive=True) is True
    assert not dfs.exists("/a")
    assert dfs.delete("/", recursive=True) is False


def test_delete_removes_block_files(dfs):
    dfs.write_bytes("/f", b"data" * 100)
    blk = dfs.get_block_locations("/f", 0, 400)[0]
    assert dfs.store.blocks.find_replica(blk.block_id) is not None
    dfs.delete("/f")
    dfs.namesystem.flush()  # replicas go once the deletion is committed
    assert dfs.store.blocks.find_replica(blk.block_id) is None


def test_rename_semantics(dfs):
    dfs.mkdirs("/src/sub")
    dfs.write_bytes("/src/f", b"x")
    dfs.mkdirs("/dst")
    assert dfs.rename("/src/f", "/dst") is True  # into the directory
    assert dfs.exists("/dst/f") and not dfs.exists("/src/f")
    assert dfs.rename("/nope", "/x") is False  # missing source
    dfs.write_bytes("/g", b"y")
    assert dfs.rename("/g", "/dst/f") is False  # existing destination file
    assert dfs.rename("/src", "/src/sub/inner") is False  # into itself
    assert dfs.rename("/g", "/g") is True
    assert dfs.rename("/g", "/missing/parent/g") is False
    assert dfs.rename("/src", "/moved") is True
    assert dfs.exists("/moved/sub")


def test_group_inherited_from_parent(dfs_factory, superuser):
    admin = dfs_factory()
    admin.mkdirs("/shared")
    admin.set_owner("/shared", None, "analysts")
    admin.set_permission("/shared", 0o777)
    bob = dfs_factory(user="bob")
    bob.write_bytes("/shared/b.txt", b"1")
    st = bob.get_file_status("/shared/b.txt")
    assert (st.owner, st.group) == ("bob", "analysts")


def test_umask(dfs_factory):
    fs = dfs_factory(settings={"fs.permissions.umask-mode": "077"})
    fs.mkdirs("/private")
    fs.write_bytes("/private/f", b"1")
    assert fs.get_file_status("/private").permission == 0o700
    assert fs.get_file_status("/private/f").permission == 0o600
    sym = dfs_factory(settings={"fs.permissions.umask-mode": "u=rwx,g=rx,o="})
    sym.mkdirs("/sym")
    assert sym.get_file_status("/sym").permission == 0o750


def test_min_block_size_and_replication_limits(dfs):
    with pytest.raises(
        FsError,
        match=r"^Specified block size is less than configured minimum value "
        r"\(dfs.namenode.fs-limits.min-block-size\): 1024 < 1048576$",
    ):
        dfs.create("/small", block_size=1024)
    with pytest.raises(
        FsError,
        match="^Requested replication factor of 600 exceeds maximum of 512 for /r, clientName=DFSClient_NONMAPREDUCE_",
    ):
        dfs.create("/r", replication=600)
    with pytest.raises(HadoopIllegalArgumentError, match="blockSize should be a multiple"):
        dfs.create("/odd", block_size=1048576 + 1)


def test_max_component_length(dfs_factory):
    fs = dfs_factory(settings={"dfs.namenode.fs-limits.max-component-length": "10"})
    with pytest.raises(
        QuotaExceededError,
        match=r"^The maximum path component name limit of abcdefghijk in "
        r"directory / is exceeded: limit=10 length=11$",
    ):
        fs.mkdirs("/abcdefghijk")


def test_set_times_replication_and_content_summary(dfs):
    dfs.write_bytes("/d/f", b"x" * 1000)
    dfs.set_times("/d/f", 1_000_000, -1)
    st = dfs.get_file_status("/d/f")
    assert st.modification_time == 1_000_000 and st.access_time > 1_000_000
    assert dfs.set_replication("/d/f", 3) is True
    assert dfs.get_file_status("/d/f").replication == 3
    assert dfs.set_replication("/d", 2) is False
    cs = dfs.get_content_summary("/d")
    assert (cs.length, cs.file_count, cs.directory_count, cs.space_consumed) == (1000, 1, 1, 3000)


def test_append_truncate_concat(dfs):
    dfs.write_bytes("/a", b"0123456789")
    with dfs.append("/a") as out:
        out.write(b"abc")
    assert dfs.cat("/a") == b"0123456789abc"
    assert dfs.truncate("/a", 4) is False  # inside a block: HDFS reports recovery
    assert dfs.cat("/a") == b"0123" and dfs.is_file_closed("/a")
    assert dfs.truncate("/a", 4) is True
    with pytest.raises(
        HadoopIllegalArgumentError,
        match="^Cannot truncate to a larger file size. Current size: 4, truncate size: 10.$",
    ):
        dfs.truncate("/a", 10)
    dfs.write_bytes("/b", b"BB")
    dfs.write_bytes("/c", b"CCC")
    dfs.concat("/a", ["/b", "/c"])
    assert dfs.cat("/a") == b"0123BBCCC"
    assert not dfs.exists("/b") and not dfs.exists("/c")
    dfs.mkdirs("/other")
    dfs.write_bytes("/other/x", b"x")
    with pytest.raises(HadoopIllegalArgumentError, match="is not in the same directory with the target /a"):
        dfs.concat("/a", ["/other/x"])


def test_multi_block_file_and_seek(dfs):
    import os

    data = os.urandom(3 * 1048576 + 999)
    with dfs.create("/m", block_size=1048576) as out:
        for i in range(0, len(data), 70000):
            out.write(data[i : i + 70000])
    locs = dfs.get_block_locations("/m", 0, len(data))
    assert [b.length for b in locs] == [1048576] * 3 + [999]
    assert [b.offset for b in locs] == [0, 1048576, 2097152, 3145728]
    with dfs.open("/m") as f:
        assert f.read() == data
        f.seek(1048570)
        assert f.read(20) == data[1048570:1048590]
        f.seek(-5, 2)
        assert f.read() == data[-5:]


def test_file_under_construction_is_visible(dfs):
    out = dfs.create("/uc")
    out.write(b"x" * 10)
    st = dfs.get_file_status("/uc")
    assert st.length == 0 and not dfs.is_file_closed("/uc")
    out.close()
    assert dfs.get_file_status("/uc").length == 10 and dfs.is_file_closed("/uc")


def test_setrep_limits_message(dfs):
    dfs.write_bytes("/r1", b"x")
    with pytest.raises(
        FsError, match="^Requested replication factor of 1025 exceeds maximum of 512 for /r1$"
    ):
        dfs.set_replication("/r1", 1025)
    with pytest.raises(
        FsError, match="^Requested replication factor of 0 is less than the required minimum of 1 for /r1$"
    ):
        dfs.set_replication("/r1", 0)


def test_append_errors(dfs):
    with pytest.raises(
        PathNotFoundError, match="^Failed to append to non-existent file /none for client 127.0.0.1$"
    ):
        dfs.append("/none")
    dfs.mkdirs("/adir")
    with pytest.raises(PathNotFoundError, match="^Path is not a file: /adir$"):
        dfs.append("/adir")
