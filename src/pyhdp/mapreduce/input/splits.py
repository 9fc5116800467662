"""``FileInputFormat``: listing input paths and computing splits, as Hadoop does.

* Inputs are paths, URIs or globs; a value may hold several, comma-separated (commas
  inside ``{...}`` are part of the glob).  Relative paths resolve against the file
  system's working directory.
* Hidden files (``_*``, ``.*``) are skipped; a directory expands one level (recursively
  with ``mapreduce.input.fileinputformat.input.dir.recursive``).
* New API: ``splitSize = max(minSize, min(maxSize, blockSize))``; old API (Streaming):
  goal size ``totalSize / mapreduce.job.maps``.  Both with split slop 1.1.
* Compressed files that cannot be split (``.gz``, ``.bz2``, ``.deflate``...) are one split.
"""

from __future__ import annotations

import dataclasses
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyhdp.conf import Configuration
    from pyhdp.fs.base import FileStatus, FileSystem

SPLIT_SLOP = 1.1
LONG_MAX = (1 << 63) - 1
#: suffix → codec name; none of them is split (pyhdp reads them whole)
COMPRESSED_SUFFIXES = {
    ".gz": "gzip",
    ".bz2": "bzip2",
    ".deflate": "deflate",
    ".zst": "zstd",
    ".snappy": "snappy",
    ".lz4": "lz4",
}
NEW_SPLIT_CLASS = "org.apache.hadoop.mapreduce.lib.input.FileSplit"
OLD_SPLIT_CLASS = "org.apache.hadoop.mapred.FileSplit"


@dataclasses.dataclass
class FileSplit:
    """A byte range of one file; ``path`` is the qualified URI (``file:/x``, ``hdfs://h:p/x``)."""

    path: str
    start: int
    length: int
    hosts: list[str] = dataclasses.field(default_factory=list)
    file_length: int = -1

    @property
    def end(self) -> int:
        return self.start + self.length

    def __str__(self) -> str:  # Hadoop's FileSplit.toString, shown in "Processing split: ..."
        return f"{self.path}:{self.start}+{self.length}"

    def to_json(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, d: dict) -> FileSplit:
        return cls(**d)

    def raw_bytes(self, api: str = "new") -> int:
        """SPLIT_RAW_BYTES: the split as serialized into job.split (class name + Text path + 2 longs)."""
        cls = NEW_SPLIT_CLASS if api == "new" else OLD_SPLIT_CLASS
        path = self.path.encode()
        return _vint_size(len(cls)) + len(cls) + _vint_size(len(path)) + len(path) + 16


def _vint_size(n: int) -> int:
    if -112 <= n <= 127:
        return 1
    if n < 0:
        n = ~n
    return 1 + (n.bit_length() + 7) // 8


def codec_for(path: str) -> str | None:
    """The compression codec of a file name (Hadoop's CompressionCodecFactory by suffix)."""
    for suffix, codec in COMPRESSED_SUFFIXES.items():
        if path.endswith(suffix):
            return codec
    return None


def is_hidden(name: str) -> bool:
    return name.startswith("_") or name.startswith(".")


def split_input_paths(value: str) -> list[str]:
    """Split a comma-separated input list, keeping commas inside ``{...}`` (Hadoop's
    ``FileInputFormat.getPathStrings``)."""
    out, depth, cur = [], 0, []
    for ch in value:
        if ch == "{":
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
        if ch == "," and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return [p for p in out if p]


def resolve(path: str, conf: Configuration) -> tuple[FileSystem, str]:
    """``(file system, absolute path within it)`` of a path or URI."""
    from pyhdp.fs.registry import get_filesystem, split_uri

    scheme, _authority, fpath = split_uri(path)
    fs = get_filesystem(path, conf)
    if not fpath:
        fpath = "/"
    if not fpath.startswith("/"):
        base = os.getcwd() if fs.scheme == "file" else fs.working_directory()
        fpath = base.rstrip("/") + "/" + fpath
    fpath = os.path.normpath(fpath)
    if fpath.startswith("//"):
        fpath = "/" + fpath.lstrip("/")
    return fs, fpath


def _has_wildcard(text: str) -> bool:
    return any(c in text for c in "*?[{")


def _glob(fs: FileSystem, pattern: str) -> list[FileStatus] | None:
    try:
        from pyhdp.fs.glob import glob_status
    except ImportError:  # pragma: no cover - glob module is part of pyhdp.fs
        glob_status = None
    if glob_status is not None:
        return glob_status(fs, pattern)
    import fnmatch
    import posixpath

    if not _has_wildcard(pattern):
        try:
            return [fs.get_file_status(pattern)]
        except FileNotFoundError:
            return None
    parent, leaf = posixpath.split(pattern)
    try:
        return [st for st in fs.list_status(parent) if fnmatch.fnmatchcase(st.name, leaf)]
    except FileNotFoundError:
        return []


def list_input_files(inputs: list[str], conf: Configuration) -> list[tuple[FileSystem, FileStatus]]:
    """Every input file, in order; raises InvalidInputError listing every problem."""
    from pyhdp.mapreduce.api import InvalidInputError

    recursive = conf.get_bool("mapreduce.input.fileinputformat.input.dir.recursive", False)
    errors: list[str] = []
    result: list[tuple[FileSystem, FileStatus]] = []
    for value in inputs:
        for item in split_input_paths(value):
            fs, path = resolve(item, conf)
            matches = _glob(fs, path)
            qualified = fs.make_qualified(path)
            if matches is None:
                msg = f"Input path does not exist: {qualified}"
                hint = _local_hint(fs, item)
                errors.append(msg + hint)
                continue
            matches = [m for m in matches if not is_hidden(m.name)]
            if not matches:
                if _has_wildcard(path):
                    errors.append(f"Input Pattern {qualified} matches 0 files")
                else:
                    errors.append(f"Input path does not exist: {qualified}")
                continue
            for st in matches:
                if st.is_dir:
                    _add_dir(fs, st.path, recursive, result)
                else:
                    result.append((fs, st))
    if errors:
        raise InvalidInputError("\n".join(errors))
    return result


def _local_hint(fs: FileSystem, item: str) -> str:
    if fs.scheme == "file" or "://" in item or item.startswith("file:"):
        return ""
    local = os.path.abspath(item)
    if os.path.exists(local):
        return f"\n(the path exists on the local disk: to read it, write file://{local})"
    return ""


def _add_dir(fs: FileSystem, path: str, recursive: bool, out: list) -> None:
    for child in fs.list_status(path):
        if is_hidden(child.name):
            continue
        if child.is_dir:
            if recursive:
                _add_dir(fs, child.path, recursive, out)
            else:
                from pyhdp.mapreduce.api import InvalidInputError

                raise InvalidInputError(f"Not a file: {fs.make_qualified(child.path)}")
        else:
            out.append((fs, child))


def compute_splits(
    files: list[tuple[FileSystem, FileStatus]],
    conf: Configuration,
    api: str = "new",
    splittable: bool = True,
) -> list[FileSplit]:
    """Splits of every file, numbered largest first (stable), as Hadoop orders map tasks."""
    min_size = max(1, conf.get_size("mapreduce.input.fileinputformat.split.minsize", 0))
    max_size = conf.get_size("mapreduce.input.fileinputformat.split.maxsize", LONG_MAX) or LONG_MAX
    goal = None
    if api == "old":
        num_maps = max(conf.get_int("mapreduce.job.maps", 2), 1)
        total = sum(st.length for _fs, st in files)
        goal = total // num_maps
    splits: list[FileSplit] = []
    for fs, st in files:
        qualified = fs.make_qualified(st.path)
        length = st.length
        if length == 0:
            splits.append(FileSplit(qualified, 0, 0, [], 0))
            continue
        block_size = st.block_size or _default_block(fs, conf)
        can_split = splittable and codec_for(st.path) is None
        if not can_split:
            hosts = _hosts(fs, st.path, 0, length)
            splits.append(FileSplit(qualified, 0, length, hosts, length))
            continue
        if goal is not None:
            split_size = max(min_size, min(goal, block_size))
        else:
            split_size = max(min_size, min(max_size, block_size))
        locations = _locations(fs, st.path, length)
        remaining = length
        while remaining / split_size > SPLIT_SLOP:
            start = length - remaining
            splits.append(FileSplit(qualified, start, split_size, _hosts_at(locations, start), length))
            remaining -= split_size
        if remaining:
            start = length - remaining
            splits.append(FileSplit(qualified, start, remaining, _hosts_at(locations, start), length))
    if api == "new":
        splits.sort(key=lambda s: -s.length)
    return splits


def _default_block(fs: FileSystem, conf: Configuration) -> int:
    if fs.scheme == "file":
        return conf.get_size("fs.local.block.size", 32 * 1024 * 1024)
    return fs.default_block_size()


def _locations(fs: FileSystem, path: str, length: int) -> list:
    try:
        return fs.get_block_locations(path, 0, length)
    except Exception:  # noqa: BLE001 - hosts are only a scheduling hint
        return []


def _hosts_at(locations: list, offset: int) -> list[str]:
    for loc in locations:
        if loc.offset <= offset < loc.offset + loc.length:
            return list(loc.hosts)
    return list(locations[-1].hosts) if locations else []


def _hosts(fs: FileSystem, path: str, start: int, length: int) -> list[str]:
    return _hosts_at(_locations(fs, path, length), start)


def nline_splits(files: list[tuple[FileSystem, FileStatus]], conf: Configuration) -> list[FileSplit]:
    """NLineInputFormat: N lines (``mapreduce.input.lineinputformat.linespermap``) per split.

    As Hadoop's ``getSplitsForFile`` the split starts one byte early (except at 0) so the
    LineRecordReader's skip-the-first-line rule lands on the first of the N lines.
    """
    n = max(conf.get_int("mapreduce.input.lineinputformat.linespermap", 1), 1)
    splits: list[FileSplit] = []
    for fs, st in files:
        qualified = fs.make_qualified(st.path)
        begin = 0
        length = 0
        count = 0
        with fs.open(st.path) as f:
            pending = b""
            while True:
                chunk = f.read(1 << 20)
                data = pending + chunk
                if not chunk:
                    if data:
                        length += len(data)
                        count += 1
                    break
                pos = 0
                while True:
                    idx = data.find(b"\n", pos)
                    if idx < 0:
                        break
                    length += idx + 1 - pos
                    pos = idx + 1
                    count += 1
                    if count == n:
                        splits.append(_nline_split(qualified, begin, length, st.length))
                        begin += length
                        length = 0
                        count = 0
                pending = data[pos:]
        if count:
            splits.append(_nline_split(qualified, begin, length, st.length))
    return splits


def _nline_split(path: str, begin: int, length: int, file_length: int) -> FileSplit:
    if begin == 0:
        return FileSplit(path, 0, length - 1, [], file_length)
    return FileSplit(path, begin - 1, length, [], file_length)
