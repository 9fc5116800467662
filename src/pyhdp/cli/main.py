"""Entry points of the ``hadoop``, ``hdfs``, ``yarn``, ``mapred`` and ``pyhdp`` commands.

Each command is a table from sub-command to ``"module:function"``, imported only when
used so that ``hdfs dfs -ls`` pays for nothing else.  A target has the signature
``run(args: list[str], conf: Configuration) -> int`` and receives the arguments after
the sub-command with the generic options (``-D``, ``-conf``, ``-fs``, ``-files`` ...)
already applied to ``conf`` (as Hadoop's ToolRunner does) when the table marks it as a
Tool.  Shell options before the sub-command (``--config DIR``, ``--loglevel LEVEL``,
``--debug``, ``--daemon``, ``--workers`` ...) are handled here, with the messages and
exit codes of Hadoop 3's shell scripts (``hadoop-functions.sh``); the usage text is built
from the tables the way ``hadoop_generate_usage`` builds it.
"""

from __future__ import annotations

import os
import sys


class Sub:
    """One sub-command of a table (a plain class: importing ``typing`` costs start-up time).

    ``target``: ``"module:function"``; ``tool``: parse generic options before calling;
    ``kind``: usage section (admin, client or daemon, as hadoop_add_subcommand's type);
    ``shown``: name shown in the usage when not the key (``jar <jar>``); ``hidden``: an
    alias not listed; ``conf_errors_ok``: run even when the configuration does not load.
    """

    __slots__ = ("target", "tool", "help", "kind", "shown", "hidden", "conf_errors_ok")

    def __init__(
        self,
        target: str,
        tool: bool = True,
        help: str = "",
        kind: str = "client",
        shown: str = "",
        hidden: bool = False,
        conf_errors_ok: bool = False,
    ) -> None:
        self.target, self.tool, self.help, self.kind = target, tool, help, kind
        self.shown, self.hidden, self.conf_errors_ok = shown, hidden, conf_errors_ok

    def _replace(self, **changes) -> Sub:
        values = {k: getattr(self, k) for k in self.__slots__}
        values.update(changes)
        return Sub(**values)

    def __repr__(self) -> str:
        return f"Sub({self.target!r}, tool={self.tool!r}, kind={self.kind!r})"


COMMON = {
    "version": Sub("pyhdp.cli.info:version", tool=False, help="print the version", conf_errors_ok=True),
    "envvars": Sub("pyhdp.cli.info:envvars", tool=False, help="display computed Hadoop environment variables", conf_errors_ok=True),
    "classpath": Sub("pyhdp.cli.info:classpath", tool=False, help="prints the class path needed to get the Hadoop jar and the required libraries", conf_errors_ok=True),
    "jar": Sub("pyhdp.mapreduce.cli.jar:run", tool=False, help="run a jar file", shown="jar <jar>"),
    "getconf": Sub("pyhdp.cli.getconf:run", help="get config values from configuration"),
}  # fmt: skip

TABLES: dict[str, dict[str, Sub]] = {
    "hadoop": {
        "fs": Sub("pyhdp.cli.fsshell.shell:run", help="run a generic filesystem user client"),
        "dfs": Sub("pyhdp.cli.fsshell.shell:run_deprecated_dfs", help="(deprecated) use hdfs dfs", hidden=True),
        "jar": COMMON["jar"]._replace(help='run a jar file. NOTE: please use "yarn jar" to launch YARN applications, not this command.'),
        "version": COMMON["version"],
        "envvars": COMMON["envvars"],
        "classpath": COMMON["classpath"],
        "checknative": Sub("pyhdp.cli.info:checknative", tool=False, help="check native Hadoop and compression libraries availability", conf_errors_ok=True),
        "distcp": Sub("pyhdp.mapreduce.tools.distcp:run", help="copy file or directories recursively"),
        "conftest": Sub("pyhdp.cli.getconf:conftest", tool=False, help="validate configuration XML files", conf_errors_ok=True),
        "jnipath": Sub("pyhdp.cli.info:jnipath", tool=False, help="prints the java.library.path", conf_errors_ok=True),
    },
    "hdfs": {
        "dfs": Sub("pyhdp.cli.fsshell.shell:run", help="run a filesystem command on the file system"),
        "namenode": Sub("pyhdp.cli.hdfs_cmds.namenode:run", help="run the DFS namenode", kind="daemon"),
        "datanode": Sub("pyhdp.cli.hdfs_cmds.datanode:run", help="run a DFS datanode", kind="daemon"),
        "secondarynamenode": Sub("pyhdp.cli.hdfs_cmds.namenode:run_secondary", help="run the DFS secondary namenode", kind="daemon"),
        "dfsadmin": Sub("pyhdp.cli.hdfs_cmds.dfsadmin:run", help="run a DFS admin client", kind="admin"),
        "fsck": Sub("pyhdp.cli.hdfs_cmds.fsck:run", help="run a DFS filesystem checking utility", kind="admin"),
        "getconf": COMMON["getconf"],
        "version": COMMON["version"],
        "envvars": COMMON["envvars"],
        "classpath": COMMON["classpath"]._replace(help="prints the class path needed to get the hadoop jar and the required libraries"),
    },
    "yarn": {
        "jar": COMMON["jar"],
        "version": COMMON["version"],
        "envvars": COMMON["envvars"],
        "classpath": COMMON["classpath"]._replace(help="prints the class path needed to get the hadoop jar and the required libraries"),
        "resourcemanager": Sub("pyhdp.yarn.cli.daemons:resourcemanager", help="run the ResourceManager", kind="daemon"),
        "nodemanager": Sub("pyhdp.yarn.cli.daemons:nodemanager", help="run a nodemanager on each worker", kind="daemon"),
        "application": Sub("pyhdp.yarn.cli.application:run", help="prints application(s) report/kill application/manage long running application", shown="app|application"),
        "app": Sub("pyhdp.yarn.cli.application:run", help="prints application(s) report/kill application", hidden=True),
        "node": Sub("pyhdp.yarn.cli.node:run", help="prints node report(s)", kind="admin"),
        "logs": Sub("pyhdp.yarn.cli.logs:run", help="dump container logs"),
        "applicationattempt": Sub("pyhdp.yarn.cli.misc:applicationattempt", help="prints applicationattempt(s) report"),
        "container": Sub("pyhdp.yarn.cli.misc:container", help="prints container(s) report"),
        "queue": Sub("pyhdp.yarn.cli.misc:queue", help="prints queue information"),
        "rmadmin": Sub("pyhdp.yarn.cli.misc:rmadmin", help="admin tools", kind="admin"),
        "top": Sub("pyhdp.yarn.cli.misc:top", help="view cluster information"),
    },
    "mapred": {
        "streaming": Sub("pyhdp.mapreduce.streaming.cli:run", help="launch a mapreduce streaming job"),
        "job": Sub("pyhdp.mapreduce.cli.job:run", help="manipulate MapReduce jobs"),
        "version": COMMON["version"],
        "envvars": COMMON["envvars"],
        "classpath": COMMON["classpath"]._replace(help="prints the class path needed for running mapreduce subcommands"),
    },
    "pyhdp": {
        "doctor": Sub("pyhdp.cli.doctor:run", tool=False, help="check configuration, store, daemons and workers", conf_errors_ok=True),
        "version": COMMON["version"],
        "cluster": Sub("pyhdp.cluster.cli:run", help="workers of the cluster: sync the conf dir, exec a command, list hosts"),
        "completion": Sub("pyhdp.cli.completion:run", tool=False, help='print a shell completion script: bash, zsh or fish (eval "$(pyhdp completion bash)")', conf_errors_ok=True),
        "__complete": Sub("pyhdp.cli.completion:run_complete", tool=False, help="(internal) completion candidates for a command line", hidden=True, conf_errors_ok=True),
        "selftest-daemon": Sub("pyhdp.cluster.testdaemon:run", help="(testing) a process that idles until stopped, for --daemon", hidden=True),
    },
}  # fmt: skip

#: Shell options each script documents (hadoop_add_option), besides --config, --debug and --help.
_WORKER_OPTIONS = [
    ("--buildpaths", "attempt to add class files from build tree"),
    ("--daemon (start|status|stop)", "operate on a daemon"),
    ("--hostnames list[,of,host,names]", "hosts to use in worker mode"),
    ("--loglevel level", "set the log4j level for this command"),
    ("--hosts filename", "list of hosts to use in worker mode"),
    ("--workers", "turn on worker mode"),
]
OPTIONS: dict[str, list[tuple[str, str]]] = {
    # bin/hadoop declares its options without the dashes (and still says "slave mode")
    "hadoop": [
        ("buildpaths", "attempt to add class files from build tree"),
        ("hostnames list[,of,host,names]", "hosts to use in slave mode"),
        ("loglevel level", "set the log4j level for this command"),
        ("hosts filename", "list of hosts to use in slave mode"),
        ("workers", "turn on worker mode"),
    ],
    "hdfs": _WORKER_OPTIONS,
    "yarn": _WORKER_OPTIONS,
    "mapred": [],
    "pyhdp": _WORKER_OPTIONS[1:],  # no --buildpaths: there is no build tree to add
}
_GENERIC_SHELL_OPTIONS = [
    ("--config dir", "Hadoop config directory"),
    ("--debug", "turn on shell script debug mode"),
    ("--help", "usage information"),
]
#: Whether the script also runs a user-given class (hadoop_generate_usage's "takesclass").
TAKES_CLASS = {"hadoop": True, "hdfs": False, "yarn": True, "mapred": True, "pyhdp": False}

#: ``hadoop <cmd>`` forms that Hadoop 3 forwards to ``hdfs``/``mapred`` with a warning.
HADOOP_DEPRECATED = {
    **dict.fromkeys(
        ["balancer", "datanode", "dfs", "dfsadmin", "dfsgroups", "namenode", "secondarynamenode", "fsck",
         "fetchdt", "oiv", "portmap", "nfs3"], "hdfs"),
    **dict.fromkeys(["pipes", "job", "queue", "mrgroups", "mradmin", "jobtracker", "tasktracker"], "mapred"),
}  # fmt: skip

#: Java main classes that users run as ``hadoop CLASSNAME``: what pyhdp runs for them.
CLASSNAMES: dict[str, tuple[str, str]] = {
    "org.apache.hadoop.fs.FsShell": ("hadoop", "fs"),
    "org.apache.hadoop.util.VersionInfo": ("hadoop", "version"),
    "org.apache.hadoop.util.NativeLibraryChecker": ("hadoop", "checknative"),
    "org.apache.hadoop.util.ConfTest": ("hadoop", "conftest"),
    "org.apache.hadoop.util.RunJar": ("hadoop", "jar"),
    "org.apache.hadoop.tools.DistCp": ("hadoop", "distcp"),
    "org.apache.hadoop.hdfs.tools.GetConf": ("hdfs", "getconf"),
    "org.apache.hadoop.hdfs.tools.DFSAdmin": ("hdfs", "dfsadmin"),
    "org.apache.hadoop.hdfs.tools.DFSck": ("hdfs", "fsck"),
    "org.apache.hadoop.hdfs.server.namenode.NameNode": ("hdfs", "namenode"),
    "org.apache.hadoop.hdfs.server.datanode.DataNode": ("hdfs", "datanode"),
    "org.apache.hadoop.hdfs.server.namenode.SecondaryNameNode": ("hdfs", "secondarynamenode"),
    "org.apache.hadoop.streaming.HadoopStreaming": ("mapred", "streaming"),
    "org.apache.hadoop.mapred.JobClient": ("mapred", "job"),
    "org.apache.hadoop.yarn.server.resourcemanager.ResourceManager": ("yarn", "resourcemanager"),
    "org.apache.hadoop.yarn.server.nodemanager.NodeManager": ("yarn", "nodemanager"),
}

_HELP_WORDS = ("--help", "-help", "-h", "help", "--h", "--?", "-?", "?")


def _import_target(target: str):
    import importlib

    module, _, func = target.partition(":")
    return getattr(importlib.import_module(module), func)


# --------------------------------------------------------------------------- usage
def _columns() -> int:
    """hadoop_generic_columnprinter's width: ``$COLUMNS`` or the terminal's, minus 5; else 75."""
    cols = os.environ.get("COLUMNS", "")
    if not cols.isdigit():
        try:
            cols = str(os.get_terminal_size(sys.stderr.fileno()).columns)
        except (OSError, ValueError, AttributeError):
            cols = ""
    return int(cols) - 5 if cols.isdigit() else 75


def _fold(text: str, width: int) -> list[str]:
    """``fold -s -w width`` followed by bash ``read -r`` (which trims each line)."""
    width = max(width, 1)
    lines: list[str] = []
    rest = text
    while len(rest) > width:
        cut = rest.rfind(" ", 0, width)
        if cut < 0:
            lines.append(rest[:width])
            rest = rest[width:]
        else:
            lines.append(rest[: cut + 1])
            rest = rest[cut + 1 :]
    lines.append(rest)
    return [line.strip() for line in lines]


def _sort_key(text: str) -> tuple[str, str]:
    """The order of ``sort`` in the user's locale: byte order in the C/POSIX locales (C.UTF-8
    included), else like glibc's English collation (punctuation ignored first, case-insensitive)."""
    collate = os.environ.get("LC_ALL") or os.environ.get("LC_COLLATE") or os.environ.get("LANG") or "C"
    if collate in ("C", "POSIX") or collate.startswith(("C.", "POSIX.")):
        return text, ""
    return "".join(c for c in text.lower() if c.isalnum() or c.isspace()), text


def _column_lines(rows: list[tuple[str, str]], width: int | None = None) -> list[str]:
    """hadoop_generic_columnprinter: sorted rows, first column padded to ``width`` (default: the
    longest first column), the text folded at spaces to fit the screen."""
    rows = sorted(rows, key=lambda r: _sort_key(f"{r[0]}@{r[1]}"))
    if width is None:
        width = max((len(r[0]) for r in rows), default=0)
    fold_width = _columns() - width
    out = []
    for option, text in rows:
        for line in _fold(text, fold_width):
            out.append(f"{option:<{width}}   {line}")
            option = " "
    return out


def usage_text(prog: str) -> str:
    """The usage ``prog`` prints with no arguments or ``--help``, laid out as Hadoop 3's scripts do."""
    options = _GENERIC_SHELL_OPTIONS + OPTIONS.get(prog, [])
    subs = [(s.shown or name, s) for name, s in TABLES[prog].items() if not s.hidden]
    lines = [f"Usage: {prog} [OPTIONS] SUBCOMMAND [SUBCOMMAND OPTIONS]"]
    if TAKES_CLASS.get(prog):
        lines.append(f" or    {prog} [OPTIONS] CLASSNAME [CLASSNAME OPTIONS]")
        lines.append("  where CLASSNAME is a user-provided Java class")
    lines += ["", "  OPTIONS is none or any of:", ""]
    lines += _column_lines(options)
    lines += ["", "  SUBCOMMAND is one of:", ""]
    # the column width is that of the longest sub-command of all sections, as in Hadoop
    width = max(len(shown) for shown, _ in subs)
    for kind in sorted({s.kind for _, s in subs}):
        lines += ["", f"    {kind[:1].upper()}{kind[1:]} Commands:", ""]
        lines += _column_lines([(shown, s.help) for shown, s in subs if s.kind == kind], width)
    lines += ["", "SUBCOMMAND may print help when invoked w/o parameters or with -h."]
    return "\n".join(lines) + "\n"


def print_command_usage(prog: str, out=None) -> None:
    (out or sys.stdout).write(usage_text(prog))


# --------------------------------------------------------------------------- shell options
class ShellOptions:
    """The shell options before the sub-command."""

    __slots__ = ("config", "loglevel", "debug", "daemon", "workers", "hostnames", "hosts", "help")

    def __init__(self, config, loglevel, debug, daemon, workers, hostnames, hosts, help=False) -> None:
        self.config, self.loglevel, self.debug, self.daemon = config, loglevel, debug, daemon
        self.workers, self.hostnames, self.hosts, self.help = workers, hostnames, hosts, help


class ShellUsageError(Exception):
    """A bad shell option: Hadoop prints the message, then the usage, and exits 1."""


def parse_shell_options(argv: list[str]) -> tuple[ShellOptions, list[str]]:
    """The ``--config``/``--loglevel``/... options that precede the sub-command (hadoop_parse_args)."""
    config = loglevel = daemon = hostnames = hosts = None
    debug = workers = want_help = False
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--config":
            value = argv[i + 1] if i + 1 < len(argv) else ""
            if not value:
                raise ShellUsageError("ERROR: No parameter provided for --config ")
            if not os.path.isdir(value):
                raise ShellUsageError(f'ERROR: Cannot find configuration directory "{value}"')
            config = value
            i += 2
        elif a == "--daemon":
            value = argv[i + 1] if i + 1 < len(argv) else ""
            if value not in ("start", "stop", "status"):
                raise ShellUsageError(
                    'ERROR: --daemon must be followed by either "start", "stop", or "status".'
                )
            daemon = value
            i += 2
        elif a in ("--loglevel", "--hostnames", "--hosts"):
            value = argv[i + 1] if i + 1 < len(argv) else ""
            if a == "--loglevel":
                loglevel = value
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
        elif a == "--buildpaths" or a == "--reexec":
            i += 1
        elif a in _HELP_WORDS:
            want_help = True
            break
        else:
            break
    return ShellOptions(config, loglevel, debug, daemon, workers, hostnames, hosts, want_help), argv[i:]


# --------------------------------------------------------------------------- main
def main(prog: str, argv: list[str] | None = None) -> int:
    """Run ``prog`` with ``argv``; returns the exit status (Hadoop's codes, -1 → 255)."""
    from pyhdp.cli import runtime

    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        opts, rest = parse_shell_options(argv)
    except ShellUsageError as e:
        sys.stderr.write(f"{e}\n")
        print_command_usage(prog)
        return 1
    runtime.setup_logging(opts.loglevel)
    debug = opts.debug or runtime.debug_requested(opts.loglevel)
    if opts.help:
        print_command_usage(prog)
        return 0
    if not rest:
        print_command_usage(prog)
        return 1
    name, args = rest[0], rest[1:]
    table = TABLES[prog]
    sub = table.get(name)
    if sub is None and prog == "hadoop" and name in HADOOP_DEPRECATED:
        target_prog = HADOOP_DEPRECATED[name]
        replacement = {"dfsgroups": "groups", "mrgroups": "groups"}.get(name, name)
        sys.stderr.write(f"WARNING: Use of this script to execute {name} is deprecated.\n")
        sys.stderr.write(
            f'WARNING: Attempting to execute replacement "{target_prog} {replacement}" instead.\n\n'
        )
        sys.stderr.flush()
        prog, name = target_prog, replacement
        sub = TABLES[prog].get(name)
        if sub is None and not _no_longer_supported(prog, name):
            sys.stderr.write(f"ERROR: {name} is not COMMAND nor fully qualified CLASSNAME.\n")
            print_command_usage(prog)
            return 1
    if sub is None and _no_longer_supported(prog, name):
        sys.stderr.write(f"Sorry, the {name} command is no longer supported.\n")
        sys.stderr.write('You may find similar functionality with the "yarn" shell command.\n')
        print_command_usage(prog)
        return 1
    if sub is None:
        if "." not in name:
            sys.stderr.write(f"ERROR: {name} is not COMMAND nor fully qualified CLASSNAME.\n")
            print_command_usage(prog)
            return 1
        mapped = CLASSNAMES.get(name)
        sub = TABLES[mapped[0]].get(mapped[1]) if mapped else None
        if sub is None:
            sys.stderr.write(
                f"Error: Could not find or load main class {name}\n"
                f"Caused by: java.lang.ClassNotFoundException: {name}\n"
            )
            return 1
        name = mapped[1]  # type: ignore[index]
    if prog == "hadoop" and name == "jar":
        if os.environ.get("YARN_OPTS") or os.environ.get("YARN_CLIENT_OPTS"):
            sys.stderr.write('WARNING: Use "yarn jar" to launch YARN applications.\n')
        if not args or args[0] == "--help":
            sys.stdout.write("Usage: hadoop jar <jar> [mainClass] args...\n")
            return 0
    if opts.daemon and not os.environ.get("PYHDP_DAEMON_CHILD"):
        args = [
            prog, name, opts.daemon, *(["--workers"] if opts.workers else []),
            *(["--hostnames", opts.hostnames] if opts.hostnames else []),
            *(["--hosts", opts.hosts] if opts.hosts else []), *args,
        ]  # fmt: skip
        sub = Sub("pyhdp.cluster.daemon_cli:run", tool=False)
    return runtime.run_target(
        prog, name, sub.target, args, opts, tool=sub.tool, debug=debug, conf_errors_ok=sub.conf_errors_ok
    )


def _no_longer_supported(prog: str, name: str) -> bool:
    return prog == "mapred" and name in ("mradmin", "jobtracker", "tasktracker", "groups")


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
