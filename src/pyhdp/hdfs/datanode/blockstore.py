"""The DataNode's block store in Hadoop's on-disk layout.

::

    <data dir>/in_use.lock
    <data dir>/current/VERSION                               storageID, clusterID, datanodeUuid, ...
    <data dir>/current/BP-<id>/current/VERSION
    <data dir>/current/BP-<id>/current/rbw/blk_<id>          replicas being written
    <data dir>/current/BP-<id>/current/rbw/blk_<id>_<gs>.meta
    <data dir>/current/BP-<id>/current/finalized/subdir<N>/subdir<M>/blk_<id>[_<gs>.meta]

``N = (id >> 16) & 0x1F`` and ``M = (id >> 8) & 0x1F`` as ``DatanodeUtil.idToBlockDir``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from pyhdp.errors import ChecksumError, FsError
from pyhdp.hdfs.namenode.storage import StorageLock, java_date, read_properties

if TYPE_CHECKING:
    from pyhdp.hdfs.datanode import checksum as ck
else:

    class _LazyChecksum:
        """``checksum`` imported on first use: listing commands never load the CRC library."""

        def __getattr__(self, name):
            from pyhdp.hdfs.datanode import checksum

            return getattr(checksum, name)

    ck = _LazyChecksum()

DN_LAYOUT_VERSION = -57


class ReplicaNotFoundError(FsError):
    """The replica file of a block is missing."""


class BlockStore:
    """One DataNode volume holding the replicas of one block pool."""

    def __init__(
        self,
        data_dir: str,
        block_pool_id: str,
        cluster_id: str,
        namespace_id: int,
        bytes_per_checksum: int = 512,
    ):
        self.data_dir = data_dir
        self.bpid = block_pool_id
        self.bpc = bytes_per_checksum
        self.bp_current = os.path.join(data_dir, "current", block_pool_id, "current")
        self.finalized = os.path.join(self.bp_current, "finalized")
        self.rbw = os.path.join(self.bp_current, "rbw")
        self.lock = StorageLock(data_dir)
        self.storage_id, self.datanode_uuid = self._init_layout(cluster_id, namespace_id)

    # ------------------------------------------------------------------ layout
    def _init_layout(self, cluster_id: str, namespace_id: int) -> tuple[str, str]:
        current = os.path.join(self.data_dir, "current")
        version_path = os.path.join(current, "VERSION")
        props: dict[str, str] = {}
        if os.path.exists(version_path):
            with open(version_path) as f:
                props = read_properties(f.read())
            if props.get("clusterID") and props["clusterID"] != cluster_id:
                raise FsError(
                    f"Incompatible clusterIDs in {self.data_dir}: namenode clusterID = {cluster_id}; "
                    f"datanode clusterID = {props['clusterID']}. Remove {self.data_dir} "
                    "(its blocks belong to an older format) or restore the matching name directory."
                )
        if not props:
            import uuid

            props = {
                "storageID": f"DS-{uuid.uuid4()}",
                "clusterID": cluster_id,
                "cTime": "0",
                "datanodeUuid": str(uuid.uuid4()),
                "storageType": "DATA_NODE",
                "layoutVersion": str(DN_LAYOUT_VERSION),
            }
            os.makedirs(current, exist_ok=True)
            self._write_props(version_path, props)
        os.makedirs(self.finalized, exist_ok=True)
        os.makedirs(self.rbw, exist_ok=True)
        bp_version = os.path.join(self.bp_current, "VERSION")
        if not os.path.exists(bp_version):
            self._write_props(
                bp_version,
                {
                    "namespaceID": str(namespace_id),
                    "cTime": "0",
                    "blockpoolID": self.bpid,
                    "layoutVersion": str(DN_LAYOUT_VERSION),
                },
            )
        return props["storageID"], props["datanodeUuid"]

    @staticmethod
    def _write_props(path: str, props: dict[str, str]) -> None:
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w") as f:
            f.write(f"#{java_date()}\n")
            for k, v in props.items():
                f.write(f"{k}={v}\n")
        os.replace(tmp, path)

    def block_dir(self, block_id: int) -> str:
        return os.path.join(
            self.finalized, f"subdir{(block_id >> 16) & 0x1F}", f"subdir{(block_id >> 8) & 0x1F}"
        )

    def finalized_paths(self, block_id: int, genstamp: int) -> tuple[str, str]:
        d = self.block_dir(block_id)
        return os.path.join(d, f"blk_{block_id}"), os.path.join(d, f"blk_{block_id}_{genstamp}.meta")

    def rbw_paths(self, block_id: int, genstamp: int) -> tuple[str, str]:
        return os.path.join(self.rbw, f"blk_{block_id}"), os.path.join(
            self.rbw, f"blk_{block_id}_{genstamp}.meta"
        )

    def find_replica(self, block_id: int) -> tuple[str, str, bool] | None:
        """``(data path, meta path, finalized)`` of the replica of ``block_id``, any genstamp."""
        for base, final in ((self.block_dir(block_id), True), (self.rbw, False)):
            import glob

            data = os.path.join(base, f"blk_{block_id}")
            metas = glob.glob(os.path.join(base, f"blk_{block_id}_*.meta"))
            if metas and os.path.exists(data):
                return data, metas[0], final
        return None

    # ------------------------------------------------------------------ writing
    def create_rbw(self, block_id: int, genstamp: int) -> ReplicaWriter:
        data, meta = self.rbw_paths(block_id, genstamp)
        return ReplicaWriter(self, block_id, genstamp, data, meta, new=True)

    def reopen_for_append(self, block_id: int, old_gs: int, new_gs: int, length: int) -> ReplicaWriter:
        """Move a finalized replica back to rbw under a new genstamp and continue writing at ``length``."""
        found = self.find_replica(block_id)
        if found is None:
            raise ReplicaNotFoundError(f"Replica not found for BP-block blk_{block_id}_{old_gs}")
        data, meta, _final = found
        rdata, rmeta = self.rbw_paths(block_id, new_gs)
        os.replace(data, rdata)
        os.replace(meta, rmeta)
        writer = ReplicaWriter(self, block_id, new_gs, rdata, rmeta, new=False)
        writer.resume(length)
        return writer

    def finalize(self, block_id: int, genstamp: int) -> None:
        data, meta = self.rbw_paths(block_id, genstamp)
        fdata, fmeta = self.finalized_paths(block_id, genstamp)
        os.makedirs(os.path.dirname(fdata), exist_ok=True)
        os.replace(meta, fmeta)
        os.replace(data, fdata)

    def recover(self, block_id: int, old_gs: int, new_gs: int, length: int | None) -> int:
        """Bring a replica to ``length`` (None: its longest checksummed prefix), finalize it
        under ``new_gs`` and return its length; -1 when there is no replica."""
        found = self.find_replica(block_id)
        if found is None:
            return -1
        data, meta, _final = found
        with open(meta, "rb") as f:
            header = f.read(ck.HEADER_SIZE)
            crcs = f.read()
        bpc = ck.parse_header(header)[2] if len(header) == ck.HEADER_SIZE else self.bpc
        size = os.path.getsize(data)
        if length is None:
            nchunks = len(crcs) // ck.CHECKSUM_SIZE
            length = min(size, nchunks * bpc)
            # drop a torn last chunk whose CRC does not match
            while length > 0:
                start = ((length - 1) // bpc) * bpc
                with open(data, "rb") as f:
                    f.seek(start)
                    chunk = f.read(length - start)
                idx = start // bpc
                if ck.chunk_crcs(chunk, bpc) == crcs[idx * 4 : idx * 4 + 4]:
                    break
                length = start
        with open(data, "r+b") as f:
            f.truncate(length)
            last_start = (length // bpc) * bpc
            f.seek(last_start)
            tail = f.read()
        nfull = length // bpc
        new_crcs = crcs[: nfull * 4] + (ck.chunk_crcs(tail, bpc) if tail else b"")
        fdata, fmeta = self.finalized_paths(block_id, new_gs)
        os.makedirs(os.path.dirname(fdata), exist_ok=True)
        tmp = fmeta + ".tmp"
        with open(tmp, "wb") as f:
            f.write(ck.meta_header(bpc) + new_crcs)
        os.replace(tmp, fmeta)
        if meta != fmeta:
            os.unlink(meta)
        if data != fdata:
            os.replace(data, fdata)
        return length

    def delete_blocks(self, blocks: list) -> None:
        """Delete the replicas of block ids, or of ``(id, genstamp)`` pairs (no directory scan)."""
        for item in blocks:
            if isinstance(item, tuple):
                bid, gs = item
                data, meta = self.finalized_paths(bid, gs)
                try:
                    os.unlink(meta)
                    os.unlink(data)
                    continue
                except FileNotFoundError:
                    pass  # in rbw, or under another genstamp: look for it
            else:
                bid = item
            found = self.find_replica(bid)
            while found is not None:
                data, meta, _ = found
                for p in (data, meta):
                    try:
                        os.unlink(p)
                    except FileNotFoundError:
                        pass
                found = self.find_replica(bid)

    # ------------------------------------------------------------------ reading
    def open_replica(self, block_id: int, genstamp: int) -> tuple[str, str]:
        data, meta = self.finalized_paths(block_id, genstamp)
        if os.path.exists(data) and os.path.exists(meta):
            return data, meta
        found = self.find_replica(block_id)
        if found is None:
            raise ReplicaNotFoundError(f"Replica not found for {self.bpid}:blk_{block_id}_{genstamp}")
        return found[0], found[1]

    def read_crcs(self, block_id: int, genstamp: int, length: int) -> bytes:
        """The CRC bytes covering the first ``length`` bytes of a replica."""
        _data, meta = self.open_replica(block_id, genstamp)
        with open(meta, "rb") as f:
            bpc = ck.parse_header(f.read(ck.HEADER_SIZE))[2]
            n = -(-length // bpc)
            return f.read(n * ck.CHECKSUM_SIZE)

    def verify_replica(self, block_id: int, genstamp: int, length: int) -> None:
        """Read a whole replica and check every chunk (used by tests and a block scanner)."""
        data, meta = self.open_replica(block_id, genstamp)
        with open(meta, "rb") as mf, open(data, "rb") as df:
            bpc = ck.parse_header(mf.read(ck.HEADER_SIZE))[2]
            crcs = mf.read()
            buf = df.read(length)
        bad = None if ck.verify_chunks(buf, crcs, bpc) else ck.first_mismatch(buf, crcs, bpc)
        if bad is not None:
            idx, exp, got = bad
            raise ChecksumError(f"Checksum error: {data} at {idx * bpc} exp: {exp} got: {got}", data)

    # ------------------------------------------------------------------ space
    def capacity(self, used: int | None = None) -> tuple[int, int, int]:
        """``(capacity, dfs used, remaining)`` of the volume in bytes; ``used`` is measured
        (a walk of the volume) unless the caller knows it."""
        st = os.statvfs(self.data_dir)
        capacity = st.f_blocks * st.f_frsize
        remaining = st.f_bavail * st.f_frsize
        if used is not None:
            return capacity, used, remaining
        used = 0
        for root, _dirs, files in os.walk(os.path.join(self.data_dir, "current")):
            for name in files:
                try:
                    used += os.path.getsize(os.path.join(root, name))
                except OSError:
                    pass
        return capacity, used, remaining

    def block_count(self) -> int:
        n = 0
        for _root, _dirs, files in os.walk(self.finalized):
            n += sum(1 for f in files if f.startswith("blk_") and not f.endswith(".meta"))
        return n

    def wipe(self) -> None:
        import shutil

        shutil.rmtree(os.path.join(self.data_dir, "current"), ignore_errors=True)


class ReplicaWriter:
    """Appends checksummed data to a replica being written (rbw)."""

    def __init__(
        self, store: BlockStore, block_id: int, genstamp: int, data_path: str, meta_path: str, new: bool
    ):
        self.store = store
        self.block_id = block_id
        self.genstamp = genstamp
        self.data_path = data_path
        self.meta_path = meta_path
        self.bpc = store.bpc
        self.length = 0
        self.partial = b""  # bytes of the last, incomplete chunk (already on disk)
        flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if new else 0)
        self.dfd = os.open(data_path, flags, 0o644)
        self.mfd = os.open(meta_path, flags, 0o644)
        if new:
            os.write(self.mfd, ck.meta_header(self.bpc))

    def resume(self, length: int) -> None:
        """Continue an existing replica at ``length``: reload the torn last chunk and re-checksum it."""
        with open(self.meta_path, "rb") as f:
            self.bpc = ck.parse_header(f.read(ck.HEADER_SIZE))[2]
        nfull = length // self.bpc
        with open(self.data_path, "rb") as f:
            f.seek(nfull * self.bpc)
            self.partial = f.read(length - nfull * self.bpc)
        os.ftruncate(self.dfd, length)
        os.ftruncate(self.mfd, ck.HEADER_SIZE + nfull * ck.CHECKSUM_SIZE)
        os.lseek(self.dfd, length, os.SEEK_SET)
        os.lseek(self.mfd, 0, os.SEEK_END)
        # The torn chunk keeps a CRC of what it holds now, so the replica stays readable even
        # when nothing more is written (an empty append); the next write rewrites that CRC.
        self._has_partial_crc = bool(self.partial)
        if self.partial:
            _write_all(self.mfd, ck.chunk_crcs(self.partial, self.bpc))
        self.length = length

    def write(self, data: bytes | memoryview, crcs: bytes | None = None) -> None:
        """Append ``data``; ``crcs`` may be given when ``data`` starts on a chunk boundary."""
        mv = memoryview(data)
        if not len(mv):
            return
        if self.partial:
            # complete the torn chunk first: rewrite its CRC
            need = self.bpc - len(self.partial)
            head = bytes(mv[:need])
            chunk = self.partial + head
            _write_all(self.dfd, head)
            if self._has_partial_crc:
                os.lseek(self.mfd, -ck.CHECKSUM_SIZE, os.SEEK_END)
            _write_all(self.mfd, ck.chunk_crcs(chunk, self.bpc))
            self._has_partial_crc = True
            self.length += len(head)
            self.partial = chunk if len(chunk) < self.bpc else b""
            if not self.partial:
                self._has_partial_crc = False
            mv = mv[need:]
            crcs = None
            if not len(mv):
                return
        if crcs is None:
            crcs = ck.chunk_crcs(mv, self.bpc)
        _write_all(self.dfd, mv)
        _write_all(self.mfd, crcs)
        self.length += len(mv)
        rem = len(mv) % self.bpc
        if rem:
            self.partial = bytes(mv[len(mv) - rem :])
            self._has_partial_crc = True

    _has_partial_crc = False

    def close(self) -> None:
        for fd in (self.dfd, self.mfd):
            if fd >= 0:
                os.close(fd)
        self.dfd = self.mfd = -1

    def finalize(self) -> None:
        self.close()
        self.store.finalize(self.block_id, self.genstamp)

    def abort(self) -> None:
        self.close()
        for p in (self.data_path, self.meta_path):
            try:
                os.unlink(p)
            except FileNotFoundError:
                pass


def _write_all(fd: int, data: bytes | memoryview) -> None:
    mv = memoryview(data)
    while len(mv):
        n = os.write(fd, mv)
        mv = mv[n:]
