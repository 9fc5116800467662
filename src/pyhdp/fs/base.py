"""The one file-system interface that FsShell, MapReduce and WebHDFS are written against.

A backend (``file://``, the embedded/daemon ``hdfs://``, ``webhdfs://``) implements the
abstract primitives; everything else (recursive delete, copy, content summary, glob) is
derived here once, as fsspec's ``AbstractFileSystem`` does.

Conventions
-----------
* Paths passed to a ``FileSystem`` are *absolute path strings within that file system*
  (``/user/bob/x``), without scheme or authority.  :meth:`FileSystem.make_qualified`
  adds them back (``hdfs://localhost:9000/user/bob/x``).  Callers resolve relative
  paths against :meth:`FileSystem.working_directory` first (see ``pyhdp.fs.path``).
* Errors are Python built-ins or the subclasses of them in :mod:`pyhdp.errors`,
  raised with Hadoop's message text.
* Times are milliseconds since the epoch, as in Hadoop's ``FileStatus``.
* ``permission`` holds the mode bits including the sticky bit (``0o1777``).
"""

from __future__ import annotations

import abc
import dataclasses
import posixpath
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyhdp.conf import Configuration


@dataclasses.dataclass
class FileStatus:
    """Hadoop's ``FileStatus``: what ``-ls``, ``-stat`` and WebHDFS GETFILESTATUS show."""

    path: str  # absolute path within the file system
    length: int
    is_dir: bool
    replication: int
    block_size: int
    modification_time: int  # ms since epoch
    access_time: int  # ms since epoch
    permission: int  # mode bits, with sticky bit (0o1000)
    owner: str
    group: str
    symlink: str | None = None
    file_id: int = 0
    children_num: int = 0
    erasure_coded: bool = False
    encrypted: bool = False
    has_acl: bool = False

    @property
    def name(self) -> str:
        return posixpath.basename(self.path) or "/"

    @property
    def is_file(self) -> bool:
        return not self.is_dir and self.symlink is None


@dataclasses.dataclass
class ContentSummary:
    """Hadoop's ``ContentSummary`` (``-count``, ``-du -s``, GETCONTENTSUMMARY).

    ``quota`` / ``space_quota`` are -1 when unset; ``type_quotas`` maps a storage
    type name (``DISK``, ``SSD``, ...) to ``(quota, consumed)``.
    """

    length: int
    file_count: int
    directory_count: int
    quota: int = -1
    space_consumed: int = 0
    space_quota: int = -1
    snapshot_length: int = 0
    type_quotas: dict[str, tuple[int, int]] = dataclasses.field(default_factory=dict)
    erasure_coding_policy: str = "Replicated"


@dataclasses.dataclass
class FsStatus:
    """Hadoop's ``FsStatus`` for ``-df``: bytes."""

    capacity: int
    used: int
    remaining: int


@dataclasses.dataclass
class FileChecksum:
    """Hadoop's ``FileChecksum``: ``algorithm`` as Hadoop names it
    (``MD5-of-0MD5-of-512CRC32C``), ``value`` the bytes Hadoop serializes
    (``-checksum`` prints them in hex)."""

    algorithm: str
    value: bytes
    length: int

    def hex(self) -> str:
        return self.value.hex()


@dataclasses.dataclass
class BlockLocation:
    """Hadoop's ``BlockLocation``: a byte range of a file and the hosts holding it."""

    offset: int
    length: int
    hosts: list[str]
    names: list[str]  # host:port of the DataNodes
    topology_paths: list[str] = dataclasses.field(default_factory=list)
    block_id: int = 0
    generation_stamp: int = 0
    corrupt: bool = False


class FileSystem(abc.ABC):
    """Base of every file system pyhdp speaks.

    Subclasses set :attr:`scheme` and implement the abstract primitives.  Instances are
    made by :func:`pyhdp.fs.registry.get_filesystem`, never by the CLI directly.
    """

    scheme: str = ""
    #: Capabilities, as Hadoop's FS contract options; the conformance tests read them.
    capabilities: dict[str, bool] = {}

    def __init__(self, conf: Configuration, authority: str = "", user: str | None = None):
        self.conf = conf
        self.authority = authority
        from pyhdp.security import current_user

        self.user = user or current_user(conf)

    # ----------------------------------------------------------- identity
    @property
    def uri(self) -> str:
        """``scheme://authority`` of this file system (``file:///`` has no authority)."""
        return f"{self.scheme}://{self.authority}"

    def make_qualified(self, path: str) -> str:
        """The full URI of an absolute path of this file system."""
        if self.scheme == "file":
            return "file:" + path
        return self.uri + path

    def home_directory(self) -> str:
        return f"/user/{self.user}"

    def working_directory(self) -> str:
        return self.home_directory()

    # ----------------------------------------------------------- primitives
    @abc.abstractmethod
    def get_file_status(self, path: str) -> FileStatus:
        """Status of a path; ``FileNotFoundError`` when it does not exist."""

    @abc.abstractmethod
    def list_status(self, path: str) -> list[FileStatus]:
        """Children of a directory (sorted by name), or ``[status]`` of a file."""

    @abc.abstractmethod
    def open(self, path: str, buffer_size: int | None = None, verify_checksum: bool = True) -> IO[bytes]:
        """A readable, seekable binary stream."""

    @abc.abstractmethod
    def create(
        self,
        path: str,
        overwrite: bool = False,
        permission: int | None = None,
        replication: int | None = None,
        block_size: int | None = None,
        create_parent: bool = True,
    ) -> IO[bytes]:
        """A writable binary stream; the file is complete when it is closed.

        ``permission`` is the requested mode before the umask is applied (default 0o666).
        """

    @abc.abstractmethod
    def append(self, path: str) -> IO[bytes]:
        """A writable stream at the end of an existing file."""

    @abc.abstractmethod
    def mkdirs(self, path: str, permission: int | None = None) -> bool:
        """Create a directory and its missing parents (mode before umask, default 0o777)."""

    @abc.abstractmethod
    def rename(self, src: str, dst: str) -> bool:
        """Hadoop ``FileSystem.rename``: into ``dst`` if it is a directory; False if refused."""

    @abc.abstractmethod
    def delete(self, path: str, recursive: bool = False) -> bool:
        """Delete; a non-empty directory needs ``recursive`` (else PathIsNotEmptyDirectoryError)."""

    @abc.abstractmethod
    def set_permission(self, path: str, permission: int) -> None: ...

    @abc.abstractmethod
    def set_owner(self, path: str, owner: str | None, group: str | None) -> None: ...

    @abc.abstractmethod
    def set_times(self, path: str, mtime: int, atime: int) -> None:
        """Set times in ms; -1 leaves that time unchanged."""

    # ----------------------------------------------------------- optional, with defaults
    def set_replication(self, path: str, replication: int) -> bool:
        return False

    def truncate(self, path: str, new_length: int) -> bool:
        raise self._unsupported("truncate")

    def concat(self, target: str, sources: list[str]) -> None:
        raise self._unsupported("concat")

    def get_file_checksum(self, path: str) -> FileChecksum | None:
        return None

    def get_status(self) -> FsStatus:
        raise self._unsupported("getStatus")

    def get_block_locations(self, path: str, start: int, length: int) -> list[BlockLocation]:
        st = self.get_file_status(path)
        if st.is_dir:
            return []
        return [BlockLocation(0, st.length, ["localhost"], ["localhost:9866"])]

    def default_block_size(self, path: str = "/") -> int:
        return self.conf.get_size("dfs.blocksize", 128 * 1024 * 1024) if self.conf else 128 * 1024 * 1024

    def default_replication(self, path: str = "/") -> int:
        return 1

    def access(self, path: str, mode: str) -> None:
        """Check ``mode`` (a subset of ``"rwx"``) for the current user; raise PermissionError."""
        self.get_file_status(path)

    def set_quota(self, path: str, namespace_quota: int, storagespace_quota: int) -> None:
        raise self._unsupported("setQuota")

    def trash_root(self, path: str) -> str:
        return posixpath.join(self.home_directory(), ".Trash")

    def close(self) -> None:  # noqa: B027 - optional hook: most file systems hold nothing to release
        """Release resources (locks, connections)."""

    def __enter__(self) -> FileSystem:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ----------------------------------------------------------- derived
    def exists(self, path: str) -> bool:
        try:
            self.get_file_status(path)
            return True
        except FileNotFoundError:
            return False

    def is_dir(self, path: str) -> bool:
        try:
            return self.get_file_status(path).is_dir
        except FileNotFoundError:
            return False

    def is_file(self, path: str) -> bool:
        try:
            return not self.get_file_status(path).is_dir
        except FileNotFoundError:
            return False

    def walk(self, path: str) -> Iterator[FileStatus]:
        """Every status below ``path`` (pre-order, children sorted), ``path`` itself first."""
        st = self.get_file_status(path)
        yield st
        if st.is_dir:
            stack = [path]
            while stack:
                d = stack.pop()
                children = self.list_status(d)
                for child in children:
                    yield child
                for child in reversed(children):
                    if child.is_dir:
                        stack.append(child.path)

    def get_content_summary(self, path: str) -> ContentSummary:
        length = files = dirs = consumed = 0
        for st in self.walk(path):
            if st.is_dir:
                dirs += 1
            else:
                files += 1
                length += st.length
                consumed += st.length * max(st.replication, 1)
        return ContentSummary(length, files, dirs, space_consumed=consumed)

    def cat(self, path: str) -> bytes:
        with self.open(path) as f:
            return f.read()

    def write_bytes(self, path: str, data: bytes, overwrite: bool = True) -> None:
        with self.create(path, overwrite=overwrite) as f:
            f.write(data)

    def _unsupported(self, op: str) -> OSError:
        from pyhdp.errors import UnsupportedOperationError

        return UnsupportedOperationError(f"Not implemented by the {type(self).__name__} FileSystem implementation")
