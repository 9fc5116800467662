"""``yarn logs -applicationId ID [-containerId C] [-log_files F,...] [-appOwner U]`` (LogsCLI).

Reads the aggregated logs (see :mod:`pyhdp.yarn.nm.logagg`); for a running application
(aggregation happens at its end) it says so.
"""

from __future__ import annotations

import datetime
import json
import sys
import time
from typing import Any

from pyhdp.yarn.cli.common import UsageError, guard, parse

USAGE = """Retrieve logs for YARN applications.
usage: yarn logs -applicationId <application ID> [OPTIONS]

general options are:
 -appOwner <Application Owner>              AppOwner (assumed to be current
                                            user if not specified)
 -containerId <Container ID>                ContainerId. By default, it will
                                            print all available logs.
 -help                                      Displays help for all commands.
 -log_files <Log File Name>                 Specify comma-separated value to
                                            get exact matched log files. Use
                                            "ALL" or "*" to fetch all the log
                                            files for the container.
 -show_application_log_info                 Show the containerIds which
                                            belong to the specific
                                            Application.
"""


def _rule_block(
    container: str, node: str, name: str, mtime: float, data: bytes, kind: str = "AGGREGATED"
) -> bytes:
    header = f"Container: {container} on {node}"
    when = datetime.datetime.fromtimestamp(mtime, datetime.timezone.utc).strftime(
        "%a %b %d %H:%M:%S +0000 %Y"
    )
    end = f"End of LogType:{name}"
    head = (
        f"{header}\nLogAggregationType: {kind}\n{'=' * len(header)}\n"
        f"LogType:{name}\nLogLastModifiedTime:{when}\nLogLength:{len(data)}\nLogContents:\n"
    )
    return head.encode() + data + f"\n{end}\n{'*' * (len(end) + 50)}\n\n".encode()


@guard
def run(args: list[str], conf: Any) -> int:
    try:
        o = parse(
            args,
            {"applicationId", "containerId", "log_files", "log_files_pattern", "appOwner", "nodeAddress"},
            {"help", "show_application_log_info"},
        )
    except UsageError as e:
        sys.stderr.write(f"{e}\n")
        sys.stderr.write(USAGE)
        return 255
    if o.get("help"):
        sys.stdout.write(USAGE)
        return 0
    app_id = o.get("applicationId")
    if not app_id:
        sys.stderr.write("None of applicationId, appOwner and containerId is available.\n")
        sys.stderr.write(USAGE)
        return 255
    from pyhdp.fs.registry import get_filesystem, split_uri
    from pyhdp.security import current_user
    from pyhdp.yarn import ids
    from pyhdp.yarn.nm.logagg import app_log_root

    try:
        ids.parse_app_id(app_id)
    except ValueError:
        sys.stderr.write("Invalid ApplicationId specified\n")
        return 255
    owner = o.get("appOwner") or current_user(conf)
    root = app_log_root(conf, owner, app_id)
    fs = get_filesystem(root, conf)
    _s, _a, base = split_uri(root)
    wanted = {f for f in (o.get("log_files") or o.get("log_files_pattern") or "ALL").split(",") if f}
    if not fs.exists(base):
        try:
            from pyhdp.yarn.client import YarnClient

            yc = YarnClient(conf)
            state = yc.app(app_id)["state"]
        except Exception:  # noqa: BLE001
            state = ""
        if state and state not in ("FINISHED", "FAILED", "KILLED"):
            n = _local_logs(yc, app_id, o.get("containerId"), wanted)
            if n:
                return 0
            sys.stderr.write("Log aggregation has not completed or is not enabled.\n")
            return 255
        sys.stderr.write(
            f"Can not find any log file matching the pattern: [ALL] for the application: {app_id}\n"
            f"Can not find the logs for the application: {app_id} with the appOwner: {owner}\n"
        )
        return 255
    all_files = not wanted or wanted & {"ALL", "*"}
    want_c = o.get("containerId")
    found = 0
    out = sys.stdout.buffer
    for node in fs.list_status(base):
        if o.get("nodeAddress") and node.name != o["nodeAddress"].replace(":", "_"):
            continue
        for cdir in fs.list_status(node.path):
            if want_c and cdir.name != want_c:
                continue
            if o.get("show_application_log_info"):
                sys.stdout.write(f"Container: {cdir.name} on {node.name}\n")
                found += 1
                continue
            for f in fs.list_status(cdir.path):
                if not all_files and f.name not in wanted:
                    continue
                with fs.open(f.path) as fin:
                    data = fin.read()
                out.write(_rule_block(cdir.name, node.name, f.name, f.modification_time / 1000.0, data))
                found += 1
    out.flush()
    if not found:
        if want_c:
            sys.stderr.write(
                f"Can not find any log file matching the pattern: {sorted(wanted) or ['ALL']} "
                f"for the container: {want_c} within the application: {app_id}\n"
            )
        else:
            sys.stderr.write(
                f"Can not find any log file matching the pattern: {sorted(wanted)} for the "
                f"application: {app_id}\n"
            )
        return 255
    return 0


def _local_logs(yc, app_id: str, want_c: str | None, wanted: set[str]) -> int:
    """Logs of a running application, read from its NodeManagers (``LogAggregationType: LOCAL``)."""
    from pyhdp.net import httpclient

    out = sys.stdout.buffer
    n = 0
    all_files = not wanted or wanted & {"ALL", "*"}
    for att in yc.attempts(app_id):
        for c in yc.containers(app_id, att["appAttemptId"]):
            cid = c["containerId"]
            if want_c and cid != want_c:
                continue
            nm = c["nodeHttpAddress"].removeprefix("http://")
            try:
                info = json.loads(
                    httpclient.request(nm, "GET", f"/ws/v1/node/containers/{cid}", timeout=10).body
                )
                files = info["container"]["containerLogFiles"]
            except Exception:  # noqa: BLE001 - the node may be gone
                continue
            for name in files:
                if not all_files and name not in wanted:
                    continue
                resp = httpclient.request(nm, "GET", f"/ws/v1/node/containers/{cid}/logs/{name}", timeout=30)
                if resp.status != 200:
                    continue
                out.write(_rule_block(cid, c["assignedNodeId"], name, time.time(), resp.body, "LOCAL"))
                n += 1
    out.flush()
    return n
