"""``hdfs dfsadmin``: Hadoop's ``DFSAdmin`` over the embedded store.

Argument checks, usage lines, error lines (``<cmd>: <first line of message>``) and exit
codes (0, or -1 = 255) follow ``DFSAdmin.run``.  Commands that address DataNode daemons
by ``host:ipc_port`` answer that no DataNode daemon runs in embedded mode.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

from pyhdp.cli.hdfs_cmds import dfsadmin_text as T

if TYPE_CHECKING:
    from pyhdp.conf import Configuration
    from pyhdp.hdfs.client import DistributedFileSystem

QUOTA_DONT_SET = 2**63 - 1
QUOTA_RESET = -1
STORAGE_TYPES_WITH_QUOTA = ("RAM_DISK", "SSD", "DISK", "ARCHIVE", "NVDIMM")

# argument count rules of DFSAdmin.run: command -> predicate on len(argv)
_ARGC = {
    "-safemode": lambda n: n == 2,
    "-allowSnapshot": lambda n: n == 2,
    "-disallowSnapshot": lambda n: n == 2,
    "-report": lambda n: n <= 6,
    "-saveNamespace": lambda n: n in (1, 2),
    "-rollEdits": lambda n: n == 1,
    "-restoreFailedStorage": lambda n: n == 2,
    "-refreshNodes": lambda n: n == 1,
    "-finalizeUpgrade": lambda n: n == 1,
    "-rollingUpgrade": lambda n: n <= 2,
    "-upgrade": lambda n: n == 2,
    "-metasave": lambda n: n == 2,
    "-refreshServiceAcl": lambda n: n == 1,
    "-refresh": lambda n: n >= 3,
    "-refreshUserToGroupsMappings": lambda n: n == 1,
    "-printTopology": lambda n: n == 1,
    "-refreshNamenodes": lambda n: n == 2,
    "-getVolumeReport": lambda n: n == 2,
    "-reconfig": lambda n: n == 4,
    "-deleteBlockPool": lambda n: n in (3, 4),
    "-setBalancerBandwidth": lambda n: n == 2,
    "-getBalancerBandwidth": lambda n: n == 2,
    "-fetchImage": lambda n: n == 2,
    "-shutdownDatanode": lambda n: n in (2, 3),
    "-getDatanodeInfo": lambda n: n == 2,
    "-triggerBlockReport": lambda n: n in (2, 3),
    "-listOpenFiles": lambda n: n <= 4,
}


class IllegalArgument(Exception):
    """Java's IllegalArgumentException inside DFSAdmin: message, then the command's usage."""


def print_usage(cmd: str) -> None:
    err = sys.stderr
    key = {
        "-allowsnapshot": "-allowSnapshot",
        "-disallowsnapshot": "-disallowSnapshot",
        "-getbalancerbandwidth": "-getBalancerBandwidth",
    }.get(cmd.lower(), cmd)
    usage = T.USAGES.get(key)
    if usage is not None:
        err.write(f"Usage: hdfs dfsadmin {usage}\n")
        return
    from pyhdp.cli.generic import GENERIC_USAGE

    err.write("Usage: hdfs dfsadmin\n")
    err.write("Note: Administrative commands can only be run as the HDFS superuser.\n")
    err.write(T.COMMON_USAGE_SUMMARY + "\n")
    err.write(GENERIC_USAGE)


def print_help(cmd: str) -> None:
    out = sys.stdout
    name = T.CASE_INSENSITIVE_HELP.get(cmd.lower(), cmd)
    if name in T.HELP:
        out.write(T.HELP[name] + "\n")
        return
    from pyhdp.cli.generic import GENERIC_USAGE

    out.write(T.SUMMARY + "\n")
    for key in T.HELP_ORDER:
        out.write(T.HELP[key] + "\n")
    out.write("\n")
    out.write(GENERIC_USAGE)


def get_dfs(conf: Configuration) -> DistributedFileSystem:
    from pyhdp.fs.registry import default_uri, get_filesystem
    from pyhdp.hdfs.client import DistributedFileSystem

    scheme, authority = default_uri(conf)
    fs = get_filesystem(f"{scheme}://{authority}/", conf)
    if not isinstance(fs, DistributedFileSystem):
        raise IllegalArgument(f"FileSystem {fs.uri} is not an HDFS file system")
    return fs


def run(args: list[str], conf: Configuration) -> int:
    if not args:
        print_usage("")
        return 255
    cmd = args[0]
    check = _ARGC.get(cmd) or _ARGC.get(
        {"-allowsnapshot": "-allowSnapshot", "-disallowsnapshot": "-disallowSnapshot"}.get(cmd.lower(), "")
    )
    if check is not None and not check(len(args)):
        print_usage(cmd)
        return 255
    name = cmd[1:]
    try:
        return _dispatch(cmd, args, conf) & 0xFF
    except IllegalArgument as e:
        sys.stderr.write(f"{name}: {e}\n")
        print_usage(cmd)
        return 255
    except BrokenPipeError:
        raise  # a closed pipe ends quietly (runtime)
    except (OSError, ValueError) as e:
        first = (str(e) or type(e).__name__).split("\n", 1)[0]
        sys.stderr.write(f"{name}: {first}\n")
        return 255


def _dispatch(cmd: str, args: list[str], conf: Configuration) -> int:
    simple = {
        "-refreshNodes": "Refresh nodes successful",
        "-refreshServiceAcl": "Refresh service acl successful",
        "-refreshUserToGroupsMappings": "Refresh user to groups mapping successful",
        "-refreshSuperUserGroupsConfiguration": "Refresh super user groups configuration successful",
        "-refreshCallQueue": "Refresh call queue successful",
        "-finalizeUpgrade": "Finalize upgrade successful",
    }
    if cmd == "-help":
        print_help(args[1] if len(args) > 1 else "")
        return 0
    if cmd == "-report":
        return report(get_dfs(conf), args[1:])
    if cmd == "-safemode":
        return safemode(get_dfs(conf), args[1])
    if cmd in simple:
        from pyhdp.cli.hdfs_cmds.cluster_view import cluster_view

        view = cluster_view(get_dfs(conf))
        if cmd == "-refreshNodes":
            view.refresh_nodes()
        else:
            view.check_superuser()
        if cmd == "-refreshUserToGroupsMappings":
            from pyhdp.security import groups_of

            groups_of.cache_clear()
        print(simple[cmd])
        return 0
    if cmd == "-saveNamespace":
        dfs = get_dfs(conf)
        if len(args) > 1 and args[1] == "-beforeShutdown":
            print(
                "Do checkpoint if necessary before stopping namenode. The time window is 10800 seconds, "
                "and the transaction gap is 3000000"
            )
        from pyhdp.cli.hdfs_cmds.cluster_view import cluster_view

        cluster_view(dfs).save_namespace()
        print("Save namespace successful")
        return 0
    if cmd == "-rollEdits":
        dfs = get_dfs(conf)
        from pyhdp.cli.hdfs_cmds.cluster_view import cluster_view

        txid = cluster_view(dfs).roll_edits()
        print("Successfully rolled edit logs.")
        print(f"New segment starts at txid {txid}")
        return 0
    if cmd == "-restoreFailedStorage":
        if args[1] not in ("check", "true", "false"):
            sys.stderr.write("restoreFailedStorage valid args are true|false|check\n")
            return 255
        dfs = get_dfs(conf)
        dfs.namesystem.check_superuser(dfs.caller)
        value = (
            args[1] == "true" if args[1] != "check" else (dfs.namesystem.get_meta("restore_failed") == "true")
        )
        if args[1] != "check":
            with dfs.namesystem.write():
                dfs.namesystem.set_meta("restore_failed", "true" if value else "false")
        print(f"restoreFailedStorage is set to {'true' if value else 'false'}")
        return 0
    if cmd == "-upgrade":
        action = args[1].lower()
        if action not in ("query", "finalize"):
            print_usage("-upgrade")
            return 255
        dfs = get_dfs(conf)
        dfs.namesystem.check_superuser(dfs.caller)
        print("Upgrade finalized" if action == "query" else "Finalize upgrade successful")
        return 0
    if cmd == "-metasave":
        return metasave(get_dfs(conf), conf, args[1])
    if cmd == "-printTopology":
        return print_topology(get_dfs(conf))
    if cmd == "-getDatanodeInfo":
        dfs = get_dfs(conf)
        from pyhdp.hdfs.remote import RemoteDistributedFileSystem

        if isinstance(dfs, RemoteDistributedFileSystem):
            return datanode_info(dfs, args[1])
    if cmd == "-setBalancerBandwidth":
        from pyhdp.cli.hdfs_cmds.quota import string2long

        try:
            bandwidth = string2long(args[1])
        except ValueError as e:
            sys.stderr.write(f"NumberFormatException: {e}\n")
            sys.stderr.write("Usage: hdfs dfsadmin [-setBalancerBandwidth <bandwidth in bytes per second>]\n")
            return 255
        if bandwidth < 0:
            sys.stderr.write("Bandwidth should be a non-negative integer\n")
            return 255
        dfs = get_dfs(conf)
        dfs.namesystem.check_superuser(dfs.caller)
        with dfs.namesystem.write():
            dfs.namesystem.set_meta("balancer_bandwidth", str(bandwidth))
        print(f"Balancer bandwidth is set to {bandwidth}")
        return 0
    if cmd in ("-setQuota", "-clrQuota", "-setSpaceQuota", "-clrSpaceQuota"):
        from pyhdp.cli.hdfs_cmds.quota import run_quota_command

        return run_quota_command(cmd, args, conf, get_dfs)
    if cmd == "-listOpenFiles":
        return list_open_files(get_dfs(conf), args[1:])
    if cmd in ("-allowSnapshot", "-disallowSnapshot") or cmd.lower() in (
        "-allowsnapshot",
        "-disallowsnapshot",
    ):
        raise OSError("Snapshots are not supported by pyhdp's embedded store yet")
    if cmd in _ARGC or cmd in ("-rollingUpgrade",):
        raise OSError(
            f"{cmd[1:]} needs DataNode or NameNode daemons, which pyhdp's embedded mode does not run; "
            "start them with start-dfs.sh (a later release)"
        )
    sys.stderr.write(f"{cmd[1:]}: Unknown command\n")
    print_usage("")
    return 255


def list_open_files(dfs: DistributedFileSystem, rest: list[str]) -> int:
    """``-listOpenFiles [-blockingDecommission] [-path <path>]``: the files holding a lease."""
    path = "/"
    if "-path" in rest:
        i = rest.index("-path")
        if i + 1 >= len(rest):
            raise IllegalArgument("option -path requires 1 argument.")
        path = rest[i + 1]
    ns = dfs.namesystem
    ns.check_superuser(dfs.caller)
    print(f"{'Client Host':<20}\t{'Client Name':<20}\tOpen File Path")
    if "-blockingDecommission" in rest:
        return 0  # nothing decommissions in embedded mode
    with ns.read():
        rows = ns.conn.execute("SELECT inode, holder, host FROM leases ORDER BY inode").fetchall()
        entries = [(ns.path_of(inode), holder) for inode, holder, _host in rows]
    base = path.rstrip("/")
    for p, holder in entries:
        if p and (path == "/" or p == path or p.startswith(base + "/")):
            print(f"{'127.0.0.1':<20}\t{holder:<20}\t{p:>20}")
    return 0


def _hostname_of(addr: str) -> str:
    import socket

    host = addr.rsplit(":", 1)[0]
    try:
        return socket.gethostbyaddr(host)[0]
    except OSError:
        return host


def safemode(dfs: DistributedFileSystem, arg: str) -> int:
    action = arg.lower()
    wait = False
    if action == "wait":
        action, wait = "get", True
    elif action == "forceexit":
        action = "forceExit"
    elif action not in ("enter", "leave", "get"):
        print_usage("-safemode")
        return 255
    on = dfs.set_safe_mode(action)
    while wait and on:
        time.sleep(1.0)  # Hadoop polls every 5 s; a second gives scripts a quicker answer
        on = dfs.set_safe_mode("get")
    print(f"Safe mode is {'ON' if on else 'OFF'}")
    return 0


def metasave(dfs: DistributedFileSystem, conf: Configuration, filename: str) -> int:
    """``-metasave <file>``: the NameNode's block summary written into the log directory."""
    import os

    from pyhdp.cli.hdfs_cmds.cluster_view import cluster_view
    from pyhdp.hdfs.namenode.storage import java_date

    view = cluster_view(dfs)
    view.check_superuser()
    log_dir = conf.get("hadoop.log.dir") or os.path.join(os.path.expanduser("~"), ".pyhdp", "logs")
    os.makedirs(log_dir, exist_ok=True)
    s = view.stats()
    nodes = view.datanodes("all")
    live = [n for n in nodes if n.get("alive", True)]
    entries = view.fsck_walk("/")
    files = sum(1 for e in entries if not e.inode.is_dir)
    dirs = len(entries) - files
    blocks = sum(len(e.blocks) for e in entries)
    with open(os.path.join(log_dir, filename), "w") as f:
        f.write(f"{files + dirs} files and directories, {blocks} blocks = {files + dirs + blocks} total\n")
        f.write(f"Live Datanodes: {len(live)}\nDead Datanodes: {len(nodes) - len(live)}\n")
        f.write(f"Metasave: Blocks waiting for reconstruction: {s.get('underReplicated', 0)}\n")
        for bid, gs, path in view.corrupt_blocks():
            f.write(f"{path}: blk_{bid}_{gs} (replicas: l: 0 d: 0 c: 1 e: 0)\n")
        f.write(f"Metasave: Blocks currently missing: {s.get('missing', 0)}\n")
        f.write("Mis-replicated blocks that have been postponed:\n")
        f.write("Metasave: Blocks being reconstructed: 0\n")
        f.write(f"Metasave: Blocks {s.get('pendingDeletion', 0)} waiting deletion from 0 datanodes.\n")
        f.write(f"Metasave: Number of datanodes: {len(nodes)}\n")
        for n in nodes:
            state = "IN" if (n.get("adminState") or "Normal") == "Normal" else "DD"
            f.write(
                f"{n['name']} {n.get('rack') or '/default-rack'} {state} {java_date(n.get('lastContact') or None)}\n"
            )
    print(f"Created metasave file {filename} in the log directory of namenode {dfs.uri}")
    return 0


def report(dfs: DistributedFileSystem, rest: list[str]) -> int:
    """``-report [-live] [-dead] [-decommissioning] ...``: ``DFSAdmin.report`` from the cluster view."""
    from pyhdp.cli.hdfs_cmds.cluster_view import cluster_view
    from pyhdp.hdfs.namenode.quota import long2string as desc

    flags = {"-live", "-dead", "-decommissioning", "-enteringmaintenance", "-inmaintenance"}
    chosen = {a for a in rest if a in flags}
    view = cluster_view(dfs)
    s = view.stats()
    capacity, used, remaining = s["capacity"], s["used"], s["remaining"]
    present = used + remaining
    out = []
    if s.get("safemode"):
        out.append("Safe mode is ON")
    out.append(f"Configured Capacity: {capacity} ({desc(capacity)})")
    out.append(f"Present Capacity: {present} ({desc(present)})")
    out.append(f"DFS Remaining: {remaining} ({desc(remaining)})")
    out.append(f"DFS Used: {used} ({desc(used)})")
    out.append(f"DFS Used%: {(used / present * 100 if present else 0):.2f}%")
    out += [
        "Replicated Blocks:",
        f"\tUnder replicated blocks: {s.get('underReplicated', 0)}",
        f"\tBlocks with corrupt replicas: {s.get('corruptReplicaBlocks', 0)}",
        f"\tMissing blocks: {s.get('missing', 0)}",
        "\tMissing blocks (with replication factor 1): 0",
        f"\tPending deletion blocks: {s.get('pendingDeletion', 0)}",
        "Erasure Coded Block Groups: ",
        "\tLow redundancy block groups: 0",
        "\tBlock groups with corrupt internal blocks: 0",
        "\tMissing block groups: 0",
        "\tPending deletion blocks: 0",
        "",
        "-------------------------------------------------",
    ]
    list_all = not chosen
    if list_all or "-live" in chosen:
        live = view.datanodes("live")
        out.append(f"Live datanodes ({len(live)}):\n")
        for node in live:
            out += node_report(node) + [""]
    if list_all or "-dead" in chosen:
        dead = view.datanodes("dead")
        if dead or "-dead" in chosen:
            out.append(f"Dead datanodes ({len(dead)}):\n")
            for node in dead:
                out += node_report(node) + [""]
    if "-decommissioning" in chosen:
        dec = view.datanodes("decommissioning")
        out.append(f"Decommissioning datanodes ({len(dec)}):\n")
        for node in dec:
            out += node_report(node) + [""]
    for state, flag in (
        ("Entering maintenance", "-enteringmaintenance"),
        ("In maintenance", "-inmaintenance"),
    ):
        if flag in chosen:
            out.append(f"{state} datanodes (0):\n")
    print("\n".join(out))
    return 0


def node_report(r: dict) -> list[str]:
    """``DatanodeInfo.getDatanodeReport``: the lines of one node, then an empty line."""
    from pyhdp.hdfs.namenode.quota import long2string as desc
    from pyhdp.hdfs.namenode.storage import java_date

    capacity, used, remaining = r["capacity"], r["dfsUsed"], r["remaining"]
    non_dfs = r.get("nonDfsUsed", max(capacity - used - remaining, 0))
    used_pct = used * 100 / capacity if capacity > 0 else 100.0
    rem_pct = remaining * 100 / capacity if capacity > 0 else 0.0
    host = r.get("hostname") or r["name"].rsplit(":", 1)[0]
    last_br = r.get("lastBlockReport")
    lines = [
        f"Name: {r['name']} ({host})",
        f"Hostname: {host}",
    ]
    if r.get("rack") and r["rack"] != "/default-rack":
        lines.append(f"Rack: {r['rack']}")
    lines += [
        f"Decommission Status : {r.get('adminState') or 'Normal'}",
        f"Configured Capacity: {capacity} ({desc(capacity)})",
        f"DFS Used: {used} ({desc(used)})",
        f"Non DFS Used: {non_dfs} ({desc(non_dfs)})",
        f"DFS Remaining: {remaining} ({desc(remaining)})",
        f"DFS Used%: {used_pct:.2f}%",
        f"DFS Remaining%: {rem_pct:.2f}%",
        "Configured Cache Capacity: 0 (0 B)",
        "Cache Used: 0 (0 B)",
        "Cache Remaining: 0 (0 B)",
        "Cache Used%: 100.00%",
        "Cache Remaining%: 0.00%",
        f"Xceivers: {r.get('xceivers', 0)}",
        f"Last contact: {java_date(r.get('lastContact') or None)}",
        f"Last Block Report: {java_date(last_br) if last_br else 'Never'}",
        f"Num of Blocks: {r.get('numBlocks', 0)}",
        "",
    ]
    return lines


# ``DatanodeInfo.AdminStates.toString`` by the report's ``Decommission Status`` text
_ADMIN_STATE_NAMES = {
    "Normal": "In Service",
    "Decommission in progress": "Decommission In Progress",
    "Decommissioned": "Decommissioned",
}


def print_topology(dfs: DistributedFileSystem) -> int:
    """``-printTopology``: the live nodes by rack (``DFSAdmin.printTopology``)."""
    from pyhdp.cli.hdfs_cmds.cluster_view import cluster_view

    racks: dict[str, list[dict]] = {}
    for node in cluster_view(dfs).datanodes("all"):
        racks.setdefault(node.get("rack") or "/default-rack", []).append(node)
    for rack in sorted(racks):
        print(f"Rack: {rack}")
        for node in sorted(racks[rack], key=lambda n: n["name"]):
            state = node.get("adminState") or "Normal"
            shown = _ADMIN_STATE_NAMES.get(state, state)
            print(f"   {node['name']} ({node.get('hostname') or node['name'].rsplit(':', 1)[0]}) {shown}")
        print()
    return 0


def datanode_info(dfs: DistributedFileSystem, addr: str) -> int:
    """``-getDatanodeInfo <host:port>``: uptime/version line of a DataNode known to the NameNode."""
    from pyhdp.cli.hdfs_cmds.cluster_view import cluster_view

    view = cluster_view(dfs)
    if ":" not in addr:
        raise IllegalArgument(f"Does not contain a valid host:port authority: {addr}")
    host, _, port = addr.rpartition(":")
    for node in view.datanodes("live"):
        ports = {str(node.get(k)) for k in ("ipcPort", "xferPort", "infoPort") if node.get(k)}
        ports.add(node["name"].rsplit(":", 1)[1])
        hosts = {node["name"].rsplit(":", 1)[0], node.get("hostname"), node.get("ip")}
        if port in ports and (host in hosts or host in ("localhost", "127.0.0.1") and "127.0.0.1" in hosts):
            registered = node.get("registered") or node.get("lastContact") or time.time()
            uptime = max(0, int(time.time() - registered))
            version = node.get("softwareVersion") or "3.3.6"
            print(f"Uptime: {uptime}, Software version: {version}, Config version: core-0.0.0,hdfs-1")
            return 0
    raise OSError(
        f"Call From {socket_host()} to {addr} failed on connection exception: "
        "java.net.ConnectException: Connection refused"
    )


def socket_host() -> str:
    import socket

    name = socket.gethostname()
    try:
        return f"{name}/{socket.gethostbyname(name)}"
    except OSError:
        return name
