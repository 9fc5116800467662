"""Events the ResourceManager core takes, and the instructions it returns (no I/O here)."""

from __future__ import annotations

import dataclasses
from typing import Any

from pyhdp.yarn.records import Resource, ResourceAsk


@dataclasses.dataclass
class Event:
    now: int  # epoch ms, given by the daemon (the core reads no clock)


@dataclasses.dataclass
class SubmitApp(Event):
    app_id: str
    user: str
    name: str = "N/A"
    queue: str = "default"
    app_type: str = "YARN"
    am_resource: Resource = Resource(1024, 1)
    am_spec: dict[str, Any] = dataclasses.field(default_factory=dict)
    max_attempts: int = 0  # 0: the RM's yarn.resourcemanager.am.max-attempts
    tags: tuple[str, ...] = ()
    priority: int = 0


@dataclasses.dataclass
class RegisterNode(Event):
    node_id: str
    http_address: str
    resource: Resource
    version: str = ""


@dataclasses.dataclass
class NodeHeartbeat(Event):
    node_id: str
    #: [{"container_id", "state": "RUNNING"|"COMPLETE", "exit_status", "diagnostics"}]
    containers: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    healthy: bool = True
    health_report: str = ""
    #: [{"app_id", "status": "SUCCEEDED"|"FAILED"}] logs uploaded since the last heartbeat
    log_aggregation: list[dict[str, Any]] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class RegisterAM(Event):
    attempt_id: str
    host: str = ""
    rpc_port: int = -1
    tracking_url: str = ""


@dataclasses.dataclass
class Allocate(Event):
    attempt_id: str
    asks: list[ResourceAsk] = dataclasses.field(default_factory=list)
    releases: list[str] = dataclasses.field(default_factory=list)
    progress: float = 0.0
    #: nodes this attempt wants no more containers on (ResourceBlacklistRequest additions)
    blacklist: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class FinishAM(Event):
    attempt_id: str
    final_status: str = "SUCCEEDED"
    diagnostics: str = ""
    tracking_url: str = ""


@dataclasses.dataclass
class KillApp(Event):
    app_id: str
    diagnostics: str = "Application killed by user."


@dataclasses.dataclass
class MoveApp(Event):
    app_id: str
    queue: str


@dataclasses.dataclass
class Tick(Event):
    """Time passes: node liveness is checked."""


@dataclasses.dataclass
class RefreshNodes(Event):
    excluded: frozenset[str] = frozenset()


# ---------------------------------------------------------------- instructions


@dataclasses.dataclass
class Instruction:
    pass


@dataclasses.dataclass
class LaunchContainer(Instruction):
    """Start an ApplicationMaster container (task containers are started by their AM)."""

    node_id: str
    container_id: str
    app_id: str
    user: str
    resource: Resource
    spec: dict[str, Any]


@dataclasses.dataclass
class StopContainer(Instruction):
    node_id: str
    container_id: str


@dataclasses.dataclass
class CleanupApp(Instruction):
    """The application ended: the node stops what is left of it and aggregates its logs."""

    node_id: str
    app_id: str
    user: str


@dataclasses.dataclass
class AppChanged(Instruction):
    """For the state store and the log: an application changed state."""

    app_id: str
    state: str


@dataclasses.dataclass
class Resync(Instruction):
    """An unknown node heartbeated: it must drop its containers and register again."""

    node_id: str


class InvalidResourceRequest(ValueError):
    """Hadoop's InvalidResourceRequestException."""


class InvalidStateError(ValueError):
    pass
