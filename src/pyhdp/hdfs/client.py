"""``hdfs://`` — the DistributedFileSystem client.

In embedded mode (no NameNode daemon at ``fs.defaultFS`` and the address is this host) it
opens the store in-process (:mod:`pyhdp.hdfs.embedded`) and calls the NameNode core through
its operation table.  A remote address gets Hadoop's "Connection refused" error, never a
silent local fallback.
"""

from __future__ import annotations

import os
import posixpath
import random
import socket
from typing import IO, TYPE_CHECKING

from pyhdp.errors import FsError, HadoopIllegalArgumentError, InvalidPathError, PathNotFoundError
from pyhdp.fs.base import BlockLocation, FileChecksum, FileStatus, FileSystem, FsStatus

if TYPE_CHECKING:
    from pyhdp.conf import Configuration
    from pyhdp.hdfs.embedded import EmbeddedStore
    from pyhdp.hdfs.namenode.admin import FSNamesystem

QUOTA_DONT_SET = 2**63 - 1
QUOTA_RESET = -1
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "0.0.0.0", "::1", ""}


def is_local_host(host: str) -> bool:
    host = host.strip("[]").lower()
    if host in _LOCAL_NAMES or host.startswith("127."):
        return True
    try:
        names = {socket.gethostname().lower(), socket.getfqdn().lower()}
    except OSError:
        names = set()
    if host in names:
        return True
    try:
        return socket.gethostbyname(host).startswith("127.")
    except OSError:
        return False


def _local_and_silent(authority: str) -> bool:
    """True when ``authority`` is this host and nothing accepts connections there, decided with
    one refused connect (well under a millisecond) instead of importing the remote client."""
    host, _, port = authority.rpartition(":") if ":" in authority else (authority, "", "8020")
    if not port.isdigit() or host.strip("[]").lower() not in ("localhost", "127.0.0.1", "0.0.0.0", ""):
        return False
    try:
        with socket.create_connection(("127.0.0.1", int(port)), timeout=0.5):
            return False
    except OSError:
        return True


class DistributedFileSystem(FileSystem):
    scheme = "hdfs"
    capabilities = {
        "supports-append": True,
        "supports-concat": True,
        "supports-truncate": True,
        "supports-settimes": True,
        "supports-getfilestatus": True,
        "supports-strict-exceptions": True,
        "supports-unix-permissions": True,
        "supports-permissions": True,
        "supports-sticky-bit": True,
        "supports-set-owner": True,
        "supports-set-times": True,
        "rename-returns-false-if-source-missing": True,
        "rename-returns-false-if-dest-exists": True,
        "rename-overwrites-dest": False,
        "rename-creates-dest-dirs": False,
        "supports-atomic-rename": True,
        "supports-atomic-directory-delete": True,
        "supports-block-locality": True,
        "supports-seek": True,
        "is-case-sensitive": True,
        "is-blobstore": False,
    }

    def __new__(cls, conf: Configuration, authority: str = "", user: str | None = None):
        # a NameNode daemon answering at fs.defaultFS gets the remote client (pyhdp.hdfs.remote)
        if cls is DistributedFileSystem:
            auth = authority or cls._default_authority(conf)
            if not _local_and_silent(auth):  # fast path: nothing listens on this host -> embedded
                from pyhdp.hdfs.remote import select_class

                cls = select_class(conf, auth)
        return super().__new__(cls)

    def __init__(self, conf: Configuration, authority: str = "", user: str | None = None):
        super().__init__(conf, authority or self._default_authority(conf), user)
        self._store: EmbeddedStore | None = None
        self.client_name = f"DFSClient_NONMAPREDUCE_{random.randint(0, 2**31 - 1)}_1"
        self._caller = None
        self._holder = None
        from pyhdp.hdfs.namenode.permissions import parse_umask

        self.umask = parse_umask(conf.get("fs.permissions.umask-mode", "022"))

    @staticmethod
    def _default_authority(conf: Configuration) -> str:
        from pyhdp.fs.registry import default_uri

        scheme, authority = default_uri(conf)
        return authority if scheme == "hdfs" else "localhost:9000"

    # ------------------------------------------------------------------ connection
    @property
    def store(self) -> EmbeddedStore:
        if self._store is not None and self._store.pid != os.getpid():
            # a forked child never uses its parent's connection, locks or lease identity
            self._store = None
            self._caller = None
            self._holder = None
        if self._store is None:
            host, _, port = (
                self.authority.rpartition(":") if ":" in self.authority else (self.authority, "", "")
            )
            if not is_local_host(host):
                raise FsError(
                    f"Call From {socket.gethostname()}/127.0.0.1 to {self.authority} failed on connection "
                    "exception: java.net.ConnectException: Connection refused; For more details see:  "
                    "http://wiki.apache.org/hadoop/ConnectionRefused"
                )
            from pyhdp.hdfs.embedded import open_store

            self._store = open_store(self.conf)
        return self._store

    @property
    def namesystem(self) -> FSNamesystem:
        return self.store.namesystem

    @property
    def caller(self):
        if self._caller is None:
            from pyhdp.security import groups_of

            self._caller = self.namesystem.caller(self.user, groups_of(self.user), self.client_name)
        return self._caller

    @property
    def holder(self):
        if self._holder is None:
            from pyhdp.hdfs.namenode.files import Holder

            self._holder = Holder.this_process(self.client_name)
        return self._holder

    def _call(self, op: str, **kwargs):
        import sqlite3

        from pyhdp.hdfs.namenode.protocol import call

        try:
            return call(self.namesystem, self.caller, op, **kwargs)
        except sqlite3.Error as e:  # storage trouble, not a bug: one actionable line
            db = self.store.storage.db_path
            hint = "free space on that volume" if "full" in str(e) else "check that no other program holds it"
            raise FsError(f"{op} failed in the namespace database {db}: {e}; {hint}") from e

    def _path(self, path: str) -> str:
        """``DistributedFileSystem.getPathName``: absolute, valid DFS name."""
        from pyhdp.hdfs.namenode.namespace import is_valid_name

        if not path.startswith("/"):
            path = posixpath.join(self.working_directory(), path)
        norm = posixpath.normpath(path) if path not in ("/", "") else "/"
        if norm.startswith("//"):
            norm = "/" + norm.lstrip("/")
        if not is_valid_name(path.rstrip("/") or "/") or not is_valid_name(norm):
            raise InvalidPathError(f"Pathname {path} from {path} is not a valid DFS filename.", path)
        return norm

    def close(self) -> None:
        """Commit this process's pending metadata; the store itself stays open (shared) until exit."""
        if self._store is not None:
            self._store.namesystem.flush()
        self._store = None

    # ------------------------------------------------------------------ metadata
    def get_file_status(self, path: str) -> FileStatus:
        p = self._path(path)
        st = self._call("getFileInfo", path=p)
        if st is None:
            raise PathNotFoundError(f"File does not exist: {p}", p)
        return st

    def list_status(self, path: str) -> list[FileStatus]:
        return self._call("getListing", path=self._path(path))

    def mkdirs(self, path: str, permission: int | None = None) -> bool:
        perm = 0o777 if permission is None else permission
        masked = (perm & 0o1000) | (perm & 0o777 & ~self.umask)
        return self._call("mkdirs", path=self._path(path), masked=masked, create_parent=True)

    def delete(self, path: str, recursive: bool = False) -> bool:
        return self._call("delete", path=self._path(path), recursive=recursive)

    def rename(self, src: str, dst: str) -> bool:
        return self._call("rename", src=self._path(src), dst=self._path(dst))

    def set_permission(self, path: str, permission: int) -> None:
        self._call("setPermission", path=self._path(path), permission=permission)

    def set_owner(self, path: str, owner: str | None, group: str | None) -> None:
        if owner is None and group is None:
            raise HadoopIllegalArgumentError("username == null && groupname == null")
        self._call("setOwner", path=self._path(path), owner=owner, group=group)

    def set_times(self, path: str, mtime: int, atime: int) -> None:
        self._call("setTimes", path=self._path(path), mtime=int(mtime), atime=int(atime))

    def set_replication(self, path: str, replication: int) -> bool:
        return self._call("setReplication", path=self._path(path), replication=int(replication))

    def get_content_summary(self, path: str):
        return self._call("getContentSummary", path=self._path(path))

    def access(self, path: str, mode: str) -> None:
        from pyhdp.hdfs.namenode.permissions import EXECUTE, READ, WRITE

        p = self._path(path)
        bits = (READ if "r" in mode else 0) | (WRITE if "w" in mode else 0) | (EXECUTE if "x" in mode else 0)
        ns = self.namesystem
        with ns.read():
            r = ns.resolve(p)
            ns.check(self.caller, r, access=bits or None)
            if r.last is None:
                raise PathNotFoundError(f"Path not found: {p}", p)

    def is_file_closed(self, path: str) -> bool:
        return self._call("isFileClosed", path=self._path(path))

    def default_replication(self, path: str = "/") -> int:
        return self.conf.get_int("dfs.replication", 1)

    def get_home_directory(self) -> str:
        return self.home_directory()

    # ------------------------------------------------------------------ data
    def create(
        self,
        path: str,
        overwrite: bool = False,
        permission: int | None = None,
        replication: int | None = None,
        block_size: int | None = None,
        create_parent: bool = True,
    ) -> IO[bytes]:
        from pyhdp.hdfs.streams import DFSOutputStream

        p = self._path(path)
        perm = 0o666 if permission is None else permission
        masked = perm & 0o777 & ~self.umask
        bs = block_size or self.default_block_size(p)
        bpc = self.conf.get_int("dfs.bytes-per-checksum", 512)
        if bpc <= 0 or bs % bpc:
            raise HadoopIllegalArgumentError(
                f"io.bytes.per.checksum({bpc}) and blockSize({bs}) do not match. "
                "blockSize should be a multiple of io.bytes.per.checksum"
            )
        repl = replication or self.default_replication(p)
        self._call(
            "create",
            path=p,
            masked=masked,
            holder=self.holder,
            overwrite=overwrite,
            create_parent=create_parent,
            replication=int(repl),
            block_size=int(bs),
        )
        return DFSOutputStream(self, p, bs)

    def append(self, path: str) -> IO[bytes]:
        from pyhdp.hdfs.streams import DFSOutputStream

        if not self.conf.get_bool("dfs.support.append", True):
            raise FsError(
                "Append is not supported. Please see the dfs.support.append configuration parameter"
            )
        p = self._path(path)
        node, last, recovery = self._call("append", path=p, holder=self.holder)
        self.namesystem.flush()
        writer = None
        if last is not None and recovery is not None:
            writer = self.store.blocks.reopen_for_append(
                recovery.block_id, recovery.old_genstamp, recovery.new_genstamp, recovery.length or 0
            )
        return DFSOutputStream(self, p, node.block_size, start_length=node.length, block=writer)

    def open(self, path: str, buffer_size: int | None = None, verify_checksum: bool = True) -> IO[bytes]:
        from pyhdp.hdfs.streams import DFSInputStream

        p = self._path(path)
        node, blocks = self._call("getBlockLocations", path=p)
        length = sum(b.length for b in blocks)
        return DFSInputStream(self, p, length, blocks, verify=verify_checksum)

    def truncate(self, path: str, new_length: int) -> bool:
        p = self._path(path)
        on_boundary, recovery = self._call("truncate", path=p, new_length=int(new_length), holder=self.holder)
        self.namesystem.flush()
        if recovery is not None:
            self.store.blocks.recover(
                recovery.block_id, recovery.old_genstamp, recovery.new_genstamp, recovery.length
            )
        return on_boundary

    def concat(self, target: str, sources: list[str]) -> None:
        self._call("concat", target=self._path(target), srcs=[self._path(s) for s in sources])

    def recover_lease(self, path: str) -> bool:
        return self._call("recoverLease", path=self._path(path), holder=self.holder)

    def get_file_checksum(self, path: str) -> FileChecksum | None:
        from pyhdp.hdfs.datanode.checksum import file_checksum

        p = self._path(path)
        node, blocks = self._call("getBlockLocations", path=p)
        crcs = [self.store.blocks.read_crcs(b.block_id, b.genstamp, b.length) for b in blocks if b.length > 0]
        return file_checksum(crcs, self.store.blocks.bpc)

    def get_block_locations(self, path: str, start: int, length: int) -> list[BlockLocation]:
        p = self._path(path)
        node, blocks = self._call("getBlockLocations", path=p)
        if node.is_dir:
            return []
        addr = self.store.datanode_address
        host = "localhost"
        out = []
        for b in blocks:
            if b.offset + b.length <= start and not (b.length == 0 and b.offset == start):
                continue
            if b.offset >= start + length and length >= 0 and b.offset != start:
                break
            out.append(
                BlockLocation(
                    b.offset,
                    b.length,
                    [host],
                    [addr],
                    [f"/default-rack/{addr}"],
                    block_id=b.block_id,
                    generation_stamp=b.genstamp,
                    corrupt=b.corrupt,
                )
            )
        return out

    # ------------------------------------------------------------------ admin
    def get_status(self) -> FsStatus:
        """Capacity and free space of the DataNode volume; DFS used = the replicas and their
        ``.meta`` files, from the namespace (no walk of the volume)."""
        ns = self.namesystem
        bpc = self.store.blocks.bpc
        with ns.read():
            used = ns.conn.execute(
                "SELECT coalesce(sum(length + 7 + 4 * ((length + ? - 1) / ?)), 0) FROM blocks", (bpc, bpc)
            ).fetchone()[0]
        capacity, used, remaining = self.store.blocks.capacity(int(used))
        return FsStatus(capacity, used, remaining)

    def set_quota(self, path: str, namespace_quota: int, storagespace_quota: int) -> None:
        """``DFSClient.setQuota``: QUOTA_DONT_SET (Long.MAX_VALUE) leaves one unchanged, -1 clears."""
        ns_q, ds_q = int(namespace_quota), int(storagespace_quota)
        if (ns_q <= 0 and ns_q not in (QUOTA_DONT_SET, QUOTA_RESET)) or (
            ds_q < 0 and ds_q not in (QUOTA_DONT_SET, QUOTA_RESET)
        ):
            raise HadoopIllegalArgumentError(f"Invalid values for quota : {ns_q} and {ds_q}")
        self._call("setQuota", path=self._path(path), ns_quota=ns_q, ds_quota=ds_q, storage_type=None)

    def set_quota_by_storage_type(self, path: str, storage_type: str, quota: int) -> None:
        if quota <= 0 and quota not in (QUOTA_DONT_SET, QUOTA_RESET):
            raise HadoopIllegalArgumentError(f"Invalid values for quota :{quota}")
        self._call(
            "setQuota",
            path=self._path(path),
            ns_quota=QUOTA_DONT_SET,
            ds_quota=int(quota),
            storage_type=storage_type,
        )

    def set_safe_mode(self, action: str) -> bool:
        return self._call("setSafeMode", action=action)

    def trash_root(self, path: str) -> str:
        return posixpath.join(self.home_directory(), ".Trash")

    def home_directory(self) -> str:
        prefix = self.conf.get_trimmed("dfs.user.home.dir.prefix", "/user") or "/user"
        return f"{prefix.rstrip('/')}/{self.user}"
