"""``version``, ``envvars``, ``classpath``, ``checknative``."""

from __future__ import annotations

import sys


def version(args: list[str], conf) -> int:
    import pyhdp

    out = sys.stdout
    out.write(f"Hadoop {pyhdp.HADOOP_VERSION}\n")
    out.write(f"pyhdp {pyhdp.__version__} (Python {sys.version.split()[0]}): the Hadoop command line in pure Python\n")
    out.write("Source code repository https://github.com/apache/hadoop (behaviour followed)\n")
    out.write(f"Compiled by pyhdp\n")
    out.write(f"This command was run using {__import__('os').path.dirname(pyhdp.__file__)}\n")
    return 0
