"""Shared by the example programs: running a job as a Hadoop driver does, control files, sums."""

from __future__ import annotations

import os
import posixpath
import random
import sys
import time
from collections.abc import Iterable
from typing import Any

from pyhdp.mapreduce.api import JobSpec, JobSubmissionError

EX = "pyhdp.mapreduce.examples."


def generic_usage(out=None) -> None:
    from pyhdp.cli.generic import GENERIC_USAGE

    (out or sys.stderr).write(GENERIC_USAGE)


def run_spec(spec: JobSpec, conf: Any) -> Any:
    """Run and wait (``job.waitForCompletion(true)``); a refused submission raises :class:`DriverExit`."""
    from pyhdp.mapreduce.api import run_job

    try:
        return run_job(spec, conf, console=True, err=sys.stderr)
    except JobSubmissionError as e:
        sys.stderr.write(f'Exception in thread "main" {e.java_class}: {e}\n')
        raise DriverExit(1) from None


class DriverExit(Exception):
    """Ends an example with an exit status (``System.exit`` in Hadoop's drivers)."""

    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


def fs_and_path(path: str, conf: Any):
    from pyhdp.mapreduce.input.splits import resolve

    return resolve(path, conf)


def temp_dir(conf: Any, prefix: str) -> str:
    """A job-private directory on the default file system (Hadoop's drivers use relative names)."""
    name = f"{prefix}_{int(time.time() * 1000)}_{random.randrange(1 << 31)}"
    return name


def write_control_files(conf: Any, directory: str, lines: Iterable[str]) -> str:
    """One small text file per map task, each holding one line; returns the dir.

    Lines are padded to one width and files named ``part00000``... so that every split has
    the same size and the map tasks (and their ``part-m-NNNNN`` files) keep the line order.
    """
    fs, d = fs_and_path(directory, conf)
    fs.mkdirs(d)
    items = list(lines)
    width = max((len(x) for x in items), default=0)
    for i, line in enumerate(items):
        fs.write_bytes(posixpath.join(d, f"part{i:05d}"), (line.ljust(width) + "\n").encode(), overwrite=True)
    return directory


def delete(conf: Any, path: str) -> None:
    try:
        fs, p = fs_and_path(path, conf)
        fs.delete(p, recursive=True)
    except OSError:
        pass


def read_text_output(conf: Any, directory: str) -> list[bytes]:
    """Lines of every ``part-*`` file of a job output, in file-name order."""
    fs, d = fs_and_path(directory, conf)
    lines: list[bytes] = []
    for st in sorted(fs.list_status(d), key=lambda s: s.name):
        if st.name.startswith("part-") and not st.is_dir:
            data = fs.cat(st.path)
            lines.extend(data.splitlines())
    return lines


def java_double(x: float) -> str:
    from pyhdp.mapreduce.streaming.aggregate import java_double as jd

    return jd(x)


class SumCombiner:
    """``IntSumReducer`` / ``LongSumReducer`` as a combiner."""

    def __init__(self, **_: Any):
        pass

    def combine(self, groups):
        return [(k, sum(vs)) for k, vs in groups]


class SumReducer:
    """``IntSumReducer`` / ``LongSumReducer``: ``key\\tsum``."""

    def __init__(self, **_: Any):
        pass

    def run_reduce(self, ctx: Any) -> None:
        keys: list = []
        values: list = []
        for k, vs in ctx.groups():
            keys.append(k)
            values.append(sum(vs))
            if len(keys) >= 8192:
                ctx.emit_batch(keys, values)
                keys, values = [], []
        if keys:
            ctx.emit_batch(keys, values)


def env_flag(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0", "false")
