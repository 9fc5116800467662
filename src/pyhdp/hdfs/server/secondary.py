"""The SecondaryNameNode: periodic checkpoints of the NameNode's namespace.

Every ``dfs.namenode.checkpoint.period`` seconds it asks the NameNode for a consistent image of
its namespace (``GET /imagetransfer?getimage=1`` on the client port, signed with the cluster
secret; the NameNode checkpoints its WAL and sends a SQLite backup), and keeps the newest
``dfs.namenode.num.checkpoints.retained`` of them as ``current/fsimage_<txid>`` in
``dfs.namenode.checkpoint.dir`` — a copy of the metadata from which a lost name directory can
be restored (copy the newest image to ``<name dir>/current/namespace.db`` with its VERSION).
Status on ``dfs.namenode.secondary.http-address`` (``/``, ``/jmx``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time

from pyhdp.errors import FsError
from pyhdp.net import auth, httpclient

log = logging.getLogger("pyhdp.hdfs.server.secondary")


class SecondaryNameNode:
    def __init__(self, conf):
        from pyhdp.hdfs.namenode.storage import local_dir
        from pyhdp.hdfs.server.common import client_addr, nn_rpc_address

        self.conf = conf
        self.nn_addr = client_addr(nn_rpc_address(conf))
        value = conf.get("dfs.namenode.checkpoint.dir") or "file://${hadoop.tmp.dir}/dfs/namesecondary"
        self.dir = local_dir(conf.expand(value).split(",")[0])
        self.current = os.path.join(self.dir, "current")
        os.makedirs(self.current, exist_ok=True)
        self.http_address = conf.get_trimmed("dfs.namenode.secondary.http-address", "127.0.0.1:9868") or \
            "127.0.0.1:9868"
        self.period = conf.get_duration("dfs.namenode.checkpoint.period", 3600.0, unit="s", result_unit="s")
        self.retained = max(1, conf.get_int("dfs.namenode.num.checkpoints.retained", 2))
        self.secret = auth.load_secret(conf)
        self.last_checkpoint: float | None = None
        self.last_txid: int | None = None
        self.last_error = ""
        self.started = time.time()

    def checkpoint(self) -> int:
        """One checkpoint: fetch the image, store it atomically, drop old ones. Returns its txid."""
        path = "/imagetransfer?getimage=1"
        sig = auth.sign_request(self.secret, "GET", path, b"")
        resp = httpclient.request(self.nn_addr, "GET", path, headers={auth.HEADER: sig}, timeout=600)
        if resp.status != 200:
            raise FsError(f"Image transfer from {self.nn_addr} failed: HTTP {resp.status} {resp.body[:200]!r}")
        txid = int(resp.headers.get("X-Image-Txid", "0"))
        name = f"fsimage_{txid:019d}"
        tmp = os.path.join(self.current, f"{name}.ckpt")
        with open(tmp, "wb") as f:
            f.write(resp.body)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, os.path.join(self.current, name))
        version = resp.headers.get("X-Image-Version", "")
        if version:
            with open(os.path.join(self.current, "VERSION"), "w") as f:
                f.write(version.replace("\\n", "\n"))
        images = sorted(n for n in os.listdir(self.current) if n.startswith("fsimage_") and n[8:].isdigit())
        for old in images[: -self.retained]:
            os.unlink(os.path.join(self.current, old))
        self.last_checkpoint, self.last_txid = time.time(), txid
        log.info("Checkpoint done. New Image Size: %d (txid %d) in %s", len(resp.body), txid, self.current)
        return txid


async def serve(conf, stop: asyncio.Event) -> None:
    from aiohttp import web

    from pyhdp.hdfs.server.common import bind_addr, notify_ready, shutdown_banner, start_site
    from pyhdp.hdfs.server.nn_http import json_response

    snn = SecondaryNameNode(conf)

    async def status(request):
        return json_response({"beans": [{
            "name": "Hadoop:service=SecondaryNameNode,name=SecondaryNameNodeInfo",
            "HostAndPort": snn.nn_addr, "CheckpointDirectories": [snn.dir], "CheckpointPeriod": snn.period,
            "LastCheckpointTime": int((snn.last_checkpoint or 0) * 1000), "LastCheckpointTxid": snn.last_txid,
            "StartTime": int(snn.started * 1000), "LastError": snn.last_error}]})

    app = web.Application()
    app.router.add_get("/", status)
    app.router.add_get("/jmx", status)
    host, port = bind_addr(snn.http_address)
    runner = await start_site(app, host, port, "the SecondaryNameNode HTTP server")
    log.info("SecondaryNameNode web server up at http://%s:%d, checkpoints every %.0f s into %s", host, port,
             snn.period, snn.dir)
    notify_ready()
    try:
        delay = snn.period
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), timeout=delay)
                break
            except asyncio.TimeoutError:
                pass
            try:
                await asyncio.to_thread(snn.checkpoint)
                snn.last_error, delay = "", snn.period
            except OSError as e:
                snn.last_error = str(e)
                delay = min(snn.period, 60.0)
                log.warning("Checkpoint failed (trying again in %.0f s): %s", delay, e)
    finally:
        await runner.cleanup()
        shutdown_banner("SecondaryNameNode")


def run(args: list[str], conf) -> int:
    """``hdfs secondarynamenode`` in the foreground."""
    from pyhdp.hdfs.server.common import run_daemon, startup_banner, will_notify_ready

    if args:
        import sys

        sys.stderr.write(f"Usage: hdfs secondarynamenode (unknown arguments: {' '.join(args)})\n")
        return 1
    will_notify_ready()
    startup_banner("SecondaryNameNode", args)
    return run_daemon(lambda stop: serve(conf, stop))
