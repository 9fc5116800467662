"""``start-dfs.sh``, ``stop-dfs.sh``, ``start-yarn.sh``, ``stop-yarn.sh``, ``start-all.sh``, ``stop-all.sh``.

The logic of Hadoop 3's ``sbin`` scripts, with their console messages::

    Starting namenodes on [localhost]
    Starting datanodes
    Starting secondary namenodes [myhost]
    Starting resourcemanager
    Starting nodemanagers

Daemons on hosts start with ``<prog> --daemon start <daemon>`` on each host (over SSH, or
directly when the host is this machine), with every output line prefixed ``<host>: `` as
Hadoop's ``--workers`` mode does; the ResourceManager starts on this host without prefix, as
in ``start-yarn.sh``. Starting what runs says so (``datanode is running as process N.  Stop it
first ...``) and, as Hadoop's scripts, the script then exits non-zero; stopping what is
stopped says ``no <daemon> to stop``.

Each function takes the configuration and a :class:`~pyhdp.cluster.fanout.Fanout` (one per
script run, so ``start-all.sh`` reuses each host's SSH connection for DFS and YARN) and
returns the exit code. The ``*_main`` functions are the console scripts. With
``pyhdp.cluster.sync-on-start=true`` the start scripts first push the conf dir and the cluster
secret to the workers (``pyhdp cluster sync``), printing only failures.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Callable
from typing import TextIO
from urllib.parse import urlparse

from pyhdp.cluster.fanout import Fanout, PyhdpTask, exit_code
from pyhdp.cluster.workers import HostSpec, resolve_workers


def _host_of(address: str) -> str:
    address = address.strip()
    if not address:
        return ""
    if "://" in address:
        return urlparse(address).hostname or ""
    host, sep, _port = address.rpartition(":")
    return host if sep else address


def namenode_hosts(conf) -> list[str]:
    """``hdfs getconf -namenodes``: the host of ``dfs.namenode.rpc-address``, else of ``fs.defaultFS``."""
    host = _host_of(conf.get_trimmed("dfs.namenode.rpc-address") or "")
    if not host:
        fs = urlparse(conf.get_trimmed("fs.defaultFS") or "")
        if fs.scheme == "hdfs":
            host = fs.hostname or ""
    return [host or socket.gethostname()]


def secondary_namenode_hosts(conf) -> list[str]:
    """``hdfs getconf -secondaryNameNodes``; ``0.0.0.0`` (and pyhdp's 127.0.0.1 default) → this host name.

    An empty ``dfs.namenode.secondary.http-address`` means no secondary NameNode."""
    value = conf.get_trimmed("dfs.namenode.secondary.http-address")
    if value is None:
        value = "0.0.0.0:9868"
    host = _host_of(value)
    if not host:
        return []
    if host in ("0.0.0.0", "127.0.0.1"):
        host = socket.gethostname()
    return [host]


def proxyserver_hosts(conf) -> list[str]:
    host = _host_of(conf.get_trimmed("yarn.web-proxy.address") or "")
    return [host] if host else []


class ScriptContext:
    """What a script run shares: configuration, fan-out, output streams and the worker list."""

    def __init__(self, conf, fan: Fanout, out: TextIO, err: TextIO, workers: list[HostSpec] | None = None):
        self.conf = conf
        self.fan = fan
        self.out = out
        self.err = err
        self._workers = workers
        self._synced = False

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    @property
    def workers(self) -> list[HostSpec]:
        if self._workers is None:
            self._workers = resolve_workers(self.conf.get("pyhdp.conf.dir") or ".")
        return self._workers

    def on_hosts(self, hosts: list[HostSpec], prog: str, action: str, daemon: str, *args: str) -> int:
        return exit_code(self.fan.run(hosts, PyhdpTask(prog, ["--daemon", action, daemon, *args])))

    def sync_if_asked(self) -> int:
        """``pyhdp.cluster.sync-on-start``: conf dir and cluster secret to the workers (once per run),
        after the NameNode started (it creates the secret) and before the workers' daemons."""
        if self._synced or not self.conf.get_bool("pyhdp.cluster.sync-on-start", False):
            return 0
        from pyhdp.cluster.sync import SyncTask

        self._synced = True
        return exit_code(self.fan.run(self.workers, SyncTask(self.conf, quiet=True)))

    def here(self, prog: str, action: str, daemon: str) -> int:
        from pyhdp.cluster import daemon as d

        return d.run_action(prog, daemon, action, [], self.conf, out=self.out, err=self.err)


def _hosts(names: list[str]) -> list[HostSpec]:
    return [HostSpec.parse(n) for n in names]


# ----------------------------------------------------------------------------- HDFS


def start_dfs(ctx: ScriptContext, namenode_args: tuple[str, ...] = (), datanode_args: tuple[str, ...] = ()) -> int:
    rc = 0
    nns = namenode_hosts(ctx.conf)
    snns = secondary_namenode_hosts(ctx.conf)
    ctx.fan.preconnect([*ctx.workers, *_hosts(snns)])  # handshakes while the NameNode starts
    ctx.say(f"Starting namenodes on [{' '.join(nns)}]")
    rc |= ctx.on_hosts(_hosts(nns), "hdfs", "start", "namenode", *namenode_args)
    rc |= ctx.sync_if_asked()
    ctx.say("Starting datanodes")
    rc |= ctx.on_hosts(ctx.workers, "hdfs", "start", "datanode", *datanode_args)
    if snns:
        ctx.say(f"Starting secondary namenodes [{' '.join(snns)}]")
        rc |= ctx.on_hosts(_hosts(snns), "hdfs", "start", "secondarynamenode")
    return rc


def stop_dfs(ctx: ScriptContext) -> int:
    rc = 0
    nns = namenode_hosts(ctx.conf)
    ctx.fan.preconnect([*ctx.workers, *_hosts(secondary_namenode_hosts(ctx.conf))])
    ctx.say(f"Stopping namenodes on [{' '.join(nns)}]")
    rc |= ctx.on_hosts(_hosts(nns), "hdfs", "stop", "namenode")
    ctx.say("Stopping datanodes")
    rc |= ctx.on_hosts(ctx.workers, "hdfs", "stop", "datanode")
    snns = secondary_namenode_hosts(ctx.conf)
    if snns:
        ctx.say(f"Stopping secondary namenodes [{' '.join(snns)}]")
        rc |= ctx.on_hosts(_hosts(snns), "hdfs", "stop", "secondarynamenode")
    return rc


# ----------------------------------------------------------------------------- YARN


def start_yarn(ctx: ScriptContext) -> int:
    rc = 0
    ctx.fan.preconnect([*ctx.workers, *_hosts(proxyserver_hosts(ctx.conf))])
    ctx.say("Starting resourcemanager")
    rc |= ctx.here("yarn", "start", "resourcemanager")
    rc |= ctx.sync_if_asked()
    ctx.say("Starting nodemanagers")
    rc |= ctx.on_hosts(ctx.workers, "yarn", "start", "nodemanager")
    proxies = proxyserver_hosts(ctx.conf)
    if proxies:
        ctx.say(f"Starting proxy server [{' '.join(proxies)}]")
        rc |= ctx.on_hosts(_hosts(proxies), "yarn", "start", "proxyserver")
    return rc


def stop_yarn(ctx: ScriptContext) -> int:
    rc = 0
    ctx.fan.preconnect([*ctx.workers, *_hosts(proxyserver_hosts(ctx.conf))])
    ctx.say("Stopping nodemanagers")
    rc |= ctx.on_hosts(ctx.workers, "yarn", "stop", "nodemanager")
    ctx.say("Stopping resourcemanager")
    rc |= ctx.here("yarn", "stop", "resourcemanager")
    proxies = proxyserver_hosts(ctx.conf)
    if proxies:
        ctx.say(f"Stopping proxy server [{' '.join(proxies)}]")
        rc |= ctx.on_hosts(_hosts(proxies), "yarn", "stop", "proxyserver")
    return rc


# ----------------------------------------------------------------------------- all


def _all_delay(ctx: ScriptContext) -> float:
    return ctx.conf.get_duration("pyhdp.cluster.start-all.delay", 10.0, unit="s")


def start_all(ctx: ScriptContext, sleep: Callable[[float], None] = time.sleep) -> int:
    from pyhdp.security import login_user

    delay = _all_delay(ctx)
    user = os.environ.get("USER") or login_user()
    if delay > 0:
        ctx.say(f"WARNING: Attempting to start all Apache Hadoop daemons as {user} in {delay:g} seconds.")
        ctx.say("WARNING: This is not a recommended production deployment configuration.")
        ctx.say("WARNING: Use CTRL-C to abort.")
        sleep(delay)
    else:
        ctx.say(f"WARNING: Attempting to start all Apache Hadoop daemons as {user}.")
        ctx.say("WARNING: This is not a recommended production deployment configuration.")
    rc = start_dfs(ctx)
    rc |= start_yarn(ctx)
    return rc


def stop_all(ctx: ScriptContext, sleep: Callable[[float], None] = time.sleep) -> int:
    from pyhdp.security import login_user

    delay = _all_delay(ctx)
    user = os.environ.get("USER") or login_user()
    if delay > 0:
        ctx.say(f"WARNING: Stopping all Apache Hadoop daemons as {user} in {delay:g} seconds.")
        ctx.say("WARNING: Use CTRL-C to abort.")
        sleep(delay)
    else:
        ctx.say(f"WARNING: Stopping all Apache Hadoop daemons as {user}.")
    rc = stop_dfs(ctx)
    rc |= stop_yarn(ctx)
    return rc


# ----------------------------------------------------------------------------- console scripts

_USAGE = {
    "start-dfs.sh": "Usage: start-dfs.sh [-upgrade|-rollback] [-clusterId]",
    "stop-dfs.sh": "Usage: stop-dfs.sh",
    "start-yarn.sh": "Usage: start-yarn.sh",
    "stop-yarn.sh": "Usage: stop-yarn.sh",
    "start-all.sh": "Usage: start-all.sh",
    "stop-all.sh": "Usage: stop-all.sh",
}


def script_main(name: str, argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None,
                transport=None) -> int:
    """Run script ``name`` with ``argv`` (``--config DIR``, ``--hostnames L``, ``--hosts F``, script options)."""
    from pyhdp.cli import runtime
    from pyhdp.conf import load_configuration
    from pyhdp.errors import PyhdpError

    out = out or sys.stdout
    err = err or sys.stderr
    argv = list(sys.argv[1:] if argv is None else argv)
    config = hostnames = hosts = loglevel = None
    rest: list[str] = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--config", "--hostnames", "--hosts", "--loglevel") and i + 1 < len(argv):
            if a == "--config":
                config = argv[i + 1]
            elif a == "--hostnames":
                hostnames = argv[i + 1]
            elif a == "--hosts":
                hosts = argv[i + 1]
            else:
                loglevel = argv[i + 1]
            i += 2
        elif a in ("-h", "--help", "-help"):
            out.write(_USAGE[name] + "\n")
            return 0
        else:
            rest.append(a)
            i += 1
    nn_args: tuple[str, ...] = ()
    dn_args: tuple[str, ...] = ()
    if name == "start-dfs.sh" and rest:
        if rest[0] == "-upgrade":
            nn_args = tuple(rest)
        elif rest[0] == "-rollback":
            dn_args = ("-rollback",)
            nn_args = ("-rollback", *rest[1:])
        else:
            err.write(_USAGE[name] + "\n")
            return 1
    elif rest:
        err.write(_USAGE[name] + "\n")
        return 1
    runtime.setup_logging(loglevel)
    try:
        conf = load_configuration(config)
        workers = None
        if hostnames or hosts:
            workers = resolve_workers(conf.get("pyhdp.conf.dir") or ".", hostnames, hosts)
        with Fanout(conf, transport=transport, out=out, err=err) as fan:
            ctx = ScriptContext(conf, fan, out, err, workers)
            if name == "start-dfs.sh":
                return start_dfs(ctx, nn_args, dn_args)
            fn = {"stop-dfs.sh": stop_dfs, "start-yarn.sh": start_yarn, "stop-yarn.sh": stop_yarn,
                  "start-all.sh": start_all, "stop-all.sh": stop_all}[name]
            return fn(ctx)
    except PyhdpError as e:
        err.write(f"{e}\n")
        return e.exit_code
    except KeyboardInterrupt:
        err.write(f"{name}: Interrupted\n")
        return 130


def start_dfs_main() -> None:
    sys.exit(script_main("start-dfs.sh"))


def stop_dfs_main() -> None:
    sys.exit(script_main("stop-dfs.sh"))


def start_yarn_main() -> None:
    sys.exit(script_main("start-yarn.sh"))


def stop_yarn_main() -> None:
    sys.exit(script_main("stop-yarn.sh"))


def start_all_main() -> None:
    sys.exit(script_main("start-all.sh"))


def stop_all_main() -> None:
    sys.exit(script_main("stop-all.sh"))


__all__ = ["script_main", "start_dfs", "stop_dfs", "start_yarn", "stop_yarn",
           "start_all", "stop_all"]
