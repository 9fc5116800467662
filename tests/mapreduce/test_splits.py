"""FileInputFormat: listing (hidden files, globs, directories) and split arithmetic of both APIs."""

from __future__ import annotations

import pytest

from pyhdp.fs.base import FileStatus
from pyhdp.mapreduce.api import InvalidInputError
from pyhdp.mapreduce.input.splits import compute_splits, list_input_files, split_input_paths

MB = 1 << 20


class FakeFs:
    scheme = "hdfs"

    def make_qualified(self, path):
        return "hdfs://nn:9000" + path

    def get_block_locations(self, path, start, length):
        return []

    def default_block_size(self):
        return 128 * MB


def status(path, length, block=128 * MB):
    return FileStatus(path, length, False, 1, block, 0, 0, 0o644, "u", "g")


def spans(splits):
    return [(s.path.rsplit("/", 1)[1], s.start, s.length) for s in splits]


def test_new_api_block_splits_with_slop(mr_conf):
    fs = FakeFs()
    files = [
        (fs, status("/a", int(1.1 * 10 * MB), block=10 * MB)),  # exactly 1.1 blocks: one split
        (fs, status("/b", 11 * MB + 1, block=10 * MB)),  # just over: two splits
        (fs, status("/c", 0)),
    ]
    got = spans(compute_splits(files, mr_conf, "new"))
    assert got == [("a", 0, int(1.1 * 10 * MB)), ("b", 0, 10 * MB), ("b", 10 * MB, MB + 1), ("c", 0, 0)]


def test_new_api_min_and_max_split_size(mr_conf):
    fs = FakeFs()
    files = [(fs, status("/a", 100 * MB, block=64 * MB))]
    mr_conf.set("mapreduce.input.fileinputformat.split.maxsize", str(30 * MB))
    assert [s.length for s in compute_splits(files, mr_conf)] == [30 * MB] * 3 + [10 * MB]
    mr_conf.set("mapreduce.input.fileinputformat.split.minsize", str(80 * MB))
    assert [s.length for s in compute_splits(files, mr_conf)] == [
        80 * MB,
        20 * MB,
    ]  # max(min, min(max, block))


def test_old_api_goal_size_gives_two_maps_for_a_small_file(mr_conf):
    fs = FakeFs()
    files = [(fs, status("/small", 1000))]
    got = spans(compute_splits(files, mr_conf, "old"))  # mapreduce.job.maps=2: goal 500
    assert got == [("small", 0, 500), ("small", 500, 500)]
    assert [s.length for s in compute_splits(files, mr_conf, "new")] == [1000]


def test_compressed_files_are_one_split(mr_conf):
    fs = FakeFs()
    files = [(fs, status("/x.gz", 300 * MB)), (fs, status("/y.bz2", 300 * MB))]
    assert [s.length for s in compute_splits(files, mr_conf)] == [300 * MB, 300 * MB]


def test_split_raw_bytes_as_hadoop():
    from pyhdp.mapreduce.input.splits import FileSplit

    # the sample of the spec: a 40-character path, new API: 1+47+1+40+8+8
    assert FileSplit("hdfs://localhost:54310/amit_lab/file.txt", 0, 10).raw_bytes("new") == 105
    assert str(FileSplit("file:/x", 0, 51)) == "file:/x:0+51"


def test_input_path_lists_and_hidden_files(tmp_path, mr_conf):
    assert split_input_paths("a,b/{c,d},e") == ["a", "b/{c,d}", "e"]
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    for name in ("x.txt", "y.log", "_SUCCESS", ".x.crc"):
        (d / name).write_text("1\n")
    (d / "sub" / "z.txt").write_text("2\n")
    with pytest.raises(InvalidInputError, match="Not a file"):
        list_input_files([str(d)], mr_conf)
    mr_conf.set("mapreduce.input.fileinputformat.input.dir.recursive", "true")
    names = [st.name for _fs, st in list_input_files([str(d)], mr_conf)]
    assert sorted(names) == ["x.txt", "y.log", "z.txt"]
    names = [st.name for _fs, st in list_input_files([f"{d}/*.txt,{d}/sub"], mr_conf)]
    assert names == ["x.txt", "z.txt"]
    with pytest.raises(InvalidInputError) as ei:
        list_input_files([f"{d}/nope", f"{d}/*.csv"], mr_conf)
    assert (
        str(ei.value)
        == f"Input path does not exist: file:{d}/nope\nInput Pattern file:{d}/*.csv matches 0 files"
    )
