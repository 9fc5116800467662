"""``yarn jar job.py IN OUT [args]`` / ``hadoop jar job.py ...``: run a Python job file.

Generic options right after the file name (``-D k=v``, ``-conf``, ``-files`` ...) are applied
as ToolRunner does; the job itself is loaded and submitted by the engine's job API
(:func:`pyhdp.mapreduce.job.launcher.run_job_file`).  A file that does not import gets one
clear line naming the file and line, never a traceback.
"""

from __future__ import annotations

import sys
from typing import Any


def run_job_file(path: str, args: list[str], conf: Any) -> int:
    from pyhdp.cli.generic import apply_generic_options, parse_generic_options
    from pyhdp.errors import PyhdpError, UsageError

    try:
        gopts, rest = parse_generic_options(args)
    except UsageError as e:
        sys.stderr.write(f"{e}\n")
        return 255
    apply_generic_options(conf, gopts)
    from pyhdp.mapreduce.job.launcher import run_job_file as launch

    try:
        return int(launch(path, rest, conf) or 0)
    except SyntaxError as e:
        sys.stderr.write(
            f"Error loading job file {path}: SyntaxError: {e.msg} ({e.filename}, line {e.lineno})\n"
        )
        return 1
    except PyhdpError as e:
        sys.stderr.write(f"{e}\n")
        return e.exit_code
