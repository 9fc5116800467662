"""The DataNode daemon: the block store of the standalone layout, served over HTTP.

* Volumes: every ``dfs.datanode.data.dir`` entry (:mod:`.volumes`; the embedded store's data dir
  by default, so the first DataNode serves the standalone blocks unchanged), locked exclusively;
  failed volumes are dropped up to ``dfs.datanode.failed.volumes.tolerated``.
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
        self.data_dirs = data_dirs(conf)
        self.data_dir = self.data_dirs[0]
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
        if self.tolerated < 0 or self.tolerated >= len(self.data_dirs):
            raise FsError(f"Invalid value configured for dfs.datanode.failed.volumes.tolerated - {self.tolerated}. "
                          "Value configured is either less than 0 or >= to the number of configured volumes "
                          f"({len(self.data_dirs)}).")
        self.stop_event: asyncio.Event | None = None
        self.failed_volume: str | None = None
        self.report_due = False
        perm = conf.get_trimmed("dfs.datanode.data.dir.perm", "700") or "700"
        self.locks = []
        for d in self.data_dirs:
            os.makedirs(d, exist_ok=True)
            try:
                os.chmod(d, int(perm, 8))  # DataStorage: the volume is the DataNode user's alone
            except (ValueError, OSError) as e:
                raise FsError(f"Invalid dfs.datanode.data.dir.perm {perm} for {d}: {e}", d) from e
            lock = StorageLock(d)
            if not lock.lock(exclusive=True, timeout=0.5):
                owner = lock.owner_text()
                for held in self.locks:
                    held.release()
                raise FsError(f"Cannot lock storage {d}. The directory is already locked"
                              f"{' by ' + owner if owner else ''}.", d)
            lock.write_owner()
            self.locks.append(lock)
        self.secret = auth.load_secret(conf)
        self.blocks = None  # VolumeSet, once the NameNode told the block pool
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
        from pyhdp.hdfs.server.volumes import VolumeSet

        if self.blocks is None:
            self.blocks = VolumeSet(self.data_dirs, ident["bpid"], ident["clusterId"], int(ident["namespaceId"]),
                                    self.bpc)
            self.uuid = self.blocks.datanode_uuid
            for d, reason in self.blocks.failed.items():
                log.error("Volume %s failed at start: %s", d, reason)
            if len(self.blocks.failed) > self.tolerated:
                self.volume_failed(f"{len(self.blocks.failed)} volume(s) failed at start")

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
        for base, out in [(d, o) for v in self.blocks.volumes for d, o in ((v.finalized, finalized), (v.rbw, rbw))]:
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
        self.report_due = False
        log.info("Sent a block report of %d replicas (%d being written)", len(finalized), len(rbw))

    def space(self) -> dict:
        """Capacity figures summed over the live volumes (each with its own reserve), as FsVolumeImpl."""
        dirs = [v.data_dir for v in self.blocks.volumes] if self.blocks is not None else self.data_dirs
        capacity = avail = reserved = remaining = 0
        best = 0
        for d in dirs:
            try:
                st = os.statvfs(d)
            except OSError:
                continue
            cap = st.f_blocks * st.f_frsize
            av = st.f_bavail * st.f_frsize
            res = max(self.reserved, int(cap * self.reserved_pct / 100))
            capacity += max(0, cap - res)
            avail += av
            reserved += res
            remaining += max(0, av - res)
            best = max(best, max(0, av - res))
        non_dfs = max(0, capacity + reserved - self.dfs_used - avail)
        return {"capacity": capacity, "dfsUsed": self.dfs_used, "remaining": remaining, "nonDfsUsed": non_dfs,
                "reserved": reserved, "xceivers": self.xceivers, "maxVolumeRemaining": best,
                "failedVolumes": len(self.blocks.failed) if self.blocks is not None else 0}

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
                if self.report_due or now - self.last_report >= self.report_interval:
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
        """``DatasetVolumeChecker``: after an I/O error, probe every volume (write, sync, delete a file in
        its replica directories).  Failed volumes are taken out (a block report tells the NameNode what
        is gone); beyond ``dfs.datanode.failed.volumes.tolerated`` the DataNode stops, the NameNode sees
        it dead and copies its blocks elsewhere."""
        import errno

        if isinstance(cause, OSError) and cause.errno == errno.ENOSPC:
            return True  # a full disk is not a failed one
        if self.blocks is None:
            return True
        ok = True
        for v in list(self.blocks.volumes):
            for d in (v.rbw, v.finalized):
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
                    log.error("Volume %s failed: %s: %s", v.data_dir, d, e.strerror or e)
                    self.blocks.fail(v, f"{d}: {e.strerror or e}")
                    ok = False
                    break
        if not ok:
            if len(self.blocks.failed) > self.tolerated or not self.blocks.volumes:
                self.volume_failed("; ".join(f"{k}: {r}" for k, r in self.blocks.failed.items()))
            else:
                self.report_due = True  # a full block report soon: the NameNode forgets the lost replicas
                self.wake.set()
        return ok

    def volume_failed(self, reason: str) -> None:
        if self.failed_volume is not None:
            return
        self.failed_volume = reason
        configured = len(self.data_dirs)
        failed = len(self.blocks.failed) if self.blocks is not None else configured
        log.error("Too many failed volumes - current valid volumes: %d, volumes configured: %d, volumes failed: "
                  "%d, volume failures tolerated: %d. Shutting down the DataNode.", configured - failed, configured,
                  failed, self.tolerated)
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
        for lock in self.locks:
            lock.release()


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
