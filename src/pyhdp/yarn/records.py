"""Plain records shared by the ResourceManager core, the daemons and the clients."""

from __future__ import annotations

import dataclasses
from typing import Any

APP_STATES = ("NEW", "NEW_SAVING", "SUBMITTED", "ACCEPTED", "RUNNING", "FINISHED", "FAILED", "KILLED")
FINAL_STATES = ("FINISHED", "FAILED", "KILLED")
FINAL_STATUSES = ("UNDEFINED", "SUCCEEDED", "FAILED", "KILLED")
NODE_STATES = (
    "NEW",
    "RUNNING",
    "UNHEALTHY",
    "DECOMMISSIONED",
    "LOST",
    "REBOOTED",
    "DECOMMISSIONING",
    "SHUTDOWN",
)

# ContainerExitStatus
EXIT_SUCCESS = 0
EXIT_INVALID = -1000
EXIT_ABORTED = -100
EXIT_DISKS_FAILED = -101
EXIT_PREEMPTED = -102
EXIT_KILLED_EXCEEDED_VMEM = -103
EXIT_KILLED_EXCEEDED_PMEM = -104
EXIT_KILLED_BY_APPMASTER = -105
EXIT_KILLED_BY_RESOURCEMANAGER = -106
EXIT_KILLED_AFTER_APP_COMPLETION = -107


@dataclasses.dataclass(frozen=True, order=True)
class Resource:
    memory: int = 0
    vcores: int = 0

    def __add__(self, o: Resource) -> Resource:
        return Resource(self.memory + o.memory, self.vcores + o.vcores)

    def __sub__(self, o: Resource) -> Resource:
        return Resource(self.memory - o.memory, self.vcores - o.vcores)

    def fits_in(self, o: Resource) -> bool:
        return self.memory <= o.memory and self.vcores <= o.vcores

    def to_json(self) -> dict[str, int]:
        return {"memory": self.memory, "vCores": self.vcores}

    @classmethod
    def from_json(cls, d: dict[str, Any] | None) -> Resource:
        d = d or {}
        return cls(
            int(d.get("memory", d.get("memory-mb", 0)) or 0), int(d.get("vCores", d.get("vcores", 1)) or 0)
        )

    def __str__(self) -> str:
        return f"<memory:{self.memory}, vCores:{self.vcores}>"


@dataclasses.dataclass
class ResourceAsk:
    """A request for ``count`` containers of ``resource``; ``hosts`` preferred (node, then any)."""

    priority: int
    resource: Resource
    count: int = 1
    hosts: tuple[str, ...] = ()
    relax_locality: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "priority": self.priority,
            "resource": self.resource.to_json(),
            "count": self.count,
            "hosts": list(self.hosts),
            "relaxLocality": self.relax_locality,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ResourceAsk:
        return cls(
            int(d.get("priority", 20)),
            Resource.from_json(d.get("resource")),
            int(d.get("count", 1)),
            tuple(d.get("hosts") or ()),
            bool(d.get("relaxLocality", True)),
        )
