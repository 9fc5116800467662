"""The NameNode's view of DataNodes and replicas: pure state, no sockets, no clocks.

Events in (register, heartbeat, block report, block received, bad replica, time passing),
commands out (``transfer`` a replica to other nodes, ``invalidate`` replicas), as
``DatanodeManager`` / ``BlockManager`` / ``HeartbeatManager`` / ``RedundancyMonitor`` do.
The daemon feeds it the namespace's blocks and puts the commands in heartbeat replies.

Liveness: a node is dead when its last heartbeat is older than
``2 * dfs.namenode.heartbeat.recheck-interval + 10 * dfs.heartbeat.interval``; its replicas
leave the block map, so their blocks become under-replicated and are copied elsewhere.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterable

NORMAL = "Normal"
DECOMMISSIONING = "Decommission in progress"
DECOMMISSIONED = "Decommissioned"


class DisallowedDatanodeError(PermissionError):
    """``DisallowedDatanodeException``: a node not in ``dfs.hosts`` (or excluded) tried to register."""


@dataclasses.dataclass
class DatanodeDescriptor:
    uuid: str
    ip: str
    hostname: str
    xfer_port: int
    http_port: int
    ipc_port: int
    storage_id: str = ""
    capacity: int = 0
    dfs_used: int = 0
    remaining: int = 0
    non_dfs_used: int = 0
    reserved: int = 0
    xceivers: int = 0
    last_heartbeat: float = 0.0  # monotonic seconds
    last_contact_wall: float = 0.0
    last_block_report_wall: float | None = None
    admin_state: str = NORMAL
    alive: bool = True
    registered_wall: float = 0.0
    software_version: str = ""
    blocks: set[int] = dataclasses.field(default_factory=set)
    commands: list[dict] = dataclasses.field(default_factory=list)
    pending_deletions: int = 0
    #: blocks whose deletion was sent to the node and may not have happened yet: not a target
    invalidating: set[int] = dataclasses.field(default_factory=set)

    def deleting(self, bid: int) -> bool:
        """Whether a deletion of ``bid`` was sent to the node or waits for its next heartbeat."""
        return bid in self.invalidating or any(c["cmd"] == "invalidate" and bid in c["blocks"] for c in self.commands)

    @property
    def name(self) -> str:
        """``ip:xferPort``, the name Hadoop shows in reports and fsck."""
        return f"{self.ip}:{self.xfer_port}"

    @property
    def http_addr(self) -> str:
        return f"{self.ip}:{self.http_port}"

    @property
    def usable(self) -> bool:
        return self.alive and self.admin_state == NORMAL

    def info(self) -> dict:
        return {"uuid": self.uuid, "name": self.name, "http": self.http_addr, "hostname": self.hostname,
                "storage_id": self.storage_id}

    def report(self, now: float) -> dict:
        return {
            "uuid": self.uuid, "name": self.name, "ip": self.ip, "hostname": self.hostname,
            "xferPort": self.xfer_port, "infoPort": self.http_port, "ipcPort": self.ipc_port,
            "http": self.http_addr, "storageID": self.storage_id, "rack": "/default-rack",
            "adminState": self.admin_state, "alive": self.alive,
            "capacity": self.capacity, "dfsUsed": self.dfs_used, "remaining": self.remaining,
            "nonDfsUsed": self.non_dfs_used, "reserved": self.reserved, "xceivers": self.xceivers,
            "lastContact": self.last_contact_wall, "lastBlockReport": self.last_block_report_wall,
            "numBlocks": len(self.blocks), "secondsSinceHeartbeat": max(0.0, now - self.last_heartbeat),
            "softwareVersion": self.software_version, "registered": self.registered_wall,
        }


@dataclasses.dataclass
class BlockInfo:
    """What the namespace knows of a block: generation stamp, length, state, expected replicas."""

    block_id: int
    genstamp: int
    length: int
    complete: bool
    replication: int


@dataclasses.dataclass
class Settings:
    heartbeat_interval: float = 3.0  # s
    recheck_interval: float = 300.0  # s
    replication_min: int = 1
    max_streams: int = 2
    max_streams_hard: int = 4
    pending_timeout: float = 300.0  # s before a scheduled replication is tried again
    work_multiplier: int = 2

    @property
    def expire_interval(self) -> float:
        return 2 * self.recheck_interval + 10 * self.heartbeat_interval


class BlockManager:
    def __init__(self, settings: Settings | None = None, rng: random.Random | None = None):
        self.settings = settings or Settings()
        self.rng = rng or random.Random()
        self.datanodes: dict[str, DatanodeDescriptor] = {}
        self.locations: dict[int, set[str]] = {}  # block id -> node uuids with a good finalized replica
        self.corrupt: dict[int, set[str]] = {}  # block id -> node uuids with a corrupt replica
        self.pending: dict[int, tuple[set[str], float]] = {}  # replications in flight: targets, deadline
        self.include: set[str] = set()
        self.exclude: set[str] = set()

    # ------------------------------------------------------------------ membership
    def _listed(self, names: set[str], dn: DatanodeDescriptor) -> bool:
        return bool(names & {dn.ip, dn.hostname, dn.name, f"{dn.hostname}:{dn.xfer_port}"})

    def set_hosts(self, include: Iterable[str], exclude: Iterable[str]) -> list[str]:
        """``-refreshNodes``: new lists; excluded live nodes start decommissioning. Returns nodes
        that are no longer allowed (they are told to shut down at their next heartbeat)."""
        self.include = {h.strip() for h in include if h.strip()}
        self.exclude = {h.strip() for h in exclude if h.strip()}
        refused = []
        for dn in self.datanodes.values():
            if self.include and not self._listed(self.include, dn):
                refused.append(dn.uuid)
                continue
            if self._listed(self.exclude, dn):
                if dn.admin_state == NORMAL:
                    dn.admin_state = DECOMMISSIONING
            elif dn.admin_state != NORMAL:
                dn.admin_state = NORMAL  # recommission
        for uuid in refused:
            self.remove_node(uuid)
        return refused

    def register(self, dn: DatanodeDescriptor, now: float) -> DatanodeDescriptor:
        if self.include and not self._listed(self.include, dn):
            raise DisallowedDatanodeError(
                f"Datanode denied communication with namenode because the host is not in the include-list: "
                f"DatanodeRegistration({dn.name}, datanodeUuid={dn.uuid}, infoPort={dn.http_port}, "
                f"ipcPort={dn.ipc_port})")
        old = self.datanodes.get(dn.uuid)
        if old is not None:
            for bid in old.blocks:
                self._unlocate(bid, old.uuid)
        dn.last_heartbeat = now
        dn.alive = True
        dn.admin_state = DECOMMISSIONING if self._listed(self.exclude, dn) else NORMAL
        self.datanodes[dn.uuid] = dn
        return dn

    def remove_node(self, uuid: str) -> None:
        dn = self.datanodes.pop(uuid, None)
        if dn is not None:
            for bid in list(dn.blocks):
                self._unlocate(bid, uuid)

    def live_nodes(self) -> list[DatanodeDescriptor]:
        return [d for d in self.datanodes.values() if d.alive]

    # ------------------------------------------------------------------ heartbeats
    def heartbeat(self, uuid: str, stats: dict, now: float, wall: float) -> list[dict] | None:
        """Record a heartbeat; returns the node's pending commands, None when it must re-register."""
        dn = self.datanodes.get(uuid)
        if dn is None or not dn.alive:
            return None
        dn.last_heartbeat = now
        dn.last_contact_wall = wall
        for key, attr in (("capacity", "capacity"), ("dfsUsed", "dfs_used"), ("remaining", "remaining"),
                          ("nonDfsUsed", "non_dfs_used"), ("xceivers", "xceivers"), ("reserved", "reserved")):
            if key in stats:
                setattr(dn, attr, int(stats[key]))
        commands, dn.commands = dn.commands, []
        # the node ran the previous reply's commands before this heartbeat
        dn.invalidating = {b for c in commands if c["cmd"] == "invalidate" for b in c["blocks"]}
        if not commands:
            dn.pending_deletions = 0
        return commands

    def check_heartbeats(self, now: float) -> list[str]:
        """``HeartbeatManager.heartbeatCheck``: mark nodes dead; returns their uuids."""
        dead = []
        limit = self.settings.expire_interval
        for dn in self.datanodes.values():
            if dn.alive and now - dn.last_heartbeat > limit:
                dn.alive = False
                dead.append(dn.uuid)
                for bid in list(dn.blocks):
                    self._unlocate(bid, dn.uuid)
                dn.commands.clear()
        return dead

    # ------------------------------------------------------------------ replicas
    def _locate(self, bid: int, uuid: str) -> None:
        self.locations.setdefault(bid, set()).add(uuid)
        dn = self.datanodes.get(uuid)
        if dn is not None:
            dn.blocks.add(bid)
        pend = self.pending.get(bid)
        if pend is not None:
            pend[0].discard(uuid)
            if not pend[0]:
                del self.pending[bid]

    def _unlocate(self, bid: int, uuid: str) -> None:
        locs = self.locations.get(bid)
        if locs is not None:
            locs.discard(uuid)
            if not locs:
                del self.locations[bid]
        dn = self.datanodes.get(uuid)
        if dn is not None:
            dn.blocks.discard(bid)

    def _invalidate(self, uuid: str, bids: list[int]) -> None:
        dn = self.datanodes.get(uuid)
        if dn is None or not bids:
            return
        dn.commands.append({"cmd": "invalidate", "blocks": bids})
        dn.pending_deletions += len(bids)

    def block_report(self, uuid: str, replicas: Iterable[tuple[int, int, int]], known: dict[int, BlockInfo],
                     wall: float) -> list[int]:
        """A full report of ``(block id, genstamp, length)``: the node's replicas become exactly
        the valid reported ones; unknown or stale replicas are invalidated (returned)."""
        dn = self.datanodes.get(uuid)
        if dn is None:
            return []
        reported = set()
        stale = []
        for bid, gs, length in replicas:
            info = known.get(bid)
            if info is None or gs < info.genstamp or (info.complete and (gs != info.genstamp or length != info.length)):
                stale.append(bid)
                continue
            if not info.complete:
                continue  # being written: the pipeline reports it when finalized
            reported.add(bid)
        for bid in dn.blocks - reported:
            self._unlocate(bid, uuid)
        for bid in reported:
            if uuid not in self.corrupt.get(bid, ()):
                self._locate(bid, uuid)
        dn.last_block_report_wall = wall
        dn.pending_deletions = 0
        self._invalidate(uuid, stale)
        return stale

    def block_received(self, uuid: str, bid: int, gs: int, length: int, info: BlockInfo | None) -> bool:
        """An incremental report of a finalized replica; False when it is stale (invalidated)."""
        if uuid not in self.datanodes:
            return False
        if info is None or gs < info.genstamp or (info.complete and (gs != info.genstamp or length != info.length)):
            self._invalidate(uuid, [bid])
            return False
        self.corrupt.get(bid, set()).discard(uuid)
        self._locate(bid, uuid)
        return True

    def add_replicas(self, bid: int, uuids: Iterable[str]) -> None:
        """Replicas a client's pipeline acknowledged (before the DataNodes' own reports)."""
        for uuid in uuids:
            dn = self.datanodes.get(uuid)
            if dn is not None and dn.alive and uuid not in self.corrupt.get(bid, ()):
                self._locate(bid, uuid)

    def bad_replica(self, bid: int, uuid: str) -> None:
        """A reader or the block scanner found a corrupt replica on ``uuid``."""
        self.corrupt.setdefault(bid, set()).add(uuid)
        self._unlocate(bid, uuid)

    def remove_blocks(self, bids: Iterable[int]) -> None:
        """Blocks deleted from the namespace: every replica is invalidated."""
        per_node: dict[str, list[int]] = {}
        for bid in bids:
            holders = set(self.locations.pop(bid, set())) | self.corrupt.pop(bid, set())
            self.pending.pop(bid, None)
            for uuid in holders:
                per_node.setdefault(uuid, []).append(bid)
                dn = self.datanodes.get(uuid)
                if dn is not None:
                    dn.blocks.discard(bid)
        for uuid, lst in per_node.items():
            self._invalidate(uuid, lst)

    def replicas_of(self, bid: int) -> list[DatanodeDescriptor]:
        """Live good replicas, decommissioning ones last (they serve reads, as in Hadoop)."""
        nodes = [self.datanodes[u] for u in self.locations.get(bid, ()) if u in self.datanodes]
        nodes = [d for d in nodes if d.alive]
        self.rng.shuffle(nodes)
        nodes.sort(key=lambda d: d.admin_state != NORMAL)
        return nodes

    def live_count(self, bid: int) -> int:
        return sum(1 for d in self.replicas_of(bid) if d.admin_state == NORMAL)

    # ------------------------------------------------------------------ placement
    def choose_targets(self, n: int, block_size: int, exclude: Iterable[str] = (), writer_ip: str | None = None,
                       exclude_names: Iterable[str] = ()) -> list[DatanodeDescriptor]:
        """``BlockPlacementPolicyDefault`` on one rack: the writer's node first when it is a
        DataNode, then the least loaded nodes with room for a block, randomized among equals."""
        excluded = set(exclude)
        names = set(exclude_names)
        cands = [d for d in self.datanodes.values()
                 if d.usable and d.uuid not in excluded and d.name not in names and d.http_addr not in names
                 and d.hostname not in names and (d.capacity == 0 or d.remaining >= block_size)]
        self.rng.shuffle(cands)
        cands.sort(key=lambda d: (d.ip != writer_ip if writer_ip else False, d.xceivers + len(d.commands)))
        return cands[:n]

    # ------------------------------------------------------------------ redundancy
    def compute_work(self, blocks: Iterable[BlockInfo], now: float) -> dict[str, int]:
        """``RedundancyMonitor``: schedule copies of under-replicated blocks and deletion of
        excess and corrupt replicas.  Returns counts for metrics."""
        s = self.settings
        scheduled = excess = under = missing = 0
        streams: dict[str, int] = {}
        for bid, (_t, deadline) in list(self.pending.items()):
            if deadline < now:
                del self.pending[bid]
        for info in blocks:
            if not info.complete:
                continue
            nodes = self.replicas_of(info.block_id)
            normal = [d for d in nodes if d.admin_state == NORMAL]
            live = len(normal)
            corrupt = self.corrupt.get(info.block_id, set())
            if corrupt and live >= 1:  # a good replica exists: the corrupt ones go (and are replaced)
                for uuid in list(corrupt):
                    self._invalidate(uuid, [info.block_id])
                    corrupt.discard(uuid)
                if not corrupt:
                    self.corrupt.pop(info.block_id, None)
            if not nodes:
                missing += 1
                continue
            if live > info.replication:
                victims = sorted(normal, key=lambda d: d.remaining)[: live - info.replication]
                for d in victims:
                    self._invalidate(d.uuid, [info.block_id])
                    self._unlocate(info.block_id, d.uuid)
                    excess += 1
                continue
            want = info.replication - live
            pend = self.pending.get(info.block_id)
            if pend is not None:
                want -= len(pend[0])
            if want <= 0:
                continue
            under += 1
            sources = [d for d in nodes if streams.get(d.uuid, 0) < s.max_streams_hard]
            if not sources:
                continue
            src = min(sources, key=lambda d: streams.get(d.uuid, 0))
            holders = {d.uuid for d in nodes} | corrupt | (pend[0] if pend else set()) | {
                d.uuid for d in self.datanodes.values() if d.deleting(info.block_id)}
            targets = self.choose_targets(want, info.length, exclude=holders)
            if not targets:
                continue
            streams[src.uuid] = streams.get(src.uuid, 0) + 1
            src.commands.append({"cmd": "transfer", "block": info.block_id, "genstamp": info.genstamp,
                                 "length": info.length, "targets": [t.info() for t in targets]})
            tset = {t.uuid for t in targets}
            if pend is not None:
                tset |= pend[0]
            self.pending[info.block_id] = (tset, now + s.pending_timeout)
            scheduled += 1
        return {"scheduled": scheduled, "excess": excess, "under": under, "missing": missing}

    def decommission_progress(self, blocks_of_node) -> list[str]:
        """Nodes in ``Decommission in progress`` whose every block has enough replicas
        elsewhere become ``Decommissioned``; returns them.  ``blocks_of_node(uuid)`` gives
        ``BlockInfo`` of the node's blocks."""
        done = []
        for dn in self.datanodes.values():
            if dn.admin_state != DECOMMISSIONING or not dn.alive:
                continue
            ok = True
            for info in blocks_of_node(dn.uuid):
                if self.live_count(info.block_id) < info.replication:
                    ok = False
                    break
            if ok:
                dn.admin_state = DECOMMISSIONED
                done.append(dn.uuid)
        return done

    # ------------------------------------------------------------------ safe mode
    def safe_block_count(self, min_replicas: int) -> int:
        return sum(1 for locs in self.locations.values() if len(locs) >= min_replicas)
