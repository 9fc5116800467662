"""``yarn resourcemanager``: the RM core behind aiohttp.

One HTTP endpoint, ``yarn.resourcemanager.webapp.address`` (pyhdp default 127.0.0.1:8088),
carries the REST API (``/ws/v1/cluster/...``), the ``/cluster`` page, the ``/proxy/<app>/``
redirect to the ApplicationMaster, and the signed protocols: ``/rpc/nm/*`` (NodeManagers,
cluster secret), ``/rpc/am/*`` (ApplicationMasters, their application token) and the
mutating client calls (submit, kill, move, ``rmadmin``: cluster secret).  Hadoop's separate
8030-8033 RPC ports are not opened.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from typing import Any

from pyhdp.net.auth import AuthError, load_secret
from pyhdp.yarn import ids
from pyhdp.yarn import rpc as yrpc
from pyhdp.yarn.records import APP_STATES, Resource, ResourceAsk
from pyhdp.yarn.rm import events as ev
from pyhdp.yarn.rm import rest
from pyhdp.yarn.rm.core import RMCore, Settings
from pyhdp.yarn.rm.queues import build_queues, find_queue

log = logging.getLogger("pyhdp.yarn.resourcemanager.ResourceManager")
applog = logging.getLogger("pyhdp.yarn.resourcemanager.RMAppImpl")


def now_ms() -> int:
    return int(time.time() * 1000)


def scheduler_conf(conf: Any) -> Any:
    """``conf`` plus ``capacity-scheduler.xml`` of the conf dir when there is one."""
    conf = conf.copy()
    d = conf.get("pyhdp.conf.dir")
    if d:
        for name in ("capacity-scheduler.xml", "capacity-scheduler.yaml"):
            path = os.path.join(d, name)
            if os.path.isfile(path):
                conf.add_resource(path)
                break
    return conf


def read_host_list(path: str | None) -> frozenset[str]:
    if not path:
        return frozenset()
    try:
        with open(path) as f:
            return frozenset(w for line in f for w in line.split("#", 1)[0].split() if w)
    except OSError:
        return frozenset()


class ResourceManager:
    def __init__(self, conf: Any):
        self.conf = conf
        self.secret = load_secret(conf, create=True)
        self.started = now_ms()
        self.sched_conf = scheduler_conf(conf)
        self.core = RMCore(self.started, Settings.from_conf(conf), build_queues(self.sched_conf))
        self.web = conf.get_trimmed("yarn.resourcemanager.webapp.address") or "127.0.0.1:8088"
        self.outbox: dict[str, list[dict[str, Any]]] = {}
        self.hb_ms = conf.get_int("yarn.resourcemanager.nodemanagers.heartbeat-interval-ms", 1000)
        self.store = None
        if conf.get_bool("yarn.resourcemanager.recovery.enabled", False):
            from pyhdp.yarn.rm.store import StateStore, recover

            root = (
                conf.get_trimmed("yarn.resourcemanager.fs.state-store.uri")
                or "/tmp/hadoop-yarn/system/rmstore"
            )
            self.store = StateStore(root)
            again = recover(self.core, self.store.load(), self.started)
            for app_id in again:
                log.info(f"Recovering application {app_id}: a new attempt will start")
                self.store.save(self.core.apps[app_id])
        self.core.excluded = read_host_list(conf.get_trimmed("yarn.resourcemanager.nodes.exclude-path"))

    # ------------------------------------------------------------------ events and instructions
    def apply(self, *events: ev.Event) -> list[ev.Instruction]:
        out = self.core.handle(*events)
        for ins in out:
            if isinstance(ins, ev.LaunchContainer):
                cmd = {
                    "op": "launch",
                    "container_id": ins.container_id,
                    "app_id": ins.app_id,
                    "user": ins.user,
                    "resource": ins.resource.to_json(),
                    "spec": self._am_spec(ins),
                }
                self._push_launch(ins.node_id, cmd)
            elif isinstance(ins, ev.StopContainer):
                self._to_node(ins.node_id, {"op": "stop", "container_id": ins.container_id})
            elif isinstance(ins, ev.CleanupApp):
                self._to_node(ins.node_id, {"op": "cleanup", "app_id": ins.app_id, "user": ins.user})
            elif isinstance(ins, ev.Resync):
                self._to_node(ins.node_id, {"op": "resync"})
            elif isinstance(ins, ev.AppChanged):
                app = self.core.apps.get(ins.app_id)
                applog.info(f"{ins.app_id} State change to {ins.state}")
                if app is not None and self.store is not None:
                    self.store.save(app)
        return out

    def _push_launch(self, node_id: str, cmd: dict[str, Any]) -> None:
        """Start an AM container at once on its NodeManager; its next heartbeat does it otherwise."""
        node = self.core.nodes.get(node_id)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if node is None or loop is None:
            self._to_node(node_id, cmd)
            return

        def push() -> None:
            try:
                yrpc.call(
                    node.http_address,
                    "POST",
                    "/rpc/containers/start",
                    {
                        "container_id": cmd["container_id"],
                        "user": cmd["user"],
                        "resource": cmd["resource"],
                        "spec": cmd["spec"],
                    },
                    key=self.secret,
                    timeout=10.0,
                )
            except Exception as e:  # noqa: BLE001 - the heartbeat will carry it
                log.info(f"Could not start {cmd['container_id']} on {node_id} directly ({e}); via heartbeat")
                loop.call_soon_threadsafe(self._to_node, node_id, cmd)

        loop.run_in_executor(None, push)

    def _to_node(self, node_id: str, cmd: dict[str, Any]) -> None:
        self.outbox.setdefault(node_id, []).append(cmd)

    def _am_spec(self, ins: ev.LaunchContainer) -> dict[str, Any]:
        spec = dict(ins.spec)
        env = dict(spec.get("environment") or {})
        attempt = ids.attempt_of_container(ins.container_id)
        env.update(
            {
                "PYHDP_APP_TOKEN": yrpc.app_token(self.secret, ins.app_id).decode(),
                "PYHDP_RM_ADDRESS": self.web,
                "APPLICATION_WEB_PROXY_BASE": f"/proxy/{ins.app_id}",
                "APP_SUBMIT_TIME_ENV": str(self.core.apps[ins.app_id].submit_time),
                "MAX_APP_ATTEMPTS": str(self.core.apps[ins.app_id].max_attempts),
                "PYHDP_APP_ATTEMPT_ID": attempt,
            }
        )
        spec["environment"] = env
        return spec

    # ------------------------------------------------------------------ helpers
    def _json(self, data: Any, status: int = 200, headers: dict[str, str] | None = None):
        from aiohttp import web

        return web.Response(
            status=status, text=json.dumps(data), content_type="application/json", headers=headers
        )

    def _error(self, status: int, exception: str, message: str):
        return self._json(yrpc.remote_exception(exception, message), status)

    async def _verified(self, request, app_id: str | None = None) -> bytes:
        body = await request.read()
        yrpc.verify(self.secret, request.method, request.path_qs, body, request.headers, app_id)
        return body

    def _app_or_404(self, app_id: str):
        try:
            ids.parse_app_id(app_id)
        except ValueError:
            return None, self._error(
                400,
                "BadRequestException",
                f"java.lang.IllegalArgumentException: Invalid ApplicationId: {app_id}",
            )
        app = self.core.apps.get(app_id)
        if app is None:
            return None, self._error(
                404, "NotFoundException", f"java.lang.Exception: app with id: {app_id} not found"
            )
        return app, None

    # ------------------------------------------------------------------ ACLs (yarn.acl.enable)
    def _groups(self, user: str) -> tuple[str, ...]:
        from pyhdp.security import groups_for

        return groups_for(user, self.conf)

    def _is_admin(self, user: str) -> bool:
        from pyhdp.yarn.rm.queues import acl_allows

        return acl_allows(self.conf.get("yarn.admin.acl") or "*", user, self._groups(user))

    def _acl_denied_submit(self, user: str, queue: str, app_id: str) -> str:
        from pyhdp.yarn.rm.queues import find_leaf, may_submit

        if not self.conf.get_bool("yarn.acl.enable", False) or self._is_admin(user):
            return ""
        if find_leaf(self.core.root, queue) is None:
            return ""  # the core fails it: unknown queue
        if may_submit(self.core.root, queue, user, self._groups(user), self.sched_conf):
            return ""
        return (
            f"org.apache.hadoop.security.AccessControlException: User {user} does not have permission to "
            f"submit {app_id} to queue {queue}"
        )

    def _may_modify(self, user: str, app) -> bool:
        from pyhdp.yarn.rm.queues import may_administer

        if not self.conf.get_bool("yarn.acl.enable", False) or user == app.user or self._is_admin(user):
            return True
        return may_administer(self.core.root, app.queue, user, self._groups(user), self.sched_conf)

    # ------------------------------------------------------------------ REST
    async def info(self, request):
        return self._json(
            rest.cluster_info(
                self.core,
                self.started,
                "org.apache.hadoop.yarn.server.resourcemanager.recovery."
                + ("FileSystemRMStateStore" if self.store else "NullRMStateStore"),
            )
        )

    async def metrics(self, request):
        return self._json(rest.metrics(self.core))

    async def scheduler(self, request):
        return self._json(rest.scheduler(self.core))

    async def apps(self, request):
        q = request.query
        states = [
            s.strip().upper() for s in (q.get("states") or q.get("state") or "").split(",") if s.strip()
        ]
        for s in states:
            if s not in APP_STATES:
                return self._error(
                    400,
                    "BadRequestException",
                    f"java.lang.IllegalArgumentException: Invalid application-state {s} specified. "
                    f"It should be one of {', '.join(APP_STATES)}",
                )
        types = {t.strip().upper() for t in (q.get("applicationTypes") or "").split(",") if t.strip()}
        out = []
        for app in sorted(self.core.apps.values(), key=lambda a: a.app_id):
            if states and app.state not in states:
                continue
            if types and app.app_type.upper() not in types:
                continue
            if q.get("user") and app.user != q["user"]:
                continue
            if q.get("queue") and app.queue != q["queue"]:
                continue
            if q.get("finalStatus") and app.final_status != q["finalStatus"].upper():
                continue
            if q.get("name") and app.name != q["name"]:
                continue
            out.append(rest.app_json(self.core, app, self.web))
        if q.get("limit"):
            out = out[: int(q["limit"])]
        return self._json({"apps": {"app": out} if out else None})

    async def app(self, request):
        app, err = self._app_or_404(request.match_info["app_id"])
        return err or self._json({"app": rest.app_json(self.core, app, self.web)})

    async def app_attempts(self, request):
        app, err = self._app_or_404(request.match_info["app_id"])
        return err or self._json(rest.attempts_json(self.core, app))

    async def attempt_containers(self, request):
        app, err = self._app_or_404(request.match_info["app_id"])
        if err:
            return err
        return self._json(
            {
                "containers": {
                    "container": rest.containers_json(self.core, app, request.match_info["attempt_id"])
                }
            }
        )

    async def app_state(self, request):
        app, err = self._app_or_404(request.match_info["app_id"])
        if err:
            return err
        if request.method == "GET":
            return self._json({"state": app.state})
        try:
            body = await self._verified(request)
        except AuthError as e:
            return self._error(403, "ForbiddenException", str(e))
        try:
            target = json.loads(body or b"{}").get("state", "")
        except ValueError:
            target = ""
        if target != "KILLED":
            return self._error(
                400, "BadRequestException", "java.lang.Exception: Only 'KILLED' is allowed as a target state."
            )
        if app.state in ("FINISHED", "FAILED", "KILLED"):
            return self._json({"state": app.state})
        user = request.query.get("user.name", "")
        if not self._may_modify(user, app):
            return self._error(
                403,
                "ForbiddenException",
                f"User {user} does not have privilege to kill application {app.app_id}",
            )
        diag = json.loads(body).get("diagnostics") or "Application killed by user."
        self.apply(ev.KillApp(now_ms(), app.app_id, diag))
        applog.info(f"Application {app.app_id} killed by user {user or 'unknown'}")
        return self._json(
            {"state": app.state}, 202, {"Location": f"http://{self.web}/ws/v1/cluster/apps/{app.app_id}"}
        )

    async def app_queue(self, request):
        app, err = self._app_or_404(request.match_info["app_id"])
        if err:
            return err
        if request.method == "GET":
            return self._json({"queue": app.queue})
        try:
            body = await self._verified(request)
            self.apply(ev.MoveApp(now_ms(), app.app_id, json.loads(body).get("queue", "")))
        except AuthError as e:
            return self._error(403, "ForbiddenException", str(e))
        except ev.InvalidStateError as e:
            return self._error(400, "BadRequestException", str(e))
        return self._json({"queue": app.queue})

    async def nodes(self, request):
        states = [
            s.strip().upper()
            for s in (request.query.get("states") or request.query.get("state") or "").split(",")
            if s.strip()
        ]
        out = [
            rest.node_json(n)
            for n in sorted(self.core.nodes.values(), key=lambda n: n.node_id)
            if (n.state in states if states else n.state != "DECOMMISSIONED")
        ]
        return self._json({"nodes": {"node": out} if out else None})

    async def node(self, request):
        n = self.core.nodes.get(request.match_info["node_id"])
        if n is None:
            return self._error(
                404,
                "NotFoundException",
                f"java.lang.Exception: nodeId, {request.match_info['node_id']}, is not found",
            )
        return self._json({"node": rest.node_json(n)})

    async def queue(self, request):
        q = find_queue(self.core.root, request.match_info["queue"])
        if q is None:
            return self._error(
                404,
                "NotFoundException",
                f"Cannot get queue from RM by queueName = {request.match_info['queue']}, please check.",
            )
        return self._json({"queue": rest.queue_info(self.core, q)})

    async def new_application(self, request):
        try:
            await self._verified(request)
        except AuthError as e:
            return self._error(403, "ForbiddenException", str(e))
        app_id = self.core.new_app_id()
        s = self.core.settings.max_alloc
        return self._json({"application-id": app_id, "maximum-resource-capability": s.to_json()})

    async def submit(self, request):
        try:
            body = await self._verified(request)
        except AuthError as e:
            return self._error(403, "ForbiddenException", str(e))
        try:
            ctx = json.loads(body)
            ctx = ctx.get("application-submission-context", ctx)
            app_id = ctx["application-id"]
            ids.parse_app_id(app_id)
        except (ValueError, KeyError, AttributeError) as e:
            return self._error(
                400, "BadRequestException", f"java.lang.Exception: bad submission context: {e}"
            )
        if app_id in self.core.apps:
            return self._error(
                400,
                "BadRequestException",
                f"java.lang.Exception: Application with id {app_id} is already present! Cannot add a duplicate!",
            )
        spec = ctx.get("am-container-spec") or {}
        env = {e["key"]: e["value"] for e in ((spec.get("environment") or {}).get("entry") or [])}
        cmd = (spec.get("commands") or {}).get("command", "")
        resources = [
            {"name": e["key"], **e["value"]} for e in ((spec.get("local-resources") or {}).get("entry") or [])
        ]
        user = request.query.get("user.name") or "dr.who"
        denied = self._acl_denied_submit(user, ctx.get("queue") or "default", app_id)
        if denied:
            return self._error(403, "ForbiddenException", denied)
        tags = tuple((ctx.get("application-tags") or {}).get("tag") or ())
        if isinstance(tags, str):
            tags = (tags,)
        event = ev.SubmitApp(
            now_ms(),
            app_id,
            user,
            ctx.get("application-name", "N/A"),
            ctx.get("queue") or "default",
            ctx.get("application-type", "YARN"),
            Resource.from_json(ctx.get("resource") or {"memory": 1024, "vCores": 1}),
            {
                "commands": cmd,
                "environment": env,
                "local_resources": resources,
                "files": spec.get("pyhdp-files") or {},
            },
            int(ctx.get("max-app-attempts") or 0),
            tags,
            int(ctx.get("priority") or 0),
        )
        self.apply(event)
        applog.info(f"Application with id {ids.parse_app_id(app_id)[1]} submitted by user {user}")
        return self._json(None, 202, {"Location": f"http://{self.web}/ws/v1/cluster/apps/{app_id}"})

    # ------------------------------------------------------------------ NodeManager protocol
    async def nm_register(self, request):
        try:
            d = json.loads(await self._verified(request))
        except AuthError as e:
            return self._error(403, "ForbiddenException", str(e))
        self.outbox.pop(d["node_id"], None)
        self.apply(
            ev.RegisterNode(
                now_ms(),
                d["node_id"],
                d["http_address"],
                Resource.from_json(d["resource"]),
                d.get("version", ""),
            )
        )
        node = self.core.nodes[d["node_id"]]
        log.info(
            f"NodeManager from node {node.host}(cmPort: {d['node_id'].rsplit(':', 1)[1]} httpPort: "
            f"{d['http_address'].rsplit(':', 1)[1]}) registered with capability: {node.capability}, "
            f"assigned nodeId {node.node_id}"
        )
        action = "SHUTDOWN" if node.state == "DECOMMISSIONED" else "NORMAL"
        return self._json({"action": action, "heartbeat_ms": self.hb_ms, "cluster_ts": self.core.cluster_ts})

    async def nm_heartbeat(self, request):
        try:
            d = json.loads(await self._verified(request))
        except AuthError as e:
            return self._error(403, "ForbiddenException", str(e))
        node_id = d["node_id"]
        self.apply(
            ev.NodeHeartbeat(
                now_ms(),
                node_id,
                d.get("containers") or [],
                d.get("healthy", True),
                d.get("health_report", ""),
                d.get("log_aggregation") or [],
            )
        )
        cmds = self.outbox.pop(node_id, [])
        node = self.core.nodes.get(node_id)
        if node is not None and node.state == "DECOMMISSIONED":
            cmds.append({"op": "shutdown"})
        return self._json({"commands": cmds, "heartbeat_ms": self.hb_ms})

    # ------------------------------------------------------------------ ApplicationMaster protocol
    async def _am_call(self, request):
        body = await request.read()
        d = json.loads(body)
        app_id = ids.app_of_attempt(d["attempt_id"])
        yrpc.verify(self.secret, request.method, request.path_qs, body, request.headers, app_id)
        if not request.headers.get(yrpc.APP_HEADER):
            raise AuthError("ApplicationMaster calls need the application's token")
        return d

    async def am_register(self, request):
        try:
            d = await self._am_call(request)
            self.apply(
                ev.RegisterAM(
                    now_ms(),
                    d["attempt_id"],
                    d.get("host", ""),
                    int(d.get("rpc_port", -1)),
                    d.get("tracking_url", ""),
                )
            )
        except AuthError as e:
            return self._error(403, "ForbiddenException", str(e))
        except (KeyError, ev.InvalidStateError) as e:
            return self._error(400, "InvalidApplicationMasterRequestException", str(e))
        s = self.core.settings.max_alloc
        return self._json(
            {
                "maximum-resource-capability": s.to_json(),
                "queue": self.core.apps[ids.app_of_attempt(d["attempt_id"])].queue,
            }
        )

    async def am_allocate(self, request):
        try:
            d = await self._am_call(request)
            asks = [ResourceAsk.from_json(a) for a in d.get("asks") or []]
            self.apply(
                ev.Allocate(
                    now_ms(),
                    d["attempt_id"],
                    asks,
                    d.get("releases") or [],
                    float(d.get("progress", 0.0)),
                    d.get("blacklist") or [],
                )
            )
            return self._json(self.core.drain_allocation(d["attempt_id"]))
        except AuthError as e:
            return self._error(403, "ForbiddenException", str(e))
        except ev.InvalidResourceRequest as e:
            return self._error(400, "InvalidResourceRequestException", str(e))
        except (KeyError, ev.InvalidStateError) as e:
            return self._error(400, "ApplicationAttemptNotFoundException", str(e))

    async def am_finish(self, request):
        try:
            d = await self._am_call(request)
            self.apply(
                ev.FinishAM(
                    now_ms(),
                    d["attempt_id"],
                    d.get("final_status", "UNDEFINED"),
                    d.get("diagnostics", ""),
                    d.get("tracking_url", ""),
                )
            )
        except AuthError as e:
            return self._error(403, "ForbiddenException", str(e))
        except (KeyError, ev.InvalidStateError) as e:
            return self._error(400, "ApplicationAttemptNotFoundException", str(e))
        return self._json({"isUnregistered": True})

    # ------------------------------------------------------------------ admin
    async def admin(self, request):
        try:
            await self._verified(request)
        except AuthError as e:
            return self._error(403, "ForbiddenException", str(e))
        op = request.match_info["op"]
        from pyhdp.conf import load_configuration

        fresh = load_configuration(self.conf.get("pyhdp.conf.dir"))
        if op == "refreshQueues":
            from pyhdp.yarn.rm.queues import QueueConfigError

            try:
                self.sched_conf = scheduler_conf(fresh)
                self.core.refresh_queues(self.sched_conf)
            except QueueConfigError as e:
                return self._error(400, "IOException", f"java.io.IOException: Failed to re-init queues : {e}")
        elif op == "refreshNodes":
            excluded = read_host_list(fresh.get_trimmed("yarn.resourcemanager.nodes.exclude-path"))
            self.apply(ev.RefreshNodes(now_ms(), excluded))
        else:
            return self._error(400, "BadRequestException", f"unknown admin operation {op}")
        return self._json({})

    # ------------------------------------------------------------------ web page and proxy
    async def page(self, request):
        from aiohttp import web

        from pyhdp.yarn.rm.page import cluster_page

        return web.Response(text=cluster_page(self.core, self.web), content_type="text/html")

    async def proxy(self, request):
        from aiohttp import web

        app, err = self._app_or_404(request.match_info["app_id"])
        if err:
            return err
        a = app.attempt
        url = (
            a.tracking_url
            if a and app.state == "RUNNING" and a.tracking_url
            else app.final_tracking_url or f"http://{self.web}/cluster/app/{app.app_id}"
        )
        raise web.HTTPFound(url)

    def routes(self, app) -> None:
        r = app.router
        base = "/ws/v1/cluster"
        for p in (base, base + "/", base + "/info"):
            r.add_get(p, self.info)
        r.add_get(base + "/metrics", self.metrics)
        r.add_get(base + "/scheduler", self.scheduler)
        r.add_get(base + "/apps", self.apps)
        r.add_post(base + "/apps", self.submit)
        r.add_post(base + "/apps/new-application", self.new_application)
        r.add_get(base + "/apps/{app_id}", self.app)
        r.add_get(base + "/apps/{app_id}/appattempts", self.app_attempts)
        r.add_get(base + "/apps/{app_id}/appattempts/{attempt_id}/containers", self.attempt_containers)
        r.add_route("GET", base + "/apps/{app_id}/state", self.app_state)
        r.add_route("PUT", base + "/apps/{app_id}/state", self.app_state)
        r.add_route("GET", base + "/apps/{app_id}/queue", self.app_queue)
        r.add_route("PUT", base + "/apps/{app_id}/queue", self.app_queue)
        r.add_get(base + "/nodes", self.nodes)
        r.add_get(base + "/nodes/{node_id}", self.node)
        r.add_get(base + "/queues/{queue}", self.queue)
        r.add_post("/rpc/nm/register", self.nm_register)
        r.add_post("/rpc/nm/heartbeat", self.nm_heartbeat)
        r.add_post("/rpc/am/register", self.am_register)
        r.add_post("/rpc/am/allocate", self.am_allocate)
        r.add_post("/rpc/am/finish", self.am_finish)
        r.add_post("/rpc/admin/{op}", self.admin)
        r.add_get("/", self.page)
        r.add_get("/cluster", self.page)
        r.add_get("/cluster/{tail:.*}", self.page)
        r.add_get("/proxy/{app_id}/{tail:.*}", self.proxy)
        r.add_get("/proxy/{app_id}", self.proxy)

    async def ticker(self, stop: asyncio.Event) -> None:
        period = max(min(self.core.settings.nm_expiry_ms / 4000.0, 1.0), 0.05)
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), period)
            except asyncio.TimeoutError:
                pass
            self.apply(ev.Tick(now_ms()))


def run(conf: Any) -> int:
    from aiohttp import web

    from pyhdp.hdfs.server.common import (
        bind_addr,
        notify_ready,
        run_daemon,
        shutdown_banner,
        start_site,
        startup_banner,
        will_notify_ready,
    )

    will_notify_ready()
    startup_banner("ResourceManager", [])
    rm = ResourceManager(conf)

    async def main(stop: asyncio.Event) -> None:
        app = web.Application(client_max_size=64 << 20)
        rm.routes(app)
        host, port = bind_addr(rm.web)
        runner = await start_site(app, host, port, "ResourceManager web app")
        log.info(f"Web app cluster started at {port}")
        log.info(f"Transitioned to active state; cluster timestamp {rm.started}")
        notify_ready()
        try:
            await rm.ticker(stop)
        finally:
            await runner.cleanup()
            shutdown_banner("ResourceManager")

    return run_daemon(main)
