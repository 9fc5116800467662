"""``hdfs datanode``: the DataNode daemon in the foreground (:mod:`pyhdp.hdfs.server.datanode`)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyhdp.conf import Configuration

USAGE = "Usage: hdfs datanode [-regular | -rollback | -rollingupgrade rollback ]\n" \
    "    -regular                 : Normal DataNode startup (default).\n" \
    "    -rollback                : Rollback a standard or rolling upgrade.\n" \
    "    -rollingupgrade rollback : Rollback a rolling upgrade operation.\n" \
    "  Refer to HDFS documentation for the difference between standard\n" \
    "  and rolling upgrades.\n"


def run(args: list[str], conf: Configuration) -> int:
    if args and args[0].lower() in ("-h", "-help", "--help"):
        sys.stderr.write(USAGE)
        return 0
    if args and args[0].lower() != "-regular":
        sys.stderr.write(f"{args[0]} is not supported by pyhdp's DataNode yet\n" if args[0].lower() in
                         ("-rollback", "-rollingupgrade") else USAGE)
        return 1
    from pyhdp.hdfs.server.datanode import run as run_daemon  # the foreground DataNode daemon

    return run_daemon([], conf)
