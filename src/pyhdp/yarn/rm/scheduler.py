"""Capacity-style scheduling over the RM core's state: memory + vcores, queues, locality.

One pass allocates as much as fits.  Each round picks the leaf queue furthest below its
guaranteed share (used / guaranteed capacity, Capacity scheduler's ordering) that can
place a container, and within it the applications in FIFO order (higher priority first,
then submission order): an attempt without its AM container gets one first (bounded by the
queue's ``maximum-am-resource-percent``, one AM always allowed), a running attempt gets its
pending asks by priority.  A queue never grows beyond its maximum capacity.  An ask with
preferred hosts takes a node on one of them if one has room (node locality), otherwise any
node when ``relax_locality`` (off-switch), choosing the node with the most free memory.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyhdp.yarn.records import Resource
from pyhdp.yarn.rm import events as ev

if TYPE_CHECKING:
    from pyhdp.yarn.rm.core import App, Node, RMCore
    from pyhdp.yarn.rm.queues import Queue


def cluster_resource(core: RMCore) -> Resource:
    total = Resource()
    for n in core.nodes.values():
        if n.state == "RUNNING":
            total = total + n.capability
    return total


def _pick_node(nodes: list[Node], r: Resource, hosts: tuple[str, ...], relax: bool) -> Node | None:
    fitting = [n for n in nodes if r.fits_in(n.available)]
    if not fitting:
        return None
    if hosts:
        local = [n for n in fitting if n.host in hosts or n.node_id in hosts]
        if local:
            return max(local, key=lambda n: (n.available.memory, n.available.vcores, n.node_id))
        if not relax:
            return None
    return max(fitting, key=lambda n: (n.available.memory, n.available.vcores, n.node_id))


def _queue_room(q: Queue, r: Resource, total: Resource) -> bool:
    limit = q.abs_max_capacity
    return (q.used.memory + r.memory) <= total.memory * limit + 1e-6 and (
        q.used.vcores + r.vcores
    ) <= total.vcores * limit + 1e-6


def _try_app(
    core: RMCore, app: App, q: Queue, nodes: list[Node], total: Resource, now: int
) -> list[ev.Instruction] | None:
    a = app.attempt
    if a is None:
        return None
    if a.state == "SCHEDULED":
        r = app.am_resource
        am_limit = total.memory * q.am_percent * max(q.abs_capacity, 1e-9)
        if q.am_used.memory > 0 and q.am_used.memory + r.memory > am_limit:
            return None
        if not _queue_room(q, r, total):
            return None
        node = _pick_node(nodes, r, (), True)
        if node is None:
            return None
        c = core.allocate_container(app, node, r, 0, True, now)
        a.state = "ALLOCATED"
        a.am_container = c.container_id
        spec = dict(app.am_spec)
        return [ev.LaunchContainer(node.node_id, c.container_id, app.app_id, app.user, r, spec)]
    if a.state != "RUNNING":
        return None
    for ask in sorted(a.pending, key=lambda x: x.priority):
        if ask.count <= 0 or not _queue_room(q, ask.resource, total):
            continue
        usable = [n for n in nodes if n.node_id not in a.blacklist] if a.blacklist else nodes
        node = _pick_node(usable, ask.resource, ask.hosts, ask.relax_locality)
        if node is None:
            continue
        c = core.allocate_container(app, node, ask.resource, ask.priority, False, now)
        ask.count -= 1
        if ask.count <= 0:
            a.pending.remove(ask)
        a.new_containers.append(c.container_id)
        return []
    return None


def schedule(core: RMCore, now: int) -> list[ev.Instruction]:
    nodes = [n for n in core.nodes.values() if n.state == "RUNNING"]
    if not nodes:
        return []
    total = cluster_resource(core)
    leaves = [q for q in core.root.walk() if q.is_leaf and q.apps]
    out: list[ev.Instruction] = []
    blocked: set[str] = set()
    while True:
        placed = False
        for q in sorted(
            leaves, key=lambda q: (q.used.memory / max(total.memory * q.abs_capacity, 1e-9), q.path)
        ):
            if q.path in blocked:
                continue
            apps = [core.apps[i] for i in q.apps if i in core.apps]
            apps.sort(key=lambda a: (-a.priority, a.submit_time, a.app_id))
            for app in apps:
                res = _try_app(core, app, q, nodes, total, now)
                if res is not None:
                    out.extend(res)
                    placed = True
                    break
            if placed:
                break
            blocked.add(q.path)
        if not placed:
            return out
