"""``yarn application|app``: -list, -status, -kill, -movetoqueue / -changeQueue (ApplicationCLI)."""

from __future__ import annotations

import sys
from typing import Any

from pyhdp.yarn.cli.common import UsageError, client, guard, parse, percent
from pyhdp.yarn.records import APP_STATES

USAGE = """usage: application
 -appId <Application ID>                  Specify Application Id to be
                                          operated
 -appStates <States>                      Works with -list to filter
                                          applications based on input
                                          comma-separated list of
                                          application states. The valid
                                          application state can be one of
                                          the following:
                                          ALL,NEW,NEW_SAVING,SUBMITTED,ACC
                                          EPTED,RUNNING,FINISHED,FAILED,KI
                                          LLED
 -appTags <Tags>                          Works with -list to filter
                                          applications based on input
                                          comma-separated list of
                                          application tags.
 -appTypes <Types>                        Works with -list to filter
                                          applications based on input
                                          comma-separated list of
                                          application types.
 -changeQueue <Queue Name>                Moves application to a new
                                          queue. ApplicationId can be
                                          passed using 'appId' option.
                                          'movetoqueue' command is
                                          deprecated, this new command
                                          'changeQueue' performs same
                                          functionality.
 -help                                    Displays help for all commands.
 -kill <Application ID>                   Kills the application. Set of
                                          applications can be provided
                                          separated with space
 -list                                    List applications. Supports
                                          optional use of -appTypes to
                                          filter applications based on
                                          application type, -appStates to
                                          filter applications based on
                                          application state and -appTags
                                          to filter applications based on
                                          application tag.
 -movetoqueue <Application ID>            Moves the application to a
                                          different queue. Deprecated
                                          command. Use 'changeQueue'
                                          instead.
 -queue <Queue Name>                      Works with the movetoqueue
                                          command to specify which queue
                                          to move an application to.
 -status <Application Name or ID>         Prints the status of the
                                          application.
"""

ROW = "%30s\t%20s\t%20s\t%10s\t%10s\t%18s\t%18s\t%15s\t%35s"
DEFAULT_STATES = ["SUBMITTED", "ACCEPTED", "RUNNING"]


def _jset(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


@guard
def run(args: list[str], conf: Any) -> int:
    try:
        o = parse(
            args,
            {
                "appStates",
                "appTypes",
                "appTags",
                "status",
                "kill",
                "movetoqueue",
                "queue",
                "changeQueue",
                "appId",
            },
            {"list", "help"},
            {"kill"},
        )
    except UsageError as e:
        sys.stderr.write(f"{e}\n")
        sys.stdout.write(USAGE)
        return 255
    if o.get("help") or not args:
        sys.stdout.write(USAGE)
        return 0
    if o.get("list"):
        return _list(conf, o)
    if "status" in o:
        return _status(conf, o["status"])
    if "kill" in o:
        return _kill(conf, o["kill"] + o.get("_rest", []))
    if "movetoqueue" in o or "changeQueue" in o:
        app_id = o.get("movetoqueue") or o.get("appId")
        queue = o.get("queue") if "movetoqueue" in o else o.get("changeQueue")
        if not app_id or not queue:
            sys.stdout.write(USAGE)
            return 255
        return _move(conf, app_id, queue)
    sys.stdout.write(USAGE)
    return 255


def _list(conf: Any, o: dict[str, Any]) -> int:
    states = [s.strip().upper() for s in (o.get("appStates") or "").split(",") if s.strip()]
    if "ALL" in states:
        states = list(APP_STATES)
    for s in states:
        if s not in APP_STATES:
            sys.stdout.write(
                f"The application state  {s} is invalid.\n"
                "The valid application state can be one of the following: "
                "ALL,NEW,NEW_SAVING,SUBMITTED,ACCEPTED,RUNNING,FINISHED,FAILED,KILLED\n"
            )
            return 255
    states = [s for s in APP_STATES if s in states] or DEFAULT_STATES
    types = sorted({t.strip().upper() for t in (o.get("appTypes") or "").split(",") if t.strip()})
    tags = sorted({t.strip().lower() for t in (o.get("appTags") or "").split(",") if t.strip()})
    c = client(conf)
    apps = c.apps(states=",".join(states), **({"applicationTypes": ",".join(types)} if types else {}))
    if tags:
        apps = [a for a in apps if set(tags) & {t for t in (a.get("applicationTags") or "").split(",") if t}]
    out = [
        f"Total number of applications (application-types: {_jset(types)}, states: {_jset(states)} "
        f"and tags: {_jset(tags)}):{len(apps)}\n",
        ROW
        % (
            "Application-Id",
            "Application-Name",
            "Application-Type",
            "User",
            "Queue",
            "State",
            "Final-State",
            "Progress",
            "Tracking-URL",
        )
        + "\n",
    ]
    for a in apps:
        url = a.get("originalTrackingUrl") or "N/A"
        out.append(
            ROW
            % (
                a["id"],
                a["name"],
                a["applicationType"],
                a["user"],
                a["queue"],
                a["state"],
                a["finalStatus"],
                percent(a["progress"] / 100.0),
                url,
            )
            + "\n"
        )
    sys.stdout.write("".join(out))
    return 0


def _status(conf: Any, app_id: str) -> int:
    from pyhdp.yarn import ids
    from pyhdp.yarn.rpc import RpcError

    try:
        ids.parse_app_id(app_id)
    except ValueError:
        sys.stderr.write(
            f'Exception in thread "main" java.lang.IllegalArgumentException: Invalid ApplicationId: '
            f"{app_id}\n"
        )
        return 255
    c = client(conf)
    try:
        a = c.app(app_id)
    except RpcError as e:
        if e.status == 404:
            sys.stderr.write(f"Application with id '{app_id}' doesn't exist in RM or Timeline Server.\n")
            return 255
        raise
    lines = [
        "Application Report : ",
        f"\tApplication-Id : {a['id']}",
        f"\tApplication-Name : {a['name']}",
        f"\tApplication-Type : {a['applicationType']}",
        f"\tUser : {a['user']}",
        f"\tQueue : {a['queue']}",
        f"\tApplication Priority : {a.get('priority', 0)}",
        f"\tStart-Time : {a['startedTime']}",
        f"\tFinish-Time : {a['finishedTime']}",
        f"\tProgress : {percent(a['progress'] / 100.0)}",
        f"\tState : {a['state']}",
        f"\tFinal-State : {a['finalStatus']}",
        f"\tTracking-URL : {a.get('originalTrackingUrl') or 'N/A'}",
        f"\tRPC Port : {a.get('rpcPort', -1)}",
        f"\tAM Host : {a.get('amHost', 'N/A')}",
        f"\tAggregate Resource Allocation : {a['memorySeconds']} MB-seconds, {a['vcoreSeconds']} vcore-seconds",
        "\tAggregate Resource Preempted : 0 MB-seconds, 0 vcore-seconds",
        f"\tLog Aggregation Status : {a.get('logAggregationStatus', 'DISABLED')}",
        f"\tDiagnostics : {a.get('diagnostics', '')}",
        "\tUnmanaged Application : false",
        "\tApplication Node Label Expression : <Not set>",
        "\tAM container Node Label Expression : <DEFAULT_PARTITION>",
        "\tTimeoutType : LIFETIME\tExpiryTime : UNLIMITED\tRemainingTime : -1seconds",
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _kill(conf: Any, app_ids: list[str]) -> int:
    import time

    from pyhdp.yarn.cli.common import stamp
    from pyhdp.yarn.rpc import RpcError

    c = client(conf)
    ok = 0
    for app_id in app_ids:
        try:
            a = c.app(app_id)
        except RpcError:
            sys.stdout.write(f"Application with id '{app_id}' doesn't exist in RM.\n")
            continue
        ok += 1
        if a["state"] in ("FINISHED", "FAILED", "KILLED"):
            sys.stdout.write(f"Application {app_id} has already finished \n")
            continue
        sys.stdout.write(f"Killing application {app_id}\n")
        sys.stdout.flush()
        status, state = c.kill(app_id, _user(conf))
        if status == 403:
            sys.stderr.write(
                f'Exception in thread "main" org.apache.hadoop.yarn.exceptions.YarnException: '
                f"User is not allowed to kill {app_id}\n"
            )
            return 255
        for _ in range(100):
            if c.app(app_id)["state"] == "KILLED":
                break
            time.sleep(0.1)
        sys.stderr.write(f"{stamp()} INFO impl.YarnClientImpl: Killed application {app_id}\n")
    return 0 if ok or not app_ids else 255


def _move(conf: Any, app_id: str, queue: str) -> int:
    from pyhdp.yarn.rpc import RpcError

    c = client(conf)
    sys.stdout.write(f"Moving application {app_id} to queue {queue}\n")
    try:
        c.move(app_id, queue)
    except RpcError as e:
        if e.status == 404:
            sys.stdout.write(f"Application with id '{app_id}' doesn't exist in RM.\n")
        else:
            sys.stderr.write(
                f'Exception in thread "main" org.apache.hadoop.yarn.exceptions.YarnException: {e.message}\n'
            )
        return 255
    sys.stdout.write("Successfully completed move.\n")
    return 0


def _user(conf: Any) -> str:
    from pyhdp.security import current_user

    return current_user(conf)
