"""Capacity-scheduler queues: a tree read from ``yarn.scheduler.capacity.*`` keys.

``yarn.scheduler.capacity.root.queues`` lists the children of ``root``; each queue
``<path>`` has ``<path>.capacity`` (percent of its parent, siblings sum to 100),
``<path>.maximum-capacity`` (percent of its parent, default 100), ``<path>.state``
(RUNNING | STOPPED), ``<path>.maximum-am-resource-percent`` and
``<path>.acl_submit_applications``.  Applications go to leaf queues, addressed by their
short name (``default``) or full path (``root.default``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pyhdp.yarn.records import Resource

PREFIX = "yarn.scheduler.capacity."


class QueueConfigError(ValueError):
    pass


@dataclasses.dataclass
class Queue:
    name: str
    path: str
    parent: Queue | None
    capacity: float = 100.0  # percent of parent
    max_capacity: float = 100.0  # percent of parent
    state: str = "RUNNING"
    am_percent: float = 0.1
    submit_acl: str = "*"
    children: list[Queue] = dataclasses.field(default_factory=list)
    used: Resource = Resource()
    am_used: Resource = Resource()
    apps: list[str] = dataclasses.field(default_factory=list)  # leaf: ids in submission order

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def abs_capacity(self) -> float:
        """Fraction of the cluster guaranteed to this queue."""
        f = self.capacity / 100.0
        return f * self.parent.abs_capacity if self.parent else 1.0

    @property
    def abs_max_capacity(self) -> float:
        f = self.max_capacity / 100.0
        return f * self.parent.abs_max_capacity if self.parent else 1.0

    def add_used(self, r: Resource, am: bool = False) -> None:
        q: Queue | None = self
        while q is not None:
            q.used = q.used + r
            if am:
                q.am_used = q.am_used + r
            q = q.parent

    def sub_used(self, r: Resource, am: bool = False) -> None:
        q: Queue | None = self
        while q is not None:
            q.used = q.used - r
            if am:
                q.am_used = q.am_used - r
            q = q.parent

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


def _float(conf: Any, key: str, default: float) -> float:
    raw = conf.get(key)
    if raw is None or str(raw).strip() == "":
        return default
    try:
        return float(str(raw).strip())
    except ValueError:
        raise QueueConfigError(f"Illegal capacity of {raw} for queue {key}") from None


def build_queues(conf: Any, old: Queue | None = None) -> Queue:
    """The queue tree from ``conf``; usage is carried over from ``old`` (refreshQueues)."""
    default_am = _float(conf, PREFIX + "maximum-am-resource-percent", 0.1)

    def make(name: str, path: str, parent: Queue | None, siblings: int = 1) -> Queue:
        q = Queue(name, path, parent)
        if parent is not None:
            q.capacity = _float(conf, f"{PREFIX}{path}.capacity", 100.0 / siblings)
            q.max_capacity = _float(conf, f"{PREFIX}{path}.maximum-capacity", 100.0)
            if q.max_capacity < 0:
                q.max_capacity = 100.0
            if q.capacity > q.max_capacity:
                raise QueueConfigError(
                    f"Illegal queue capacity setting (abs-capacity={q.capacity / 100}) > "
                    f"(abs-maximum-capacity={q.max_capacity / 100}) for queue {path}"
                )
        q.state = (conf.get(f"{PREFIX}{path}.state") or "RUNNING").strip().upper()
        q.am_percent = _float(conf, f"{PREFIX}{path}.maximum-am-resource-percent", default_am)
        q.submit_acl = conf.get(f"{PREFIX}{path}.acl_submit_applications") or "*"
        names = [n.strip() for n in (conf.get(f"{PREFIX}{path}.queues") or "").split(",") if n.strip()]
        if parent is None and not names:
            names = ["default"]
        q.children = [make(n, f"{path}.{n}", q, len(names)) for n in names]
        if q.children:
            total = sum(c.capacity for c in q.children)
            if abs(total - 100.0) > 0.01:
                raise QueueConfigError(f"Illegal capacity of {total / 100.0} for children of queue {path}")
        return q

    root = make("root", "root", None)
    if old is not None:
        olds = {q.path: q for q in old.walk()}
        for q in root.walk():
            o = olds.get(q.path)
            if o is not None:
                q.used, q.am_used = o.used, o.am_used
                if q.is_leaf:
                    q.apps = list(o.apps)
    return root


def find_leaf(root: Queue, name: str) -> Queue | None:
    for q in root.walk():
        if q.is_leaf and (q.name == name or q.path == name):
            return q
    return None


def find_queue(root: Queue, name: str) -> Queue | None:
    for q in root.walk():
        if q.name == name or q.path == name:
            return q
    return None


def acl_allows(acl: str | None, user: str, groups: tuple[str, ...]) -> bool:
    """Hadoop's AccessControlList: ``*`` everyone; ``"users groups"`` comma lists; blank nobody."""
    if acl is None:
        return False
    if acl.strip() == "*":
        return True
    users, _, grps = acl.strip("\n").partition(" ")
    return user in {u.strip() for u in users.split(",") if u.strip()} or bool(
        set(groups) & {g.strip() for g in grps.split(",") if g.strip()}
    )


def may_submit(root: Queue, leaf_name: str, user: str, groups: tuple[str, ...], conf: Any) -> bool:
    """``acl_submit_applications`` (or ``acl_administer_queue``) of the queue or an ancestor; root's
    default is ``*`` as in Hadoop, children default to nobody (so root decides)."""
    q = find_leaf(root, leaf_name)
    while q is not None:
        path = q.path
        default = "*" if q.parent is None else " "
        for key in ("acl_submit_applications", "acl_administer_queue"):
            if acl_allows(_acl(conf, f"{PREFIX}{path}.{key}", default), user, groups):
                return True
        q = q.parent
    return False


def may_administer(root: Queue, leaf_name: str, user: str, groups: tuple[str, ...], conf: Any) -> bool:
    q = find_leaf(root, leaf_name)
    while q is not None:
        default = "*" if q.parent is None else " "
        if acl_allows(_acl(conf, f"{PREFIX}{q.path}.acl_administer_queue", default), user, groups):
            return True
        q = q.parent
    return False


def _acl(conf: Any, key: str, default: str) -> str:
    """A set but blank ACL means nobody (Hadoop's " "), an unset one the default."""
    if key in conf:
        return conf.get(key) or " "
    return default
