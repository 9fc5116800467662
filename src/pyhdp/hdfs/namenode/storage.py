"""The NameNode's storage directory: location, ``in_use.lock``, ``current/VERSION``, formatting.

Layout of ``dfs.namenode.name.dir`` (as Hadoop's, with the SQLite namespace as the image)::

    <name dir>/in_use.lock              shared by CLI processes, exclusive for a daemon / format
    <name dir>/current/VERSION          namespaceID, clusterID, cTime, storageType, blockpoolID, layoutVersion
    <name dir>/current/seen_txid
    <name dir>/current/namespace.db     SQLite (WAL): inodes, blocks, leases, meta

Formatting on first use happens under the exclusive lock, so two processes that start at
the same moment format once.
"""

from __future__ import annotations

import dataclasses
import fcntl
import os
import socket
import time
from typing import TYPE_CHECKING

from pyhdp.errors import FsError, StoreLockedError

if TYPE_CHECKING:
    from pyhdp.conf import Configuration

LAYOUT_VERSION = -66
DB_NAME = "namespace.db"
LOCK_NAME = "in_use.lock"


def local_dir(uri: str) -> str:
    """A ``file://`` URI or plain path of a storage directory, as a local path."""
    uri = uri.strip()
    if uri.startswith("file://"):
        uri = uri[len("file://") :]
    elif uri.startswith("file:"):
        uri = uri[len("file:") :]
    return os.path.expanduser(uri)


def name_dirs(conf: Configuration) -> list[str]:
    value = conf.get("dfs.namenode.name.dir") or "file://${hadoop.tmp.dir}/dfs/name"
    return [local_dir(v) for v in conf.expand(value).split(",") if v.strip()]


def data_dirs(conf: Configuration) -> list[str]:
    value = conf.get("dfs.datanode.data.dir") or "file://${hadoop.tmp.dir}/dfs/data"
    out = []
    for v in conf.expand(value).split(","):
        v = v.strip()
        if v.startswith("[") and "]" in v:  # [DISK]/[SSD] storage type prefix
            v = v[v.index("]") + 1 :]
        if v:
            out.append(local_dir(v))
    return out


def java_date(ts: float | None = None) -> str:
    """Java's ``Date.toString()``: ``Mon Jan 08 14:03:27 UTC 2024``."""
    t = time.localtime(ts if ts is not None else time.time())
    return (
        time.strftime("%a %b %d %H:%M:%S ", t) + (time.strftime("%Z", t) or "UTC") + time.strftime(" %Y", t)
    )


@dataclasses.dataclass
class VersionInfo:
    """The ``current/VERSION`` properties of a storage directory."""

    namespace_id: int
    cluster_id: str
    ctime: int
    block_pool_id: str
    layout_version: int = LAYOUT_VERSION
    storage_type: str = "NAME_NODE"

    def to_text(self) -> str:
        return (
            f"#{java_date()}\n"
            f"namespaceID={self.namespace_id}\n"
            f"clusterID={self.cluster_id}\n"
            f"cTime={self.ctime}\n"
            f"storageType={self.storage_type}\n"
            f"blockpoolID={self.block_pool_id}\n"
            f"layoutVersion={self.layout_version}\n"
        )

    @classmethod
    def parse(cls, text: str) -> VersionInfo:
        props = read_properties(text)
        return cls(
            namespace_id=int(props["namespaceID"]),
            cluster_id=props["clusterID"],
            ctime=int(props.get("cTime", "0")),
            block_pool_id=props["blockpoolID"],
            layout_version=int(props.get("layoutVersion", LAYOUT_VERSION)),
            storage_type=props.get("storageType", "NAME_NODE"),
        )


def read_properties(text: str) -> dict[str, str]:
    props = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        k, _, v = line.partition("=")
        props[k.strip()] = v.strip()
    return props


def local_ip() -> str:
    try:
        return socket.gethostbyname(socket.gethostname())
    except OSError:
        return "127.0.0.1"


def new_version(cluster_id: str | None = None) -> VersionInfo:
    import random
    import uuid

    now = int(time.time() * 1000)
    rnd = random.SystemRandom()
    return VersionInfo(
        namespace_id=rnd.randint(1, 2**31 - 1),
        cluster_id=cluster_id or f"CID-{uuid.uuid4()}",
        ctime=now,
        block_pool_id=f"BP-{rnd.randint(1, 2**31 - 1)}-{local_ip()}-{now}",
    )


class StorageLock:
    """``in_use.lock`` of a storage directory (fcntl/flock)."""

    def __init__(self, directory: str):
        self.directory = directory
        self.path = os.path.join(directory, LOCK_NAME)
        self.fd: int | None = None
        self.mode: int | None = None

    def _open(self) -> int:
        if self.fd is None:
            os.makedirs(self.directory, exist_ok=True)
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        return self.fd

    def try_lock(self, exclusive: bool) -> bool:
        fd = self._open()
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        self.mode = mode
        return True

    def lock(self, exclusive: bool, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        delay = 0.005
        while True:
            if self.try_lock(exclusive):
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(delay)
            delay = min(delay * 2, 0.1)

    def owner_text(self) -> str:
        try:
            with open(self.path) as f:
                return f.read().strip()
        except OSError:
            return ""

    def write_owner(self) -> None:
        """A daemon holding the lock exclusively records ``pid@host`` (as Hadoop does)."""
        fd = self._open()
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}@{socket.gethostname()}".encode(), 0)

    def release(self) -> None:
        if self.fd is not None:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            finally:
                os.close(self.fd)
                self.fd = None
                self.mode = None


def locked_error(directory: str, lock: StorageLock) -> StoreLockedError:
    owner = lock.owner_text()
    who = f" by {owner}" if owner else ""
    return StoreLockedError(
        f"Cannot lock storage {directory}. The directory is already locked{who}: "
        "a NameNode daemon (or a format) owns this store; stop it with 'hdfs --daemon stop namenode', "
        "or point fs.defaultFS at its address",
        directory,
    )


class NameStorage:
    """One name directory: its lock, VERSION and database path."""

    def __init__(self, directory: str):
        self.root = directory
        self.current = os.path.join(directory, "current")
        self.version_path = os.path.join(self.current, "VERSION")
        self.db_path = os.path.join(self.current, DB_NAME)
        self.lock = StorageLock(directory)

    def is_formatted(self) -> bool:
        return os.path.exists(self.version_path)

    def read_version(self) -> VersionInfo:
        with open(self.version_path) as f:
            return VersionInfo.parse(f.read())

    def is_empty(self) -> bool:
        try:
            return not [n for n in os.listdir(self.root) if n != LOCK_NAME]
        except FileNotFoundError:
            return True

    def clear(self) -> None:
        """Remove everything but the lock file (format -force)."""
        import shutil

        for n in os.listdir(self.root):
            if n == LOCK_NAME:
                continue
            p = os.path.join(self.root, n)
            if os.path.isdir(p) and not os.path.islink(p):
                shutil.rmtree(p)
            else:
                os.unlink(p)

    def write_version(self, version: VersionInfo) -> None:
        os.makedirs(self.current, exist_ok=True)
        tmp = self.version_path + ".tmp"
        with open(tmp, "w") as f:
            f.write(version.to_text())
            f.flush()
            os.fsync(f.fileno())
        with open(os.path.join(self.current, "seen_txid"), "w") as f:
            f.write("0\n")
        os.replace(tmp, self.version_path)


def format_storage(
    storage: NameStorage, superuser: str, supergroup: str, version: VersionInfo | None = None
) -> VersionInfo:
    """Create the namespace database and VERSION (caller holds the exclusive lock)."""
    from pyhdp.hdfs.namenode.schema import create_schema

    version = version or new_version()
    os.makedirs(storage.current, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        try:
            os.unlink(storage.db_path + suffix)
        except FileNotFoundError:
            pass
    create_schema(storage.db_path, version, superuser, supergroup)
    storage.write_version(version)  # last: VERSION marks a complete format
    return version


def ensure_formatted_and_lock(
    storage: NameStorage, superuser: str, supergroup: str, lock_timeout: float = 30.0
) -> VersionInfo:
    """Take the shared lock of a CLI process, formatting the store first if needed.

    Raises StoreLockedError when another process (a daemon) holds the lock exclusively.
    """
    if not storage.is_formatted():
        if not storage.lock.lock(exclusive=True, timeout=lock_timeout):
            raise locked_error(storage.root, storage.lock)
        try:
            if not storage.is_formatted():
                format_storage(storage, superuser, supergroup)
        except OSError as e:
            storage.lock.release()
            raise FsError(f"Cannot format storage directory {storage.root}: {e.strerror or e}") from e
        # downgrade to shared
        fcntl.flock(storage.lock.fd, fcntl.LOCK_SH)
        storage.lock.mode = fcntl.LOCK_SH
    else:
        # a short wait covers a concurrent first-use format; a daemon holds it for good
        if not storage.lock.lock(exclusive=False, timeout=2.0):
            raise locked_error(storage.root, storage.lock)
        if not storage.is_formatted():  # re-formatted away under us: try again
            storage.lock.release()
            return ensure_formatted_and_lock(storage, superuser, supergroup, lock_timeout)
    return storage.read_version()
