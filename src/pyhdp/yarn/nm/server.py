"""``yarn nodemanager``: registers with the RM, heartbeats, runs containers, serves the
``mapreduce_shuffle`` auxiliary service and the NM REST API, aggregates logs.

Endpoints on ``yarn.nodemanager.webapp.address`` (default 8042; give each NM on a host its
own): ``/ws/v1/node/...`` (REST), ``/node/containerlogs/<container>/<user>/<file>``,
``/rpc/containers/start|stop`` (ApplicationMasters, signed with their application token),
``/mapOutput`` (the shuffle: a reducer of an application fetches one partition of a map
output of that same application, signed with its token).  The node id is
``<host>:<port of yarn.nodemanager.address>`` (the port defaults to the web port + 1 when
``yarn.nodemanager.address`` has port 0, so several NMs on a host get distinct ids).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import time
from typing import Any

from pyhdp.net.auth import AuthError, load_secret, sign_request
from pyhdp.yarn import ids
from pyhdp.yarn import rpc as yrpc
from pyhdp.yarn.nm.containers import ContainerManager

log = logging.getLogger("pyhdp.yarn.nodemanager.NodeStatusUpdaterImpl")
agglog = logging.getLogger("pyhdp.yarn.logaggregation.AppLogAggregatorImpl")


def rm_address(conf: Any) -> str:
    from pyhdp.hdfs.server.common import client_addr

    return client_addr(conf.get_trimmed("yarn.resourcemanager.webapp.address") or "127.0.0.1:8088")


class NodeManager:
    def __init__(self, conf: Any):
        from pyhdp.hdfs.server.common import bind_addr

        self.conf = conf
        self.secret = load_secret(conf)
        web = conf.get_trimmed("yarn.nodemanager.webapp.address") or "0.0.0.0:8042"
        self.bind_host, self.port = bind_addr(web)
        host = conf.get_trimmed("yarn.nodemanager.hostname") or "0.0.0.0"
        if host in ("0.0.0.0", ""):
            host = self.bind_host if self.bind_host not in ("0.0.0.0", "") else "127.0.0.1"
        self.host = host
        self.rm = rm_address(conf)
        self.memory = conf.get_int("yarn.nodemanager.resource.memory-mb", 8192)
        self.vcores = conf.get_int("yarn.nodemanager.resource.cpu-vcores", 8)
        if self.memory < 0:
            self.memory = (os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")) >> 20
        if self.vcores < 0:
            self.vcores = os.cpu_count() or 1
        self.hb_ms = 1000
        self.monitor_ms = conf.get_int("yarn.nodemanager.container-monitor.interval-ms", 3000)
        self.aggregate = conf.get_bool("yarn.log-aggregation-enable", False)
        self.debug_delay = conf.get_int("yarn.nodemanager.delete.debug-delay-sec", 0)
        self.started = int(time.time() * 1000)
        self.cm: ContainerManager | None = None
        self.node_id = ""
        self.finished_apps: set[str] = set()
        self.aggregated: list[dict[str, Any]] = []
        self.shutdown = False

    @property
    def http_address(self) -> str:
        return f"{self.host}:{self.port}"

    def _node_port(self) -> int:
        addr = self.conf.get_trimmed("yarn.nodemanager.address") or "0.0.0.0:0"
        try:
            port = int(addr.rpartition(":")[2])
        except ValueError:
            port = 0
        return port or self.port + 1

    # ------------------------------------------------------------------ RM protocol
    def _rm_call(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        return yrpc.call(self.rm, "POST", path, payload, key=self.secret, timeout=10.0)

    async def register(self) -> None:
        payload = {
            "node_id": self.node_id,
            "http_address": self.http_address,
            "resource": {"memory": self.memory, "vCores": self.vcores},
            "version": "3.3.6",
        }
        resp = await asyncio.to_thread(self._rm_call, "/rpc/nm/register", payload)
        self.hb_ms = int(resp.get("heartbeat_ms", 1000))
        log.info(
            f"Registered with ResourceManager as {self.node_id} with total resource of "
            f"<memory:{self.memory}, vCores:{self.vcores}>"
        )
        if resp.get("action") == "SHUTDOWN":
            log.warning("Received SHUTDOWN signal from Resourcemanager as part of registration")
            self.shutdown = True

    async def heartbeat_loop(self, stop: asyncio.Event) -> None:
        assert self.cm is not None
        registered = False
        while not stop.is_set() and not self.shutdown:
            try:
                if not registered:
                    await self.register()
                    registered = True
                statuses = self.cm.statuses()
                logs, self.aggregated = self.aggregated, []
                try:
                    resp = await asyncio.to_thread(
                        self._rm_call,
                        "/rpc/nm/heartbeat",
                        {"node_id": self.node_id, "containers": statuses, "log_aggregation": logs},
                    )
                except Exception:
                    self.aggregated = logs + self.aggregated
                    for st in statuses:  # report them again next time
                        if st["state"] == "COMPLETE":
                            c = self.cm.containers.get(st["container_id"])
                            if c is not None:
                                c.reported = False
                    raise
                for cmd in resp.get("commands") or []:
                    registered = await self._command(cmd) and registered
            except Exception as e:  # noqa: BLE001 - the RM may be restarting: retry
                log.warning(f"Heartbeat to the ResourceManager at {self.rm} failed: {e}")
                registered = False if "403" in str(e) else registered
            try:
                await asyncio.wait_for(stop.wait(), self.hb_ms / 1000.0)
            except asyncio.TimeoutError:
                pass

    async def _command(self, cmd: dict[str, Any]) -> bool:
        """Apply one RM command; False when the node must register again."""
        assert self.cm is not None
        op = cmd.get("op")
        if op == "launch":
            await asyncio.to_thread(
                self.cm.start, cmd["container_id"], cmd["app_id"], cmd["user"], cmd["resource"], cmd["spec"]
            )
        elif op == "stop":
            from pyhdp.yarn.records import EXIT_KILLED_BY_RESOURCEMANAGER

            self.cm.stop(cmd["container_id"], EXIT_KILLED_BY_RESOURCEMANAGER)
        elif op == "cleanup":
            asyncio.get_running_loop().create_task(self._finish_app(cmd["app_id"], cmd["user"]))
        elif op == "resync":
            log.info("Node is out of sync with ResourceManager, hence resyncing.")
            self.cm.stop_all()
            return False
        elif op == "shutdown":
            log.warning("Received SHUTDOWN signal from Resourcemanager, Registration of NodeManager failed")
            self.shutdown = True
        return True

    async def _finish_app(self, app_id: str, user: str) -> None:
        assert self.cm is not None
        if app_id in self.finished_apps:
            return
        self.finished_apps.add(app_id)
        for _ in range(40):  # an unregistered ApplicationMaster exits by itself
            if all(c.state == "DONE" for c in self.cm.app_containers(app_id)):
                break
            await asyncio.sleep(0.05)
        for c in self.cm.app_containers(app_id):
            self.cm.stop(c.container_id)
        for _ in range(100):
            if all(c.state == "DONE" for c in self.cm.app_containers(app_id)):
                break
            await asyncio.sleep(0.05)
        if self.aggregate:
            from pyhdp.yarn.nm.logagg import aggregate

            try:
                n = await asyncio.to_thread(
                    aggregate, self.conf, user, app_id, self.node_id, self.cm.app_log_dir(app_id)
                )
                agglog.info(f"Application just finished : {app_id}; uploaded {n} log files")
                self.aggregated.append({"app_id": app_id, "status": "SUCCEEDED"})
            except Exception as e:  # noqa: BLE001
                agglog.warning(f"Log aggregation of {app_id} failed: {e}")
                self.aggregated.append({"app_id": app_id, "status": "FAILED"})
        if self.debug_delay <= 0:
            shutil.rmtree(self.cm.app_dir(user, app_id), ignore_errors=True)
            if self.aggregate:
                shutil.rmtree(self.cm.app_log_dir(app_id), ignore_errors=True)
        await asyncio.sleep(max(self.hb_ms / 1000.0 * 3, 1.0))  # their completion reaches the RM first
        self.cm.forget_app(app_id)

    async def monitor_loop(self, stop: asyncio.Event) -> None:
        assert self.cm is not None
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), self.monitor_ms / 1000.0)
            except asyncio.TimeoutError:
                pass
            await asyncio.to_thread(self.cm.check_memory)

    # ------------------------------------------------------------------ HTTP
    def _json(self, data: Any, status: int = 200):
        from aiohttp import web

        return web.Response(status=status, text=json.dumps(data), content_type="application/json")

    def _error(self, status: int, exception: str, message: str):
        return self._json(yrpc.remote_exception(exception, message), status)

    async def start_containers(self, request):
        assert self.cm is not None
        body = await request.read()
        try:
            d = json.loads(body)
            app_id = ids.app_of_container(d["container_id"])
            yrpc.verify(self.secret, request.method, request.path_qs, body, request.headers, app_id)
        except AuthError as e:
            return self._error(403, "InvalidToken", str(e))
        except (ValueError, KeyError) as e:
            return self._error(400, "BadRequestException", str(e))
        if d["container_id"] in self.cm.containers:
            return self._json(
                {"container_id": d["container_id"], "state": self.cm.containers[d["container_id"]].state}
            )
        c = await asyncio.to_thread(
            self.cm.start,
            d["container_id"],
            app_id,
            d.get("user", "dr.who"),
            d.get("resource") or {},
            d.get("spec") or {},
        )
        return self._json({"container_id": c.container_id, "state": c.state})

    async def stop_containers(self, request):
        assert self.cm is not None
        body = await request.read()
        try:
            d = json.loads(body)
            app_id = ids.app_of_container(d["container_id"])
            yrpc.verify(self.secret, request.method, request.path_qs, body, request.headers, app_id)
        except AuthError as e:
            return self._error(403, "InvalidToken", str(e))
        except (ValueError, KeyError) as e:
            return self._error(400, "BadRequestException", str(e))
        return self._json({"stopped": self.cm.stop(d["container_id"])})

    async def map_output(self, request):
        """The shuffle: ``GET /mapOutput?app=&path=&reduce=`` → index entry header + segment bytes."""
        from aiohttp import web

        from pyhdp.mapreduce.mapoutput import read_index

        assert self.cm is not None
        q = request.query
        app_id, path = q.get("app", ""), q.get("path", "")
        try:
            ids.parse_app_id(app_id)
            yrpc.verify(self.secret, "GET", request.path_qs, b"", request.headers, app_id)
            if not request.headers.get(yrpc.APP_HEADER):
                raise AuthError("the shuffle needs the application's token")
            reduce = int(q.get("reduce", "0"))
        except AuthError as e:
            return self._error(403, "InvalidToken", str(e))
        except ValueError as e:
            return self._error(400, "BadRequestException", str(e))
        real = os.path.realpath(path)
        allowed = [os.path.realpath(os.path.join(d, "usercache")) for d in self.cm.local_dirs]
        if not any(
            real.startswith(a + os.sep) and f"{os.sep}appcache{os.sep}{app_id}{os.sep}" in real
            for a in allowed
        ):
            return self._error(403, "InvalidToken", f"{path} is not a map output of {app_id}")
        try:
            index = await asyncio.to_thread(read_index, real + ".index")
            offset, length, count = index[reduce]
            with open(real, "rb") as f:
                f.seek(offset)
                data = f.read(length)
        except (OSError, IndexError) as e:
            return self._error(404, "DiskErrorException", f"Error reading map output {path}: {e}")
        return web.Response(
            body=data,
            headers={"X-Map-Records": str(count), "X-Map-Length": str(length)},
            content_type="application/octet-stream",
        )

    async def node_info(self, request):
        assert self.cm is not None
        cs = [c for c in self.cm.snapshot() if c.state != "DONE"]
        return self._json(
            {
                "nodeInfo": {
                    "healthReport": "",
                    "totalVmemAllocatedContainersMB": int(sum(c.memory_mb for c in cs) * 2.1),
                    "totalPmemAllocatedContainersMB": sum(c.memory_mb for c in cs),
                    "totalVCoresAllocatedContainers": sum(c.vcores for c in cs),
                    "vmemCheckEnabled": self.cm.vmem_check,
                    "pmemCheckEnabled": self.cm.pmem_check,
                    "lastNodeUpdateTime": int(time.time() * 1000),
                    "nodeHealthy": True,
                    "nodeManagerVersion": "3.3.6",
                    "nodeManagerBuildVersion": "3.3.6 from pyhdp",
                    "nodeManagerVersionBuiltOn": "2023-06-18T08:22Z",
                    "hadoopVersion": "3.3.6",
                    "hadoopBuildVersion": "3.3.6 from pyhdp",
                    "hadoopVersionBuiltOn": "2023-06-18T08:22Z",
                    "id": self.node_id,
                    "nodeHostName": self.host,
                    "nmStartupTime": self.started,
                }
            }
        )

    def _container_json(self, c) -> dict[str, Any]:
        state = {"NEW": "NEW", "LOCALIZING": "LOCALIZING", "RUNNING": "RUNNING", "KILLING": "KILLING"}.get(
            c.state, "DONE"
        )
        try:
            files = sorted(os.listdir(c.log_dir))
        except OSError:  # not made yet, or cleaned up meanwhile
            files = []
        return {
            "id": c.container_id,
            "state": state,
            "nodeId": self.node_id,
            "containerLogsLink": f"http://{self.http_address}/node/containerlogs/{c.container_id}/{c.user}",
            "user": c.user,
            "exitCode": c.exit_status,
            "diagnostics": c.diagnostics,
            "totalMemoryNeededMB": c.memory_mb,
            "totalVCoresNeeded": c.vcores,
            "containerLogFiles": files,
        }

    async def containers(self, request):
        assert self.cm is not None
        out = [self._container_json(c) for c in self.cm.snapshot()]
        return self._json({"containers": {"container": out} if out else None})

    async def container(self, request):
        assert self.cm is not None
        c = self.cm.containers.get(request.match_info["cid"])
        if c is None:
            return self._error(
                404,
                "NotFoundException",
                f"java.lang.Exception: container with id, {request.match_info['cid']}, not found",
            )
        return self._json({"container": self._container_json(c)})

    async def container_log(self, request):
        from aiohttp import web

        assert self.cm is not None
        cid = request.match_info["cid"]
        name = os.path.basename(request.match_info["file"])
        try:
            app_id = ids.app_of_container(cid)
        except ValueError:
            return self._error(400, "BadRequestException", f"Invalid ContainerId: {cid}")
        path = os.path.join(self.cm.app_log_dir(app_id), cid, name)
        if not os.path.isfile(path):
            return self._error(404, "NotFoundException", f"Cannot find this log on the local disk: {name}")
        return web.FileResponse(path, headers={"Content-Type": "text/plain"})

    async def apps(self, request):
        assert self.cm is not None
        by_app: dict[str, list] = {}
        for c in self.cm.snapshot():
            by_app.setdefault(c.app_id, []).append(c)
        out = [
            {
                "id": a,
                "state": "FINISHED" if a in self.finished_apps else "RUNNING",
                "user": cs[0].user,
                "containerids": [c.container_id for c in cs],
            }
            for a, cs in sorted(by_app.items())
        ]
        return self._json({"apps": {"app": out} if out else None})

    def routes(self, app) -> None:
        r = app.router
        for p in ("/ws/v1/node", "/ws/v1/node/info"):
            r.add_get(p, self.node_info)
        r.add_get("/ws/v1/node/apps", self.apps)
        r.add_get("/ws/v1/node/containers", self.containers)
        r.add_get("/ws/v1/node/containers/{cid}", self.container)
        r.add_get("/ws/v1/node/containers/{cid}/logs/{file}", self.container_log)
        r.add_get("/node/containerlogs/{cid}/{user}/{file}", self.container_log)
        r.add_post("/rpc/containers/start", self.start_containers)
        r.add_post("/rpc/containers/stop", self.stop_containers)
        r.add_get("/mapOutput", self.map_output)


def run(conf: Any) -> int:
    from aiohttp import web

    from pyhdp.hdfs.server.common import (
        notify_ready,
        run_daemon,
        shutdown_banner,
        start_site,
        startup_banner,
        will_notify_ready,
    )

    will_notify_ready()
    startup_banner("NodeManager", [])
    nm = NodeManager(conf)

    async def main(stop: asyncio.Event) -> None:
        app = web.Application(client_max_size=64 << 20)
        nm.routes(app)
        runner = await start_site(app, nm.bind_host, nm.port, "NodeManager web app")
        if nm.port == 0:
            nm.port = runner.addresses[0][1]
        nm.node_id = f"{nm.host}:{nm._node_port()}"
        nm.cm = ContainerManager(conf, nm.node_id, nm.http_address)
        notify_ready()
        hb = asyncio.get_running_loop().create_task(nm.heartbeat_loop(stop))
        mon = asyncio.get_running_loop().create_task(nm.monitor_loop(stop))
        try:
            while not stop.is_set() and not nm.shutdown:
                try:
                    await asyncio.wait_for(stop.wait(), 0.5)
                except asyncio.TimeoutError:
                    pass
        finally:
            stop.set()
            nm.cm.stop_all()
            await asyncio.sleep(nm.cm.kill_delay + 0.1)
            for t in (hb, mon):
                t.cancel()
            await runner.cleanup()
            shutdown_banner("NodeManager")

    return run_daemon(main)


__all__ = ["NodeManager", "run", "sign_request"]
