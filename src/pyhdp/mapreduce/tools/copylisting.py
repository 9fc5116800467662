"""DistCp's copy listing, built on the client (Hadoop's SimpleCopyListing).

Each entry names a source (qualified URI), its path relative to the target root and the
source's attributes; :func:`assign_maps` spreads the entries over the maps by bytes
(Hadoop's UniformSizeInputFormat).
"""

from __future__ import annotations

import dataclasses
import json
import posixpath
from typing import TYPE_CHECKING

from pyhdp.mapreduce.tools.distcp_options import DistCpOptions

if TYPE_CHECKING:
    from pyhdp.conf import Configuration
    from pyhdp.fs.base import FileStatus, FileSystem


class InvalidInputError(IOError):
    """``org.apache.hadoop.tools.CopyListing$InvalidInputException``."""


def resolve(uri: str, conf: Configuration) -> tuple[FileSystem, str]:
    """The file system of ``uri`` and the absolute, normalised path within it."""
    from pyhdp.fs.registry import get_filesystem, split_uri

    fs = get_filesystem(uri, conf)
    scheme, _auth, path = split_uri(uri)
    if scheme and ("?" in uri or "#" in uri):  # glob characters, not a URI query/fragment
        rest = uri.split(":", 1)[1]
        if rest.startswith("//"):
            rest = rest[2:]
            rest = rest[rest.find("/") :] if "/" in rest else "/"
        path = rest
    if not path.startswith("/"):
        path = posixpath.join(fs.working_directory(), path)
    path = posixpath.normpath(path)
    if path.startswith("//"):
        path = "/" + path.lstrip("/")
    return fs, path


@dataclasses.dataclass
class CopyEntry:
    src: str  # qualified source URI
    rel: str  # "" (the target itself) or "/a/b" below the target root
    is_dir: bool
    length: int
    mtime: int
    atime: int
    perm: int
    owner: str
    group: str
    replication: int
    block_size: int

    def to_line(self) -> str:
        return json.dumps(dataclasses.asdict(self), separators=(",", ":"))

    @classmethod
    def from_line(cls, line: str | bytes) -> CopyEntry:
        return cls(**json.loads(line))

    @classmethod
    def of(cls, fs: FileSystem, st: FileStatus, rel: str) -> CopyEntry:
        return cls(
            fs.make_qualified(st.path),
            rel,
            st.is_dir,
            st.length,
            st.modification_time,
            st.access_time,
            st.permission,
            st.owner,
            st.group,
            st.replication,
            st.block_size,
        )


def target_path(root: str, rel: str) -> str:
    return root if not rel else posixpath.normpath(root.rstrip("/") + rel)


def read_source_listing(path: str, conf: Configuration) -> list[str]:
    """``-f LISTFILE``: one source URI per line."""
    fs, p = resolve(path, conf)
    with fs.open(p) as f:
        text = f.read().decode("utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def expand_globs(sources: list[str], conf: Configuration) -> list[str]:
    """Hadoop's GlobbedCopyListing: each source pattern → the qualified paths it matches."""
    from pyhdp.fs.glob import glob_status

    out: list[str] = []
    for src in sources:
        fs, path = resolve(src, conf)
        matches = glob_status(fs, path)
        if not matches:
            raise InvalidInputError(f"{fs.make_qualified(path)} doesn't exist")
        out.extend(fs.make_qualified(st.path) for st in matches)
    return out


def build_listing(
    opts: DistCpOptions, sources: list[str], conf: Configuration, target_exists: bool, target_is_dir: bool
) -> list[CopyEntry]:
    """Every file and directory to copy, relative to the target root (Hadoop's rules).

    One source directory and a missing target: the source's contents become the target;
    with ``-update``/``-overwrite`` the contents of every source directory go into the
    target; otherwise each source goes into the target under its own name.
    """
    entries: list[CopyEntry] = []
    seen: set[str] = set()
    special = (len(sources) == 1 and not target_exists) or opts.update or opts.overwrite
    for src in sources:
        fs, path = resolve(src, conf)
        try:
            st = fs.get_file_status(path)
        except FileNotFoundError:
            raise InvalidInputError(f"{fs.make_qualified(path)} doesn't exist") from None
        if st.is_dir and special:
            root = path
        elif not st.is_dir and len(sources) == 1 and not (target_exists and target_is_dir):
            root = None  # one file onto a file path: the target itself
        else:
            root = posixpath.dirname(path.rstrip("/")) or "/"
        if root is None:
            entries.append(CopyEntry.of(fs, st, ""))
            continue
        base = root.rstrip("/")
        if st.is_dir and root != path:
            entries.append(CopyEntry.of(fs, st, path[len(base) :]))
        elif not st.is_dir:
            entries.append(CopyEntry.of(fs, st, path[len(base) :]))
            continue
        for child in fs.walk(path):
            if child.path.rstrip("/") == path.rstrip("/"):
                continue
            entries.append(CopyEntry.of(fs, child, child.path[len(base) :]))
    out = []
    for e in entries:
        if e.rel in seen and e.rel:
            if not e.is_dir:
                raise InvalidInputError(
                    f"DistCp can't copy multiple files to the same target: {e.rel} "
                    "(the sources have files with the same relative path)"
                )
            continue
        seen.add(e.rel)
        out.append(e)
    return out


def assign_maps(entries: list[CopyEntry], max_maps: int) -> list[list[CopyEntry]]:
    """Up to ``max_maps`` non-empty groups of about equal bytes (largest files first)."""
    n = max(1, min(max_maps, len(entries)))
    buckets: list[list[CopyEntry]] = [[] for _ in range(n)]
    sizes = [0] * n
    for e in sorted(entries, key=lambda e: (-e.length, e.rel)):
        i = min(range(n), key=lambda k: (sizes[k], len(buckets[k])))
        buckets[i].append(e)
        sizes[i] += e.length + 1
    return [b for b in buckets if b]
