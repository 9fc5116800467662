"""Entry points of the ``hadoop``, ``hdfs``, ``yarn``, ``mapred`` and ``pyhdp`` commands.

Each command is a table from sub-command to ``"module:function"``, imported only when
used so that ``hdfs dfs -ls`` pays for nothing else.  A target has the signature
``run(args: list[str], conf: Configuration) -> int`` and receives the arguments after
the sub-command with the generic options (``-D``, ``-conf``, ``-fs``, ``-files`` ...)
already applied to ``conf`` (as Hadoop's ToolRunner does) when the table marks it as a
Tool.  Shell options before the sub-command (``--config DIR``, ``--loglevel LEVEL``,
``--debug``, ``--daemon``, ``--workers`` ...) are handled here.
"""

from __future__ import annotations

import os
import sys
from typing import NamedTuple


class Sub(NamedTuple):
    target: str  # "module:function"
    tool: bool = True  # parse generic options before calling
    help: str = ""


COMMON = {
    "version": Sub("pyhdp.cli.info:version", tool=False, help="print the version"),
    "envvars": Sub("pyhdp.cli.info:envvars", tool=False, help="display computed Hadoop environment variables"),
    "classpath": Sub("pyhdp.cli.info:classpath", tool=False, help="prints the class path needed to get the Hadoop jar and the required libraries"),
    "jar": Sub("pyhdp.mapreduce.cli.jar:run", tool=False, help="run a jar file (a Python job, Streaming or the examples)"),
    "getconf": Sub("pyhdp.cli.getconf:run", help="get config values from configuration"),
}

TABLES: dict[str, dict[str, Sub]] = {
    "hadoop": {
        "fs": Sub("pyhdp.cli.fsshell.shell:run", help="run a generic filesystem user client"),
        "dfs": Sub("pyhdp.cli.fsshell.shell:run_deprecated_dfs", help="(deprecated) use hdfs dfs"),
        "jar": COMMON["jar"],
        "version": COMMON["version"],
        "envvars": COMMON["envvars"],
        "classpath": COMMON["classpath"],
        "checknative": Sub("pyhdp.cli.info:checknative", tool=False, help="check native Hadoop and compression libraries availability"),
        "distcp": Sub("pyhdp.mapreduce.tools.distcp:run", help="copy file or directories recursively"),
        "conftest": Sub("pyhdp.cli.getconf:conftest", help="validate configuration XML files"),
    },
    "hdfs": {
        "dfs": Sub("pyhdp.cli.fsshell.shell:run", help="run a filesystem command on the file system"),
        "namenode": Sub("pyhdp.cli.hdfs_cmds.namenode:run", help="run the DFS namenode"),
        "datanode": Sub("pyhdp.cli.hdfs_cmds.datanode:run", help="run a DFS datanode"),
        "secondarynamenode": Sub("pyhdp.cli.hdfs_cmds.namenode:run_secondary", help="run the DFS secondary namenode"),
        "dfsadmin": Sub("pyhdp.cli.hdfs_cmds.dfsadmin:run", help="run a DFS admin client"),
        "fsck": Sub("pyhdp.cli.hdfs_cmds.fsck:run", help="run a DFS filesystem checking utility"),
        "getconf": COMMON["getconf"],
        "version": COMMON["version"],
        "envvars": COMMON["envvars"],
        "classpath": COMMON["classpath"],
    },
    "yarn": {
        "jar": COMMON["jar"],
        "version": COMMON["version"],
        "envvars": COMMON["envvars"],
        "classpath": COMMON["classpath"],
        "resourcemanager": Sub("pyhdp.yarn.cli.daemons:resourcemanager", help="run the ResourceManager"),
        "nodemanager": Sub("pyhdp.yarn.cli.daemons:nodemanager", help="run a nodemanager on each worker"),
        "application": Sub("pyhdp.yarn.cli.application:run", help="prints application(s) report/kill application"),
        "node": Sub("pyhdp.yarn.cli.node:run", help="prints node report(s)"),
        "logs": Sub("pyhdp.yarn.cli.logs:run", help="dump container logs"),
    },
    "mapred": {
        "streaming": Sub("pyhdp.mapreduce.streaming.cli:run", help="launch a mapreduce streaming job"),
        "job": Sub("pyhdp.mapreduce.cli.job:run", help="manipulate MapReduce jobs"),
        "version": COMMON["version"],
        "envvars": COMMON["envvars"],
        "classpath": COMMON["classpath"],
    },
    "pyhdp": {
        "doctor": Sub("pyhdp.cli.doctor:run", help="check configuration, store, daemons and workers"),
        "version": COMMON["version"],
        "cluster": Sub("pyhdp.cluster.cli:run", help="workers of the cluster: sync the conf dir, exec a command, list hosts"),
        "selftest-daemon": Sub("pyhdp.cluster.testdaemon:run", help="(testing) a process that idles until stopped, for --daemon"),
    },
}


def _import_target(target: str):
    import importlib

    module, _, func = target.partition(":")
    return getattr(importlib.import_module(module), func)


def print_command_usage(prog: str, out=None) -> None:
    out = out or sys.stderr
    out.write(f"Usage: {prog} [OPTIONS] SUBCOMMAND [SUBCOMMAND OPTIONS]\n")
    out.write(" or    " + f"{prog} [OPTIONS] CLASSNAME [CLASSNAME OPTIONS]\n\n")
    out.write("  OPTIONS is none or any of:\n\n")
    for opt, desc in (
        ("--config dir", "Hadoop config directory"),
        ("--debug", "turn on shell script debug mode (Python tracebacks)"),
        ("--help", "usage information"),
        ("--loglevel level", "set the log4j level for this command"),
        ("--daemon (start|status|stop)", "operate on a daemon"),
        ("--workers", "turn on worker mode"),
        ("--hostnames list[,of,host,names]", "hosts to use in worker mode"),
        ("--hosts filename", "list of hosts to use in worker mode"),
    ):
        out.write(f"{opt:<36}{desc}\n")
    out.write("\n  SUBCOMMAND is one of:\n\n")
    for name, sub in sorted(TABLES[prog].items()):
        out.write(f"{name:<16}{sub.help}\n")
    out.write(f"\nSUBCOMMAND may print help when invoked w/o parameters or with -h.\n")


class ShellOptions(NamedTuple):
    config: str | None
    loglevel: str | None
    debug: bool
    daemon: str | None
    workers: bool
    hostnames: str | None
    hosts: str | None


def parse_shell_options(argv: list[str]) -> tuple[ShellOptions, list[str]]:
    """The ``--config``/``--loglevel``/... options that precede the sub-command."""
    config = loglevel = daemon = hostnames = hosts = None
    debug = workers = False
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--config", "--loglevel", "--daemon", "--hostnames", "--hosts"):
            if i + 1 >= len(argv):
                from pyhdp.errors import UsageError

                raise UsageError(f"ERROR: {a} requires an argument")
            value = argv[i + 1]
            if a == "--config":
                config = value
            elif a == "--loglevel":
                loglevel = value
            elif a == "--daemon":
                daemon = value
            elif a == "--hostnames":
                hostnames = value
            else:
                hosts = value
            i += 2
        elif a == "--debug":
            debug = True
            i += 1
        elif a == "--workers":
            workers = True
            i += 1
        else:
            break
    return ShellOptions(config, loglevel, debug, daemon, workers, hostnames, hosts), argv[i:]


def main(prog: str, argv: list[str] | None = None) -> int:
    """Run ``prog`` with ``argv``; returns the exit status (Hadoop's codes, -1 → 255)."""
    from pyhdp.cli import runtime

    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        opts, rest = parse_shell_options(argv)
    except Exception as e:  # noqa: BLE001
        return runtime.report_error(prog, e, debug=False)
    debug = opts.debug or runtime.debug_requested()
    runtime.setup_logging(opts.loglevel)
    table = TABLES[prog]
    if not rest or rest[0] in ("--help", "-help", "-h", "help"):
        print_command_usage(prog, sys.stdout if rest else sys.stderr)
        return 0 if rest else 1
    name, args = rest[0], rest[1:]
    sub = table.get(name)
    if sub is None:
        sys.stderr.write(f"ERROR: {name} is not COMMAND nor fully qualified CLASSNAME.\n")
        print_command_usage(prog)
        return 1
    if opts.daemon and not os.environ.get("PYHDP_DAEMON_CHILD"):
        sub = Sub("pyhdp.cluster.daemon_cli:run", tool=False)
        args = [prog, name, opts.daemon, *( ["--workers"] if opts.workers else []),
                *(["--hostnames", opts.hostnames] if opts.hostnames else []),
                *(["--hosts", opts.hosts] if opts.hosts else []), *args]
    return runtime.run_target(prog, name, sub.target, args, opts, tool=sub.tool, debug=debug)


def hadoop_main() -> None:
    sys.exit(main("hadoop"))


def hdfs_main() -> None:
    sys.exit(main("hdfs"))


def yarn_main() -> None:
    sys.exit(main("yarn"))


def mapred_main() -> None:
    sys.exit(main("mapred"))


def pyhdp_main() -> None:
    sys.exit(main("pyhdp"))
