"""``pyhdp cluster``: the workers of the cluster.

    pyhdp cluster [--hostnames LIST | --hosts FILE] hosts
    pyhdp cluster [--hostnames LIST | --hosts FILE] sync
    pyhdp cluster [--hostnames LIST | --hosts FILE] exec COMMAND [ARGS...]

``hosts`` lists the workers (``workers`` file, or the option); ``sync`` pushes the conf dir and
the cluster secret to every worker (:mod:`pyhdp.cluster.sync`); ``exec`` runs a shell command
on every worker with ``host: line`` output. The exit code is non-zero when any host failed.
"""

from __future__ import annotations

import shlex
import sys

USAGE = """Usage: pyhdp cluster [--hostnames LIST | --hosts FILE] <command>
  hosts                 list the worker hosts
  sync                  copy the conf dir and the cluster secret to every worker (SFTP)
  exec COMMAND [ARGS]   run a shell command on every worker, output prefixed by host
"""


def run(args: list[str], conf, transport=None) -> int:
    from pyhdp.cluster.workers import resolve_workers

    hostnames = hosts = None
    i = 0
    while i < len(args) and args[i] in ("--hostnames", "--hosts"):
        if i + 1 >= len(args):
            sys.stderr.write(f"ERROR: {args[i]} requires an argument\n{USAGE}")
            return 1
        if args[i] == "--hostnames":
            hostnames = args[i + 1]
        else:
            hosts = args[i + 1]
        i += 2
    rest = args[i:]
    if not rest or rest[0] in ("-h", "-help", "--help"):
        (sys.stdout if rest else sys.stderr).write(USAGE)
        return 0 if rest else 1
    command, rest = rest[0], rest[1:]
    if command not in ("hosts", "sync", "exec"):
        sys.stderr.write(f"ERROR: unknown cluster command {command}\n{USAGE}")
        return 1
    host_list = resolve_workers(conf.get("pyhdp.conf.dir") or ".", hostnames, hosts)
    if command == "hosts":
        if rest:
            sys.stderr.write(USAGE)
            return 1
        for h in host_list:
            sys.stdout.write(h.name + "\n")
        return 0
    from pyhdp.cluster.fanout import Fanout, ShellTask, exit_code

    if command == "exec":
        if not rest:
            sys.stderr.write(f"ERROR: exec needs a command\n{USAGE}")
            return 1
        text = rest[0] if len(rest) == 1 else " ".join(shlex.quote(a) for a in rest)
        task = ShellTask(text)
    else:
        if rest:
            sys.stderr.write(USAGE)
            return 1
        from pyhdp.cluster.sync import SyncTask

        task = SyncTask(conf)
    with Fanout(conf, transport=transport) as fan:
        return exit_code(fan.run(host_list, task))
