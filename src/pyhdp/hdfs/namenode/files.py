"""Writing files: create, addBlock, complete, append, truncate, concat and leases.

Follows ``FSDirWriteFileOp``, ``FSDirAppendOp``, ``FSDirTruncateOp``, ``FSDirConcatOp`` and
``LeaseManager``: a file being written is under construction and holds a lease recorded
with the holder's pid and process start time, so a later process can recover the lease of
a holder that died (its last block is then finalized at the length actually written).
"""

from __future__ import annotations

import dataclasses
import os
import socket

from pyhdp.errors import (
    FsError,
    HadoopIllegalArgumentError,
    InvalidPathError,
    LeaseError,
    PathExistsError,
    PathIsNotDirectoryError,
    PathNotFoundError,
)
from pyhdp.hdfs.namenode import quota as q
from pyhdp.hdfs.namenode.namespace import Namespace, Resolved, is_valid_name, normalize, now_ms
from pyhdp.hdfs.namenode.permissions import READ, WRITE, Caller, Inode

UC = "UNDER_CONSTRUCTION"
COMPLETE = "COMPLETE"


@dataclasses.dataclass(frozen=True)
class Holder:
    """A lease holder: DFSClient name, and the process that holds it."""

    client_name: str
    pid: int
    start_time: str
    host: str

    @classmethod
    def this_process(cls, client_name: str) -> Holder:
        return cls(client_name, os.getpid(), process_start_time(os.getpid()), socket.gethostname())


@dataclasses.dataclass
class LocatedBlock:
    """A block of a file: id, generation stamp, offset in the file, length, state."""

    block_id: int
    genstamp: int
    offset: int
    length: int
    state: str = COMPLETE
    corrupt: bool = False

    @property
    def name(self) -> str:
        return f"blk_{self.block_id}_{self.genstamp}"


@dataclasses.dataclass
class BlockRecovery:
    """A replica the DataNode side must bring to ``length`` under ``new_genstamp``."""

    block_id: int
    old_genstamp: int
    new_genstamp: int
    length: int | None  # None: "whatever valid length the replica has" (lease recovery)


def process_start_time(pid: int) -> str:
    """Start time of a process (clock ticks since boot, from /proc), '' when unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
        return data[data.rindex(b")") + 2 :].split()[19].decode()
    except (OSError, IndexError, ValueError):
        return ""


def holder_alive(pid: int, start_time: str, host: str) -> bool:
    if host != socket.gethostname():
        return True  # only the daemon can judge remote holders (soft/hard limits)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    current = process_start_time(pid)
    return not start_time or not current or current == start_time


class FileOps(Namespace):
    """Namespace operations that write file contents (block allocation and leases)."""

    # ------------------------------------------------------------------ helpers
    def blocks_of(self, inode_id: int) -> list[LocatedBlock]:
        rows = self.conn.execute(
            "SELECT b.id, b.genstamp, b.length, b.state, c.block_id IS NOT NULL FROM blocks b "
            "LEFT JOIN corrupt c ON c.block_id = b.id WHERE b.inode=? ORDER BY b.idx",
            (inode_id,),
        ).fetchall()
        out, offset = [], 0
        for bid, gs, length, state, corrupt in rows:
            out.append(LocatedBlock(bid, gs, offset, length, state, bool(corrupt)))
            offset += length
        return out

    def _lease_of(self, node: Inode):
        return self.conn.execute(
            "SELECT holder, pid, start_time, host FROM leases WHERE inode=?", (node.id,)
        ).fetchone()

    def _recover_lease_internal(
        self, op: str, r: Resolved, node: Inode, holder: Holder, force: bool = False
    ) -> bool:
        """``FSNamesystem.recoverLeaseInternal``: recover a dead holder's lease, else refuse.

        Returns True when the file was closed by the recovery."""
        lease = self._lease_of(node)
        if lease is None:
            self._finish_recovery(node)
            return True
        lholder, pid, start, host = lease
        if lholder == holder.client_name and not force:
            raise LeaseError(
                f"Failed to {op} {r.path} for {holder.client_name} on 127.0.0.1 because "
                "current leaseholder is trying to recreate file.",
                r.path,
            )
        if holder_alive(pid, start, host) and not force:
            raise LeaseError(
                f"Failed to {op} {r.path} for {holder.client_name} on 127.0.0.1 because "
                f"this file lease is currently owned by {lholder} on 127.0.0.1",
                r.path,
            )
        self._finish_recovery(node)
        return True

    def _finish_recovery(self, node: Inode) -> None:
        """Close a file whose writer is gone: its open last block gets the replica's valid length."""
        for blk in self.blocks_of(node.id):
            if blk.state != COMPLETE:
                new_gs = self.next_id("next_genstamp")
                length = None
                if self.block_recovery is not None:
                    length = self.block_recovery(BlockRecovery(blk.block_id, blk.genstamp, new_gs, None))
                if length is None or length < 0:
                    length = blk.length
                if length == 0:
                    self.conn.execute("DELETE FROM blocks WHERE id=?", (blk.block_id,))
                    removed = getattr(self, "_removed", None)
                    if removed is not None:
                        removed.append(blk.block_id)
                else:
                    self.conn.execute(
                        "UPDATE blocks SET length=?, genstamp=?, state=? WHERE id=?",
                        (length, new_gs, COMPLETE, blk.block_id),
                    )
        total = self.conn.execute(
            "SELECT coalesce(sum(length),0) FROM blocks WHERE inode=?", (node.id,)
        ).fetchone()[0]
        self.conn.execute("UPDATE inodes SET uc=0, length=?, mtime=? WHERE id=?", (total, now_ms(), node.id))
        self.conn.execute("DELETE FROM leases WHERE inode=?", (node.id,))

    block_recovery = None  # set by the embedded store / daemon: BlockRecovery -> valid length

    def _add_lease(self, node_id: int, holder: Holder) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO leases(inode,holder,pid,start_time,host,renewed) VALUES(?,?,?,?,?,?)",
            (node_id, holder.client_name, holder.pid, holder.start_time, holder.host, now_ms()),
        )

    def _check_lease(self, path: str, node: Inode | None, holder: Holder) -> Inode:
        from pyhdp.errors import LeaseError as LeaseExpired

        if node is None:
            raise PathNotFoundError(
                f"File does not exist: {path} [Lease.  Holder: {holder.client_name}, pending creates: 1]",
                path,
            )
        lease = self._lease_of(node)
        if not node.uc or lease is None or lease[0] != holder.client_name:
            raise LeaseExpired(
                f"No lease on {path} (inode {node.id}): File is not open for writing. "
                f"Holder {holder.client_name} does not have any open files.",
                path,
            )
        return node

    # ------------------------------------------------------------------ create
    def create(
        self,
        caller: Caller,
        path: str,
        masked: int,
        holder: Holder,
        overwrite: bool = False,
        create_parent: bool = True,
        replication: int = 1,
        block_size: int = 134217728,
    ):
        path = normalize(path) if path.startswith("/") else path
        with self.write():
            self.check_safe_mode(f"Cannot create file{path}")
            if not is_valid_name(path):
                raise InvalidPathError(f"Invalid path name {path}", path)
            if block_size < self.settings.min_block_size:
                raise FsError(
                    "Specified block size is less than configured minimum value "
                    f"(dfs.namenode.fs-limits.min-block-size): {block_size} < {self.settings.min_block_size}"
                )
            self.verify_replication(path, replication, holder.client_name)
            r = self.resolve(path)
            if r.file_parent >= 0:
                raise PathIsNotDirectoryError(
                    f"Parent path is not a directory: {r.prefix(r.file_parent)}", r.path
                )
            node = r.last
            if node is not None and node.is_dir:
                raise PathExistsError(f"{r.path} already exists as a directory", r.path)
            if overwrite and node is not None:
                self.check(caller, r, access=WRITE)
            self.check(caller, r, ancestor=WRITE)
            if node is not None:
                if node.uc:
                    self._recover_lease_internal("CREATE_FILE", r, node, holder)
                if not overwrite:
                    raise PathExistsError(f"{r.path} for client 127.0.0.1 already exists", r.path)
                self._remove_subtree(node)
                r.nodes[-1] = None
            parent = r.parent
            if parent is None:
                if not create_parent:
                    raise PathNotFoundError(f"Parent directory doesn't exist: {r.parent_path}", r.path)
                # FSDirMkdirOp.createAncestorDirectories: the file's mode plus u+wx
                self.mkdirs(caller, r.parent_path, (masked | 0o300) & 0o777)
                r = self.resolve(path)
                parent = r.parent
                assert parent is not None
            elif not parent.is_dir:
                raise PathIsNotDirectoryError(f"Parent path is not a directory: {r.parent_path}", r.path)
            self._verify_name(r.parent_path, parent, r.comps[-1])
            q.verify_quota(self.conn, r.ancestors(), 1, 0)
            node = self._add_inode(
                parent,
                r.comps[-1],
                False,
                masked & 0o777,
                caller.user,
                now_ms(),
                replication=replication,
                block_size=block_size,
                uc=True,
            )
            self._add_lease(node.id, holder)
            return self.status(node, r.path)

    # ------------------------------------------------------------------ blocks
    def _commit_last(self, node: Inode, last_length: int | None) -> None:
        row = self.conn.execute(
            "SELECT id FROM blocks WHERE inode=? AND state!=? ORDER BY idx DESC LIMIT 1", (node.id, COMPLETE)
        ).fetchone()
        if row is None:
            return
        if last_length is not None:
            self.conn.execute(
                "UPDATE blocks SET length=?, state=? WHERE id=?", (last_length, COMPLETE, row[0])
            )
        else:
            self.conn.execute("UPDATE blocks SET state=? WHERE id=?", (COMPLETE, row[0]))
        total = self.conn.execute(
            "SELECT coalesce(sum(length),0) FROM blocks WHERE inode=?", (node.id,)
        ).fetchone()[0]
        self.conn.execute("UPDATE inodes SET length=? WHERE id=?", (total, node.id))
        node.length = total

    def add_block(
        self, caller: Caller, path: str, holder: Holder, previous_length: int | None = None
    ) -> LocatedBlock:
        with self.write():
            self.check_safe_mode(f"Cannot add block to {path}")
            r = self.resolve(path)
            node = self._check_lease(r.path, r.last, holder)
            self._commit_last(node, previous_length)
            count = self.conn.execute("SELECT count(*) FROM blocks WHERE inode=?", (node.id,)).fetchone()[0]
            if count >= self.settings.max_blocks_per_file:
                raise FsError(
                    "File has reached the limit on maximum number of blocks "
                    f"(dfs.namenode.fs-limits.max-blocks-per-file): {count} >= "
                    f"{self.settings.max_blocks_per_file}"
                )
            q.verify_quota(self.conn, r.ancestors(), 0, node.block_size * node.replication)
            bid = self.next_id("next_block_id")
            gs = self.next_id("next_genstamp")
            self.conn.execute(
                "INSERT INTO blocks(id,genstamp,inode,idx,length,state) VALUES(?,?,?,?,?,?)",
                (bid, gs, node.id, count, 0, UC),
            )
            return LocatedBlock(bid, gs, node.length, 0, UC)

    def update_block_length(self, caller: Caller, path: str, holder: Holder, length: int) -> None:
        """hflush: record the length written so far of the open last block."""
        with self.write():
            r = self.resolve(path)
            node = self._check_lease(r.path, r.last, holder)
            self.conn.execute("UPDATE blocks SET length=? WHERE inode=? AND state=?", (length, node.id, UC))

    def complete(self, caller: Caller, path: str, holder: Holder, last_length: int | None = None) -> bool:
        with self.write():
            self.check_safe_mode(f"Cannot complete file {path}")
            r = self.resolve(path)
            node = self._check_lease(r.path, r.last, holder)
            self._commit_last(node, last_length)
            self.conn.execute("UPDATE inodes SET uc=0, mtime=? WHERE id=?", (now_ms(), node.id))
            self.conn.execute("DELETE FROM leases WHERE inode=?", (node.id,))
            return True

    def abandon_block(self, caller: Caller, path: str, holder: Holder, block_id: int) -> None:
        with self.write():
            r = self.resolve(path)
            node = self._check_lease(r.path, r.last, holder)
            self.conn.execute(
                "DELETE FROM blocks WHERE id=? AND inode=? AND state=?", (block_id, node.id, UC)
            )

    def recover_lease(self, caller: Caller, path: str, holder: Holder) -> bool:
        """``DistributedFileSystem.recoverLease``: True when the file is (now) closed."""
        with self.write():
            self.check_safe_mode(f"Cannot recover the lease of {path}")
            r = self.resolve(path)
            self.check(caller, r, access=WRITE)
            node = r.last
            if node is None or node.is_dir:
                raise PathNotFoundError(f"File does not exist: {r.path}", r.path)
            if not node.uc:
                return True
            lease = self._lease_of(node)
            if (
                lease is not None
                and holder_alive(lease[1], lease[2], lease[3])
                and lease[0] != holder.client_name
            ):
                return False
            self._finish_recovery(node)
            return True

    def get_block_locations(self, caller: Caller, path: str) -> tuple[Inode, list[LocatedBlock]]:
        """Open for read: READ access, atime per ``dfs.namenode.accesstime.precision``."""
        r = self.resolve(path)
        self.check(caller, r, access=READ)
        node = r.last
        if node is None:
            raise PathNotFoundError(f"File does not exist: {r.path}", r.path)
        if node.is_dir:
            raise PathNotFoundError(f"Path is not a file: {r.path}", r.path)
        blocks = self.blocks_of(node.id)
        precision = self.settings.accesstime_precision
        now = now_ms()
        if precision > 0 and now > node.atime + precision and not self.in_safe_mode():
            with self.write():
                self.conn.execute("UPDATE inodes SET atime=? WHERE id=?", (now, node.id))
        return node, blocks

    # ------------------------------------------------------------------ append
    def append(
        self, caller: Caller, path: str, holder: Holder
    ) -> tuple[Inode, LocatedBlock | None, BlockRecovery | None]:
        with self.write():
            self.check_safe_mode(f"Cannot append to file{path}")
            r = self.resolve(path)
            node = r.last
            if node is None:
                raise PathNotFoundError(
                    f"Failed to append to non-existent file {r.path} for client 127.0.0.1", r.path
                )
            self.check(caller, r, access=WRITE)
            if node.is_dir:
                raise PathNotFoundError(f"Path is not a file: {r.path}", r.path)
            if node.uc:
                self._recover_lease_internal("APPEND_FILE", r, node, holder)
                node = self.resolve(path).last
                assert node is not None
            blocks = self.blocks_of(node.id)
            last = blocks[-1] if blocks else None
            recovery = None
            if last is not None and last.length < node.block_size:
                q.verify_quota(
                    self.conn, r.ancestors(), 0, (node.block_size - last.length) * node.replication
                )
                new_gs = self.next_id("next_genstamp")
                recovery = BlockRecovery(last.block_id, last.genstamp, new_gs, last.length)
                self.conn.execute(
                    "UPDATE blocks SET state=?, genstamp=? WHERE id=?", (UC, new_gs, last.block_id)
                )
                last = LocatedBlock(last.block_id, new_gs, last.offset, last.length, UC)
                self.conn.execute("UPDATE inodes SET length=? WHERE id=?", (last.offset, node.id))
            else:
                last = None
            self.conn.execute("UPDATE inodes SET uc=1 WHERE id=?", (node.id,))
            self._add_lease(node.id, holder)
            node.uc = True
            return node, last, recovery

    # ------------------------------------------------------------------ truncate
    def truncate(
        self, caller: Caller, path: str, new_length: int, holder: Holder
    ) -> tuple[bool, BlockRecovery | None]:
        """Returns ``(on_block_boundary, recovery)``; the caller applies ``recovery`` to the replica."""
        with self.write():
            self.check_safe_mode(f"Cannot truncate for {path}")
            if new_length < 0:
                raise HadoopIllegalArgumentError(f"Cannot truncate to a negative file size: {new_length}.")
            r = self.resolve(path)
            self.check(caller, r, access=WRITE)
            node = r.last
            if node is None:
                raise PathNotFoundError(f"File does not exist: {r.path}", r.path)
            if node.is_dir:
                raise PathNotFoundError(f"Path is not a file: {r.path}", r.path)
            if node.uc:
                self._recover_lease_internal("TRUNCATE_FILE", r, node, holder)
                node = self.resolve(path).last
                assert node is not None
            if new_length > node.length:
                raise HadoopIllegalArgumentError(
                    f"Cannot truncate to a larger file size. Current size: {node.length}, "
                    f"truncate size: {new_length}."
                )
            if new_length == node.length:
                return True, None
            recovery = None
            removed = getattr(self, "_removed", None)
            for blk in self.blocks_of(node.id):
                if blk.offset >= new_length:
                    self.conn.execute("DELETE FROM blocks WHERE id=?", (blk.block_id,))
                    if removed is not None:
                        removed.append(blk.block_id)
                elif blk.offset + blk.length > new_length:
                    keep = new_length - blk.offset
                    new_gs = self.next_id("next_genstamp")
                    recovery = BlockRecovery(blk.block_id, blk.genstamp, new_gs, keep)
                    self.conn.execute(
                        "UPDATE blocks SET length=?, genstamp=? WHERE id=?", (keep, new_gs, blk.block_id)
                    )
            self.conn.execute(
                "UPDATE inodes SET length=?, mtime=? WHERE id=?", (new_length, now_ms(), node.id)
            )
            return recovery is None, recovery

    # ------------------------------------------------------------------ concat
    def concat(self, caller: Caller, target: str, srcs: list[str]) -> None:
        with self.write():
            self.check_safe_mode(f"Cannot concat {target}")
            if not srcs:
                raise HadoopIllegalArgumentError("No sources given")
            rt = self.resolve(target)
            self.check(caller, rt, access=WRITE)
            tnode = self._file_value_of(rt)
            if tnode.uc:
                raise HadoopIllegalArgumentError(f"concat: target file {rt.path} is under construction")
            seen: dict[int, Inode] = {}
            for src in srcs:
                rs = self.resolve(src)
                self.check(caller, rs, access=READ)
                self.check(caller, rs, parent=WRITE)
                snode = self._file_value_of(rs)
                if snode.parent != tnode.parent:
                    raise HadoopIllegalArgumentError(
                        f"Source file {rs.path} is not in the same directory with the target {rt.path}"
                    )
                if snode.id == tnode.id:
                    raise HadoopIllegalArgumentError(
                        f"concat: the src file {rs.path} is the same with the target file {rt.path}"
                    )
                nblocks = self.conn.execute(
                    "SELECT count(*) FROM blocks WHERE inode=?", (snode.id,)
                ).fetchone()[0]
                if snode.uc or nblocks == 0:
                    raise HadoopIllegalArgumentError(
                        f"concat: source file {rs.path} is invalid or empty or underConstruction"
                    )
                if snode.block_size > tnode.block_size:
                    raise HadoopIllegalArgumentError(
                        f"concat: source file {rs.path} has preferred block size {snode.block_size} which is "
                        f"greater than the target file's preferred block size {tnode.block_size}"
                    )
                seen[snode.id] = snode
            if len(seen) < len(srcs):
                raise HadoopIllegalArgumentError("concat: at least two of the source files are the same")
            ds_delta = sum(s.length * (tnode.replication - s.replication) for s in seen.values())
            q.verify_quota(self.conn, rt.ancestors(), 0, ds_delta)
            idx = self.conn.execute("SELECT count(*) FROM blocks WHERE inode=?", (tnode.id,)).fetchone()[0]
            for snode in seen.values():
                for (bid,) in self.conn.execute(
                    "SELECT id FROM blocks WHERE inode=? ORDER BY idx", (snode.id,)
                ).fetchall():
                    self.conn.execute("UPDATE blocks SET inode=?, idx=? WHERE id=?", (tnode.id, idx, bid))
                    idx += 1
                self.conn.execute("DELETE FROM inodes WHERE id=?", (snode.id,))
            self.conn.execute("UPDATE inodes SET nchildren=nchildren-? WHERE id=?", (len(seen), tnode.parent))
            total = self.conn.execute(
                "SELECT coalesce(sum(length),0) FROM blocks WHERE inode=?", (tnode.id,)
            ).fetchone()[0]
            now = now_ms()
            self.conn.execute("UPDATE inodes SET length=?, mtime=? WHERE id=?", (total, now, tnode.id))
            self.conn.execute("UPDATE inodes SET mtime=? WHERE id=?", (now, tnode.parent))

    def _file_value_of(self, r: Resolved) -> Inode:
        node = r.last
        if node is None:
            raise PathNotFoundError(f"File does not exist: {r.path}", r.path)
        if node.is_dir:
            raise PathNotFoundError(f"Path is not a file: {r.path}", r.path)
        return node
