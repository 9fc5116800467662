"""``hdfs|yarn|mapred|pyhdp [--workers [--hostnames L | --hosts F]] --daemon start|stop|status SUB ARGS``.

``pyhdp.cli.main`` routes here with ``[prog, sub, action, ("--workers"), ("--hostnames", L),
("--hosts", F), *args]``. Without ``--workers`` the daemon is handled on this host
(:mod:`pyhdp.cluster.daemon`); with it, the same command (minus ``--workers``) runs on every
worker over SSH with ``host: line`` output, as Hadoop's ``hadoop_common_worker_mode_execute``.
A sub-command that is not a daemon runs in the foreground, as Hadoop ignores ``--daemon`` for it.
"""

from __future__ import annotations

import sys

#: Sub-commands that support daemonization (Hadoop's HADOOP_SUBCMD_SUPPORTDAEMONIZATION).
DAEMONS: dict[str, frozenset[str]] = {
    "hdfs": frozenset({"namenode", "datanode", "secondarynamenode", "journalnode", "zkfc", "balancer", "mover",
                       "portmap", "nfs3", "httpfs", "dfsrouter", "diskbalancer"}),
    "yarn": frozenset({"resourcemanager", "nodemanager", "timelineserver", "timelinereader", "proxyserver",
                       "router", "registrydns", "sharedcachemanager"}),
    "mapred": frozenset({"historyserver"}),
    "hadoop": frozenset({"kms"}),
    "pyhdp": frozenset({"selftest-daemon"}),
}

ACTIONS = ("start", "stop", "status")


def split_worker_options(args: list[str]) -> tuple[bool, str | None, str | None, list[str]]:
    workers = False
    hostnames = hosts = None
    i = 0
    while i < len(args):
        if args[i] == "--workers":
            workers = True
            i += 1
        elif args[i] == "--hostnames" and i + 1 < len(args):
            hostnames = args[i + 1]
            i += 2
        elif args[i] == "--hosts" and i + 1 < len(args):
            hosts = args[i + 1]
            i += 2
        else:
            break
    return workers, hostnames, hosts, args[i:]


def run(args: list[str], conf) -> int:
    if len(args) < 3:
        sys.stderr.write("Usage: <prog> --daemon (start|stop|status) SUBCOMMAND\n")
        return 1
    prog, sub, action, rest = args[0], args[1], args[2], args[3:]
    workers, hostnames, hosts, rest = split_worker_options(rest)
    if action not in ACTIONS:
        sys.stderr.write('ERROR: --daemon must be followed by either "start", "stop", or "status".\n')
        return 1
    if sub not in DAEMONS.get(prog, frozenset()):
        if workers:
            return run_on_workers(prog, [sub, *rest], conf, hostnames, hosts)
        return _run_foreground(prog, sub, rest, conf)
    if workers:
        return run_on_workers(prog, ["--daemon", action, sub, *rest], conf, hostnames, hosts)
    from pyhdp.cluster import daemon

    return daemon.run_action(prog, sub, action, rest, conf_with_generic_options(conf, rest))


def conf_with_generic_options(conf, args: list[str]):
    """The configuration as the daemon will see it: leading ``-D``/``-conf`` of ``args`` applied
    (so ``-D hadoop.pid.dir=...`` places the pid file, for several daemons of a kind on one host).
    The arguments themselves still go to the daemon unchanged."""
    from pyhdp.cli.generic import parse_generic_options
    from pyhdp.errors import PyhdpError

    try:
        gopts, _ = parse_generic_options(list(args))
        if not gopts.defines and not gopts.conf_files:
            return conf
        copy = conf.copy()
        for path in gopts.conf_files:
            copy.add_resource(path)
        for key, value in gopts.defines.items():
            copy.set(key, value, source="from command line")
        return copy
    except PyhdpError:
        return conf  # the daemon itself reports bad generic options


def run_on_workers(prog: str, args: list[str], conf, hostnames: str | None = None, hosts: str | None = None,
                   transport=None) -> int:
    """``prog ARGS`` on every worker (``--hostnames``/``--hosts``/``workers``); 0 only if all succeed."""
    from pyhdp.cluster.fanout import Fanout, PyhdpTask, exit_code
    from pyhdp.cluster.workers import resolve_workers

    host_list = resolve_workers(conf.get("pyhdp.conf.dir") or ".", hostnames, hosts)
    with Fanout(conf, transport=transport) as fan:
        results = fan.run(host_list, PyhdpTask(prog, args))
    return exit_code(results)


def _run_foreground(prog: str, sub: str, args: list[str], conf) -> int:
    from pyhdp.cli.main import TABLES, _import_target

    entry = TABLES[prog][sub]
    if entry.tool:
        from pyhdp.cli.generic import apply_generic_options, parse_generic_options

        gopts, args = parse_generic_options(args)
        apply_generic_options(conf, gopts)
    return _import_target(entry.target)(args, conf)
