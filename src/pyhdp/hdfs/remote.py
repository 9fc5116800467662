"""``hdfs://`` through the daemons: the NameNode protocol over HTTP and block I/O with DataNodes.

:class:`RemoteDistributedFileSystem` is the :class:`DistributedFileSystem` whose ``_call``
sends the operation table's calls to the NameNode (``POST /rpc``) instead of calling the core
in-process; data goes to and from DataNodes (:mod:`pyhdp.hdfs.remote_streams`).
:func:`select_class` makes the choice of DESIGN.md §1 when a client is created.
"""

from __future__ import annotations

import json
import struct
from typing import IO, Any

from pyhdp.errors import FsError, PathNotFoundError, UnsupportedOperationError
from pyhdp.fs.base import BlockLocation, FileChecksum, FsStatus
from pyhdp.hdfs.client import DistributedFileSystem, is_local_host
from pyhdp.net import codec, httpclient
from pyhdp.net.errors import error_from_rpc

PROBE_TIMEOUT = 2.0


def rpc_address_of(conf, authority: str) -> str:
    from pyhdp.hdfs.server.common import client_addr

    addr = authority or "localhost:9000"
    if ":" not in addr:
        addr += ":8020"
    return client_addr(addr)


def select_class(conf, authority: str) -> type[DistributedFileSystem]:
    """The remote client when a NameNode answers at ``authority``; the embedded store when the
    address is this host and nothing listens there; otherwise the embedded class too, whose
    first call raises Hadoop's "Connection refused" for a remote address."""
    addr = rpc_address_of(conf, authority)
    if httpclient.probe(addr, PROBE_TIMEOUT):
        return RemoteDistributedFileSystem
    host = addr.rpartition(":")[0]
    if not is_local_host(host):
        return RemoteDistributedFileSystem  # its first call reports the refused connection
    return DistributedFileSystem


class RemoteDistributedFileSystem(DistributedFileSystem):
    """The DFS client of a running NameNode."""

    def __init__(self, conf, authority: str = "", user: str | None = None):
        super().__init__(conf, authority, user)
        self.rpc_addr = rpc_address_of(conf, self.authority)
        self.timeout = conf.get_duration("dfs.client.socket-timeout", 60.0, unit="ms", result_unit="s") or 60.0
        self._defaults: dict | None = None
        self._retries = conf.get_int("ipc.client.connect.max.retries", 10)
        self._retry_interval = conf.get_duration("ipc.client.connect.retry.interval", 1.0, unit="ms",
                                                 result_unit="s")

    # ------------------------------------------------------------------ transport
    def rpc(self, op: str, args: dict | None = None, extras: dict | None = None) -> tuple[Any, dict]:
        req: dict[str, Any] = {"op": op, "args": codec.encode(args or {}), "u": self.user, "c": self.client_name}
        if extras:
            req["x"] = extras
        body = json.dumps(req, separators=(",", ":")).encode()
        status, data = self._post(body)
        if status != 200 and not data.startswith(b"{"):
            raise FsError(f"NameNode {self.rpc_addr} answered HTTP {status} to {op}")
        out = json.loads(data)
        if "e" in out:
            raise error_from_rpc(out["e"])
        return codec.decode(out.get("r")), out.get("x") or {}

    def batch(self, calls: list[tuple[str, dict]]) -> list[Any]:
        """Several operations in one request; results (or raised errors) in order."""
        reqs = [{"op": op, "args": codec.encode(a), "u": self.user, "c": self.client_name} for op, a in calls]
        _status, data = self._post(json.dumps(reqs).encode())
        out = []
        for item in json.loads(data):
            out.append(error_from_rpc(item["e"]) if "e" in item else codec.decode(item.get("r")))
        return out

    def _post(self, body: bytes) -> tuple[int, bytes]:
        """One request; a refused connection (the NameNode restarting) is retried as Hadoop's IPC client
        does (``ipc.client.connect.max.retries`` times, ``ipc.client.connect.retry.interval`` apart): the
        request was never sent, so any operation may be retried."""
        tries = 0
        while True:
            try:
                return httpclient.post_small(self.rpc_addr, "/rpc", body, timeout=self.timeout)
            except httpclient.ConnectError as e:
                if not isinstance(e.__cause__, ConnectionRefusedError) or tries >= self._retries:
                    raise
                import logging
                import time

                logging.getLogger("pyhdp.ipc.Client").info(
                    "Retrying connect to server: %s. Already tried %d time(s); retry policy is "
                    "RetryUpToMaximumCountWithFixedSleep(maxRetries=%d, sleepTime=%d MILLISECONDS)",
                    self.rpc_addr, tries, self._retries, int(self._retry_interval * 1000))
                tries += 1
                time.sleep(self._retry_interval)

    def _call(self, op: str, **kwargs):
        return self.rpc(op, kwargs)[0]

    @property
    def store(self):
        raise UnsupportedOperationError(
            f"The embedded store is not available: the NameNode daemon at {self.rpc_addr} owns it")

    @property
    def caller(self):
        raise UnsupportedOperationError("The NameNode daemon checks permissions")

    def server_defaults(self) -> dict:
        if self._defaults is None:
            self._defaults = self.rpc("getServerDefaults")[0]
        return self._defaults

    # ------------------------------------------------------------------ metadata
    def access(self, path: str, mode: str) -> None:
        self.rpc("checkAccess", {"path": self._path(path), "mode": mode})

    def get_status(self) -> FsStatus:
        s = self.rpc("getStats")[0]
        return FsStatus(s["capacity"], s["used"], s["remaining"])

    def datanode_report(self, kind: str = "all") -> list[dict]:
        """Reports of the DataNodes (``dfsadmin -report``): see ``BlockManager.DatanodeDescriptor.report``."""
        return self.rpc("getDatanodeReport", {"type": kind})[0]

    def stats(self) -> dict:
        """Capacity, block health and safe mode of the cluster (``getStats``)."""
        return self.rpc("getStats")[0]

    def block_replicas(self, block_ids: list[int]) -> dict[str, dict]:
        """Live replicas (node reports) and corrupt replica names of blocks, for fsck."""
        return self.rpc("getBlockReplicas", {"blocks": [int(b) for b in block_ids]})[0]

    def refresh_nodes(self) -> None:
        """``-refreshNodes``: the NameNode re-reads ``dfs.hosts`` / ``dfs.hosts.exclude`` (superuser)."""
        self.rpc("refreshNodes")

    def fsck_walk(self, path: str) -> tuple[list, dict[str, dict]]:
        """``(FsckEntry list, replica details per block id)``: what ``NamenodeFsck`` walks, from the daemon."""
        entries, x = self.rpc("fsckWalk", {"path": self._path(path)})
        return entries, x.get("replicas", {})

    def corrupt_blocks(self) -> list[tuple[int, int, str]]:
        """Blocks whose every replica is corrupt: ``(block id, genstamp, path)``."""
        return [tuple(r) for r in self.rpc("corruptBlocks")[0]]

    def namespace_stats(self):
        """``(NamespaceStats, {"underReplicated", "missing"})`` from the daemon."""
        return self.rpc("namespaceStats")

    def get_block_locations(self, path: str, start: int, length: int) -> list[BlockLocation]:
        p = self._path(path)
        (node, blocks), x = self.rpc("getBlockLocations", {"path": p})
        if node.is_dir:
            return []
        locs = x.get("locs", {})
        out = []
        for b in blocks:
            if b.offset + b.length <= start and not (b.length == 0 and b.offset == start):
                continue
            if b.offset >= start + length and length >= 0 and b.offset != start:
                break
            nodes = locs.get(str(b.block_id), [])
            out.append(BlockLocation(b.offset, b.length, [n["hostname"] for n in nodes], [n["name"] for n in nodes],
                                     [f"/default-rack/{n['name']}" for n in nodes], block_id=b.block_id,
                                     generation_stamp=b.genstamp,
                                     corrupt=b.corrupt or str(b.block_id) in x.get("corrupt", [])))
        return out

    # ------------------------------------------------------------------ data
    def create(self, path: str, overwrite: bool = False, permission: int | None = None,
               replication: int | None = None, block_size: int | None = None,
               create_parent: bool = True) -> IO[bytes]:
        from pyhdp.errors import HadoopIllegalArgumentError
        from pyhdp.hdfs.remote_streams import RemoteOutputStream

        p = self._path(path)
        perm = 0o666 if permission is None else permission
        masked = perm & 0o777 & ~self.umask
        bs = block_size or self.default_block_size(p)
        bpc = self.conf.get_int("dfs.bytes-per-checksum", 512)
        if bpc <= 0 or bs % bpc:
            raise HadoopIllegalArgumentError(
                f"io.bytes.per.checksum({bpc}) and blockSize({bs}) do not match. "
                "blockSize should be a multiple of io.bytes.per.checksum")
        repl = replication or self.default_replication(p)
        self._call("create", path=p, masked=masked, holder=self.holder, overwrite=overwrite,
                   create_parent=create_parent, replication=int(repl), block_size=int(bs))
        return RemoteOutputStream(self, p, bs, bpc)

    def append(self, path: str) -> IO[bytes]:
        from pyhdp.hdfs.remote_streams import RemoteOutputStream

        if not self.conf.get_bool("dfs.support.append", True):
            raise FsError("Append is not supported. Please see the dfs.support.append configuration parameter")
        p = self._path(path)
        (node, last, recovery), x = self.rpc("append", {"path": p, "holder": self.holder})
        bpc = self.conf.get_int("dfs.bytes-per-checksum", 512)
        stream = RemoteOutputStream(self, p, node.block_size, bpc, start_length=node.length)
        if last is not None and recovery is not None:
            stream.resume_block(last, recovery.old_genstamp, x.get("targets", []), x.get("token", ""))
        return stream

    def open(self, path: str, buffer_size: int | None = None, verify_checksum: bool = True) -> IO[bytes]:
        from pyhdp.hdfs.remote_streams import RemoteInputStream

        p = self._path(path)
        (node, blocks), x = self.rpc("getBlockLocations", {"path": p})
        return RemoteInputStream(self, p, blocks, x, verify=verify_checksum)

    def truncate(self, path: str, new_length: int) -> bool:
        p = self._path(path)
        on_boundary, _recovery = self._call("truncate", path=p, new_length=int(new_length), holder=self.holder)
        return bool(on_boundary)

    def get_file_checksum(self, path: str) -> FileChecksum | None:
        import hashlib

        from pyhdp.hdfs.datanode.checksum import _java_buffer_bytes
        from pyhdp.hdfs.remote_streams import block_checksum

        p = self._path(path)
        (node, blocks), x = self.rpc("getBlockLocations", {"path": p})
        parts = [block_checksum(self, p, b, x) for b in blocks if b.length > 0]
        bpc = parts[0]["bpc"] if parts else self.conf.get_int("dfs.bytes-per-checksum", 512)
        if not parts:
            md5 = hashlib.md5(_java_buffer_bytes([])).digest()
            value = struct.pack(">iq", 0, 0) + md5
            return FileChecksum("MD5-of-0MD5-of-0CRC32", value, len(value))
        crc_per_block = parts[0]["crcPerBlock"] if len(parts) > 1 else 0
        md5 = hashlib.md5(_java_buffer_bytes(bytes.fromhex(d["md5"]) for d in parts)).digest()
        value = struct.pack(">iq", bpc, crc_per_block) + md5
        return FileChecksum(f"MD5-of-{crc_per_block}MD5-of-{bpc}CRC32C", value, len(value))

    def report_bad_blocks(self, items: list[tuple[int, str]]) -> None:
        try:
            self.rpc("reportBadBlocks", {"blocks": [[b, u] for b, u in items]})
        except (OSError, ValueError):
            pass

    def _not_found(self, p: str) -> PathNotFoundError:
        return PathNotFoundError(f"File does not exist: {p}", p)
