"""The ``pyhdp`` fsspec implementation: its API, and pandas/pyarrow/dask through it."""

from __future__ import annotations

import io
import os

import pytest

fsspec = pytest.importorskip("fsspec")


def test_registered_by_entry_point():
    from pyhdp.fs.fsspec_impl import PyhdpFileSystem

    assert fsspec.get_filesystem_class("pyhdp") is PyhdpFileSystem


def test_write_commits_on_close_and_buffered_seek_read(pfs):
    data = os.urandom(300_000)
    with pfs.open("pyhdp:///data/a.bin", "wb", block_size=65536) as f:
        f.write(data[:100_000])
        f.write(data[100_000:])
    assert pfs.info("/data/a.bin")["size"] == len(data)
    with pfs.open("/data/a.bin", "rb", block_size=4096) as f:
        f.seek(123_457)
        assert f.read(1000) == data[123_457:124_457]
        f.seek(-10, io.SEEK_END)
        assert f.read() == data[-10:]
        f.seek(5)
        assert f.read(3) == data[5:8]
    assert pfs.cat_file("/data/a.bin", start=10, end=20) == data[10:20]
    assert pfs.cat_file("/data/a.bin", start=-4) == data[-4:]
    with pfs.open("/data/a.bin", "ab") as f:
        f.write(b"tail")
    assert pfs.cat("/data/a.bin") == data + b"tail"
    with pytest.raises(FileExistsError):
        pfs.open("/data/a.bin", "xb")


def test_ls_info_and_metadata(pfs):
    pfs.pipe("/data/d/x.txt", b"hello")
    pfs.mkdir("/data/d/sub")
    listing = pfs.ls("/data/d", detail=True)
    assert [(e["name"], e["type"], e["size"]) for e in listing] == [
        ("/data/d/sub", "directory", 0), ("/data/d/x.txt", "file", 5)]
    assert pfs.ls("pyhdp:///data/d", detail=False) == ["/data/d/sub", "/data/d/x.txt"]
    info = pfs.info("/data/d/x.txt")
    assert info["permission"] == 0o644 and info["replication"] == 1
    assert pfs.modified("/data/d/x.txt") == pfs.created("/data/d/x.txt")
    assert abs(pfs.modified("/data/d/x.txt").timestamp() - info["mtime"]) < 1e-3
    pfs.pipe("/data/d/y.txt", b"hello")
    pfs.pipe("/data/d/z.txt", b"hellO")
    assert pfs.checksum("/data/d/x.txt") == pfs.checksum("/data/d/y.txt") != pfs.checksum("/data/d/z.txt")
    assert pfs.file_checksum("/data/d/x.txt").algorithm.startswith("MD5-of-")
    assert sorted(pfs.find("/data")) == ["/data/d/x.txt", "/data/d/y.txt", "/data/d/z.txt"]
    assert pfs.glob("/data/d/*.txt") == ["/data/d/x.txt", "/data/d/y.txt", "/data/d/z.txt"]
    assert pfs.du("/data/d") == 15


def test_errors_are_builtins(pfs):
    with pytest.raises(FileNotFoundError):
        pfs.info("/data/nope")
    with pytest.raises(FileNotFoundError):
        pfs.open("/data/nope", "rb")
    with pytest.raises(FileNotFoundError):
        pfs.mkdir("/data/a/b/c", create_parents=False)
    pfs.mkdir("/data/e")
    with pytest.raises(FileExistsError):
        pfs.makedirs("/data/e")
    pfs.makedirs("/data/e", exist_ok=True)
    pfs.pipe("/data/e/f", b"1")
    with pytest.raises(IsADirectoryError):
        pfs.open("/data/e", "rb")
    with pytest.raises(OSError):
        pfs.rmdir("/data/e")
    with pytest.raises(FileNotFoundError):
        pfs.rm("/data/missing", recursive=True)
    assert pfs.exists("/data/e/f") and not pfs.exists("/data/e/g")


def test_mv_cp_rm(pfs):
    pfs.pipe("/data/m/a", b"A" * 1000)
    pfs.cp_file("/data/m/a", "/data/m/b")
    assert pfs.cat("/data/m/b") == b"A" * 1000
    pfs.mv("/data/m/b", "/data/m/c")
    assert not pfs.exists("/data/m/b") and pfs.cat("/data/m/c") == b"A" * 1000
    pfs.mkdir("/data/n")
    pfs.mv("/data/m", "/data/n")  # into an existing directory, as Hadoop's rename
    assert pfs.ls("/data/n", detail=False) == ["/data/n/m"]
    pfs.copy("/data/n/m", "/data/o", recursive=True)
    assert sorted(pfs.find("/data/o")) == ["/data/o/a", "/data/o/c"]
    pfs.rm("/data/n", recursive=True)
    assert not pfs.exists("/data/n")
    pfs.rm("/data/o/a")
    assert pfs.ls("/data/o", detail=False) == ["/data/o/c"]


def test_qualified_urls_and_hdfs_protocol(pfs, embedded):
    from pyhdp.conf import load_configuration
    from pyhdp.fs.fsspec_impl import PyhdpHdfsFileSystem, register_hdfs

    default = load_configuration(str(embedded)).get("fs.defaultFS")
    pfs.pipe("/data/q.txt", b"qualified")
    assert pfs.cat(f"{default}/data/q.txt") == b"qualified"
    assert pfs.ls(f"{default}/data", detail=False) == [f"{default}/data/q.txt"]
    authority = default.split("://", 1)[1]
    assert pfs.cat(f"pyhdp://{authority}/data/q.txt") == b"qualified"
    register_hdfs()
    try:
        hfs, path = fsspec.core.url_to_fs(f"{default}/data/q.txt")
        assert isinstance(hfs, PyhdpHdfsFileSystem) and path == f"{default}/data/q.txt"
        assert hfs.cat(path) == b"qualified"
        with fsspec.open(f"{default}/data/q2.txt", "wb") as f:
            f.write(b"via hdfs://")
        assert pfs.cat("/data/q2.txt") == b"via hdfs://"
    finally:
        import sys

        sys.modules["fsspec.registry"]._registry.pop("hdfs", None)


def test_pandas_csv_round_trip(pfs):
    pd = pytest.importorskip("pandas")
    pfs.pipe("/data/x.csv", b"name,n\nann,1\nbob,2\ncy,3\n")
    df = pd.read_csv("pyhdp:///data/x.csv")
    assert list(df["name"]) == ["ann", "bob", "cy"] and df["n"].sum() == 6
    df["m"] = df["n"] * 10
    df.to_csv("pyhdp:///data/out/y.csv", index=False)
    assert pfs.cat("/data/out/y.csv") == b"name,n,m\nann,1,10\nbob,2,20\ncy,3,30\n"


def test_pyarrow_parquet_and_dataset(pfs):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    ds = pytest.importorskip("pyarrow.dataset")
    table = pa.table({"k": [1, 2, 3, 4], "v": ["a", "b", "c", "d"]})
    pq.write_table(table, "/data/t.parquet", filesystem=pfs)
    assert pq.read_table("/data/t.parquet", filesystem=pfs).equals(table)
    ds.write_dataset(table, "/data/ds", format="parquet", filesystem=pfs, partitioning=["k"],
                     partitioning_flavor="hive")
    assert {p.rsplit("/", 2)[-2] for p in pfs.find("/data/ds")} == {"k=1", "k=2", "k=3", "k=4"}
    got = ds.dataset("/data/ds", format="parquet", filesystem=pfs, partitioning="hive").to_table()
    assert sorted(zip(got["k"].to_pylist(), got["v"].to_pylist(), strict=True)) == [(1, "a"), (2, "b"), (3, "c"), (4, "d")]
    pd = pytest.importorskip("pandas")
    assert list(pd.read_parquet("pyhdp:///data/t.parquet")["v"]) == ["a", "b", "c", "d"]


def test_dask_read_csv(pfs):
    dd = pytest.importorskip("dask.dataframe")
    for i in range(3):
        pfs.pipe(f"/data/parts/p{i}.csv", f"k,v\n{i},{i * 10}\n{i},{i * 100}\n".encode())
    df = dd.read_csv("pyhdp:///data/parts/*.csv")
    assert df.npartitions == 3
    result = df.groupby("k")["v"].sum().compute().to_dict()
    assert result == {0: 0, 1: 110, 2: 220}
    df.to_csv("pyhdp:///data/dask-out/part-*.csv", index=False)
    assert len(pfs.ls("/data/dask-out")) == 3


@pytest.mark.parametrize(("url", "stripped", "parent"), [
    ("pyhdp:///data/x.csv", "/data/x.csv", "/data"),
    ("pyhdp:///", "/", "/"),
    ("/data/d/", "/data/d", "/data"),
    ("pyhdp://nn:9000/a/b", "hdfs://nn:9000/a/b", "hdfs://nn:9000/a"),
    ("pyhdp://nn:9000", "hdfs://nn:9000/", "hdfs://nn:9000/"),
    ("hdfs://127.0.0.1:8020/x/y/", "hdfs://127.0.0.1:8020/x/y", "hdfs://127.0.0.1:8020/x"),
    ("webhdfs://127.0.0.1:9870/x", "webhdfs://127.0.0.1:9870/x", "webhdfs://127.0.0.1:9870/"),
    ("file:///tmp/z", "file:///tmp/z", "file:///tmp"),
    ("rel/p", "rel/p", "rel"),
])
def test_path_forms(url, stripped, parent):
    from pyhdp.fs.fsspec_impl import PyhdpFileSystem

    assert PyhdpFileSystem._strip_protocol(url) == stripped
    assert PyhdpFileSystem._parent(url) == parent
