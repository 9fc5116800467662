"""The DataNode's HTTP endpoints: block write pipeline, block reads, checksums, recovery."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from typing import TYPE_CHECKING

from pyhdp.errors import ChecksumError, FsError
from pyhdp.hdfs.datanode import checksum as ck
from pyhdp.hdfs.server.nn_http import error_response, json_response
from pyhdp.net import auth, packets

if TYPE_CHECKING:
    from pyhdp.hdfs.server.datanode import DataNode

log = logging.getLogger("pyhdp.hdfs.server.datanode")
_END = object()


def _int(query, name: str, default: int | None = None) -> int:
    v = query.get(name)
    if v is None or v == "":
        if default is None:
            raise ValueError(f"Missing parameter {name}")
        return default
    try:
        n = int(v)
    except ValueError:
        raise ValueError(f"Invalid value for parameter {name}: {v}") from None
    if n < 0:
        raise ValueError(f"Invalid value for parameter {name}: {v}")
    return n


def app(dn: DataNode):
    from aiohttp import web

    from pyhdp.hdfs.server import dn_webhdfs

    handlers = Handlers(dn)
    a = web.Application(client_max_size=1 << 40)
    a.router.add_put("/dn/write", handlers.write)
    a.router.add_get("/dn/read", handlers.read)
    a.router.add_get("/dn/checksum", handlers.checksum)
    a.router.add_post("/dn/recover", handlers.recover)
    a.router.add_post("/dn/copy", handlers.copy)
    a.router.add_get("/", handlers.info)
    a.router.add_get("/jmx", handlers.info)
    web_handler = dn_webhdfs.DataNodeWebHdfs(dn)
    for method in ("GET", "PUT", "POST"):
        a.router.add_route(method, "/webhdfs/v1", web_handler.handle)
        a.router.add_route(method, "/webhdfs/v1/{path:.*}", web_handler.handle)
    return a


class Handlers:
    def __init__(self, dn: DataNode):
        self.dn = dn
        self.locks: dict[int, asyncio.Lock] = {}

    def _store(self):
        if self.dn.blocks is None:
            raise FsError("DataNode is not registered with a NameNode yet")
        return self.dn.blocks

    async def info(self, request):
        dn = self.dn
        return json_response({"beans": [{"name": "Hadoop:service=DataNode,name=DataNodeInfo", "DatanodeUuid": dn.uuid,
                                         "Version": _v(), "DataDir": dn.data_dir, "NamenodeAddress": dn.nn_addr,
                                         "XferPort": dn.xfer_address, "HttpPort": dn.http_address,
                                         **dn.space()}]})

    # ------------------------------------------------------------------ write pipeline
    def _writer(self, bid: int, gs: int, offset: int, old_gs: int | None):
        from pyhdp.hdfs.datanode.blockstore import ReplicaWriter

        store = self._store()
        w = self.dn.writers.get(bid)
        if w is not None and w.genstamp != gs:
            w.close()
            self.dn.writers.pop(bid, None)
            w = None
        if w is None:
            if offset == 0 and old_gs is None:
                store.delete_blocks([bid])  # a stale replica of an earlier attempt
                w = store.create_rbw(bid, gs)
            elif old_gs is not None:
                w = store.reopen_for_append(bid, old_gs, gs, offset)
            else:
                data, meta = store.rbw_paths(bid, gs)
                fdata, fmeta = store.finalized_paths(bid, gs)
                if os.path.exists(data) and os.path.exists(meta) and os.path.getsize(data) >= offset:
                    w = ReplicaWriter(store.locate(bid) or store.volumes[0], bid, gs, data, meta, new=False)
                    w.resume(offset)
                elif os.path.exists(fdata) and os.path.exists(fmeta) and os.path.getsize(fdata) >= offset:
                    # the pipeline resends a last segment this node had already finalized
                    w = store.reopen_for_append(bid, gs, gs, offset)
                else:
                    raise FsError(f"Cannot write blk_{bid}_{gs} at offset {offset}: no replica being written here")
            self.dn.writers[bid] = w
        if w.length > offset:
            # a segment sent again after a pipeline failure: reopen the replica at the segment's offset
            w.close()
            w = ReplicaWriter(w.store, bid, gs, w.data_path, w.meta_path, new=False)
            w.resume(offset)
            self.dn.writers[bid] = w
        elif w.length < offset:
            raise FsError(f"Cannot write blk_{bid}_{gs} at offset {offset}: the replica has {w.length} bytes")
        return w

    async def write(self, request):
        """One segment of a block; requests for the same block are served one at a time (a segment
        sent again after a pipeline failure waits for the first attempt to end)."""
        try:
            bid = _int(request.query, "bid")
        except ValueError as e:
            return error_response(e)
        lock = self.locks.get(bid)
        if lock is None:
            lock = self.locks[bid] = asyncio.Lock()
        try:
            async with lock:
                return await self._write(request)
        finally:
            if not lock.locked() and not getattr(lock, "_waiters", None):
                self.locks.pop(bid, None)

    async def _write(self, request):
        from aiohttp import web

        dn = self.dn
        q = request.query
        w = None
        bid = -1
        try:
            bid, gs, offset = _int(q, "bid"), _int(q, "gs"), _int(q, "offset")
            final = q.get("final") == "1"
            bpc = _int(q, "bpc", dn.bpc)
            if bpc <= 0 or bpc > 1 << 20:
                raise ValueError(f"Invalid bytes per checksum {bpc}")
            old_gs = _int(q, "old_gs") if q.get("old_gs") else None
            pipeline = [a for a in q.get("pipeline", "").split(",") if a]
            auth.verify_block_token(dn.secret, self._store().bpid, bid, gs, "w", q.get("token"))
            size = request.content_length or 0
            space = dn.space()
            if space["maxVolumeRemaining"] < size + (1 << 20):
                raise DiskFull(f"Out of space: The volume {dn.data_dir} has {space['remaining']} B available "
                               f"(dfs.datanode.du.reserved={space['reserved']}), less than the {size} B to write")
            w = self._writer(bid, gs, offset, old_gs)
        except auth.AuthError as e:
            log.warning("Refused a write of blk_%s from %s: %s", bid, request.remote, e)
            return error_response(e)
        except Exception as e:  # noqa: BLE001
            status = 507 if isinstance(e, DiskFull) else None
            resp = error_response(e)
            if status:
                resp.set_status(status)
            return resp
        dn.xceivers += 1
        forward = None
        queue: asyncio.Queue | None = None
        if pipeline:
            queue = asyncio.Queue()
            rest = ",".join(pipeline[1:])
            url = (f"http://{pipeline[0]}/dn/write?bid={bid}&gs={gs}&offset={offset}&final={'1' if final else '0'}"
                   f"&bpc={bpc}&pipeline={rest}&token={q.get('token')}"
                   + (f"&old_gs={q.get('old_gs')}" if q.get("old_gs") else ""))
            forward = asyncio.create_task(self._forward(url, queue, size))
        content = request.content
        received = 0
        try:
            aligned = w.length % bpc == 0
            while True:
                try:
                    head = await content.readexactly(packets.HEADER.size)
                except asyncio.IncompleteReadError as e:
                    if e.partial or (size and received != size):
                        # the sender went away in the middle: nothing of this segment counts
                        raise ChecksumError(f"Truncated packet stream for blk_{bid}_{gs}: {received + len(e.partial)}"
                                            f" of {size} bytes") from None
                    break
                (n,) = packets.HEADER.unpack(head)
                if n > 1 << 26:
                    raise ValueError(f"Packet of {n} bytes is too large")
                crcs = await content.readexactly(packets.crc_len(n, bpc))
                data = await content.readexactly(n)
                received += packets.HEADER.size + len(crcs) + n
                packets.verify(data, crcs, bpc, f"blk_{bid}_{gs} from {request.remote}")
                w.write(data, crcs if aligned and bpc == w.bpc else None)
                aligned = w.length % bpc == 0
                if queue is not None and not forward.done():
                    queue.put_nowait(head)
                    queue.put_nowait(crcs)
                    queue.put_nowait(data)
            if final:
                _seal(w)
                w.finalize()
                dn.writers.pop(bid, None)
                dn.replica_done(bid, gs, w.length)
        except Exception as e:  # noqa: BLE001 - this node failed: drop its partial replica
            log.warning("Write of blk_%s_%s failed: %s", bid, gs, e)
            if isinstance(e, OSError) and not isinstance(e, (FsError, ChecksumError)):
                dn.check_volume(e)
            dn.writers.pop(bid, None)
            try:
                w.abort()
            except OSError:
                pass
            if forward is not None:
                forward.cancel()
            dn.xceivers -= 1
            return error_response(e if isinstance(e, OSError) else FsError(str(e)))
        acked, failed = [dn.uuid], None
        if forward is not None:
            queue.put_nowait(_END)
            try:
                down = await forward
                acked += down.get("acked", [])
                failed = down.get("failed")
            except Exception as e:  # noqa: BLE001 - the next node failed; we still hold the data
                log.warning("Pipeline to %s failed for blk_%s: %s", pipeline[0], bid, e)
                failed = pipeline[0]
        dn.xceivers -= 1
        return web.Response(body=json.dumps({"acked": acked, "failed": failed, "length": w.length}).encode(),
                            content_type="application/json")

    async def _forward(self, url: str, queue: asyncio.Queue, size: int) -> dict:
        async def body():
            while True:
                item = await queue.get()
                if item is _END:
                    return
                yield item

        headers = {"Content-Length": str(size)} if size else None
        async with self.dn.session.put(url, data=body(), headers=headers) as resp:
            out = await resp.json(content_type=None)
            if resp.status != 200:
                msg = (out or {}).get("RemoteException", {}).get("message", f"HTTP {resp.status}")
                raise FsError(msg)
            return out

    # ------------------------------------------------------------------ reads
    async def read(self, request):
        from aiohttp import web

        from pyhdp.hdfs.datanode.blockstore import ReplicaNotFoundError

        dn = self.dn
        q = request.query
        try:
            bid, gs = _int(q, "bid"), _int(q, "gs")
            offset, length = _int(q, "offset", 0), _int(q, "length", 1 << 62)
            store = self._store()
            auth.verify_block_token(dn.secret, store.bpid, bid, gs, "r", q.get("token"))
            w = dn.writers.get(bid)
            if w is not None:
                data_path, meta_path = w.data_path, w.meta_path
            else:
                data_path, meta_path = store.open_replica(bid, gs)
            dfd = os.open(data_path, os.O_RDONLY)
        except ReplicaNotFoundError as e:
            return error_response(FileNotFoundError(str(e)))
        except Exception as e:  # noqa: BLE001
            return error_response(e)
        try:
            mfd = os.open(meta_path, os.O_RDONLY)
        except OSError as e:
            os.close(dfd)
            return error_response(e)
        try:
            bpc = ck.parse_header(os.pread(mfd, ck.HEADER_SIZE, 0))[2]
            size = os.fstat(dfd).st_size
            start = offset - offset % bpc
            end = min(size, offset + length)
            # whole chunks, except at the end of the replica
            stop = end if end % bpc == 0 or end >= size else min(size, end + bpc - end % bpc)
            stop = max(stop, start)
            plan = []
            pos = start
            while pos < stop:
                n = min(packets.PACKET_SIZE, stop - pos)
                plan.append((pos, n))
                pos += n
            total = sum(packets.HEADER.size + packets.crc_len(n, bpc) + n for _p, n in plan)
            resp = web.StreamResponse(headers={"Content-Type": "application/octet-stream", "X-Start": str(start),
                                               "X-Bpc": str(bpc), "X-Replica-Length": str(size)})
            resp.content_length = total
            await resp.prepare(request)
            dn.xceivers += 1
            try:
                for pos, n in plan:
                    data = os.pread(dfd, n, pos)
                    crcs = os.pread(mfd, packets.crc_len(n, bpc), ck.HEADER_SIZE + (pos // bpc) * 4)
                    if len(data) != n or len(crcs) != packets.crc_len(n, bpc):
                        raise FsError(f"Replica blk_{bid}_{gs} changed while being read")
                    await resp.write(packets.HEADER.pack(n) + crcs)
                    await resp.write(data)
            finally:
                dn.xceivers -= 1
            await resp.write_eof()
            return resp
        finally:
            os.close(dfd)
            os.close(mfd)

    async def checksum(self, request):
        dn = self.dn
        q = request.query
        try:
            bid, gs, length = _int(q, "bid"), _int(q, "gs"), _int(q, "length")
            store = self._store()
            auth.verify_block_token(dn.secret, store.bpid, bid, gs, "r", q.get("token"))
            crcs = await asyncio.to_thread(store.read_crcs, bid, gs, length)
            _d, meta = store.open_replica(bid, gs)
            with open(meta, "rb") as f:
                bpc = ck.parse_header(f.read(ck.HEADER_SIZE))[2]
            return json_response({"md5": ck.block_md5(crcs).hex(), "crcPerBlock": len(crcs) // 4, "bpc": bpc})
        except Exception as e:  # noqa: BLE001
            return error_response(e)

    async def copy(self, request):
        """Pipeline recovery: send the first ``length`` bytes of a replica being written to a new node
        (``DataTransferProtocol.transferBlock``), so that it can join the pipeline at that offset."""
        dn = self.dn
        q = request.query
        try:
            bid, gs, length = _int(q, "bid"), _int(q, "gs"), _int(q, "length")
            target = q.get("target", "")
            store = self._store()
            token = q.get("token")
            auth.verify_block_token(dn.secret, store.bpid, bid, gs, "w", token)
            w = dn.writers.get(bid)
            if w is not None:
                data_path, meta_path = w.data_path, w.meta_path
            else:
                data_path, meta_path = store.open_replica(bid, gs)  # being written, or just finalized
            with open(data_path, "rb") as f:
                data = f.read(length)
            with open(meta_path, "rb") as f:
                bpc = ck.parse_header(f.read(ck.HEADER_SIZE))[2]
                full = length // bpc
                crcs = f.read(full * 4)
            if len(data) != length or ck.chunk_crcs(data[: full * bpc], bpc) != crcs:
                raise ChecksumError(f"Replica blk_{bid}_{gs} here is shorter than {length} or corrupt")
            body = packets.encode_all(data, bpc)
            url = (f"http://{target}/dn/write?bid={bid}&gs={gs}&offset=0&final=0&bpc={bpc}&pipeline=&token={token}")
            async with dn.session.put(url, data=body) as resp:
                out = await resp.json(content_type=None)
                if resp.status != 200:
                    raise FsError(f"Copy of blk_{bid}_{gs} to {target} failed: {out}")
            log.info("Copied %d bytes of blk_%s_%s to %s for pipeline recovery", length, bid, gs, target)
            return json_response({"length": length})
        except Exception as e:  # noqa: BLE001
            return error_response(e)

    async def recover(self, request):
        dn = self.dn
        body = await request.read()
        try:
            auth.verify_request(dn.secret, "POST", request.path_qs, body, request.headers.get(auth.HEADER))
            p = json.loads(body)
            bid, old_gs, new_gs = int(p["block"]), int(p["old_gs"]), int(p["new_gs"])
            length = None if p.get("length") is None else int(p["length"])
            w = dn.writers.pop(bid, None)
            if w is not None:
                w.close()
            n = self._store().recover(bid, old_gs, new_gs, length)
            if n >= 0:
                dn.replica_done(bid, new_gs, n)
            return json_response({"length": n})
        except ChecksumError as e:
            return error_response(e)
        except Exception as e:  # noqa: BLE001
            return error_response(e)


class DiskFull(FsError):
    """``DiskOutOfSpaceException``."""


def _v() -> str:
    from pyhdp import __version__

    return __version__


def _seal(w) -> None:
    """A replica reopened at a length inside a chunk (``ReplicaWriter.resume``) has that chunk's CRC
    dropped until more data comes; finalized with nothing more, the CRC must be written back."""
    partial = getattr(w, "partial", b"")
    if partial and not getattr(w, "_has_partial_crc", True):
        os.write(w.mfd, ck.chunk_crcs(partial, w.bpc))
        w._has_partial_crc = True
