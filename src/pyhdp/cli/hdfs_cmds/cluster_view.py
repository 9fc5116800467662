"""What ``dfsadmin`` and ``fsck`` see of a cluster: one interface over the embedded store or a NameNode daemon.

:func:`cluster_view` returns an :class:`EmbeddedView` (one implicit DataNode: the local block
store) or a :class:`DaemonView` (the NameNode's reports over RPC).  The commands print from these
objects only, so each command has a single code path for both modes.

Node reports are dicts with the keys of ``DatanodeDescriptor.report``: ``name, hostname,
adminState, alive, capacity, dfsUsed, remaining, nonDfsUsed, xceivers, lastContact,
lastBlockReport, numBlocks, storageID, rack``.  Replica maps are ``{"live": [node], "corrupt":
[node]}`` with nodes ``{"name", "storageID", "rack", "adminState"}``.
"""

from __future__ import annotations

import os
import socket
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyhdp.hdfs.client import DistributedFileSystem

DEFAULT_RACK = "/default-rack"


def hostname_of(addr: str) -> str:
    host = addr.rsplit(":", 1)[0]
    try:
        return socket.gethostbyaddr(host)[0]
    except OSError:
        return host


class ClusterView:
    """The common operations; subclasses fill in where the facts come from."""

    is_daemon = False

    def __init__(self, dfs: DistributedFileSystem):
        self.dfs = dfs

    # -- namespace operations that go through the operation table in both modes
    def save_namespace(self) -> None:
        self.dfs._call("saveNamespace")

    def roll_edits(self) -> int:
        return int(self.dfs._call("rollEdits"))

    # -- to be provided
    def datanodes(self, kind: str = "all") -> list[dict]:
        raise NotImplementedError

    def stats(self) -> dict:
        raise NotImplementedError

    def check_superuser(self) -> None:
        raise NotImplementedError

    def refresh_nodes(self) -> None:
        raise NotImplementedError

    def fsck_walk(self, path: str) -> list:
        raise NotImplementedError

    def replicas(self, blk, verify: bool = False) -> dict[str, list[dict]]:
        raise NotImplementedError

    def corrupt_blocks(self) -> list[tuple[int, int, str]]:
        raise NotImplementedError

    def block_pool_id(self) -> str:
        raise NotImplementedError

    def delete(self, path: str) -> None:
        self.dfs.delete(path, True)

    def read_block(self, path: str, blk) -> bytes:
        """The bytes of one block of ``path`` (``fsck -move``); a checksum error when no replica is good."""
        stream = self.dfs.open(path)
        try:
            stream.seek(blk.offset)
            data = stream.read(blk.length)
        finally:
            stream.close()
        if len(data) != blk.length:
            raise OSError(f"Could not obtain block {blk.name} of {path}")
        return data


class EmbeddedView(ClusterView):
    """The embedded store: its block directory is the one DataNode, always alive."""

    def __init__(self, dfs: DistributedFileSystem):
        super().__init__(dfs)
        self.ns = dfs.namesystem
        self.blocks = dfs.store.blocks
        self._corrupt: set[int] | None = None

    def datanodes(self, kind: str = "all") -> list[dict]:
        if kind in ("dead", "decommissioning"):
            return []
        addr = self.dfs.store.datanode_address
        status = self.dfs.get_status()
        now = time.time()
        stats = self.ns.stats()
        return [
            {
                "name": addr,
                "hostname": hostname_of(addr),
                "adminState": "Normal",
                "alive": True,
                "capacity": status.capacity,
                "dfsUsed": status.used,
                "remaining": status.remaining,
                "nonDfsUsed": max(status.capacity - status.used - status.remaining, 0),
                "xceivers": 0,
                "lastContact": now,
                "lastBlockReport": now,
                "numBlocks": stats.blocks,
                "storageID": self.blocks.storage_id,
                "rack": DEFAULT_RACK,
            }
        ]

    def stats(self) -> dict:
        status = self.dfs.get_status()
        s = self.ns.stats()
        return {
            "capacity": status.capacity,
            "used": status.used,
            "remaining": status.remaining,
            "underReplicated": s.under_replicated,
            "corruptReplicaBlocks": s.corrupt_blocks,
            "missing": 0,
            "pendingDeletion": 0,
            "safemode": self.ns.in_safe_mode(),
            "live": 1,
            "dead": 0,
        }

    def check_superuser(self) -> None:
        self.ns.check_superuser(self.dfs.caller)

    def refresh_nodes(self) -> None:
        self.check_superuser()

    def save_namespace(self) -> None:
        self.ns.save_namespace(self.dfs.caller)

    def roll_edits(self) -> int:
        return int(self.ns.roll_edits(self.dfs.caller))

    def fsck_walk(self, path: str) -> list:
        return list(self.ns.fsck_walk(self.dfs.caller, path))

    def corrupt_blocks(self) -> list[tuple[int, int, str]]:
        return list(self.ns.corrupt_blocks())

    def block_pool_id(self) -> str:
        return self.blocks.bpid

    def replicas(self, blk, verify: bool = False) -> dict[str, list[dict]]:
        """The local replica: live, corrupt (reported, short, or failing ``-verify``), or none (missing)."""
        from pyhdp.errors import ChecksumError
        from pyhdp.hdfs.datanode.blockstore import ReplicaNotFoundError

        if self._corrupt is None:
            self._corrupt = {bid for bid, _gs, _p in self.corrupt_blocks()}
        node = {
            "name": self.dfs.store.datanode_address,
            "storageID": self.blocks.storage_id,
            "rack": DEFAULT_RACK,
            "adminState": "Normal",
        }
        try:
            data, _meta = self.blocks.open_replica(blk.block_id, blk.genstamp)
        except ReplicaNotFoundError:
            return {"live": [], "corrupt": []}
        bad = os.path.getsize(data) < blk.length or blk.block_id in self._corrupt
        if not bad and verify:
            try:
                self.blocks.verify_replica(blk.block_id, blk.genstamp, blk.length)
            except ChecksumError as err:
                self.ns.report_bad_block(blk.block_id, str(err))
                bad = True
        return {"live": [], "corrupt": [node]} if bad else {"live": [node], "corrupt": []}

    def delete(self, path: str) -> None:
        self.ns.delete(self.dfs.caller, path, True)

    def read_block(self, path: str, blk) -> bytes:
        from pyhdp.hdfs.streams import DFSInputStream

        stream = DFSInputStream(
            self.dfs, "/lost+found", blk.length, [type(blk)(blk.block_id, blk.genstamp, 0, blk.length)]
        )
        try:
            return stream.readall()
        finally:
            stream.close()


class DaemonView(ClusterView):
    """A running NameNode: reports, stats and replica maps over its RPC."""

    is_daemon = True

    def __init__(self, dfs: Any):
        super().__init__(dfs)
        self._replicas: dict[str, dict] = {}
        self._stats: dict | None = None

    def datanodes(self, kind: str = "all") -> list[dict]:
        return self.dfs.datanode_report(kind)

    def stats(self) -> dict:
        self._stats = self.dfs.stats()
        return self._stats

    def check_superuser(self) -> None:
        pass  # the NameNode checks on each privileged operation

    def refresh_nodes(self) -> None:
        self.dfs.refresh_nodes()

    def fsck_walk(self, path: str) -> list:
        entries, self._replicas = self.dfs.fsck_walk(path)
        return list(entries)

    def corrupt_blocks(self) -> list[tuple[int, int, str]]:
        return self.dfs.corrupt_blocks()

    def block_pool_id(self) -> str:
        return (self._stats or self.stats()).get("blockPoolId", "")

    def replicas(self, blk, verify: bool = False) -> dict[str, list[dict]]:
        got = self._replicas.get(str(blk.block_id))
        if got is None:
            got = self.dfs.block_replicas([blk.block_id]).get(str(blk.block_id), {"live": [], "corrupt": []})
        live = [dict(n, rack=n.get("rack") or DEFAULT_RACK) for n in got.get("live", [])]
        corrupt = [dict(n, rack=n.get("rack") or DEFAULT_RACK) for n in got.get("corrupt", [])]
        return {"live": live, "corrupt": corrupt}


def cluster_view(dfs: DistributedFileSystem) -> ClusterView:
    from pyhdp.hdfs.remote import RemoteDistributedFileSystem

    return DaemonView(dfs) if isinstance(dfs, RemoteDistributedFileSystem) else EmbeddedView(dfs)
