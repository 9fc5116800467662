"""``python -m pyhdp.cluster PROG ARGS``: run ``hadoop``/``hdfs``/``yarn``/``mapred``/``pyhdp`` ARGS.

This is the command the cluster scripts run on workers over SSH (with ``pyhdp.worker.python``),
so that a worker needs only an interpreter with pyhdp installed, not the launchers on its PATH.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from pyhdp.cli.main import TABLES
    from pyhdp.cli.main import main as cli_main

    if not argv or argv[0] not in TABLES:
        sys.stderr.write("Usage: python -m pyhdp.cluster (" + "|".join(TABLES) + ") [OPTIONS] SUBCOMMAND ...\n")
        return 1
    return cli_main(argv[0], argv[1:])


if __name__ == "__main__":
    sys.exit(main())
