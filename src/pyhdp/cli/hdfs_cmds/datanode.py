"""``hdfs datanode``: the DataNode daemon comes with the next release."""

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
    from pyhdp.hdfs.namenode.storage import data_dirs

    sys.stderr.write(
        "The DataNode daemon comes with the next pyhdp release (start-dfs.sh). In standalone mode every "
        f"hdfs command stores blocks itself, in {', '.join(data_dirs(conf))}; no daemon is needed.\n")
    return 1
