"""The ResourceManager as a pure state machine: ``RMCore.handle(event) -> [instructions]``.

No sockets, clocks or threads: the daemon (:mod:`pyhdp.yarn.rm.server`) feeds it events
stamped with the time and carries out the instructions (AM launches and container stops
go into NodeManager heartbeat replies).  Allocations for ApplicationMasters are queued
on their attempt and handed out on the next ``Allocate``.

Application states (``YarnApplicationState``): NEW → SUBMITTED → ACCEPTED → RUNNING →
FINISHED | FAILED | KILLED, with a final status (UNDEFINED → SUCCEEDED | FAILED |
KILLED).  Attempt states: SCHEDULED → ALLOCATED → LAUNCHED → RUNNING → FINISHED |
FAILED | KILLED.  Container states: ALLOCATED → ACQUIRED → RUNNING → COMPLETED.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from pyhdp.yarn import ids
from pyhdp.yarn.records import (
    EXIT_ABORTED,
    EXIT_KILLED_AFTER_APP_COMPLETION,
    EXIT_KILLED_BY_RESOURCEMANAGER,
    FINAL_STATES,
    Resource,
    ResourceAsk,
)
from pyhdp.yarn.rm import events as ev
from pyhdp.yarn.rm.queues import Queue, build_queues, find_leaf

APP_TRANSITIONS = {
    "NEW": {"SUBMITTED", "FAILED", "KILLED"},
    "SUBMITTED": {"ACCEPTED", "FAILED", "KILLED"},
    "ACCEPTED": {"RUNNING", "FAILED", "KILLED", "FINISHED"},
    "RUNNING": {"ACCEPTED", "FINISHED", "FAILED", "KILLED"},
    "FINISHED": set(),
    "FAILED": set(),
    "KILLED": set(),
}


class InvalidTransition(RuntimeError):
    pass


@dataclasses.dataclass
class Node:
    node_id: str
    http_address: str
    capability: Resource
    state: str = "RUNNING"
    used: Resource = Resource()
    last_heartbeat: int = 0
    health_report: str = ""
    containers: set[str] = dataclasses.field(default_factory=set)
    version: str = ""
    outbox: list[ev.Instruction] = dataclasses.field(default_factory=list)

    @property
    def host(self) -> str:
        return self.node_id.rsplit(":", 1)[0]

    @property
    def available(self) -> Resource:
        return self.capability - self.used


@dataclasses.dataclass
class Container:
    container_id: str
    attempt_id: str
    node_id: str
    resource: Resource
    priority: int
    is_am: bool = False
    state: str = "ALLOCATED"
    exit_status: int = -1000
    diagnostics: str = ""
    start_time: int = 0
    finish_time: int = 0

    def status_json(self) -> dict[str, Any]:
        return {
            "container_id": self.container_id,
            "state": "COMPLETE" if self.state == "COMPLETED" else "RUNNING",
            "exit_status": self.exit_status,
            "diagnostics": self.diagnostics,
        }


@dataclasses.dataclass
class Attempt:
    attempt_id: str
    number: int
    state: str = "SCHEDULED"
    am_container: str = ""
    host: str = ""
    rpc_port: int = -1
    tracking_url: str = ""
    start_time: int = 0
    finish_time: int = 0
    diagnostics: str = ""
    unregistered: bool = False
    last_heartbeat: int = 0
    pending: list[ResourceAsk] = dataclasses.field(default_factory=list)
    new_containers: list[str] = dataclasses.field(default_factory=list)
    completed: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    lost_nodes: list[str] = dataclasses.field(default_factory=list)
    blacklist: set[str] = dataclasses.field(default_factory=set)


@dataclasses.dataclass
class App:
    app_id: str
    user: str
    name: str
    queue: str
    app_type: str
    am_resource: Resource
    am_spec: dict[str, Any]
    max_attempts: int
    submit_time: int
    tags: tuple[str, ...] = ()
    priority: int = 0
    state: str = "NEW"
    final_status: str = "UNDEFINED"
    diagnostics: str = ""
    start_time: int = 0
    launch_time: int = 0
    finish_time: int = 0
    progress: float = 0.0
    attempts: list[Attempt] = dataclasses.field(default_factory=list)
    containers: dict[str, Container] = dataclasses.field(default_factory=dict)
    next_container: int = 1
    used: Resource = Resource()
    memory_seconds: int = 0
    vcore_seconds: int = 0
    final_tracking_url: str = ""
    log_aggregation: str = "DISABLED"  # DISABLED, NOT_START, RUNNING, SUCCEEDED, FAILED
    log_nodes: set[str] = dataclasses.field(default_factory=set)
    log_failed: bool = False
    story: list[tuple[int, str, str]] = dataclasses.field(default_factory=list)

    @property
    def attempt(self) -> Attempt | None:
        return self.attempts[-1] if self.attempts else None

    @property
    def live_containers(self) -> list[Container]:
        return [c for c in self.containers.values() if c.state != "COMPLETED"]


@dataclasses.dataclass
class Settings:
    min_alloc: Resource = Resource(1024, 1)
    max_alloc: Resource = Resource(8192, 4)
    am_max_attempts: int = 2
    nm_expiry_ms: int = 600000
    max_completed_apps: int = 1000
    am_expiry_ms: int = 600000
    log_aggregation: bool = False

    @classmethod
    def from_conf(cls, conf: Any) -> Settings:
        return cls(
            Resource(
                conf.get_int("yarn.scheduler.minimum-allocation-mb", 1024),
                conf.get_int("yarn.scheduler.minimum-allocation-vcores", 1),
            ),
            Resource(
                conf.get_int("yarn.scheduler.maximum-allocation-mb", 8192),
                conf.get_int("yarn.scheduler.maximum-allocation-vcores", 4),
            ),
            max(conf.get_int("yarn.resourcemanager.am.max-attempts", 2), 1),
            conf.get_int("yarn.nm.liveness-monitor.expiry-interval-ms", 600000),
            conf.get_int("yarn.resourcemanager.max-completed-applications", 1000),
            conf.get_int("yarn.am.liveness-monitor.expiry-interval-ms", 600000),
            conf.get_bool("yarn.log-aggregation-enable", False),
        )


class RMCore:
    def __init__(self, cluster_ts: int, settings: Settings, queues: Queue | None = None):
        self.cluster_ts = cluster_ts
        self.settings = settings
        self.root = queues or build_queues(_EmptyConf())
        self.apps: dict[str, App] = {}
        self.nodes: dict[str, Node] = {}
        self.next_app = 1
        self.excluded: frozenset[str] = frozenset()
        self.containers_allocated = 0
        self.event_count = 0

    # ------------------------------------------------------------------ entry point
    def new_app_id(self) -> str:
        app = ids.app_id(self.cluster_ts, self.next_app)
        self.next_app += 1
        return app

    def handle(self, *events: ev.Event) -> list[ev.Instruction]:
        out: list[ev.Instruction] = []
        for e in events:
            self.event_count += 1
            out.extend(self._apply(e))
            out.extend(self._schedule(e.now))
        return out

    @functools.singledispatchmethod
    def _apply(self, e: ev.Event) -> list[ev.Instruction]:
        raise TypeError(f"unknown event {type(e).__name__}")

    # ------------------------------------------------------------------ normalisation
    def normalize(self, r: Resource) -> Resource:
        s = self.settings
        if r.memory < 0 or r.memory > s.max_alloc.memory:
            raise ev.InvalidResourceRequest(
                "Invalid resource request, requested memory < 0, or requested memory > max configured, "
                f"requestedMemory={r.memory}, maxMemory={s.max_alloc.memory}"
            )
        if r.vcores < 0 or r.vcores > s.max_alloc.vcores:
            raise ev.InvalidResourceRequest(
                "Invalid resource request, requested virtual cores < 0, or requested virtual cores > max "
                f"configured, requestedVirtualCores={r.vcores}, maxVirtualCores={s.max_alloc.vcores}"
            )
        step_m, step_v = max(s.min_alloc.memory, 1), max(s.min_alloc.vcores, 1)
        mem = max(s.min_alloc.memory, -(-r.memory // step_m) * step_m)
        vc = max(s.min_alloc.vcores, -(-r.vcores // step_v) * step_v)
        return Resource(min(mem, s.max_alloc.memory), min(vc, s.max_alloc.vcores))

    # ------------------------------------------------------------------ applications
    def _set_state(self, app: App, state: str, now: int, why: str = "") -> list[ev.Instruction]:
        if state == app.state:
            return []
        if state not in APP_TRANSITIONS[app.state]:
            raise InvalidTransition(f"{app.app_id}: {app.state} -> {state} ({why}); story: {app.story}")
        app.story.append((now, f"{app.state}->{state}", why))
        app.state = state
        out: list[ev.Instruction] = [ev.AppChanged(app.app_id, state)]
        if state in FINAL_STATES:
            app.finish_time = now
            out.extend(self._end_app(app, now))
        return out

    @_apply.register
    def _submit(self, e: ev.SubmitApp) -> list[ev.Instruction]:
        if e.app_id in self.apps:
            raise ev.InvalidStateError(
                f"Application with id {e.app_id} is already present! Cannot add a duplicate!"
            )
        app = App(
            e.app_id,
            e.user,
            e.name,
            e.queue,
            e.app_type.upper(),
            e.am_resource,
            e.am_spec,
            min(e.max_attempts or self.settings.am_max_attempts, self.settings.am_max_attempts),
            e.now,
            tuple(e.tags),
            e.priority,
        )
        app.start_time = e.now
        app.log_aggregation = "NOT_START" if self.settings.log_aggregation else "DISABLED"
        self.apps[e.app_id] = app
        out = self._set_state(app, "SUBMITTED", e.now, "submitted")
        leaf = find_leaf(self.root, e.queue)
        if leaf is None:
            app.diagnostics = f"Application {e.app_id} submitted by user {e.user} to unknown queue: {e.queue}"
            app.final_status = "FAILED"
            return out + self._set_state(app, "FAILED", e.now, "unknown queue")
        if leaf.state != "RUNNING":
            app.diagnostics = (
                f"Queue {leaf.name} is STOPPED. Cannot accept submission of application: {e.app_id}"
            )
            app.final_status = "FAILED"
            return out + self._set_state(app, "FAILED", e.now, "queue stopped")
        try:
            app.am_resource = self.normalize(e.am_resource)
        except ev.InvalidResourceRequest as err:
            app.diagnostics = str(err)
            app.final_status = "FAILED"
            return out + self._set_state(app, "FAILED", e.now, "bad AM resource")
        app.queue = leaf.name
        leaf.apps.append(app.app_id)
        out += self._set_state(app, "ACCEPTED", e.now, "queue accepted")
        self._new_attempt(app, e.now)
        return out

    def _new_attempt(self, app: App, now: int) -> Attempt:
        n = len(app.attempts) + 1
        a = Attempt(ids.attempt_id(app.app_id, n), n, start_time=now)
        app.attempts.append(a)
        app.diagnostics = app.diagnostics if n > 1 else ""
        return a

    def _end_app(self, app: App, now: int) -> list[ev.Instruction]:
        out: list[ev.Instruction] = []
        a = app.attempt
        if a is not None and a.state not in ("FINISHED", "FAILED", "KILLED"):
            a.state = {"FINISHED": "FINISHED", "FAILED": "FAILED", "KILLED": "KILLED"}[app.state]
            a.finish_time = now
            a.pending.clear()
        nodes = set()
        for c in app.live_containers:
            nodes.add(c.node_id)
            status = (
                EXIT_KILLED_AFTER_APP_COMPLETION
                if app.state == "FINISHED"
                else EXIT_KILLED_BY_RESOURCEMANAGER
            )
            if not (c.is_am and app.state == "FINISHED"):  # an unregistered AM exits by itself
                out.append(ev.StopContainer(c.node_id, c.container_id))
            self._complete(
                app,
                c,
                status,
                "Container killed by the ApplicationMaster."
                if app.state == "FINISHED"
                else "Container killed on request.",
                now,
            )
        for c in app.containers.values():
            nodes.add(c.node_id)
        leaf = find_leaf(self.root, app.queue)
        if leaf is not None and app.app_id in leaf.apps:
            leaf.apps.remove(app.app_id)
        for n in sorted(nodes):
            out.append(ev.CleanupApp(n, app.app_id, app.user))
        if self.settings.log_aggregation:
            app.log_nodes = {n for n in nodes if n in self.nodes and self.nodes[n].state == "RUNNING"}
            app.log_aggregation = "RUNNING" if app.log_nodes else "SUCCEEDED"
        self._retire(app)
        return out

    def _retire(self, app: App) -> None:
        done = [a for a in self.apps.values() if a.state in FINAL_STATES]
        extra = len(done) - self.settings.max_completed_apps
        for old in sorted(done, key=lambda a: a.finish_time)[: max(extra, 0)]:
            del self.apps[old.app_id]

    @_apply.register
    def _kill(self, e: ev.KillApp) -> list[ev.Instruction]:
        app = self._app(e.app_id)
        if app.state in FINAL_STATES:
            return []
        app.diagnostics = e.diagnostics
        app.final_status = "KILLED"
        return self._set_state(app, "KILLED", e.now, "killed")

    @_apply.register
    def _move(self, e: ev.MoveApp) -> list[ev.Instruction]:
        app = self._app(e.app_id)
        if app.state in FINAL_STATES:
            raise ev.InvalidStateError(f"App in {app.state} state cannot be moved.")
        target = find_leaf(self.root, e.queue)
        if target is None:
            raise ev.InvalidStateError(f"Target queue {e.queue} does not exist or is not a leaf queue.")
        if target.state != "RUNNING":
            raise ev.InvalidStateError(f"Failed to move {e.app_id} to queue {e.queue}: queue is STOPPED.")
        source = find_leaf(self.root, app.queue)
        am_used = sum((c.resource for c in app.live_containers if c.is_am), Resource())
        if source is not None:
            source.sub_used(app.used - am_used)
            source.sub_used(am_used, am=True)
            if app.app_id in source.apps:
                source.apps.remove(app.app_id)
        target.add_used(app.used - am_used)
        target.add_used(am_used, am=True)
        target.apps.append(app.app_id)
        app.queue = target.name
        return []

    def _app(self, app_id: str) -> App:
        app = self.apps.get(app_id)
        if app is None:
            raise KeyError(app_id)
        return app

    def _attempt(self, attempt_id: str) -> tuple[App, Attempt]:
        app = self._app(ids.app_of_attempt(attempt_id))
        for a in app.attempts:
            if a.attempt_id == attempt_id:
                return app, a
        raise KeyError(attempt_id)

    # ------------------------------------------------------------------ ApplicationMaster protocol
    @_apply.register
    def _register_am(self, e: ev.RegisterAM) -> list[ev.Instruction]:
        app, a = self._attempt(e.attempt_id)
        if a is not app.attempt or a.state in ("FINISHED", "FAILED", "KILLED"):
            raise ev.InvalidStateError(f"Attempt {e.attempt_id} is not the current attempt of {app.app_id}")
        a.state = "RUNNING"
        a.last_heartbeat = e.now
        a.host, a.rpc_port, a.tracking_url = e.host, e.rpc_port, e.tracking_url
        return self._set_state(app, "RUNNING", e.now, "AM registered")

    @_apply.register
    def _allocate(self, e: ev.Allocate) -> list[ev.Instruction]:
        app, a = self._attempt(e.attempt_id)
        if a is not app.attempt or a.state != "RUNNING":
            raise ev.InvalidStateError(
                f"Application attempt {e.attempt_id} doesn't exist in ApplicationMasterService cache."
            )
        app.progress = max(0.0, min(1.0, e.progress))
        a.last_heartbeat = e.now
        a.blacklist.update(e.blacklist)
        for ask in e.asks:
            a.pending.append(dataclasses.replace(ask, resource=self.normalize(ask.resource)))
        out: list[ev.Instruction] = []
        for cid in e.releases:
            c = app.containers.get(cid)
            if c is not None and c.state != "COMPLETED" and not c.is_am:
                out.append(ev.StopContainer(c.node_id, cid))
                self._complete(app, c, EXIT_ABORTED, "Container released by application", e.now)
        return out

    def drain_allocation(self, attempt_id: str) -> dict[str, Any]:
        """What an ``Allocate`` answers: new containers, completed ones, lost nodes."""
        app, a = self._attempt(attempt_id)
        new = []
        for cid in a.new_containers:
            c = app.containers[cid]
            if c.state == "ALLOCATED":
                c.state = "ACQUIRED"
            node = self.nodes.get(c.node_id)
            new.append(
                {
                    "container_id": cid,
                    "node_id": c.node_id,
                    "node_http_address": node.http_address if node else "",
                    "resource": c.resource.to_json(),
                    "priority": c.priority,
                }
            )
        done, lost = a.completed, a.lost_nodes
        a.new_containers, a.completed, a.lost_nodes = [], [], []
        live = [n.node_id for n in self.nodes.values() if n.state == "RUNNING"]
        return {
            "allocated": new,
            "completed": done,
            "lost_nodes": lost,
            "num_nodes": len(live),
            "app_state": app.state,
        }

    @_apply.register
    def _finish_am(self, e: ev.FinishAM) -> list[ev.Instruction]:
        app, a = self._attempt(e.attempt_id)
        if app.state in FINAL_STATES:
            return []
        if a is not app.attempt or a.state in ("FINISHED", "FAILED", "KILLED"):
            raise ev.InvalidStateError(f"Attempt {e.attempt_id} is not the current attempt of {app.app_id}")
        a.unregistered = True
        a.state = "FINISHED"
        a.finish_time = e.now
        a.diagnostics = e.diagnostics
        app.final_status = (
            e.final_status if e.final_status in ("SUCCEEDED", "FAILED", "KILLED") else "UNDEFINED"
        )
        app.diagnostics = e.diagnostics
        app.final_tracking_url = e.tracking_url
        app.progress = 1.0
        return self._set_state(app, "FINISHED", e.now, "AM unregistered")

    # ------------------------------------------------------------------ NodeManagers
    @_apply.register
    def _register_node(self, e: ev.RegisterNode) -> list[ev.Instruction]:
        out: list[ev.Instruction] = []
        old = self.nodes.get(e.node_id)
        if old is not None and old.state == "RUNNING":
            out.extend(self._node_gone(old, "RUNNING", e.now, "Container released on a *rebooted* node"))
        if e.node_id.rsplit(":", 1)[0] in self.excluded or e.node_id in self.excluded:
            n = Node(e.node_id, e.http_address, e.resource, state="DECOMMISSIONED", last_heartbeat=e.now)
            self.nodes[e.node_id] = n
            return out
        self.nodes[e.node_id] = Node(
            e.node_id, e.http_address, e.resource, last_heartbeat=e.now, version=e.version
        )
        return out

    @_apply.register
    def _node_heartbeat(self, e: ev.NodeHeartbeat) -> list[ev.Instruction]:
        node = self.nodes.get(e.node_id)
        if node is None or node.state in ("LOST", "DECOMMISSIONED", "SHUTDOWN"):
            return [ev.Resync(e.node_id)]
        node.last_heartbeat = e.now
        node.health_report = e.health_report
        for rep in e.log_aggregation:
            app = self.apps.get(rep.get("app_id", ""))
            if app is None or e.node_id not in app.log_nodes:
                continue
            app.log_nodes.discard(e.node_id)
            app.log_failed |= rep.get("status") != "SUCCEEDED"
            if not app.log_nodes:
                app.log_aggregation = "FAILED" if app.log_failed else "SUCCEEDED"
        out: list[ev.Instruction] = []
        reported = set()
        for st in e.containers:
            cid = st["container_id"]
            reported.add(cid)
            try:
                app = self.apps.get(ids.app_of_container(cid))
            except ValueError:
                continue
            c = app.containers.get(cid) if app else None
            if c is None:
                if st.get("state") != "COMPLETE":
                    out.append(ev.StopContainer(e.node_id, cid))
                continue
            if st.get("state") == "COMPLETE":
                if c.state != "COMPLETED":
                    out.extend(
                        self._container_exited(
                            app, c, int(st.get("exit_status", -1000)), st.get("diagnostics", ""), e.now
                        )
                    )
            else:
                if c.state == "COMPLETED":
                    out.append(ev.StopContainer(e.node_id, cid))
                elif c.state in ("ALLOCATED", "ACQUIRED"):
                    c.state = "RUNNING"
                    if c.is_am:
                        a = app.attempt
                        if a is not None and a.am_container == cid and a.state == "ALLOCATED":
                            a.state = "LAUNCHED"
                            a.last_heartbeat = e.now
                            app.launch_time = e.now
        return out

    def _container_exited(
        self, app: App, c: Container, status: int, diag: str, now: int
    ) -> list[ev.Instruction]:
        self._complete(app, c, status, diag, now)
        if not c.is_am:
            return []
        a = app.attempt
        if a is None or a.am_container != c.container_id or a.unregistered or app.state in FINAL_STATES:
            return []
        return self._am_failed(app, a, status, diag, now)

    def _am_failed(self, app: App, a: Attempt, status: int, diag: str, now: int) -> list[ev.Instruction]:
        a.state = "FAILED"
        a.finish_time = now
        a.pending.clear()
        out: list[ev.Instruction] = []
        for c in app.live_containers:
            if ids.attempt_of_container(c.container_id) == a.attempt_id:
                out.append(ev.StopContainer(c.node_id, c.container_id))
                self._complete(app, c, EXIT_ABORTED, "Container of a completed attempt", now)
        text = (
            f"AM Container for {a.attempt_id} exited with  exitCode: {status}\n"
            f"{diag.rstrip()}\nFor more detailed output, check the application tracking page: "
            f"/cluster/app/{app.app_id} Then click on links to logs of each attempt.\n"
            ". Failing this attempt."
        )
        a.diagnostics = text
        if len(app.attempts) < app.max_attempts:
            app.diagnostics = text
            out += (
                self._set_state(app, "ACCEPTED", now, "AM failed, new attempt")
                if app.state != "ACCEPTED"
                else []
            )
            self._new_attempt(app, now)
            return out
        app.diagnostics = (
            f"Application {app.app_id} failed {app.max_attempts} times due to {text}"
            "Diagnostics: Failing the application."
        )
        app.final_status = "FAILED"
        return out + self._set_state(app, "FAILED", now, "AM failed, no attempts left")

    def _complete(self, app: App, c: Container, status: int, diag: str, now: int) -> None:
        if c.state == "COMPLETED":
            return
        c.state = "COMPLETED"
        c.exit_status = status
        c.diagnostics = diag
        c.finish_time = now
        secs = max(now - c.start_time, 0) / 1000.0
        app.memory_seconds += int(c.resource.memory * secs)
        app.vcore_seconds += int(c.resource.vcores * secs)
        app.used = app.used - c.resource
        node = self.nodes.get(c.node_id)
        if node is not None and c.container_id in node.containers:
            node.containers.discard(c.container_id)
            node.used = node.used - c.resource
        leaf = find_leaf(self.root, app.queue)
        if leaf is not None:
            leaf.sub_used(c.resource, am=c.is_am)
        a = app.attempt
        if not c.is_am and a is not None and ids.attempt_of_container(c.container_id) == a.attempt_id:
            a.completed.append(c.status_json())

    def _node_gone(self, node: Node, state: str, now: int, diag: str) -> list[ev.Instruction]:
        node.state = state
        for app in self.apps.values():
            if node.node_id in app.log_nodes:
                app.log_nodes.discard(node.node_id)
                app.log_failed = True
                if not app.log_nodes:
                    app.log_aggregation = "FAILED"
        out: list[ev.Instruction] = []
        for cid in sorted(node.containers):
            app = self.apps.get(ids.app_of_container(cid))
            if app is None:
                continue
            c = app.containers[cid]
            out.extend(self._container_exited(app, c, EXIT_ABORTED, diag, now))
        for app in self.apps.values():
            a = app.attempt
            if a is not None and a.state == "RUNNING":
                a.lost_nodes.append(node.node_id)
        node.containers.clear()
        node.used = Resource()
        return out

    @_apply.register
    def _tick(self, e: ev.Tick) -> list[ev.Instruction]:
        out: list[ev.Instruction] = []
        for node in list(self.nodes.values()):
            if node.state == "RUNNING" and e.now - node.last_heartbeat > self.settings.nm_expiry_ms:
                out.extend(self._node_gone(node, "LOST", e.now, "Container released on a *lost* node"))
        for app in list(self.apps.values()):
            a = app.attempt
            if (
                a is None
                or a.state not in ("LAUNCHED", "RUNNING")
                or app.state in FINAL_STATES
                or e.now - a.last_heartbeat <= self.settings.am_expiry_ms
            ):
                continue
            c = app.containers.get(a.am_container)
            if c is not None and c.state != "COMPLETED":
                out.append(ev.StopContainer(c.node_id, c.container_id))
                self._complete(app, c, EXIT_ABORTED, "", e.now)
            out.extend(
                self._am_failed(
                    app, a, EXIT_ABORTED, f"ApplicationMaster for attempt {a.attempt_id} timed out", e.now
                )
            )
        return out

    @_apply.register
    def _refresh_nodes(self, e: ev.RefreshNodes) -> list[ev.Instruction]:
        self.excluded = e.excluded
        out: list[ev.Instruction] = []
        for node in self.nodes.values():
            if node.state == "RUNNING" and (node.host in e.excluded or node.node_id in e.excluded):
                out.extend(
                    self._node_gone(
                        node, "DECOMMISSIONED", e.now, "Container released on a *decommissioned* node"
                    )
                )
        return out

    def refresh_queues(self, conf: Any) -> None:
        self.root = build_queues(conf, self.root)

    # ------------------------------------------------------------------ the scheduler
    def _schedule(self, now: int) -> list[ev.Instruction]:
        from pyhdp.yarn.rm.scheduler import schedule

        return schedule(self, now)

    def allocate_container(
        self, app: App, node: Node, resource: Resource, priority: int, is_am: bool, now: int
    ) -> Container:
        a = app.attempt
        assert a is not None
        cid = ids.container_id(a.attempt_id, app.next_container)
        app.next_container += 1
        c = Container(cid, a.attempt_id, node.node_id, resource, priority, is_am, start_time=now)
        app.containers[cid] = c
        app.used = app.used + resource
        node.used = node.used + resource
        node.containers.add(cid)
        leaf = find_leaf(self.root, app.queue)
        if leaf is not None:
            leaf.add_used(resource, am=is_am)
        self.containers_allocated += 1
        return c

    # ------------------------------------------------------------------ checks
    def validate_state(self) -> None:
        for node in self.nodes.values():
            used = Resource()
            for cid in node.containers:
                app = self.apps.get(ids.app_of_container(cid))
                assert app is not None, cid
                c = app.containers[cid]
                assert c.state != "COMPLETED" and c.node_id == node.node_id, c
                used = used + c.resource
            assert used == node.used, (node.node_id, used, node.used)
            assert node.used.fits_in(node.capability), node
        for app in self.apps.values():
            assert sum((c.resource for c in app.live_containers), Resource()) == app.used, app.app_id
            if app.state in FINAL_STATES:
                assert not app.live_containers, app.app_id
        for q in self.root.walk():
            assert q.used.memory >= 0 and q.used.vcores >= 0, q.path


class _EmptyConf:
    def get(self, key: str, default: Any = None) -> Any:
        return default
