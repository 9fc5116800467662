"""``PathData``: a path as the user typed it, its file system, and its (cached) status.

The display string (:meth:`PathData.__str__`) keeps the user's form: ``f`` stays ``f``,
children are ``<parent string>/<name>`` and glob matches are re-relativised by the kind
of pattern (with scheme, absolute, relative), as Hadoop's ``PathData.expandAsGlob`` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyhdp.fs import path as hpath
from pyhdp.fs.glob import glob_status, unescape

if TYPE_CHECKING:
    from pyhdp.conf import Configuration
    from pyhdp.fs.base import FileStatus, FileSystem

_MISSING = object()


def resolve(arg: str, conf: Configuration) -> tuple[FileSystem, str, hpath.HPath]:
    """The file system of a path string and the absolute path within it."""
    from pyhdp.fs.registry import get_filesystem

    hp = hpath.HPath.parse(arg)
    if hp.scheme is not None:
        fs = get_filesystem(f"{hp.scheme}://{hp.authority or ''}/", conf)
    else:
        fs = get_filesystem("/", conf)
    if hp.is_absolute:
        abs_path = hp.path
    else:
        abs_path = hpath.join(fs.working_directory(), hp.path)
    return fs, abs_path, hp


def local_resolve(arg: str, conf: Configuration) -> tuple[FileSystem, str, hpath.HPath]:
    """Like :func:`resolve`, but scheme-less paths are local (put/get/appendToFile sources)."""
    hp = hpath.HPath.parse(arg)
    if hp.scheme is None:
        return resolve(arg, _local_conf(conf))
    return resolve(arg, conf)


def _local_conf(conf: Configuration) -> Configuration:
    cached = getattr(conf, "_pyhdp_local_conf", None)
    if cached is None:
        cached = conf.copy()
        cached.set("fs.defaultFS", "file:///")
        conf._pyhdp_local_conf = cached  # type: ignore[attr-defined]
    return cached


class PathData:
    """One path of a command: ``fs``, absolute ``path`` in it, ``display`` string, ``stat``."""

    __slots__ = ("fs", "path", "display", "_stat")

    def __init__(self, fs: FileSystem, path: str, display: str, stat: FileStatus | None | object = _MISSING):
        self.fs = fs
        self.path = path
        self.display = display
        self._stat = stat

    # ----------------------------------------------------------- construction
    @classmethod
    def from_string(cls, arg: str, conf: Configuration, local: bool = False) -> PathData:
        fs, abs_path, _ = (local_resolve if local else resolve)(arg, conf)
        return cls(fs, abs_path, arg)

    @classmethod
    def expand_as_glob(cls, pattern: str, conf: Configuration, local: bool = False) -> list[PathData]:
        """``PathData.expandAsGlob``: the matches of ``pattern`` with display strings in the user's form.

        A pattern without wildcards that names nothing gives one PathData with no status.
        """
        fs, abs_pattern, hp = (local_resolve if local else resolve)(pattern, conf)
        stats = glob_status(fs, abs_pattern)
        if stats is None:
            text = unescape(pattern)
            abs_path = (
                abs_pattern if text == pattern else (local_resolve if local else resolve)(text, conf)[1]
            )
            return [cls(fs, abs_path, text, None)]
        items = []
        if hp.scheme is not None:
            for st in stats:
                items.append(cls(fs, st.path, _scheme_display(fs, hp, st.path), st))
        elif hp.is_absolute:
            for st in stats:
                items.append(cls(fs, st.path, st.path, st))
        else:
            cwd = fs.working_directory()
            for st in stats:
                items.append(cls(fs, st.path, hpath.relativize(cwd, st.path, st.is_dir), st))
        return items

    # ----------------------------------------------------------- status
    @property
    def stat(self) -> FileStatus | None:
        if self._stat is _MISSING:
            self.refresh_status()
        return self._stat  # type: ignore[return-value]

    @stat.setter
    def stat(self, value: FileStatus | None) -> None:
        self._stat = value

    def refresh_status(self) -> FileStatus | None:
        try:
            self._stat = self.fs.get_file_status(self.path)
        except FileNotFoundError:
            self._stat = None
        return self._stat  # type: ignore[return-value]

    @property
    def exists(self) -> bool:
        return self.stat is not None

    @property
    def is_dir(self) -> bool:
        st = self.stat
        return st is not None and st.is_dir

    @property
    def is_file(self) -> bool:
        st = self.stat
        return st is not None and not st.is_dir

    # ----------------------------------------------------------- relatives
    def child(self, name: str, stat: FileStatus | None | object = _MISSING) -> PathData:
        return PathData(
            self.fs, hpath.child_path(self.path, name), hpath.child_display(self.display, name), stat
        )

    def children(self) -> list[PathData]:
        """Children of a directory (from one listing: their statuses come with it)."""
        base_path = self.path if self.path.endswith("/") else self.path + "/"
        disp = self.display
        if disp == hpath.CUR_DIR:
            prefix = ""
        elif disp.endswith("/"):
            prefix = disp
        else:
            prefix = disp + "/"
        out = []
        for st in self.fs.list_status(self.path):
            name = st.path[st.path.rfind("/") + 1 :]
            out.append(PathData(self.fs, base_path + name, prefix + name, st))
        return out

    def with_suffix(self, suffix: str) -> PathData:
        return PathData(self.fs, self.path + suffix, self.display + suffix, _MISSING)

    def parent(self) -> PathData | None:
        p = hpath.parent_of(self.path)
        if p is None:
            return None
        return PathData(self.fs, p, p)

    @property
    def name(self) -> str:
        return hpath.basename(self.path)

    @property
    def qualified(self) -> str:
        return self.fs.make_qualified(self.path)

    def same_fs(self, other: PathData) -> bool:
        return self.fs is other.fs or (self.fs.uri == other.fs.uri)

    def __str__(self) -> str:
        return self.display

    def __repr__(self) -> str:
        return f"PathData({self.fs.uri}{self.path!r}, display={self.display!r})"


def _scheme_display(fs: FileSystem, hp: hpath.HPath, path: str) -> str:
    # Hadoop's removeAuthority builds a URI with an empty (not absent) authority: "hdfs:///x".
    if not hp.authority:
        return f"{fs.scheme}://{path}"
    return fs.make_qualified(path)
