"""``yarn node``: -list [-all] [-states] [-showDetails], -status (NodeCLI)."""

from __future__ import annotations

import datetime
import sys
from typing import Any

from pyhdp.yarn.cli.common import UsageError, client, guard, parse
from pyhdp.yarn.records import NODE_STATES

USAGE = """usage: node
 -all                 Works with -list to list all nodes.
 -help                Displays help for all commands.
 -list                List all running nodes. Supports optional use of
                      -states to filter nodes based on node state, all -all
                      to list all nodes, -showDetails to display more
                      details about each node.
 -showDetails         Works with -list to show more details about each
                      node.
 -states <States>     Works with -list to filter nodes based on input
                      comma-separated list of node states. The valid node
                      state can be one of the following:
                      NEW,RUNNING,UNHEALTHY,DECOMMISSIONED,LOST,REBOOTED,DEC
                      OMMISSIONING,SHUTDOWN.
 -status <NodeId>     Prints the status report of the node.
"""

ROW = "%16s\t%15s\t%17s\t%28s"


@guard
def run(args: list[str], conf: Any) -> int:
    try:
        o = parse(args, {"states", "status"}, {"list", "all", "showDetails", "help"})
    except UsageError as e:
        sys.stderr.write(f"{e}\n")
        sys.stdout.write(USAGE)
        return 255
    if o.get("help") or not args:
        sys.stdout.write(USAGE)
        return 0
    if o.get("list"):
        if o.get("all"):
            states = list(NODE_STATES)
        else:
            states = [s.strip().upper() for s in (o.get("states") or "RUNNING").split(",") if s.strip()]
            for s in states:
                if s not in NODE_STATES:
                    sys.stderr.write(f"The node state {s} is invalid.\n")
                    return 255
        c = client(conf)
        nodes = c.nodes(",".join(states))
        out = [
            f"Total Nodes:{len(nodes)}\n",
            ROW % ("Node-Id", "Node-State", "Node-Http-Address", "Number-of-Running-Containers") + "\n",
        ]
        for n in nodes:
            out.append(ROW % (n["id"], n["state"], n["nodeHTTPAddress"], n["numContainers"]) + "\n")
            if o.get("showDetails"):
                out.append("Detailed Node Information :\n")
                out.append(
                    f"\tConfigured Resources : <memory:{n['totalResource']['memory']}, "
                    f"vCores:{n['totalResource']['vCores']}>\n"
                )
                out.append(
                    f"\tAllocated Resources : <memory:{n['usedMemoryMB']}, vCores:{n['usedVirtualCores']}>\n"
                )
                out.append("\tResource Utilization by Node : \n\tResource Utilization by Containers : \n")
                out.append("\tNode-Labels : \n")
        sys.stdout.write("".join(out))
        return 0
    if "status" in o:
        return _status(conf, o["status"])
    sys.stdout.write(USAGE)
    return 255


def _status(conf: Any, node_id: str) -> int:
    from pyhdp.yarn.rpc import RpcError

    c = client(conf)
    try:
        data = c.get(f"/ws/v1/cluster/nodes/{node_id}")
        n = data["node"]
    except RpcError as e:
        if e.status == 404:
            sys.stdout.write(f"Could not find the node report for node id : {node_id}\n")
            return 255
        raise
    when = datetime.datetime.fromtimestamp(n["lastHealthUpdate"] / 1000.0, datetime.timezone.utc)
    health = when.strftime("%a %d/%b/%y %I:%M:%S:") + f"{when.microsecond // 1000:03d}UTC"
    total = n["totalResource"]
    lines = [
        "Node Report : ",
        f"\tNode-Id : {n['id']}",
        f"\tRack : {n['rack']}",
        f"\tNode-State : {n['state']}",
        f"\tNode-Http-Address : {n['nodeHTTPAddress']}",
        f"\tLast-Health-Update : {health}",
        f"\tHealth-Report : {n['healthReport']}",
        f"\tContainers : {n['numContainers']}",
        f"\tMemory-Used : {n['usedMemoryMB']}MB",
        f"\tMemory-Capacity : {total['memory']}MB",
        f"\tCPU-Used : {n['usedVirtualCores']} vcores",
        f"\tCPU-Capacity : {total['vCores']} vcores",
        "\tNode-Labels : ",
        "\tResource Utilization by Node : ",
        "\tResource Utilization by Containers : ",
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
