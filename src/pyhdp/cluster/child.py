"""The process ``--daemon start`` launches: ``python -m pyhdp.cluster.child -Dproc_<daemon> PROG SUB ARGS``.

It tells the starter that the interpreter is up, points the log handler at the daemon's
``.log`` file (Hadoop's ``RFA`` appender; ``HADOOP_DAEMON_ROOT_LOGGER=INFO,console`` keeps
logs in the ``.out`` file instead) and runs ``PROG SUB ARGS`` in the foreground, as
``hadoop_start_daemon`` does with ``java -Dproc_<daemon> CLASS``.
"""

from __future__ import annotations

import logging
import os
import sys

from pyhdp.cluster.daemon import LOG_ENV, NOTIFY_FD_ENV


def _booted() -> None:
    fd_text = os.environ.get(NOTIFY_FD_ENV)
    if not fd_text:
        return
    try:
        fd = int(fd_text)
        os.set_inheritable(fd, False)  # the daemon's own children must not hold the starter's pipe
        os.write(fd, b"S")
    except (ValueError, OSError):
        os.environ.pop(NOTIFY_FD_ENV, None)


def _log_to_file() -> None:
    log_path = os.environ.get(LOG_ENV)
    appender = os.environ.get("HADOOP_ROOT_LOGGER", "").partition(",")[2].strip().upper()
    if not log_path or appender != "RFA":
        return
    from pyhdp.cli import runtime

    original = runtime.setup_logging

    def setup_logging(loglevel: str | None = None) -> None:
        original(loglevel)
        try:
            stream = open(log_path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 - lives as long as the daemon
        except OSError as e:
            sys.stderr.write(f"WARNING: cannot open log file {log_path}: {e.strerror}\n")
            return
        for handler in logging.getLogger().handlers:
            if getattr(handler, "_pyhdp", False) and isinstance(handler, logging.StreamHandler):
                handler.setStream(stream)

    runtime.setup_logging = setup_logging


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0].startswith("-Dproc_"):
        argv = argv[1:]
    if not argv:
        sys.stderr.write("Usage: python -m pyhdp.cluster.child -Dproc_<daemon> PROG SUBCOMMAND [ARGS]\n")
        return 1
    _booted()
    _log_to_file()
    from pyhdp.cli.main import TABLES
    from pyhdp.cli.main import main as cli_main

    prog, rest = argv[0], argv[1:]
    if prog not in TABLES:
        sys.stderr.write(f"ERROR: unknown command {prog}\n")
        return 1
    return cli_main(prog, rest)


if __name__ == "__main__":
    sys.exit(main())
