# ruff: noqa: UP031 - row layouts are Java String.format patterns, kept verbatim
"""``yarn applicationattempt``, ``yarn container``, ``yarn queue``, ``yarn rmadmin``, ``yarn top``."""

from __future__ import annotations

import sys
from typing import Any

from pyhdp.yarn.cli.common import UsageError, client, guard, parse

ATTEMPT_USAGE = """usage: applicationattempt
 -help                              Displays help for all commands.
 -list <Application ID>             List application attempts for
                                    application.
 -status <Application Attempt ID>   Prints the status of the application
                                    attempt.
"""
CONTAINER_USAGE = """usage: container
 -help                            Displays help for all commands.
 -list <Application Attempt ID>   List containers for application attempt.
 -status <Container ID>           Prints the status of the container.
"""
QUEUE_USAGE = """usage: queue
 -help                  Displays help for all commands.
 -status <Queue Name>   List queue information about given queue.
"""
RMADMIN_USAGE = """Usage: yarn rmadmin
   -refreshQueues
   -refreshNodes [-g|graceful [timeout in seconds] -client|server]
   -getGroups [username]
   -help [cmd]
"""


def _usage_error(e: Exception, usage: str) -> int:
    sys.stderr.write(f"{e}\n")
    sys.stdout.write(usage)
    return 255


@guard
def applicationattempt(args: list[str], conf: Any) -> int:
    from pyhdp.yarn import ids

    try:
        o = parse(args, {"list", "status"}, {"help"})
    except UsageError as e:
        return _usage_error(e, ATTEMPT_USAGE)
    if "list" in o:
        c = client(conf)
        atts = c.attempts(o["list"])
        rows = [
            f"Total number of application attempts :{len(atts)}\n",
            "%30s\t%20s\t%35s\t%35s\n"
            % ("ApplicationAttempt-Id", "State", "AM-Container-Id", "Tracking-URL"),
        ]
        for a in atts:
            rows.append(
                "%30s\t%20s\t%35s\t%35s\n"
                % (a["appAttemptId"], a["appAttemptState"], a["containerId"], a.get("trackingUrl") or "N/A")
            )
        sys.stdout.write("".join(rows))
        return 0
    if "status" in o:
        c = client(conf)
        app_id = ids.app_of_attempt(o["status"])
        for a in c.attempts(app_id):
            if a["appAttemptId"] == o["status"]:
                sys.stdout.write(
                    "\n".join(
                        [
                            "Application Attempt Report : ",
                            f"\tApplicationAttempt-Id : {a['appAttemptId']}",
                            f"\tState : {a['appAttemptState']}",
                            f"\tAMContainer : {a['containerId']}",
                            f"\tTracking-URL : {a.get('trackingUrl') or 'N/A'}",
                            f"\tRPC Port : {a.get('rpcPort', -1)}",
                            f"\tAM Host : {a.get('host') or 'N/A'}",
                            f"\tDiagnostics : {a.get('diagnosticsInfo', '')}",
                        ]
                    )
                    + "\n"
                )
                return 0
        sys.stderr.write(
            f"Application Attempt with id '{o['status']}' doesn't exist in RM or Timeline Server.\n"
        )
        return 255
    sys.stdout.write(ATTEMPT_USAGE)
    return 0 if o.get("help") else 255


def _container_row(c: dict[str, Any]) -> str:
    fin = c["finishedTime"] or "N/A"
    return "%30s\t%20s\t%20s\t%20s\t%20s\t%20s\t%35s\n" % (
        c["containerId"],
        c["startedTime"],
        fin,
        c["containerState"],
        c["assignedNodeId"],
        c["nodeHttpAddress"],
        c["logUrl"],
    )


@guard
def container(args: list[str], conf: Any) -> int:
    from pyhdp.yarn import ids

    try:
        o = parse(args, {"list", "status"}, {"help"})
    except UsageError as e:
        return _usage_error(e, CONTAINER_USAGE)
    if "list" in o:
        c = client(conf)
        att = o["list"]
        cs = c.containers(ids.app_of_attempt(att), att)
        rows = [
            f"Total number of containers :{len(cs)}\n",
            "%30s\t%20s\t%20s\t%20s\t%20s\t%20s\t%35s\n"
            % ("Container-Id", "Start Time", "Finish Time", "State", "Host", "Node Http Address", "LOG-URL"),
        ]
        rows += [_container_row(x) for x in cs]
        sys.stdout.write("".join(rows))
        return 0
    if "status" in o:
        c = client(conf)
        cid = o["status"]
        for x in c.containers(ids.app_of_container(cid), ids.attempt_of_container(cid)):
            if x["containerId"] == cid:
                sys.stdout.write(
                    "\n".join(
                        [
                            "Container Report : ",
                            f"\tContainer-Id : {cid}",
                            f"\tStart-Time : {x['startedTime']}",
                            f"\tFinish-Time : {x['finishedTime']}",
                            f"\tState : {x['containerState']}",
                            "\tExecution-Type : GUARANTEED",
                            f"\tLOG-URL : {x['logUrl']}",
                            f"\tHost : {x['assignedNodeId']}",
                            f"\tNodeHttpAddress : {x['nodeHttpAddress']}",
                            f"\tExit Status : {x['containerExitStatus']}",
                            f"\tDiagnostics : {x['diagnosticsInfo']}",
                        ]
                    )
                    + "\n"
                )
                return 0
        sys.stderr.write(f"Container with id '{cid}' doesn't exist in RM or Timeline Server.\n")
        return 255
    sys.stdout.write(CONTAINER_USAGE)
    return 0 if o.get("help") else 255


def _pct(v: float) -> str:
    text = f"{v:.2f}"
    return text[1:] if text.startswith("0.") else text


@guard
def queue(args: list[str], conf: Any) -> int:
    from pyhdp.yarn.rpc import RpcError

    try:
        o = parse(args, {"status"}, {"help"})
    except UsageError as e:
        return _usage_error(e, QUEUE_USAGE)
    if "status" not in o:
        sys.stdout.write(QUEUE_USAGE)
        return 0 if o.get("help") else 255
    c = client(conf)
    try:
        q = c.queue(o["status"])
    except RpcError as e:
        if e.status == 404:
            sys.stdout.write(f"Cannot get queue from RM by queueName = {o['status']}, please check.\n")
            return 255
        raise
    sys.stdout.write(
        "\n".join(
            [
                "Queue Information : ",
                f"Queue Name : {q['queueName']}",
                f"\tState : {q['state']}",
                f"\tCapacity : {_pct(q['capacity'])}%",
                f"\tCurrent Capacity : {_pct(q['usedCapacity'])}%",
                f"\tMaximum Capacity : {_pct(q['maxCapacity'])}%",
                "\tDefault Node Label expression : <DEFAULT_PARTITION>",
                "\tAccessible Node Labels : *",
                "\tPreemption : disabled",
                "\tIntra-queue Preemption : disabled",
            ]
        )
        + "\n"
    )
    return 0


@guard
def rmadmin(args: list[str], conf: Any) -> int:
    if not args or args[0] in ("-help", "-h"):
        sys.stderr.write(RMADMIN_USAGE)
        return 0 if args else 255
    cmd = args[0]
    if cmd in ("-refreshQueues", "-refreshNodes"):
        from pyhdp.yarn.client import YarnClient
        from pyhdp.yarn.rpc import RpcError

        c = YarnClient(conf)
        sys.stderr.write(
            f"{__import__('pyhdp.yarn.cli.common', fromlist=['stamp']).stamp()} INFO "
            f"client.DefaultNoHARMFailoverProxyProvider: Connecting to ResourceManager at /{c.addr}\n"
        )
        try:
            c.admin(cmd[1:])
        except RpcError as e:
            sys.stderr.write(f"{cmd[1:]}: {e.message}\n")
            return 255
        return 0
    if cmd == "-getGroups":
        from pyhdp.security import current_user, groups_of

        users = args[1:] or [current_user(conf)]
        for u in users:
            try:
                gs = groups_of(u)
            except Exception:  # noqa: BLE001
                gs = []
            sys.stdout.write(f"{u} : {' '.join(gs)}\n")
        return 0
    sys.stderr.write(f"{cmd[1:] if cmd.startswith('-') else cmd}: Unknown command\n{RMADMIN_USAGE}")
    return 255


@guard
def top(args: list[str], conf: Any) -> int:
    """One screen of ``yarn top``: queue metrics and running applications (rich table)."""
    import time

    from rich.console import Console
    from rich.table import Table

    c = client(conf)
    m = c.metrics()
    apps = c.apps(states="RUNNING,ACCEPTED")
    console = Console(width=None if sys.stdout.isatty() else 200)
    console.print(
        f"YARN top - {time.strftime('%H:%M:%S')}, up, {m['activeNodes']} active nodes\n"
        f"NodeManager(s): {m['totalNodes']} total, {m['activeNodes']} active, {m['lostNodes']} lost\n"
        f"Queue(s) Applications: {m['appsRunning']} running, {m['appsSubmitted']} submitted, "
        f"{m['appsPending']} pending, {m['appsCompleted']} completed, {m['appsKilled']} killed, "
        f"{m['appsFailed']} failed\n"
        f"Queue(s) Mem(GB): {m['availableMB'] / 1024:.0f} available, {m['allocatedMB'] / 1024:.0f} allocated\n"
        f"Queue(s) VCores: {m['availableVirtualCores']} available, {m['allocatedVirtualCores']} allocated\n"
        f"Queue(s) Containers: {m['containersAllocated']} allocated, {m['containersPending']} pending",
        highlight=False,
    )
    t = Table(box=None)
    for col in (
        "APPLICATIONID",
        "USER",
        "TYPE",
        "QUEUE",
        "PRIOR",
        "#CONT",
        "#RCONT",
        "VCORES",
        "RVCORES",
        "MEM",
        "RMEM",
        "VCORESECS",
        "MEMSECS",
        "%PROGR",
        "TIME",
        "NAME",
    ):
        t.add_column(col, no_wrap=True)
    now = int(time.time() * 1000)
    for a in apps:
        el = (now - a["startedTime"]) // 1000
        t.add_row(
            a["id"],
            a["user"],
            a["applicationType"].lower(),
            a["queue"],
            str(a.get("priority", 0)),
            str(max(a["runningContainers"], 0)),
            "0",
            str(max(a["allocatedVCores"], 0)),
            "0",
            f"{max(a['allocatedMB'], 0) / 1024:.0f}G",
            "0G",
            str(a["vcoreSeconds"]),
            str(a["memorySeconds"] // 1024),
            f"{a['progress']:.2f}",
            f"{el // 3600:02d}:{el % 3600 // 60:02d}:{el % 60:02d}",
            a["name"],
        )
    console.print(t)
    return 0
