"""A DataNode's volumes: one :class:`BlockStore` per ``dfs.datanode.data.dir`` entry.

New replicas go to the volumes in turn, skipping full ones (``RoundRobinVolumeChoosingPolicy``); reads, appends, recovery and deletion find the
volume holding the replica.  Every volume shares the DataNode's ``datanodeUuid`` (its
``current/VERSION``) and has its own ``storageID``.  A volume that fails is taken out; the
DataNode stops when more than ``dfs.datanode.failed.volumes.tolerated`` have failed.
"""

from __future__ import annotations

import os
import uuid

from pyhdp.errors import FsError


class VolumeSet:
    def __init__(self, dirs: list[str], bpid: str, cluster_id: str, namespace_id: int, bpc: int):
        from pyhdp.hdfs.datanode.blockstore import DN_LAYOUT_VERSION, BlockStore

        self.bpid = bpid
        self.bpc = bpc
        self.volumes: list[BlockStore] = []
        self.failed: dict[str, str] = {}
        dn_uuid = None
        for d in dirs:
            try:
                version = os.path.join(d, "current", "VERSION")
                if dn_uuid is not None and not os.path.exists(version):
                    os.makedirs(os.path.dirname(version), exist_ok=True)
                    BlockStore._write_props(version, {
                        "storageID": f"DS-{uuid.uuid4()}", "clusterID": cluster_id, "cTime": "0",
                        "datanodeUuid": dn_uuid, "storageType": "DATA_NODE",
                        "layoutVersion": str(DN_LAYOUT_VERSION)})
                store = BlockStore(d, bpid, cluster_id, namespace_id, bpc)
            except OSError as e:
                if isinstance(e, FsError) and "Incompatible clusterIDs" in str(e):
                    raise
                self.failed[d] = str(e)
                continue
            if dn_uuid is None:
                dn_uuid = store.datanode_uuid
            self.volumes.append(store)
        if not self.volumes:
            raise FsError(f"No usable volume among {', '.join(dirs)}: {self.failed}")
        self.datanode_uuid = self.volumes[0].datanode_uuid
        self.storage_id = self.volumes[0].storage_id

    # ------------------------------------------------------------------ choosing
    @staticmethod
    def available(store) -> int:
        try:
            st = os.statvfs(store.data_dir)
            return st.f_bavail * st.f_frsize
        except OSError:
            return -1

    def locate(self, block_id: int):
        for v in self.volumes:
            if v.find_replica(block_id) is not None:
                return v
        return None

    def fail(self, store, reason: str) -> None:
        if store in self.volumes:
            self.volumes.remove(store)
            self.failed[store.data_dir] = reason

    # ------------------------------------------------------------------ BlockStore's interface
    def create_rbw(self, block_id: int, genstamp: int, min_free: int = 0):
        """On the next volume in turn with ``min_free`` bytes available (``RoundRobinVolumeChoosingPolicy``)."""
        if not self.volumes:
            raise FsError("No volume left on this DataNode")
        n = len(self.volumes)
        for i in range(n):
            v = self.volumes[(self._next + i) % n]
            if self.available(v) >= min_free:
                self._next = (self._next + i + 1) % n
                return v.create_rbw(block_id, genstamp)
        return max(self.volumes, key=self.available).create_rbw(block_id, genstamp)

    _next = 0

    def rbw_paths(self, block_id: int, genstamp: int) -> tuple[str, str]:
        return (self.locate(block_id) or self.volumes[0]).rbw_paths(block_id, genstamp)

    def finalized_paths(self, block_id: int, genstamp: int) -> tuple[str, str]:
        return (self.locate(block_id) or self.volumes[0]).finalized_paths(block_id, genstamp)

    def reopen_for_append(self, block_id: int, old_gs: int, new_gs: int, length: int):
        return (self.locate(block_id) or self.volumes[0]).reopen_for_append(block_id, old_gs, new_gs, length)

    def delete_blocks(self, blocks: list) -> None:
        for v in self.volumes:
            v.delete_blocks(blocks)

    def open_replica(self, block_id: int, genstamp: int) -> tuple[str, str]:
        from pyhdp.hdfs.datanode.blockstore import ReplicaNotFoundError

        for v in self.volumes:
            try:
                return v.open_replica(block_id, genstamp)
            except ReplicaNotFoundError:
                continue
        raise ReplicaNotFoundError(f"Replica not found for {self.bpid}:blk_{block_id}_{genstamp}")

    def read_crcs(self, block_id: int, genstamp: int, length: int) -> bytes:
        from pyhdp.hdfs.datanode.blockstore import ReplicaNotFoundError

        v = self.locate(block_id)
        if v is None:
            raise ReplicaNotFoundError(f"Replica not found for {self.bpid}:blk_{block_id}_{genstamp}")
        return v.read_crcs(block_id, genstamp, length)

    def verify_replica(self, block_id: int, genstamp: int, length: int) -> None:
        v = self.locate(block_id)
        if v is not None:
            v.verify_replica(block_id, genstamp, length)

    def recover(self, block_id: int, old_gs: int, new_gs: int, length: int | None) -> int:
        v = self.locate(block_id)
        return -1 if v is None else v.recover(block_id, old_gs, new_gs, length)
