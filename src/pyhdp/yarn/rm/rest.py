"""JSON documents of the RM REST API (``/ws/v1/cluster/...``) with Hadoop's field names."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pyhdp.yarn.records import FINAL_STATES, Resource
from pyhdp.yarn.rm.scheduler import cluster_resource

if TYPE_CHECKING:
    from pyhdp.yarn.rm.core import App, Node, RMCore
    from pyhdp.yarn.rm.queues import Queue

VERSION = "3.3.6"
BUILD = f"{VERSION} from pyhdp by pyhdp source checksum 0"


def cluster_info(core: RMCore, started: int, store_name: str) -> dict[str, Any]:
    return {
        "clusterInfo": {
            "id": core.cluster_ts,
            "startedOn": started,
            "state": "STARTED",
            "haState": "ACTIVE",
            "rmStateStoreName": store_name,
            "resourceManagerVersion": VERSION,
            "resourceManagerBuildVersion": BUILD,
            "resourceManagerVersionBuiltOn": "2023-06-18T08:22Z",
            "hadoopVersion": VERSION,
            "hadoopBuildVersion": BUILD,
            "hadoopVersionBuiltOn": "2023-06-18T08:22Z",
            "haZooKeeperConnectionState": "ResourceManager HA is not enabled.",
        }
    }


def metrics(core: RMCore) -> dict[str, Any]:
    apps = list(core.apps.values())
    total = cluster_resource(core)
    used = sum((n.used for n in core.nodes.values() if n.state == "RUNNING"), Resource())
    count = {s: sum(a.state == s for a in apps) for s in ("FINISHED", "FAILED", "KILLED", "RUNNING")}
    pending = sum(a.state in ("NEW", "NEW_SAVING", "SUBMITTED", "ACCEPTED") for a in apps)
    nodes = list(core.nodes.values())
    containers = sum(len(a.live_containers) for a in apps)
    pend_c = sum(sum(k.count for k in (a.attempt.pending if a.attempt else [])) for a in apps)
    return {
        "clusterMetrics": {
            "appsSubmitted": len(apps),
            "appsCompleted": count["FINISHED"] + count["FAILED"] + count["KILLED"],
            "appsPending": pending,
            "appsRunning": count["RUNNING"],
            "appsFailed": count["FAILED"],
            "appsKilled": count["KILLED"],
            "reservedMB": 0,
            "availableMB": total.memory - used.memory,
            "allocatedMB": used.memory,
            "totalMB": total.memory,
            "reservedVirtualCores": 0,
            "availableVirtualCores": total.vcores - used.vcores,
            "allocatedVirtualCores": used.vcores,
            "totalVirtualCores": total.vcores,
            "containersAllocated": containers,
            "containersReserved": 0,
            "containersPending": pend_c,
            "totalNodes": sum(n.state in ("RUNNING", "NEW", "UNHEALTHY") for n in nodes),
            "activeNodes": sum(n.state == "RUNNING" for n in nodes),
            "lostNodes": sum(n.state == "LOST" for n in nodes),
            "unhealthyNodes": sum(n.state == "UNHEALTHY" for n in nodes),
            "decommissioningNodes": sum(n.state == "DECOMMISSIONING" for n in nodes),
            "decommissionedNodes": sum(n.state == "DECOMMISSIONED" for n in nodes),
            "rebootedNodes": sum(n.state == "REBOOTED" for n in nodes),
            "shutdownNodes": sum(n.state == "SHUTDOWN" for n in nodes),
            "utilizedMBPercent": int(100 * used.memory / total.memory) if total.memory else 0,
            "utilizedVirtualCoresPercent": int(100 * used.vcores / total.vcores) if total.vcores else 0,
        }
    }


def _queue(core: RMCore, q: Queue, total: Resource) -> dict[str, Any]:
    cap_mem = max(total.memory * q.abs_capacity, 1e-9)
    d: dict[str, Any] = {
        "capacity": round(q.capacity, 2),
        "usedCapacity": round(100.0 * q.used.memory / cap_mem, 2) if total.memory else 0.0,
        "maxCapacity": round(q.max_capacity, 2),
        "absoluteCapacity": round(100 * q.abs_capacity, 2),
        "absoluteMaxCapacity": round(100 * q.abs_max_capacity, 2),
        "absoluteUsedCapacity": round(100.0 * q.used.memory / total.memory, 2) if total.memory else 0.0,
        "numApplications": 0,
        "usedResources": str(q.used),
        "queueName": q.name,
        "queuePath": q.path,
        "state": q.state,
        "resourcesUsed": {"memory": q.used.memory, "vCores": q.used.vcores},
    }
    if q.is_leaf:
        apps = [core.apps[i] for i in q.apps if i in core.apps]
        d.update(
            {
                "type": "capacitySchedulerLeafQueueInfo",
                "numApplications": len(apps),
                "numActiveApplications": sum(a.state == "RUNNING" for a in apps),
                "numPendingApplications": sum(a.state == "ACCEPTED" for a in apps),
                "numContainers": sum(len(a.live_containers) for a in apps),
                "maxApplications": 10000,
                "maxApplicationsPerUser": 10000,
                "userLimit": 100,
                "userLimitFactor": 1.0,
                "users": None,
                "AMResourceLimit": {"memory": int(total.memory * q.am_percent * q.abs_capacity), "vCores": 1},
                "usedAMResource": {"memory": q.am_used.memory, "vCores": q.am_used.vcores},
            }
        )
    else:
        d["queues"] = {"queue": [_queue(core, c, total) for c in q.children]}
        d["numApplications"] = sum(len(c.apps) for c in q.walk() if c.is_leaf)
    return d


def scheduler(core: RMCore) -> dict[str, Any]:
    total = cluster_resource(core)
    root = _queue(core, core.root, total)
    return {
        "scheduler": {
            "schedulerInfo": {
                "type": "capacityScheduler",
                "capacity": 100.0,
                "usedCapacity": root["absoluteUsedCapacity"],
                "maxCapacity": 100.0,
                "queueName": "root",
                "queues": root["queues"],
            }
        }
    }


def queue_info(core: RMCore, q: Queue) -> dict[str, Any]:
    return _queue(core, q, cluster_resource(core))


def app_json(core: RMCore, app: App, rm_web: str) -> dict[str, Any]:
    a = app.attempt
    running = app.state == "RUNNING"
    am = app.containers.get(a.am_container) if a and a.am_container else None
    node = core.nodes.get(am.node_id) if am else None
    if app.state in FINAL_STATES:
        tracking_ui, tracking = (
            "History",
            app.final_tracking_url or f"http://{rm_web}/cluster/app/{app.app_id}",
        )
    elif running:
        tracking_ui, tracking = "ApplicationMaster", f"http://{rm_web}/proxy/{app.app_id}/"
    else:
        tracking_ui, tracking = "UNASSIGNED", f"http://{rm_web}/proxy/{app.app_id}/"
    total = cluster_resource(core)
    return {
        "id": app.app_id,
        "user": app.user,
        "name": app.name,
        "queue": app.queue,
        "state": app.state,
        "finalStatus": app.final_status,
        "progress": round(app.progress * 100.0, 2),
        "trackingUI": tracking_ui,
        "trackingUrl": tracking,
        "originalTrackingUrl": (a.tracking_url if a and running else app.final_tracking_url) or "N/A",
        "diagnostics": app.diagnostics,
        "clusterId": core.cluster_ts,
        "applicationType": app.app_type,
        "applicationTags": ",".join(app.tags),
        "priority": app.priority,
        "startedTime": app.start_time,
        "launchTime": app.launch_time,
        "finishedTime": app.finish_time,
        "elapsedTime": (app.finish_time or core_now(core)) - app.start_time if app.start_time else 0,
        "amContainerLogs": f"http://{node.http_address}/node/containerlogs/{am.container_id}/{app.user}"
        if node and am
        else "",
        "amHostHttpAddress": node.http_address if node else "",
        "amRPCAddress": f"{a.host}:{a.rpc_port}" if a and a.host else "N/A",
        "allocatedMB": app.used.memory if running else -1,
        "allocatedVCores": app.used.vcores if running else -1,
        "reservedMB": 0 if running else -1,
        "reservedVCores": 0 if running else -1,
        "runningContainers": len(app.live_containers) if running else -1,
        "memorySeconds": app.memory_seconds,
        "vcoreSeconds": app.vcore_seconds,
        "queueUsagePercentage": 0.0,
        "clusterUsagePercentage": round(100.0 * app.used.memory / total.memory, 2) if total.memory else 0.0,
        "preemptedResourceMB": 0,
        "preemptedResourceVCores": 0,
        "numNonAMContainerPreempted": 0,
        "numAMContainerPreempted": 0,
        "logAggregationStatus": app.log_aggregation,
        "unmanagedApplication": False,
        "amNodeLabelExpression": "",
        "appNodeLabelExpression": "",
        "amHost": a.host if a and a.host else "N/A",
        "rpcPort": a.rpc_port if a else -1,
    }


_NOW = [0]


def core_now(core: RMCore) -> int:
    import time

    return int(time.time() * 1000)


def attempts_json(core: RMCore, app: App) -> dict[str, Any]:
    out = []
    for a in app.attempts:
        c = app.containers.get(a.am_container) if a.am_container else None
        node = core.nodes.get(c.node_id) if c else None
        out.append(
            {
                "id": a.number,
                "startTime": a.start_time,
                "finishedTime": a.finish_time,
                "containerId": a.am_container,
                "nodeHttpAddress": node.http_address if node else "",
                "nodeId": c.node_id if c else "",
                "logsLink": f"http://{node.http_address}/node/containerlogs/{c.container_id}/{app.user}"
                if node and c
                else "",
                "blacklistedNodes": "",
                "appAttemptId": a.attempt_id,
                "appAttemptState": a.state,
                "diagnosticsInfo": a.diagnostics,
                "trackingUrl": a.tracking_url,
                "host": a.host,
                "rpcPort": a.rpc_port,
            }
        )
    return {"appAttempts": {"appAttempt": out}}


def containers_json(core: RMCore, app: App, attempt_id: str) -> list[dict[str, Any]]:
    out = []
    from pyhdp.yarn import ids

    for c in app.containers.values():
        if ids.attempt_of_container(c.container_id) != attempt_id:
            continue
        node = core.nodes.get(c.node_id)
        http = node.http_address if node else ""
        out.append(
            {
                "containerId": c.container_id,
                "allocatedMB": c.resource.memory,
                "allocatedVCores": c.resource.vcores,
                "assignedNodeId": c.node_id,
                "priority": c.priority,
                "startedTime": c.start_time,
                "finishedTime": c.finish_time,
                "elapsedTime": (c.finish_time or core_now(core)) - c.start_time,
                "logUrl": f"http://{http}/node/containerlogs/{c.container_id}/{app.user}",
                "containerExitStatus": c.exit_status if c.state == "COMPLETED" else 0,
                "containerState": "COMPLETE" if c.state == "COMPLETED" else "RUNNING",
                "nodeHttpAddress": f"http://{http}" if http else "",
                "diagnosticsInfo": c.diagnostics,
            }
        )
    return out


def node_json(node: Node) -> dict[str, Any]:
    return {
        "rack": "/default-rack",
        "state": node.state,
        "id": node.node_id,
        "nodeHostName": node.host,
        "nodeHTTPAddress": node.http_address,
        "lastHealthUpdate": node.last_heartbeat,
        "version": node.version or VERSION,
        "healthReport": node.health_report,
        "numContainers": len(node.containers),
        "usedMemoryMB": node.used.memory,
        "availMemoryMB": node.available.memory,
        "usedVirtualCores": node.used.vcores,
        "availableVirtualCores": node.available.vcores,
        "totalResource": {"memory": node.capability.memory, "vCores": node.capability.vcores},
        "nodeLabels": [],
    }
