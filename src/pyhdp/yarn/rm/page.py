"""The ``/cluster`` web page: cluster metrics, applications and nodes in plain HTML."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from pyhdp.yarn.rm import rest

if TYPE_CHECKING:
    from pyhdp.yarn.rm.core import RMCore


def _table(head: list[str], rows: list[list[str]]) -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table border=1 cellspacing=0 cellpadding=3><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def cluster_page(core: RMCore, web: str) -> str:
    m = rest.metrics(core)["clusterMetrics"]
    metrics = _table(
        [
            "Apps Submitted",
            "Apps Pending",
            "Apps Running",
            "Apps Completed",
            "Containers Running",
            "Memory Used",
            "Memory Total",
            "VCores Used",
            "VCores Total",
            "Active Nodes",
            "Lost Nodes",
        ],
        [
            [
                str(m["appsSubmitted"]),
                str(m["appsPending"]),
                str(m["appsRunning"]),
                str(m["appsCompleted"]),
                str(m["containersAllocated"]),
                f"{m['allocatedMB']} MB",
                f"{m['totalMB']} MB",
                str(m["allocatedVirtualCores"]),
                str(m["totalVirtualCores"]),
                str(m["activeNodes"]),
                str(m["lostNodes"]),
            ]
        ],
    )
    apps = []
    for app in sorted(core.apps.values(), key=lambda a: a.app_id, reverse=True):
        j = rest.app_json(core, app, web)
        apps.append(
            [
                html.escape(app.app_id),
                html.escape(app.user),
                html.escape(app.name),
                html.escape(app.app_type),
                html.escape(app.queue),
                str(j["startedTime"]),
                str(j["finishedTime"]),
                app.state,
                app.final_status,
                str(len(app.live_containers)),
                f"{j['progress']:.0f}%",
                f'<a href="{html.escape(j["trackingUrl"])}">{j["trackingUI"]}</a>',
            ]
        )
    nodes = [
        [
            n.node_id,
            n.state,
            f'<a href="http://{html.escape(n.http_address)}">{html.escape(n.http_address)}</a>',
            str(n.last_heartbeat),
            str(len(n.containers)),
            f"{n.used.memory} MB",
            f"{n.available.memory} MB",
            str(n.used.vcores),
            str(n.available.vcores),
        ]
        for n in sorted(core.nodes.values(), key=lambda n: n.node_id)
    ]
    return (
        "<!DOCTYPE html><html><head><title>All Applications</title></head><body>"
        "<h1>All Applications</h1><h3>Cluster Metrics</h3>"
        + metrics
        + "<h3>Applications</h3>"
        + _table(
            [
                "ID",
                "User",
                "Name",
                "Application Type",
                "Queue",
                "StartTime",
                "FinishTime",
                "State",
                "FinalStatus",
                "Running Containers",
                "Progress",
                "Tracking UI",
            ],
            apps,
        )
        + "<h3>Nodes</h3>"
        + _table(
            [
                "Node Address",
                "Node State",
                "Node HTTP Address",
                "Last health-update",
                "Containers",
                "Mem Used",
                "Mem Avail",
                "VCores Used",
                "VCores Avail",
            ],
            nodes,
        )
        + "</body></html>"
    )
