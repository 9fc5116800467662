"""Administrative operations of the namespace: quotas, safe mode, bad blocks, statistics, fsck walk."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from pyhdp.errors import FsError, PathIsNotDirectoryError, PathNotFoundError
from pyhdp.hdfs.namenode.files import FileOps, LocatedBlock
from pyhdp.hdfs.namenode.namespace import now_ms
from pyhdp.hdfs.namenode.permissions import Caller, Inode
from pyhdp.hdfs.namenode.schema import ROOT_ID

QUOTA_DONT_SET = 2**63 - 1  # HdfsConstants.QUOTA_DONT_SET (Long.MAX_VALUE)
QUOTA_RESET = -1
STORAGE_TYPES = ("RAM_DISK", "SSD", "DISK", "ARCHIVE", "PROVIDED", "NVDIMM")


@dataclasses.dataclass
class FsckEntry:
    """One inode met by the fsck walk, with its blocks."""

    path: str
    inode: Inode
    blocks: list[LocatedBlock]
    open_for_write: bool


@dataclasses.dataclass
class NamespaceStats:
    """Counts for ``dfsadmin -report`` and ``-metasave``."""

    files: int
    dirs: int
    blocks: int
    corrupt_blocks: int
    under_replicated: int
    missing_repl_one: int
    used_bytes: int


class FSNamesystem(FileOps):
    """The whole namespace core: tree, file writing and administration."""

    # ------------------------------------------------------------------ quotas
    def set_quota(
        self, caller: Caller, path: str, ns_quota: int, ds_quota: int, storage_type: str | None = None
    ) -> None:
        with self.write():
            self.check_superuser(caller)
            self.check_safe_mode(f"Cannot set quota on {path}")
            for v in (ns_quota, ds_quota):
                if v < 0 and v not in (QUOTA_DONT_SET, QUOTA_RESET):
                    raise ValueError(f"Illegal value for nsQuota or ssQuota : {ns_quota} and {ds_quota}")
            r = self.resolve(path)
            node = r.last
            if node is None:
                raise PathNotFoundError(f"Directory does not exist: {r.path}", r.path)
            if not node.is_dir:
                raise PathIsNotDirectoryError(f"`{r.path}': Is not a directory", r.path)
            if node.id == ROOT_ID and ns_quota == QUOTA_RESET:
                raise ValueError("Cannot clear namespace quota on root.")
            if storage_type is not None:
                key = f"typequota:{node.id}:{storage_type.upper()}"
                if ds_quota == QUOTA_RESET:
                    self.conn.execute("DELETE FROM meta WHERE key=?", (key,))
                elif ds_quota != QUOTA_DONT_SET:
                    self.set_meta(key, str(ds_quota))
                return
            if ns_quota != QUOTA_DONT_SET:
                self.conn.execute("UPDATE inodes SET ns_quota=? WHERE id=?", (ns_quota, node.id))
            if ds_quota != QUOTA_DONT_SET:
                self.conn.execute("UPDATE inodes SET ds_quota=? WHERE id=?", (ds_quota, node.id))

    # ------------------------------------------------------------------ safe mode
    def set_safe_mode(self, caller: Caller, action: str) -> bool:
        """``enter``/``leave``/``forceExit``/``get`` (SafeModeAction); returns whether it is on."""
        action = action.lower()
        if action == "get":
            return self.in_safe_mode()
        self.check_superuser(caller)
        with self.write():
            if action == "enter":
                self.set_meta("safemode", "1")
            elif action in ("leave", "forceexit"):
                self.set_meta("safemode", "0")
            else:
                raise ValueError(f"Unknown safe mode action {action}")
        return self.in_safe_mode()

    def save_namespace(self, caller: Caller) -> bool:
        self.check_superuser(caller)
        if not self.in_safe_mode():
            raise FsError("Safe mode should be turned ON in order to create namespace image.")
        with self._lock:
            self.flush()
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return True

    def roll_edits(self, caller: Caller) -> int:
        self.check_superuser(caller)
        with self.write():
            txid = self.next_id("txid") + 1
        with self._lock:
            self.flush()
            self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        return txid

    # ------------------------------------------------------------------ bad blocks
    def report_bad_block(self, block_id: int, reason: str) -> None:
        with self.write():
            self.conn.execute(
                "INSERT OR REPLACE INTO corrupt(block_id, reason, time) VALUES(?,?,?)",
                (block_id, reason, now_ms()),
            )

    def clear_bad_block(self, block_id: int) -> None:
        with self.write():
            self.conn.execute("DELETE FROM corrupt WHERE block_id=?", (block_id,))

    def corrupt_blocks(self) -> list[tuple[int, int, str]]:
        """``(block id, genstamp, file path)`` of every block with a corrupt replica."""
        with self.read():
            rows = self.conn.execute(
                "SELECT b.id, b.genstamp, b.inode FROM corrupt c JOIN blocks b ON b.id = c.block_id ORDER BY b.id"
            ).fetchall()
            return [(bid, gs, self.path_of(inode)) for bid, gs, inode in rows]

    def path_of(self, inode_id: int) -> str:
        names = []
        while inode_id != ROOT_ID:
            row = self.conn.execute("SELECT parent, name FROM inodes WHERE id=?", (inode_id,)).fetchone()
            if row is None:
                return ""
            names.append(row[1])
            inode_id = row[0]
        return "/" + "/".join(reversed(names))

    def all_block_ids(self) -> set[tuple[int, int]]:
        with self.read():
            return {(b, g) for b, g in self.conn.execute("SELECT id, genstamp FROM blocks").fetchall()}

    # ------------------------------------------------------------------ statistics
    def stats(self, live_replicas: int = 1) -> NamespaceStats:
        with self.read():
            files, dirs = self.conn.execute(
                "SELECT coalesce(sum(1-is_dir),0), coalesce(sum(is_dir),0) FROM inodes"
            ).fetchone()
            blocks = self.conn.execute("SELECT count(*) FROM blocks").fetchone()[0]
            corrupt = self.conn.execute("SELECT count(*) FROM corrupt").fetchone()[0]
            under = self.conn.execute(
                "SELECT count(*) FROM blocks b JOIN inodes i ON i.id=b.inode WHERE i.replication > ?",
                (live_replicas,),
            ).fetchone()[0]
            repl_one = self.conn.execute(
                "SELECT count(*) FROM corrupt c JOIN blocks b ON b.id=c.block_id JOIN inodes i ON i.id=b.inode "
                "WHERE i.replication = 1"
            ).fetchone()[0]
            used = self.conn.execute("SELECT coalesce(sum(length),0) FROM blocks").fetchone()[0]
            return NamespaceStats(files, dirs, blocks, corrupt, under, repl_one, used)

    # ------------------------------------------------------------------ fsck
    def fsck_walk(self, caller: Caller, path: str) -> Iterator[FsckEntry]:
        """Depth-first, children in listing order, as ``NamenodeFsck.check``."""
        with self.read():
            r = self.resolve(path)
            self.check(caller, r)
            if r.last is None:
                raise PathNotFoundError(f"Path '{r.path}' does not exist", r.path)
            stack: list[tuple[Inode, str]] = [(r.last, r.path)]
            while stack:
                node, p = stack.pop()
                if node.is_dir:
                    yield FsckEntry(p, node, [], False)
                    base = p.rstrip("/")
                    children = self._children(node.id)
                    for child in reversed(children):
                        stack.append((child, f"{base}/{child.name}"))
                else:
                    yield FsckEntry(p, node, self.blocks_of(node.id), node.uc)

    def delete_for_fsck(self, caller: Caller, path: str) -> None:
        self.delete(caller, path, recursive=False)
