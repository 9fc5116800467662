"""Block I/O of the remote DFS client: the write pipeline and verified reads with fail-over.

Writing (``DFSOutputStream`` / ``DataStreamer``): data is cut into segments (at most
:data:`SEGMENT` bytes, never across a block boundary); each segment is one ``PUT /dn/write``
to the first node of the pipeline, which forwards it down the pipeline; the answer names
the nodes that hold it.  A node that fails is dropped and the segment is sent again to the
others at the same offset (they truncate to it), so the write continues as long as one node
of the pipeline lives; when the first segment of a block finds no node, the block is
abandoned and a new one is asked for with the failed nodes excluded.  A sender thread
overlaps the network with the caller producing the next segment.

Reading (``DFSInputStream``): segments of a block come from one replica as checksummed
packets; a checksum error is reported to the NameNode (the replica is then replaced) and
the read goes on from another replica, as does a read from a dead node.
"""

from __future__ import annotations

import io
import json
import queue
import random
import threading
from typing import TYPE_CHECKING

from pyhdp.errors import ChecksumError, FsError
from pyhdp.hdfs.streams import SegmentedInputStream
from pyhdp.net import httpclient, packets
from pyhdp.net.errors import error_from_remote

if TYPE_CHECKING:
    from pyhdp.hdfs.namenode.files import LocatedBlock
    from pyhdp.hdfs.remote import RemoteDistributedFileSystem

SEGMENT = 8 << 20
_DONE = object()


def _dn_error(resp, addr: str) -> BaseException:
    try:
        body = json.loads(resp.body)["RemoteException"]
        return error_from_remote(body)
    except (ValueError, KeyError, TypeError):
        return FsError(f"DataNode {addr} answered HTTP {resp.status}")


class PipelineError(FsError):
    pass


class RemoteOutputStream(io.RawIOBase):
    def __init__(self, fs: RemoteDistributedFileSystem, path: str, block_size: int, bpc: int, start_length: int = 0):
        super().__init__()
        self._fs = fs
        self.path = path
        self._block_size = block_size
        self._bpc = bpc
        self._buf = bytearray()
        self._pos = start_length
        self._block: LocatedBlock | None = None
        self._block_len = 0  # bytes of the current block held by the pipeline
        self._pipeline: list[dict] = []
        self._token = ""
        self._old_gs: int | None = None  # append: the finalized replica's generation stamp
        self._acked: dict[str, list[str]] = {}  # block id -> nodes holding the finished block
        self._failed: set[str] = set()
        self._expected = 0  # replicas the pipeline started with
        self._hflushed = False
        self._appending = False
        conf = fs.conf
        self._replace = conf.get_bool("dfs.client.block.write.replace-datanode-on-failure.enable", True)
        self._policy = (conf.get_trimmed("dfs.client.block.write.replace-datanode-on-failure.policy", "DEFAULT")
                        or "DEFAULT").upper()
        self._best_effort = conf.get_bool("dfs.client.block.write.replace-datanode-on-failure.best-effort", False)
        self._closed = False
        self._queue: queue.Queue | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def resume_block(self, last: LocatedBlock, old_gs: int, targets: list[dict], token: str) -> None:
        """Append: continue the last, partial block on the nodes that hold it."""
        self._block = last
        self._block_len = last.length
        self._pipeline = list(targets)
        self._token = token
        self._old_gs = old_gs
        self._pipeline_open = True
        self._expected = len(targets)
        self._appending = True

    # ------------------------------------------------------------------ io API
    def writable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def write(self, b) -> int:  # type: ignore[override]
        if self._closed:
            raise ValueError("I/O operation on closed file.")
        self._raise_pending()
        n = len(b) if not isinstance(b, memoryview) else b.nbytes
        self._buf += b
        self._pos += n
        if len(self._buf) >= SEGMENT:
            self._hand_over(final=False)
        return n

    def flush(self) -> None:
        self._raise_pending()

    def hflush(self) -> None:
        self._hflushed = True
        self._hand_over(final=True)
        self._drain()
        if self._block is not None:
            self._fs.rpc("fsync", {"path": self.path, "holder": self._fs.holder, "length": self._block_len})

    hsync = hflush

    @property
    def closed(self) -> bool:  # type: ignore[override]
        return self._closed

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._hand_over(final=True)
            self._drain()
            last = None
            if self._block is not None:
                self._send(b"", final=True)
                last = self._block_len
            self._fs.rpc("complete", {"path": self.path, "holder": self._fs.holder, "last_length": last},
                         {"acked": self._acked})
        except BaseException:
            self._abort()
            raise
        finally:
            super().close()

    # ------------------------------------------------------------------ threading
    def _raise_pending(self) -> None:
        if self._error is not None:
            err, self._error = self._error, None
            self._closed = True
            self._stop_thread()
            self._abort()
            raise err

    def _hand_over(self, final: bool) -> None:
        buf = self._buf
        if not buf:
            return
        if not final:
            rem = len(buf) % self._bpc
            tail = bytes(buf[len(buf) - rem:]) if rem else b""
            if rem:
                del buf[len(buf) - rem:]
            self._buf = bytearray(tail)
        else:
            self._buf = bytearray()
        if self._thread is None and final:
            self._write_data(buf)
            return
        if self._thread is None:
            self._queue = queue.Queue(maxsize=2)
            self._thread = threading.Thread(target=self._worker, name="DataStreamer", daemon=True)
            self._thread.start()
        assert self._queue is not None
        self._queue.put(buf)

    def _drain(self) -> None:
        if self._thread is not None:
            assert self._queue is not None
            self._queue.put(_DONE)
            self._thread.join()
            self._thread = None
            self._queue = None
        self._raise_pending()

    def _stop_thread(self) -> None:
        if self._thread is not None and self._queue is not None:
            try:
                while True:
                    self._queue.get_nowait()
            except queue.Empty:
                pass
            self._queue.put(_DONE)
            self._thread.join()
        self._thread = None
        self._queue = None

    def _worker(self) -> None:
        assert self._queue is not None
        while True:
            item = self._queue.get()
            if item is _DONE:
                return
            if self._error is not None:
                continue
            try:
                self._write_data(item)
            except BaseException as e:  # noqa: BLE001 - handed to the writing thread
                self._error = e

    # ------------------------------------------------------------------ blocks
    def _write_data(self, data: bytes | bytearray) -> None:
        mv = memoryview(data)
        while len(mv):
            if self._block is None or self._block_len >= self._block_size:
                self._next_block()
            room = self._block_size - self._block_len
            piece = mv[: min(room, SEGMENT)]
            self._send(piece, final=len(piece) == room)
            mv = mv[len(piece):]

    def _next_block(self) -> None:
        fs = self._fs
        previous = None
        if self._block is not None:
            if self._block_len < self._block_size or self._pipeline_open:
                self._send(b"", final=True)
            previous = self._block_len
        extras = {"acked": self._acked, "exclude": sorted(self._failed)}
        located, x = fs.rpc("addBlock", {"path": self.path, "holder": fs.holder, "previous_length": previous}, extras)
        self._acked = {}
        self._block = located
        self._block_len = 0
        self._pipeline = list(x.get("targets", []))
        self._expected = len(self._pipeline)
        self._token = x.get("token", "")
        self._old_gs = None
        self._appending = False
        self._pipeline_open = True

    _pipeline_open = False

    def _send(self, data: bytes | memoryview, final: bool) -> None:
        """One segment to the pipeline at the current block offset, dropping failed nodes."""
        assert self._block is not None
        if final and not self._pipeline_open and not len(data):
            return
        body = packets.encode_all(data, self._bpc) if len(data) else b""
        offset = self._block_len
        while True:
            if not self._pipeline:
                if offset == 0 and self._old_gs is None:
                    self._replace_block()
                    continue
                raise PipelineError(
                    f"All datanodes {sorted(self._failed)} are bad. Aborting... (writing {self.path})", self.path)
            first, rest = self._pipeline[0], self._pipeline[1:]
            url = (f"/dn/write?bid={self._block.block_id}&gs={self._block.genstamp}&offset={offset}"
                   f"&final={'1' if final else '0'}&bpc={self._bpc}&pipeline={','.join(n['http'] for n in rest)}"
                   f"&token={self._token}" + (f"&old_gs={self._old_gs}" if self._old_gs is not None else ""))
            try:
                resp = httpclient.request(first["http"], "PUT", url, body, {"Content-Type": "application/octet-stream"},
                                          timeout=self._fs.timeout)
            except httpclient.ConnectError:
                self._drop(first)
                self._maybe_replace(offset)
                continue
            if resp.status != 200:
                err = _dn_error(resp, first["http"])
                if isinstance(err, PermissionError):
                    raise err
                self._drop(first)
                self._maybe_replace(offset)
                continue
            out = json.loads(resp.body)
            acked = set(out.get("acked", []))
            failed = out.get("failed")
            if failed is None and all(n["uuid"] in acked for n in self._pipeline):
                break
            # a node down the pipeline failed: drop it, send the segment again to the others
            for n in list(self._pipeline):
                if n["http"] == failed:
                    self._drop(n)
            self._maybe_replace(offset)
        self._block_len = offset + len(data)
        if self._old_gs is not None and len(data):
            self._old_gs = None  # the replicas were reopened under the new generation stamp
        if final:
            self._acked[str(self._block.block_id)] = [n["uuid"] for n in self._pipeline]
            self._pipeline_open = False

    def _maybe_replace(self, offset: int) -> None:
        """``dfs.client.block.write.replace-datanode-on-failure.*``: with the DEFAULT policy a new node
        joins when the replication is at least 3 and at most half the nodes are left, or the block was
        hflushed or appended; the new node first gets the block's bytes up to ``offset`` from a
        surviving one.  No node to add: an error, unless best-effort."""
        r, n = self._expected, len(self._pipeline)
        if not self._replace or self._policy == "NEVER" or n == 0 or n >= r:
            return
        if self._policy != "ALWAYS" and not (r >= 3 and (n <= r // 2 or self._hflushed or self._appending)):
            return
        assert self._block is not None
        fs = self._fs
        node = None
        try:
            node, _x = fs.rpc("getAdditionalDatanode", {
                "path": self.path, "block_id": self._block.block_id,
                "existing": [p["uuid"] for p in self._pipeline], "exclude": sorted(self._failed)})
            if node is not None and offset > 0:
                src = self._pipeline[0]
                url = (f"/dn/copy?bid={self._block.block_id}&gs={self._block.genstamp}&length={offset}"
                       f"&target={node['http']}&token={self._token}")
                resp = httpclient.request(src["http"], "POST", url, b"", timeout=self._fs.timeout)
                if resp.status != 200:
                    raise _dn_error(resp, src["http"])
        except OSError:
            if self._best_effort:
                return
            raise
        if node is None:
            if self._best_effort:
                return
            raise PipelineError(
                "Failed to replace a bad datanode on the existing pipeline due to no more good datanodes being "
                f"available to try. (Nodes: current={[p['name'] for p in self._pipeline]}, "
                f"failed={sorted(self._failed)}). The current failed datanode replacement policy is "
                f"{self._policy}, and a client may configure this via "
                "'dfs.client.block.write.replace-datanode-on-failure.policy' in its configuration.", self.path)
        self._pipeline.append(node)

    def _drop(self, node: dict) -> None:
        self._failed.add(node["name"])
        self._pipeline = [n for n in self._pipeline if n["uuid"] != node["uuid"]]

    def _replace_block(self) -> None:
        """No node took the first segment: abandon the block, ask for one elsewhere."""
        fs = self._fs
        assert self._block is not None
        fs.rpc("abandonBlock", {"path": self.path, "holder": fs.holder, "block_id": self._block.block_id})
        previous_block, self._block = self._block, None
        located, x = fs.rpc("addBlock", {"path": self.path, "holder": fs.holder, "previous_length": None},
                            {"exclude": sorted(self._failed)})
        del previous_block
        self._block = located
        self._pipeline = list(x.get("targets", []))
        self._expected = len(self._pipeline)
        self._token = x.get("token", "")
        self._block_len = 0
        self._pipeline_open = True

    def _abort(self) -> None:
        fs = self._fs
        try:
            fs.rpc("complete", {"path": self.path, "holder": fs.holder,
                                "last_length": self._block_len if self._block is not None else None},
                   {"acked": self._acked})
        except Exception:  # noqa: BLE001 - the original error is what the user needs
            pass


class RemoteInputStream(SegmentedInputStream):
    def __init__(self, fs: RemoteDistributedFileSystem, path: str, blocks: list[LocatedBlock], x: dict,
                 verify: bool = True):
        super().__init__()
        self._fs = fs
        self.path = path
        self._blocks = blocks
        self._x = x
        self._length = sum(b.length for b in blocks)
        self._verify = verify
        self._pos = 0
        self._seg_start = 0
        self._seg = memoryview(b"")
        self._dead: set[str] = set()
        self._refetched = False

    def readinto(self, b) -> int:  # type: ignore[override]
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)

    def _load(self, pos: int) -> None:
        """The segment at ``pos`` (prefetched by a thread while the caller used the previous one)."""
        pending, self._prefetch = self._prefetch, None
        loaded = False
        if pending is not None and pending[0] == pos:
            try:
                data = pending[1].result()
                self._seg_start, self._seg = pos, memoryview(data)
                loaded = True
            except Exception:  # noqa: BLE001 - the synchronous path fails over and reports
                loaded = False
        if not loaded:
            self._load_sync(pos)
        nxt = pos + len(self._seg)
        if self._length - nxt > 0 and self._length - pos > SEGMENT:
            if self._pool is None:
                from concurrent.futures import ThreadPoolExecutor

                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="DFSPrefetch")
            self._prefetch = (nxt, self._pool.submit(self._fetch, nxt))

    def _fetch(self, pos: int) -> bytes:
        blk = self._block_at(pos)
        in_block = pos - blk.offset
        nodes = [n for n in self._x.get("locs", {}).get(str(blk.block_id), []) if n["uuid"] not in self._dead]
        nodes.sort(key=lambda n: not _is_local(n["http"].rpartition(":")[0]))
        if not nodes:
            raise FsError("no live replica")
        return self._read_from(nodes[0], blk, in_block, min(SEGMENT, blk.length - in_block))

    def close(self) -> None:
        if self._pool is not None:
            if self._prefetch is not None:
                self._prefetch[1].cancel()
            self._pool.shutdown(wait=True)
            self._pool = None
        self._prefetch = None
        super().close()

    _pool = None
    _prefetch = None

    def _load_sync(self, pos: int) -> None:
        blk = self._block_at(pos)
        in_block = pos - blk.offset
        length = min(SEGMENT, blk.length - in_block)
        errors: list[str] = []
        for attempt in (0, 1):
            nodes = [n for n in self._x.get("locs", {}).get(str(blk.block_id), []) if n["uuid"] not in self._dead]
            random.shuffle(nodes)
            nodes.sort(key=lambda n: not _is_local(n["http"].rpartition(":")[0]))  # the nearest first
            for node in nodes:
                try:
                    data = self._read_from(node, blk, in_block, length)
                except ChecksumError as e:
                    self._dead.add(node["uuid"])
                    errors.append(str(e))
                    self._fs.report_bad_blocks([(blk.block_id, node["uuid"])])
                    continue
                except (OSError, ValueError) as e:
                    self._dead.add(node["uuid"])
                    errors.append(f"{node['name']}: {e}")
                    continue
                self._seg_start = pos
                self._seg = memoryview(data)
                return
            if attempt == 0 and not self._refetched:
                self._refetched = True  # the NameNode may know new replicas by now
                (_node, blocks), self._x = self._fs.rpc("getBlockLocations", {"path": self.path})
                self._blocks = blocks
                self._dead.clear()
                continue
            break
        bpid = self._fs.server_defaults().get("blockPoolId", "")
        raise FsError(f"Could not obtain block: {bpid}:blk_{blk.block_id}_{blk.genstamp} file={self.path} "
                      f"No live nodes contain current block. Errors: {'; '.join(errors) or 'no locations'}",
                      self.path)

    def _read_from(self, node: dict, blk: LocatedBlock, offset: int, length: int) -> bytes:
        token = self._x.get("tokens", {}).get(str(blk.block_id), "")
        url = f"/dn/read?bid={blk.block_id}&gs={blk.genstamp}&offset={offset}&length={length}&token={token}"
        addr = node["http"]
        resp = httpclient.request(addr, "GET", url, timeout=self._fs.timeout, stream=True)
        try:
            if resp.status != 200:
                body = resp.read()
                raise OSError(f"HTTP {resp.status}: {body[:200]!r}")
            start = int(resp.headers.get("X-Start", "0"))
            bpc = int(resp.headers.get("X-Bpc", "512"))
            parts = []
            pos = start
            while True:
                head = resp.read(packets.HEADER.size)
                if not head:
                    break
                if len(head) < packets.HEADER.size:
                    raise OSError(f"Truncated packet from {node['name']}")
                (n,) = packets.HEADER.unpack(head)
                crcs = resp.read(packets.crc_len(n, bpc))
                data = resp.read(n)
                if len(data) != n:
                    raise OSError(f"Truncated packet from {node['name']}")
                if self._verify:
                    packets.verify(data, crcs, bpc,
                                   f"{self.path}:blk_{blk.block_id}_{blk.genstamp} from {node['name']} at {pos}")
                parts.append(data)
                pos += n
        except BaseException:
            httpclient.discard(addr, self._fs.timeout)
            raise
        skip = offset - start
        out = parts[0] if len(parts) == 1 else b"".join(parts)
        data = out[skip: skip + length] if skip or len(out) > length else out
        if len(data) < min(length, blk.length - offset):
            raise OSError(f"Premature EOF from {node['name']}: got {len(data)} of {length} bytes")
        return data


_LOCAL: dict[str, bool] = {}


def _is_local(host: str) -> bool:
    got = _LOCAL.get(host)
    if got is None:
        from pyhdp.hdfs.client import is_local_host

        got = _LOCAL[host] = is_local_host(host)
    return got


def block_checksum(fs: RemoteDistributedFileSystem, path: str, blk: LocatedBlock, x: dict) -> dict:
    token = x.get("tokens", {}).get(str(blk.block_id), "")
    errors = []
    for node in x.get("locs", {}).get(str(blk.block_id), []):
        try:
            resp = httpclient.request(node["http"], "GET",
                                      f"/dn/checksum?bid={blk.block_id}&gs={blk.genstamp}&length={blk.length}"
                                      f"&token={token}", timeout=fs.timeout)
        except OSError as e:
            errors.append(str(e))
            continue
        if resp.status == 200:
            return json.loads(resp.body)
        errors.append(str(_dn_error(resp, node["http"])))
    raise FsError(f"Fail to get block MD5 for blk_{blk.block_id}_{blk.genstamp} of {path}: {'; '.join(errors)}", path)
