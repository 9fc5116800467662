"""``python -m pyhdp.hdfs.server namenode|datanode [-D k=v ...] [-conf F]``: the foreground daemons
(what ``hdfs namenode`` / ``hdfs datanode`` run), logging at INFO to stderr unless
``HADOOP_ROOT_LOGGER`` says otherwise."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("namenode", "datanode"):
        sys.stderr.write("Usage: python -m pyhdp.hdfs.server namenode|datanode [-D key=value ...]\n")
        return 1
    from pyhdp.cli import runtime
    from pyhdp.cli.main import ShellOptions

    os.environ.setdefault("HADOOP_ROOT_LOGGER", "INFO,console")
    runtime.setup_logging(None)
    opts = ShellOptions(None, None, False, None, False, None, None, False)
    return runtime.run_target("hdfs", argv[0], f"pyhdp.hdfs.server.{argv[0]}:run", argv[1:], opts, tool=True,
                              debug=False)


if __name__ == "__main__":
    sys.exit(main())
