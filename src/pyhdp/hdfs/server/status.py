"""The NameNode's status page (``/``, dfshealth-like) and ``/jmx`` (Hadoop's JMX JSON servlet)."""

from __future__ import annotations

import html
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyhdp.hdfs.server.namenode import NameNode


def _bytes(n: int) -> str:
    from pyhdp.hdfs.namenode.quota import long2string

    return long2string(n, "B", 2)


def beans(nn: NameNode) -> list[dict]:
    s = nn.stats()
    with nn.ns.read():
        files, dirs = nn.conn.execute(
            "SELECT coalesce(sum(1-is_dir),0), coalesce(sum(is_dir),0) FROM inodes").fetchone()
        blocks = nn.conn.execute("SELECT count(*) FROM blocks").fetchone()[0]
    live = {d["name"]: {"infoAddr": d["http"], "xferaddr": d["name"], "lastContact": int(d["secondsSinceHeartbeat"]),
                        "usedSpace": d["dfsUsed"], "adminState": d["adminState"], "capacity": d["capacity"],
                        "remaining": d["remaining"], "numBlocks": d["numBlocks"]}
            for d in nn.datanode_report("live")}
    dead = {d["name"]: {"lastContact": int(d["secondsSinceHeartbeat"]), "xferaddr": d["name"],
                        "adminState": d["adminState"]} for d in nn.datanode_report("dead")}
    import json

    return [
        {"name": "Hadoop:service=NameNode,name=FSNamesystemState",
         "modelerType": "org.apache.hadoop.hdfs.server.namenode.FSNamesystem",
         "CapacityTotal": s["capacity"], "CapacityUsed": s["used"], "CapacityRemaining": s["remaining"],
         "FilesTotal": files + dirs, "BlocksTotal": blocks, "NumLiveDataNodes": s["live"],
         "NumDeadDataNodes": s["dead"], "UnderReplicatedBlocks": s["underReplicated"],
         "PendingReplicationBlocks": s["pendingReplication"], "PendingDeletionBlocks": s["pendingDeletion"],
         "FSState": "safeMode" if s["safemode"] else "Operational",
         "NumDecommissioningDataNodes": sum(1 for d in nn.bm.datanodes.values()
                                            if d.admin_state == "Decommission in progress")},
        {"name": "Hadoop:service=NameNode,name=NameNodeInfo",
         "modelerType": "org.apache.hadoop.hdfs.server.namenode.FSNamesystem",
         "ClusterId": nn.version.cluster_id, "BlockPoolId": nn.bpid, "Safemode": s["safemodeTip"],
         "Total": s["capacity"], "Used": s["used"], "Free": s["remaining"], "NonDfsUsedSpace": s["nonDfsUsed"],
         "TotalFiles": files, "TotalBlocks": blocks, "NumberOfMissingBlocks": s["missing"],
         "LiveNodes": json.dumps(live), "DeadNodes": json.dumps(dead), "DecomNodes": "{}",
         "Version": _version()},
        {"name": "Hadoop:service=NameNode,name=NameNodeStatus",
         "modelerType": "org.apache.hadoop.hdfs.server.namenode.NameNode",
         "State": "active", "HostAndPort": nn.rpc_client_address, "NNRole": "NameNode",
         "LastHATransitionTime": 0, "SecurityEnabled": False},
        {"name": "Hadoop:service=NameNode,name=RpcActivity", "RpcProcessedCount": nn.metrics["rpc"]},
    ]


def _version() -> str:
    from pyhdp import __version__

    return __version__


def jmx(nn: NameNode):
    from pyhdp.hdfs.server.nn_http import json_response

    async def handler(request):
        all_beans = beans(nn)
        qry = request.query.get("qry")
        if qry:
            all_beans = [b for b in all_beans if b["name"] == qry]
        return json_response({"beans": all_beans})

    return handler


def page(nn: NameNode):
    async def handler(request):
        from aiohttp import web

        s = nn.stats()
        rows = []
        for d in nn.datanode_report("all"):
            rows.append(
                f"<tr><td>{html.escape(d['name'])} ({html.escape(d['hostname'])})</td>"
                f"<td>{'In Service' if d['alive'] else 'Dead'}</td><td>{html.escape(d['adminState'])}</td>"
                f"<td>{int(d['secondsSinceHeartbeat'])}s</td><td>{_bytes(d['capacity'])}</td>"
                f"<td>{_bytes(d['dfsUsed'])}</td><td>{_bytes(d['remaining'])}</td><td>{d['numBlocks']}</td></tr>")
        safemode = "Safe mode is ON. " + html.escape(s["safemodeTip"]) if s["safemode"] else "Safe mode is off."
        body = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Namenode information</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left}}</style></head><body>
<h1>Overview '{html.escape(nn.rpc_client_address)}' (active)</h1>
<table>
<tr><th>Started:</th><td>{time.ctime(nn.started)}</td></tr>
<tr><th>Cluster ID:</th><td>{html.escape(nn.version.cluster_id)}</td></tr>
<tr><th>Block Pool ID:</th><td>{html.escape(nn.bpid)}</td></tr>
</table>
<h2>Summary</h2>
<p>{safemode}</p>
<table>
<tr><th>Configured Capacity:</th><td>{_bytes(s['capacity'])}</td></tr>
<tr><th>DFS Used:</th><td>{_bytes(s['used'])}</td></tr>
<tr><th>Non DFS Used:</th><td>{_bytes(s['nonDfsUsed'])}</td></tr>
<tr><th>DFS Remaining:</th><td>{_bytes(s['remaining'])}</td></tr>
<tr><th>Live Nodes</th><td>{s['live']}</td></tr>
<tr><th>Dead Nodes</th><td>{s['dead']}</td></tr>
<tr><th>Under-Replicated Blocks</th><td>{s['underReplicated']}</td></tr>
<tr><th>Blocks with corrupt replicas</th><td>{s['corruptReplicaBlocks']}</td></tr>
<tr><th>Missing Blocks</th><td>{s['missing']}</td></tr>
<tr><th>Pending Deletion Blocks</th><td>{s['pendingDeletion']}</td></tr>
</table>
<h2>Datanode Information</h2>
<table><tr><th>Node</th><th>State</th><th>Admin State</th><th>Last contact</th><th>Capacity</th><th>Used</th>
<th>Remaining</th><th>Blocks</th></tr>
{''.join(rows)}
</table></body></html>
"""
        return web.Response(text=body, content_type="text/html")

    return handler
