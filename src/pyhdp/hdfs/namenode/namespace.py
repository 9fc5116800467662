"""The namespace core: the directory tree in SQLite, with HDFS's semantics and messages.

Plain synchronous state, no sockets and no threads: the embedded client calls it in-process,
the NameNode daemon serves the same methods over HTTP (see :mod:`pyhdp.hdfs.namenode.protocol`).
Every method takes the :class:`Caller` first and raises Hadoop's errors (built-in
subclasses from :mod:`pyhdp.errors`).

This module holds path resolution, status/listing, mkdirs, delete, rename and attributes;
:mod:`.files` adds file writing (create, blocks, complete, append, truncate, concat, leases)
and :mod:`.admin` quotas, safe mode, statistics and the fsck walk.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
import threading
import time
from collections.abc import Iterator

from pyhdp.errors import (
    FsError,
    InvalidPathError,
    PathExistsError,
    PathIsNotDirectoryError,
    PathIsNotEmptyDirectoryError,
    PathNotFoundError,
    SafeModeError,
)
from pyhdp.fs.base import FileStatus
from pyhdp.hdfs.namenode import quota as q
from pyhdp.hdfs.namenode.permissions import ALL, READ, WRITE, Caller, Inode, check_permission
from pyhdp.hdfs.namenode.schema import ROOT_ID


@dataclasses.dataclass
class NamespaceSettings:
    """Limits and switches of the namespace, from hdfs-site keys (:meth:`from_conf`)."""

    permissions_enabled: bool = True
    supergroup: str = "supergroup"
    min_block_size: int = 1048576
    max_component_length: int = 255
    max_directory_items: int = 1048576
    accesstime_precision: int = 3600000
    replication_max: int = 512
    replication_min: int = 1
    default_replication: int = 1
    max_blocks_per_file: int = 10000

    @classmethod
    def from_conf(cls, conf) -> NamespaceSettings:
        return cls(
            permissions_enabled=conf.get_bool("dfs.permissions.enabled", True),
            supergroup=conf.get_trimmed("dfs.permissions.superusergroup", "supergroup") or "supergroup",
            min_block_size=conf.get_size("dfs.namenode.fs-limits.min-block-size", 1048576),
            max_component_length=conf.get_int("dfs.namenode.fs-limits.max-component-length", 255),
            max_directory_items=conf.get_int("dfs.namenode.fs-limits.max-directory-items", 1048576),
            accesstime_precision=int(conf.get_int("dfs.namenode.accesstime.precision", 3600000)),
            replication_max=conf.get_int("dfs.replication.max", 512),
            replication_min=conf.get_int("dfs.namenode.replication.min", 1),
            default_replication=conf.get_int("dfs.replication", 1),
            max_blocks_per_file=conf.get_int("dfs.namenode.fs-limits.max-blocks-per-file", 10000),
        )


def now_ms() -> int:
    return int(time.time() * 1000)


def split_path(path: str) -> list[str]:
    """``/a/b`` → ``["", "a", "b"]``; ``/`` → ``[""]``."""
    if not path.startswith("/"):
        raise InvalidPathError(f"Invalid path name {path}", path)
    return [""] + [c for c in path.split("/") if c]


def normalize(path: str) -> str:
    comps = split_path(path)
    return "/" + "/".join(comps[1:])


def is_valid_name(path: str) -> bool:
    """``DFSUtil.isValidName``."""
    if not path.startswith("/"):
        return False
    parts = path.split("/")
    for i, part in enumerate(parts):
        if part in (".", "..") or ":" in part:
            return False
        if part == "" and i not in (0, len(parts) - 1):
            return False
    return True


class Resolved:
    """``INodesInPath``: the components of a path and the inode (or None) of each prefix."""

    __slots__ = ("path", "comps", "nodes", "file_parent")

    def __init__(self, path: str, comps: list[str], nodes: list[Inode | None], file_parent: int):
        self.path = path
        self.comps = comps
        self.nodes = nodes
        self.file_parent = file_parent  # index of a non-directory ancestor, or -1

    @property
    def last(self) -> Inode | None:
        return self.nodes[-1]

    @property
    def parent(self) -> Inode | None:
        return self.nodes[-2] if len(self.nodes) > 1 else None

    def prefix(self, i: int) -> str:
        return "/" + "/".join(self.comps[1 : i + 1])

    @property
    def parent_path(self) -> str:
        return self.prefix(len(self.comps) - 2)

    def ancestors(self, upto: int | None = None) -> list[tuple[Inode, str]]:
        """Existing inodes from the root to ``upto`` (exclusive; default: the parent)."""
        end = len(self.nodes) - 1 if upto is None else upto
        return [(n, self.prefix(i)) for i, n in enumerate(self.nodes[:end]) if n is not None]


class Namespace:
    """The HDFS namespace over one SQLite connection (one per process)."""

    def __init__(self, conn: sqlite3.Connection, settings: NamespaceSettings | None = None):
        self.conn = conn
        self.settings = settings or NamespaceSettings()
        self._lock = threading.RLock()
        self._depth = 0
        self._tx: str | None = None
        self._tx_start = 0.0
        self._removed: list[int] = []
        self._timer: threading.Timer | None = None
        #: seconds consecutive operations may share one transaction (0: commit each)
        self.group_commit_window = 0.0
        self.superuser = self.get_meta("superuser") or ""
        self.block_pool_id = self.get_meta("block_pool_id") or ""
        #: called for blocks removed from the namespace (embedded: delete the replicas)
        self.on_blocks_removed = None

    # ------------------------------------------------------------------ plumbing
    def caller(self, user: str, groups: tuple[str, ...] = (), client_name: str = "") -> Caller:
        superuser = user == self.superuser or self.settings.supergroup in groups
        return Caller(user, tuple(groups), superuser, client_name)

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One operation in a write transaction; nested calls join the outer one.

        With ``group_commit_window`` > 0 (the embedded store sets it) consecutive operations
        of this process share one ``BEGIN IMMEDIATE`` transaction, committed once it is older
        than the window (by the next operation or a timer), by :meth:`flush` and at exit; each
        operation runs in a SAVEPOINT, so a failed one is undone alone.  Other processes wait
        at most about one window for the write lock, and may see this process's metadata
        changes up to one window late (writers are serialized, so the namespace stays
        consistent); data-bearing closes, hflush and block allocation flush at once.
        """
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.conn
                finally:
                    self._depth -= 1
                return
            group = self.group_commit_window > 0
            if self._tx is None:
                self._begin("BEGIN IMMEDIATE")
                self._tx = "write"
                self._tx_start = time.monotonic()
                self._removed = []
                if group:
                    timer = threading.Timer(self.group_commit_window, self.flush)
                    timer.daemon = True
                    timer.start()
                    self._timer = timer
            if group:
                self.conn.execute("SAVEPOINT op")
            self._depth = 1
            mark = len(self._removed)
            try:
                yield self.conn
            except BaseException:
                self._depth = 0
                del self._removed[mark:]  # blocks of an undone operation must survive
                if group:
                    self.conn.execute("ROLLBACK TO op")
                    self.conn.execute("RELEASE op")
                else:
                    self._tx = None
                    self.conn.execute("ROLLBACK")
                raise
            self._depth = 0
            if group:
                self.conn.execute("RELEASE op")
                if time.monotonic() - self._tx_start < self.group_commit_window:
                    return
            self._commit()

    def _commit(self) -> None:
        timer, self._timer = self._timer, None
        if timer is not None and timer is not threading.current_thread():
            timer.cancel()  # nothing left for it to commit (and no thread alive at exit)
        removed = self._removed
        self._removed = []
        self._tx = None
        self.conn.execute("COMMIT")
        if removed and self.on_blocks_removed is not None:
            self.on_blocks_removed(removed)

    def flush(self) -> None:
        """Commit the pending group transaction, if any (durability point)."""
        with self._lock:
            if self._tx == "write" and not self._depth:
                self._commit()

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._depth or self._tx == "write":
                depth = self._depth
                self._depth = depth + 1
                try:
                    yield self.conn
                finally:
                    self._depth = depth
                return
            self._begin("BEGIN")
            self._depth = 1
            try:
                yield self.conn
            finally:
                self._depth = 0
                self.conn.execute("COMMIT")

    def _begin(self, stmt: str) -> None:
        for attempt in range(200):
            try:
                self.conn.execute(stmt)
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) and "busy" not in str(e):
                    raise
                time.sleep(min(0.01 * (attempt + 1), 0.2))
        raise FsError("The namespace database stayed locked by other processes; try again")

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta(key,value) VALUES(?,?)", (key, value))

    def next_id(self, key: str) -> int:
        try:
            row = self.conn.execute(
                "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key=? RETURNING value", (key,)
            ).fetchone()
            return int(row[0]) - 1
        except sqlite3.OperationalError:  # SQLite < 3.35: no RETURNING
            value = int(self.get_meta(key) or "0")
            self.set_meta(key, str(value + 1))
            return value

    def _inode(self, inode_id: int) -> Inode | None:
        row = self.conn.execute("SELECT * FROM inodes WHERE id=?", (inode_id,)).fetchone()
        return Inode.from_row(row) if row else None

    def _child(self, parent_id: int, name: str) -> Inode | None:
        row = self.conn.execute(
            "SELECT * FROM inodes WHERE parent=? AND name=?", (parent_id, name)
        ).fetchone()
        return Inode.from_row(row) if row else None

    def _children(self, parent_id: int) -> list[Inode]:
        rows = self.conn.execute("SELECT * FROM inodes WHERE parent=? ORDER BY name", (parent_id,)).fetchall()
        return [Inode.from_row(r) for r in rows]

    def resolve(self, path: str) -> Resolved:
        comps = split_path(path)
        root = self._inode(ROOT_ID)
        nodes: list[Inode | None] = [root]
        cur = root
        file_parent = -1
        for i, name in enumerate(comps[1:], 1):
            if cur is None:
                nodes.append(None)
                continue
            if not cur.is_dir:
                if file_parent < 0:
                    file_parent = i - 1
                nodes.append(None)
                cur = None
                continue
            cur = self._child(cur.id, name)
            nodes.append(cur)
        return Resolved("/" + "/".join(comps[1:]), comps, nodes, file_parent)

    def check(self, caller: Caller, r: Resolved, **kw) -> None:
        if not self.settings.permissions_enabled or caller.superuser:
            return
        check_permission(caller, r.comps, r.nodes, list_children=self._list_for_check, **kw)

    def _list_for_check(self, d: Inode, dpath: str) -> list[tuple[Inode, str]]:
        base = dpath.rstrip("/")
        return [(c, f"{base}/{c.name}") for c in self._children(d.id)]

    def check_safe_mode(self, what: str) -> None:
        if self.get_meta("safemode") == "1":
            raise SafeModeError(
                f"{what}. Name node is in safe mode.\n"
                'It was turned on manually. Use "hdfs dfsadmin -safemode leave" to turn safe mode off.'
            )

    def in_safe_mode(self) -> bool:
        return self.get_meta("safemode") == "1"

    def check_superuser(self, caller: Caller, what: str = "") -> None:
        from pyhdp.errors import AccessControlError

        if not caller.superuser:
            raise AccessControlError(f"Access denied for user {caller.user}. Superuser privilege is required")

    # ------------------------------------------------------------------ status
    def status(self, node: Inode, path: str, children: int = 0) -> FileStatus:
        if node.is_dir:
            return FileStatus(
                path,
                0,
                True,
                0,
                0,
                node.mtime,
                node.atime,
                node.perm,
                node.owner,
                node.grp,
                file_id=node.id,
                children_num=children,
            )
        return FileStatus(
            path,
            node.length,
            False,
            node.replication,
            node.block_size,
            node.mtime,
            node.atime,
            node.perm,
            node.owner,
            node.grp,
            file_id=node.id,
        )

    def get_file_info(self, caller: Caller, path: str) -> FileStatus | None:
        with self.read():
            r = self.resolve(path)
            self.check(caller, r)
            node = r.last
            if node is None:
                return None
            return self.status(node, r.path, self._nchildren(node.id) if node.is_dir else 0)

    def get_listing(self, caller: Caller, path: str) -> list[FileStatus]:
        with self.read():
            r = self.resolve(path)
            node = r.last
            if node is not None and node.is_dir:
                self.check(caller, r, access=READ | 1)
            else:
                self.check(caller, r)
            if node is None:
                raise PathNotFoundError(f"File {r.path} does not exist.", r.path)
            if not node.is_dir:
                return [self.status(node, r.path)]
            base = r.path.rstrip("/")
            return [self.status(c, f"{base}/{c.name}") for c in self._children(node.id)]

    def is_file_closed(self, caller: Caller, path: str) -> bool:
        with self.read():
            r = self.resolve(path)
            self.check(caller, r)
            if r.last is None:
                raise PathNotFoundError(f"File does not exist: {r.path}", r.path)
            return not r.last.uc

    # ------------------------------------------------------------------ mkdirs
    def _verify_name(self, parent_path: str, parent: Inode, name: str) -> None:
        limit = self.settings.max_component_length
        blen = len(name.encode())
        if limit > 0 and blen > limit:
            raise q.component_too_long(limit, blen, parent_path, name)
        items_limit = self.settings.max_directory_items
        if items_limit > 0:
            count = self._nchildren(parent.id)
            if count >= items_limit:
                raise q.too_many_items(parent_path, items_limit, count + 1)

    def _add_inode(
        self,
        parent: Inode,
        name: str,
        is_dir: bool,
        perm: int,
        owner: str,
        mtime: int,
        replication: int = 0,
        block_size: int = 0,
        uc: bool = False,
    ) -> Inode:
        inode_id = self.next_id("next_inode_id")
        atime = 0 if is_dir else mtime
        self.conn.execute(
            "INSERT INTO inodes(id,parent,name,is_dir,perm,owner,grp,mtime,atime,replication,block_size,uc) "
            "VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                inode_id,
                parent.id,
                name,
                int(is_dir),
                perm,
                owner,
                parent.grp,
                mtime,
                atime,
                replication,
                block_size,
                int(uc),
            ),
        )
        self.conn.execute("UPDATE inodes SET mtime=?, nchildren=nchildren+1 WHERE id=?", (mtime, parent.id))
        return Inode(
            inode_id,
            parent.id,
            name,
            is_dir,
            perm,
            owner,
            parent.grp,
            mtime,
            atime,
            replication,
            block_size,
            0,
            -1,
            -1,
            uc,
        )

    def mkdirs(self, caller: Caller, path: str, masked: int, create_parent: bool = True) -> bool:
        with self.write():
            self.check_safe_mode(f"Cannot create directory {normalize(path)}")
            r = self.resolve(path)
            if r.file_parent >= 0:
                raise PathExistsError(f"Path is not a directory: {r.prefix(r.file_parent)}", r.path)
            last = r.last
            if last is not None:
                if not last.is_dir:
                    raise PathExistsError(f"Path is not a directory: {r.path}", r.path)
                self.check(caller, r)
                return True
            self.check(caller, r, ancestor=WRITE)
            first_missing = next(i for i, n in enumerate(r.nodes) if n is None)
            if first_missing < len(r.nodes) - 1 and not create_parent:
                raise PathNotFoundError(f"Parent directory doesn't exist: {r.parent_path}", r.path)
            if r.file_parent >= 0 and not create_parent:
                raise PathIsNotDirectoryError(f"Parent path is not a directory: {r.parent_path}", r.path)
            mtime = now_ms()
            implicit = masked | 0o300  # FSDirMkdirOp.addImplicitUwx
            for i in range(first_missing, len(r.nodes)):
                parent = r.nodes[i - 1]
                assert parent is not None
                self._verify_name(r.prefix(i - 1), parent, r.comps[i])
                q.verify_quota(self.conn, r.ancestors(i), 1, 0)
                perm = masked if i == len(r.nodes) - 1 else implicit
                r.nodes[i] = self._add_inode(parent, r.comps[i], True, perm & 0o1777, caller.user, mtime)
            return True

    # ------------------------------------------------------------------ delete
    def _subtree_ids(self, inode_id: int) -> list[int]:
        rows = self.conn.execute(
            "WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT i.id FROM inodes i JOIN sub ON i.parent=sub.id) "
            "SELECT id FROM sub",
            (inode_id,),
        ).fetchall()
        return [row[0] for row in rows]

    def _nchildren(self, inode_id: int) -> int:
        row = self.conn.execute("SELECT nchildren FROM inodes WHERE id=?", (inode_id,)).fetchone()
        return int(row[0]) if row else 0

    def _remove_subtree(self, node: Inode) -> None:
        self.conn.execute("UPDATE inodes SET nchildren=nchildren-1 WHERE id=?", (node.parent,))
        ids = self._subtree_ids(node.id) if node.is_dir else [node.id]
        removed = getattr(self, "_removed", None)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            blocks = self.conn.execute(
                f"SELECT id, genstamp FROM blocks WHERE inode IN ({marks})", chunk
            ).fetchall()
            if removed is not None:
                removed.extend(blocks)  # (id, genstamp): the replica is found without a directory scan
            self.conn.execute(f"DELETE FROM blocks WHERE inode IN ({marks})", chunk)
            self.conn.execute(f"DELETE FROM leases WHERE inode IN ({marks})", chunk)
            self.conn.execute(f"DELETE FROM inodes WHERE id IN ({marks})", chunk)
            if blocks:
                bmarks = ",".join("?" * len(blocks))
                self.conn.execute(f"DELETE FROM corrupt WHERE block_id IN ({bmarks})", [b[0] for b in blocks])

    def delete(self, caller: Caller, path: str, recursive: bool) -> bool:
        with self.write():
            self.check_safe_mode(f"Cannot delete {normalize(path)}")
            r = self.resolve(path)
            self.check(caller, r, parent=WRITE, sub=ALL, ignore_empty_dir=True)
            node = r.last
            if node is None:
                return False
            if (
                node.is_dir
                and self.conn.execute("SELECT 1 FROM inodes WHERE parent=? LIMIT 1", (node.id,)).fetchone()
            ):
                if not recursive:
                    raise PathIsNotEmptyDirectoryError(
                        f"`{r.path} is non empty': Directory is not empty", r.path
                    )
            if node.id == ROOT_ID:
                return False
            self._remove_subtree(node)
            self.conn.execute("UPDATE inodes SET mtime=? WHERE id=?", (now_ms(), node.parent))
            return True

    # ------------------------------------------------------------------ rename
    def rename(self, caller: Caller, src: str, dst: str) -> bool:
        """The old ``ClientProtocol.rename``: False for most refusals, errors for permission/quota."""
        with self.write():
            self.check_safe_mode(f"Cannot rename {normalize(src)}")
            rs = self.resolve(src)
            rd = self.resolve(dst)
            if rd.last is not None and rd.last.is_dir:
                rd = self.resolve(rd.path.rstrip("/") + "/" + rs.comps[-1]) if len(rs.comps) > 1 else rd
            self.check(caller, rs, parent=WRITE)
            self.check(caller, rd, ancestor=WRITE)
            node = rs.last
            if node is None or node.id == ROOT_ID:
                return False
            if rd.path == rs.path:
                return True
            if rd.path.startswith(rs.path.rstrip("/") + "/"):
                return False  # destination under the source
            if rd.last is not None:
                return False
            dparent = rd.parent
            if dparent is None or not dparent.is_dir or rd.file_parent >= 0:
                return False
            self._verify_name(rd.parent_path, dparent, rd.comps[-1])
            self._verify_quota_for_move(rs, rd, node)
            mtime = now_ms()
            self.conn.execute(
                "UPDATE inodes SET parent=?, name=? WHERE id=?", (dparent.id, rd.comps[-1], node.id)
            )
            self.conn.execute(
                "UPDATE inodes SET mtime=?, nchildren=nchildren-1 WHERE id=?", (mtime, node.parent)
            )
            self.conn.execute(
                "UPDATE inodes SET mtime=?, nchildren=nchildren+1 WHERE id=?", (mtime, dparent.id)
            )
            return True

    def _verify_quota_for_move(self, rs: Resolved, rd: Resolved, node: Inode) -> None:
        src_ids = {n.id for n, _ in rs.ancestors()}
        dst_anc = rd.ancestors()
        if not any(q.has_quota(n) and n.id not in src_ids for n, _ in dst_anc):
            return
        names, space, _length, _dirs = q.usage(self.conn, node.id)
        q.verify_quota(self.conn, dst_anc, names, space, skip_common=src_ids)

    # ------------------------------------------------------------------ attributes
    def _existing(self, caller: Caller, path: str, **kw) -> tuple[Resolved, Inode]:
        r = self.resolve(path)
        self.check(caller, r, **kw)
        if r.last is None:
            raise PathNotFoundError(f"File does not exist: {r.path}", r.path)
        return r, r.last

    def set_permission(self, caller: Caller, path: str, permission: int) -> None:
        with self.write():
            self.check_safe_mode(f"Cannot set permission for {normalize(path)}")
            r, node = self._existing(caller, path, owner=True)
            self.conn.execute("UPDATE inodes SET perm=? WHERE id=?", (permission & 0o1777, node.id))

    def set_owner(self, caller: Caller, path: str, owner: str | None, group: str | None) -> None:
        from pyhdp.errors import AccessControlError

        with self.write():
            self.check_safe_mode(f"Cannot set owner for {normalize(path)}")
            r, node = self._existing(caller, path, owner=True)
            if self.settings.permissions_enabled and not caller.superuser:
                if owner is not None and owner != node.owner:
                    raise AccessControlError(
                        f"User {caller.user} is not a super user (non-super user cannot change owner)."
                    )
                if group is not None and group not in caller.groups:
                    raise AccessControlError(f"User {caller.user} does not belong to {group}")
            self.conn.execute(
                "UPDATE inodes SET owner=coalesce(?, owner), grp=coalesce(?, grp) WHERE id=?",
                (owner, group, node.id),
            )

    def set_times(self, caller: Caller, path: str, mtime: int, atime: int) -> None:
        with self.write():
            self.check_safe_mode(f"Cannot set times {normalize(path)}")
            r, node = self._existing(caller, path, access=WRITE)
            if mtime >= 0:
                self.conn.execute("UPDATE inodes SET mtime=? WHERE id=?", (mtime, node.id))
            if atime >= 0:
                self.conn.execute("UPDATE inodes SET atime=? WHERE id=?", (atime, node.id))

    def set_replication(self, caller: Caller, path: str, replication: int) -> bool:
        with self.write():
            self.check_safe_mode(f"Cannot set replication for {normalize(path)}")
            r = self.resolve(path)
            self.check(caller, r, access=WRITE)
            node = r.last
            if node is None:
                raise PathNotFoundError(f"File does not exist: {r.path}", r.path)
            if node.is_dir:
                return False
            self.verify_replication(r.path, replication)
            delta = (replication - node.replication) * self._file_space(node)
            q.verify_quota(self.conn, r.ancestors(), 0, delta)
            self.conn.execute("UPDATE inodes SET replication=? WHERE id=?", (replication, node.id))
            return True

    def verify_replication(self, path: str, replication: int, client: str | None = None) -> None:
        """``BlockManager.verifyReplication``; ``client`` is named for creates only."""
        s = self.settings
        err = None
        if replication > s.replication_max:
            err = f" exceeds maximum of {s.replication_max}"
        elif replication < s.replication_min:
            err = f" is less than the required minimum of {s.replication_min}"
        if err is not None:
            suffix = f", clientName={client}" if client else ""
            raise FsError(f"Requested replication factor of {replication}{err} for {path}{suffix}")

    def _file_space(self, node: Inode) -> int:
        """Bytes of one replica of a file, with a full block charged for an open last block."""
        if (
            node.uc
            and self.conn.execute(
                "SELECT 1 FROM blocks WHERE inode=? AND state='UNDER_CONSTRUCTION'", (node.id,)
            ).fetchone()
        ):
            return node.length + node.block_size
        return node.length

    def get_content_summary(self, caller: Caller, path: str):
        from pyhdp.fs.base import ContentSummary

        with self.read():
            r, node = self._existing(caller, path)
            if not node.is_dir:
                return ContentSummary(
                    node.length, 1, 0, space_consumed=self._file_space(node) * node.replication
                )
            if not caller.superuser and self.settings.permissions_enabled:
                self.check(caller, r, sub=READ | 1)
            names, space, length, dirs = q.usage(self.conn, node.id)
            type_quotas = {}
            quota_row = self.conn.execute(
                "SELECT value FROM meta WHERE key=?", (f"typequota:{node.id}:DISK",)
            ).fetchone()
            if quota_row:
                type_quotas["DISK"] = (int(quota_row[0]), space)
            return ContentSummary(
                length,
                names - dirs,
                dirs,
                quota=node.ns_quota,
                space_consumed=space,
                space_quota=node.ds_quota,
                type_quotas=type_quotas,
            )


def ensure_not_dir_target(r: Resolved) -> None:
    if r.last is not None and r.last.is_dir:
        raise PathIsNotDirectoryError(f"{r.path} is a directory", r.path)
