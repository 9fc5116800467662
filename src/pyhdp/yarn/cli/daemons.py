"""``yarn resourcemanager`` and ``yarn nodemanager``: the daemons in the foreground."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyhdp.conf import Configuration


def _help(args: list[str], name: str) -> bool:
    if args and args[0] in ("-h", "-help", "--help"):
        sys.stderr.write(f"Usage: yarn {name}\n")
        return True
    return False


def resourcemanager(args: list[str], conf: Configuration) -> int:
    if _help(args, "resourcemanager"):
        return 0
    if args and args[0] == "-format-state-store":
        import shutil

        root = (
            conf.get_trimmed("yarn.resourcemanager.fs.state-store.uri") or "/tmp/hadoop-yarn/system/rmstore"
        )
        shutil.rmtree(root.removeprefix("file://"), ignore_errors=True)
        return 0
    from pyhdp.yarn.rm.server import run

    return run(conf)


def nodemanager(args: list[str], conf: Configuration) -> int:
    if _help(args, "nodemanager"):
        return 0
    from pyhdp.yarn.nm.server import run

    return run(conf)
