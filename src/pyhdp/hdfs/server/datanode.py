"""The DataNode daemon: the block store of the standalone layout, served over HTTP.

* Volume: the first ``dfs.datanode.data.dir`` (the embedded store's data dir by default, so
  the first DataNode serves the standalone blocks unchanged), locked exclusively.
* NameNode protocol (signed with the cluster secret): register, heartbeats every
  ``dfs.heartbeat.interval`` with capacity figures, commands in the replies (``transfer``,
  ``invalidate``), full block reports (``dfs.blockreport.intervalMsec``) and incremental
  ones as soon as a replica is finalized, corrupt replicas found by the block scanner.
* HTTP (``dfs.datanode.http.address``): ``PUT /dn/write`` — one segment of a block through a
  pipeline (each hop verifies every packet's CRCs, writes, forwards to the next node, and
  answers with the nodes that hold the segment); ``GET /dn/read`` — checksummed packets of a
  replica; ``GET /dn/checksum``; ``POST /dn/recover`` (signed); and WebHDFS data operations.
  Data requests need a block access token issued by the NameNode.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import time

from pyhdp.errors import ChecksumError, FsError
from pyhdp.hdfs.datanode import checksum as ck
from pyhdp.net import auth, packets

log = logging.getLogger("pyhdp.hdfs.server.datanode")


class DiskOutOfSpaceError(FsError):
    """Hadoop's ``DiskOutOfSpaceException``."""


class DataNode:
    def __init__(self, conf):
        from pyhdp.hdfs.namenode.storage import StorageLock, data_dirs
        from pyhdp.hdfs.server.common import advertised_ip, client_addr, nn_rpc_address

        self.conf = conf
        self.data_dir = data_dirs(conf)[0]
        self.nn_addr = client_addr(nn_rpc_address(conf))
        self.http_address = conf.get_trimmed("dfs.datanode.http.address", "127.0.0.1:9864") or "127.0.0.1:9864"
        self.xfer_address = conf.get_trimmed("dfs.datanode.address", "127.0.0.1:9866") or "127.0.0.1:9866"
        self.ipc_address = conf.get_trimmed("dfs.datanode.ipc.address", "127.0.0.1:9867") or "127.0.0.1:9867"
        host = self.http_address.rpartition(":")[0]
        self.ip = advertised_ip(conf.get_trimmed("dfs.datanode.hostname", "") or host)
        self.hostname = conf.get_trimmed("dfs.datanode.hostname", "") or (
            "localhost" if self.ip.startswith("127.") else socket.gethostname())
        self.reserved = conf.get_size("dfs.datanode.du.reserved", 0)
        self.reserved_pct = conf.get_float("dfs.datanode.du.reserved.pct", 0)
        self.bpc = conf.get_int("dfs.bytes-per-checksum", 512)
        self.heartbeat_interval = conf.get_duration("dfs.heartbeat.interval", 3, unit="s", result_unit="s")
        self.report_interval = conf.get_int("dfs.blockreport.intervalMsec", 21600000) / 1000.0
        hours = conf.get_float("dfs.datanode.scan.period.hours", 504)
        self.scan_period = (504 if hours == 0 else hours) * 3600.0
        self.scan_rate = conf.get_size("dfs.block.scanner.volume.bytes.per.second", 1048576)
        self.tolerated = conf.get_int("dfs.datanode.failed.volumes.tolerated", 0)
        if self.tolerated < 0 or self.tolerated >= 1:  # one volume per DataNode
            raise FsError(f"Invalid value configured for dfs.datanode.failed.volumes.tolerated - {self.tolerated}. "
                          "Value configured is either less than 0 or >= to the number of configured volumes (1).")
        self.stop_event: asyncio.Event | None = None
        self.failed_volume: str | None = None
        os.makedirs(self.data_dir, exist_ok=True)
        perm = conf.get_trimmed("dfs.datanode.data.dir.perm", "700") or "700"
        try:
            os.chmod(self.data_dir, int(perm, 8))  # DataStorage: the volume is the DataNode user's alone
        except (ValueError, OSError) as e:
            raise FsError(f"Invalid dfs.datanode.data.dir.perm {perm} for {self.data_dir}: {e}", self.data_dir) from e
        self.lock = StorageLock(self.data_dir)
        if not self.lock.lock(exclusive=True, timeout=0.5):
            owner = self.lock.owner_text()
            raise FsError(f"Cannot lock storage {self.data_dir}. The directory is already locked"
                          f"{' by ' + owner if owner else ''}.", self.data_dir)
        self.lock.write_owner()
        self.secret = auth.load_secret(conf)
        self.blocks = None  # BlockStore, once the NameNode told the block pool
        self.uuid = ""
        self.writers: dict[int, object] = {}
        self.received: list[tuple[int, int, int]] = []
        self.bad: list[tuple[int, str]] = []
        self.wake = asyncio.Event()
        self.need_register = True
        self.dfs_used = 0
        self.started = time.time()
        self.session = None
        self.xceivers = 0

    # ------------------------------------------------------------------ NameNode protocol
    async def nn_post(self, path: str, payload: dict, timeout: float = 30.0) -> dict:
        import aiohttp

        body = json.dumps(payload, separators=(",", ":")).encode()
        headers = {auth.HEADER: auth.sign_request(self.secret, "POST", path, body), "Content-Type": "application/json"}
        async with self.session.post(f"http://{self.nn_addr}{path}", data=body, headers=headers,
                                     timeout=aiohttp.ClientTimeout(total=timeout)) as resp:
            data = await resp.json(content_type=None)
            if resp.status != 200:
                msg = (data or {}).get("RemoteException", {}).get("message") or f"HTTP {resp.status}"
                raise FsError(msg)
            return data

    def _open_store(self, ident: dict) -> None:
        from pyhdp.hdfs.datanode.blockstore import BlockStore

        if self.blocks is None:
            self.blocks = BlockStore(self.data_dir, ident["bpid"], ident["clusterId"], int(ident["namespaceId"]),
                                     self.bpc)
            self.uuid = self.blocks.datanode_uuid

    async def register(self) -> None:
        ident = await self.nn_post("/dn/register", {"uuid": ""})
        self._open_store(ident)
        xfer_port = int(self.xfer_address.rpartition(":")[2])
        http_port = int(self.http_address.rpartition(":")[2])
        ipc_port = int(self.ipc_address.rpartition(":")[2])
        await self.nn_post("/dn/register", {
            "uuid": self.uuid, "ip": self.ip, "hostname": self.hostname, "xferPort": xfer_port,
            "httpPort": http_port, "ipcPort": ipc_port, "storageId": self.blocks.storage_id,
            "clusterId": ident["clusterId"], "version": _version()})
        self.need_register = False
        log.info("Registered with the NameNode at %s as %s:%d (%s)", self.nn_addr, self.ip, xfer_port, self.uuid)
        await self.block_report()

    def scan_replicas(self) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]], int]:
        """``(finalized, rbw, bytes used)`` from the volume's directories."""
        finalized, rbw, used = [], [], 0
        for base, out in ((self.blocks.finalized, finalized), (self.blocks.rbw, rbw)):
            for root, _dirs, files in os.walk(base):
                metas = {}
                for name in files:
                    if name.startswith("blk_") and name.endswith(".meta"):
                        bid_text, _, gs_text = name[4:-5].partition("_")
                        if bid_text.isdigit() and gs_text.isdigit():
                            metas[int(bid_text)] = int(gs_text)
                for name in files:
                    if name.startswith("blk_") and name[4:].isdigit():
                        bid = int(name[4:])
                        try:
                            size = os.path.getsize(os.path.join(root, name))
                        except OSError:
                            continue
                        used += size
                        if bid in metas:
                            out.append((bid, metas[bid], size))
                            used += -(-size // self.bpc) * 4 + ck.HEADER_SIZE
        return finalized, rbw, used

    async def block_report(self) -> None:
        finalized, rbw, used = await asyncio.to_thread(self.scan_replicas)
        self.dfs_used = used
        active = set(self.writers)
        rbw = [r for r in rbw if r[0] not in active]
        out = await self.nn_post("/dn/blockReport", {"uuid": self.uuid, "blocks": finalized, "rbw": rbw},
                                 timeout=300)
        if out.get("reregister"):
            self.need_register = True
        self.last_report = time.monotonic()
        log.info("Sent a block report of %d replicas (%d being written)", len(finalized), len(rbw))

    def space(self) -> dict:
        st = os.statvfs(self.data_dir)
        capacity = st.f_blocks * st.f_frsize
        avail = st.f_bavail * st.f_frsize
        reserved = max(self.reserved, int(capacity * self.reserved_pct / 100))
        remaining = max(0, avail - reserved)
        non_dfs = max(0, capacity - self.dfs_used - avail)
        return {"capacity": max(0, capacity - reserved), "dfsUsed": self.dfs_used, "remaining": remaining,
                "nonDfsUsed": non_dfs, "reserved": reserved, "xceivers": self.xceivers}

    async def heartbeat_loop(self, stop: asyncio.Event) -> None:
        self.last_report = time.monotonic()
        delay = 0.0
        while not stop.is_set():
            try:
                if self.need_register:
                    await self.register()
                if self.received:
                    items, self.received = self.received, []
                    await self.nn_post("/dn/received", {"uuid": self.uuid, "blocks": items})
                if self.bad:
                    items_b, self.bad = self.bad, []
                    await self.nn_post("/dn/bad", {"uuid": self.uuid, "blocks": items_b})
                now = time.monotonic()
                if now >= self._next_heartbeat:
                    out = await self.nn_post("/dn/heartbeat", {"uuid": self.uuid, "stats": self.space()})
                    self._next_heartbeat = now + self.heartbeat_interval
                    if out.get("reregister"):
                        self.need_register = True
                        continue
                    for cmd in out.get("commands", []):
                        self.run_command(cmd)
                if now - self.last_report >= self.report_interval:
                    await self.block_report()
                delay = 0.0
            except Exception as e:  # noqa: BLE001 - keep trying: the NameNode may restart
                delay = min(max(delay * 2, 0.2), max(self.heartbeat_interval, 1.0))
                log.warning("NameNode %s not reachable: %s", self.nn_addr, e)
                self.need_register = True
                self._next_heartbeat = 0.0
            self.wake.clear()
            timeout = delay or max(0.0, self._next_heartbeat - time.monotonic())
            try:
                await asyncio.wait_for(self._wait_any(stop), timeout=timeout)
            except asyncio.TimeoutError:
                pass

    _next_heartbeat = 0.0

    async def _wait_any(self, stop: asyncio.Event) -> None:
        waits = [asyncio.create_task(self.wake.wait()), asyncio.create_task(stop.wait())]
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waits:
                w.cancel()

    def check_volume(self, cause: BaseException | None = None) -> bool:
        """``DatasetVolumeChecker``: after an I/O error, probe the volume (write, sync, delete a file in
        its replica directories).  A failed volume beyond ``dfs.datanode.failed.volumes.tolerated``
        stops the DataNode; the NameNode then sees it dead and copies its blocks elsewhere."""
        import errno

        if isinstance(cause, OSError) and cause.errno == errno.ENOSPC:
            return True  # a full disk is not a failed one
        if self.blocks is None:
            return True
        for d in (self.blocks.rbw, self.blocks.finalized):
            probe = os.path.join(d, f".volume-check-{os.getpid()}")
            try:
                fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                try:
                    os.write(fd, b"pyhdp")
                    os.fsync(fd)
                finally:
                    os.close(fd)
                os.unlink(probe)
            except OSError as e:
                self.volume_failed(f"{d}: {e.strerror or e}")
                return False
        return True

    def volume_failed(self, reason: str) -> None:
        if self.failed_volume is not None:
            return
        self.failed_volume = reason
        log.error("Volume %s failed: %s", self.data_dir, reason)
        log.error("Too many failed volumes - current valid volumes: 0, volumes configured: 1, volumes failed: 1, "
                  "volume failures tolerated: %d. Shutting down the DataNode.", self.tolerated)
        if self.stop_event is not None:
            self.stop_event.set()

    def replica_done(self, bid: int, gs: int, length: int) -> None:
        self.received.append((bid, gs, length))
        self.dfs_used += length
        self.wake.set()

    def report_bad(self, bid: int, reason: str) -> None:
        self.bad.append((bid, reason))
        self.wake.set()

    # ------------------------------------------------------------------ commands
    def run_command(self, cmd: dict) -> None:
        kind = cmd.get("cmd")
        if kind == "invalidate":
            bids = [int(b) for b in cmd.get("blocks", [])]
            for bid in bids:
                w = self.writers.pop(bid, None)
                if w is not None:
                    w.close()
            self.blocks.delete_blocks(bids)
            log.info("Deleted %d replicas on the NameNode's command", len(bids))
        elif kind == "transfer":
            asyncio.get_running_loop().create_task(self.transfer(cmd))

    async def transfer(self, cmd: dict) -> None:
        """Copy a replica to other nodes (re-replication), verifying it on the way out."""
        from pyhdp.hdfs.datanode.blockstore import ReplicaNotFoundError

        bid, gs, length = int(cmd["block"]), int(cmd["genstamp"]), int(cmd["length"])
        targets = [t["http"] for t in cmd.get("targets", [])]
        if not targets:
            return
        try:
            data_path, meta_path = self.blocks.open_replica(bid, gs)
        except ReplicaNotFoundError:
            log.warning("Cannot transfer blk_%s_%s: no replica here", bid, gs)
            return
        try:
            with open(data_path, "rb") as f:
                data = f.read(length)
            with open(meta_path, "rb") as f:
                bpc = ck.parse_header(f.read(ck.HEADER_SIZE))[2]
                crcs = f.read(-(-length // bpc) * 4)
            if len(data) != length or ck.chunk_crcs(data, bpc) != crcs:
                self.report_bad(bid, f"Checksum error in blk_{bid}_{gs} found while transferring it")
                return
            body = packets.encode_all(data, bpc)
            url = (f"http://{targets[0]}/dn/write?bid={bid}&gs={gs}&offset=0&final=1&bpc={bpc}"
                   f"&pipeline={','.join(targets[1:])}&token={cmd['token']}")
            async with self.session.put(url, data=body) as resp:
                out = await resp.json(content_type=None)
                if resp.status != 200:
                    raise FsError(str(out))
            log.info("Transferred blk_%s_%s to %s", bid, gs, ",".join(targets))
        except Exception as e:  # noqa: BLE001
            log.warning("Transfer of blk_%s_%s to %s failed: %s", bid, gs, targets, e)

    # ------------------------------------------------------------------ block scanner
    def scanner(self, stop_flag) -> None:
        """``VolumeScanner``: re-verify every finalized replica once per scan period, throttled."""
        while not stop_flag.is_set():
            start = time.monotonic()
            if self.blocks is not None:
                finalized, _rbw, _used = self.scan_replicas()
                for bid, gs, length in finalized:
                    if stop_flag.is_set():
                        return
                    if bid in self.writers:
                        continue
                    try:
                        self.blocks.verify_replica(bid, gs, length)
                    except ChecksumError as e:
                        log.warning("Block scanner found a corrupt replica blk_%s_%s: %s", bid, gs, e)
                        self.loop.call_soon_threadsafe(self.report_bad, bid, str(e))
                    except (OSError, ValueError):
                        continue
                    if self.scan_rate > 0:
                        stop_flag.wait(length / self.scan_rate)
            elapsed = time.monotonic() - start
            stop_flag.wait(max(1.0, self.scan_period - elapsed) if self.blocks is not None else 1.0)

    def close(self) -> None:
        for w in list(self.writers.values()):
            try:
                w.close()
            except OSError:
                pass
        self.lock.release()


def _version() -> str:
    from pyhdp import __version__

    return __version__


async def serve(conf, stop: asyncio.Event) -> None:
    import threading

    import aiohttp

    from pyhdp.hdfs.server import dn_http
    from pyhdp.hdfs.server.common import bind_addr, notify_ready, shutdown_banner, start_site

    dn = DataNode(conf)
    dn.loop = asyncio.get_running_loop()
    dn.stop_event = stop
    dn.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=120))
    runner = None
    scan_stop = threading.Event()
    try:
        host, port = bind_addr(dn.http_address)
        runner = await start_site(dn_http.app(dn), host, port, "the DataNode HTTP server")
        log.info("DataNode HTTP server up at http://%s:%d, data dir %s", host, port, dn.data_dir)
        notify_ready()
        hb = asyncio.create_task(dn.heartbeat_loop(stop))
        scanner = threading.Thread(target=dn.scanner, args=(scan_stop,), name="BlockScanner", daemon=True)
        if dn.scan_period > 0:
            scanner.start()
        await stop.wait()
        log.info("Received SIGTERM: shutting down the DataNode")
        hb.cancel()
    finally:
        scan_stop.set()
        if runner is not None:
            await runner.cleanup()
        await dn.session.close()
        dn.close()
        shutdown_banner("DataNode")
    if dn.failed_volume is not None:
        raise FsError(f"DataNode stopped: volume {dn.data_dir} failed ({dn.failed_volume})", dn.data_dir)


def run(args: list[str], conf) -> int:
    """``hdfs datanode`` in the foreground."""
    from pyhdp.hdfs.server.common import run_daemon, startup_banner, will_notify_ready

    if args:
        import sys

        sys.stderr.write(f"Usage: hdfs datanode (unknown arguments for the daemon: {' '.join(args)})\n")
        return 1
    will_notify_ready()
    startup_banner("DataNode", args)
    return run_daemon(lambda stop: serve(conf, stop))
