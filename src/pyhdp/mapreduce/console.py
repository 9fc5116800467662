"""Hadoop's client console for a job: log4j-style INFO lines and progress on stderr.

Reusable by every front end (``hadoop jar``, ``mapred streaming``, ``yarn jar``, YARN later)::

    con = JobConsole(err=sys.stderr)
    con.info("mapreduce.Job", f"Running job: {job_id}")
    con.progress(0.5, 0.0)              # prints " map 50% reduce 0%" when it changed
    con.completed(job_id, True, counters)

Lines are printed unless ``HADOOP_ROOT_LOGGER`` (or ``quiet=True``) asks for WARN or
less; the format is Hadoop 3's ``%d{ISO8601} %p %c{2}: %m``.
"""

from __future__ import annotations

import datetime
import math
import os
import sys
from typing import IO, Any

from pyhdp.mapreduce.counters import Counters


def percent(fraction: float) -> str:
    """``String.format("%.0f%%", f*100)``: Java rounds HALF_UP (Python's round() does not)."""
    value = max(0.0, min(fraction, 1.0)) * 100
    return f"{math.floor(value + 0.5 + 1e-9)}%"


def progress_line(map_progress: float, reduce_progress: float) -> str:
    return f" map {percent(map_progress)} reduce {percent(reduce_progress)}"


def _info_enabled() -> bool:
    spec = os.environ.get("HADOOP_ROOT_LOGGER", "")
    if not spec:
        return True
    level = spec.split(",", 1)[0].strip().upper()
    return level in ("", "INFO", "DEBUG", "TRACE", "ALL")


class JobConsole:
    """``rich=True`` (a TTY, see :func:`rich_progress_wanted`) shows live map/reduce bars
    instead of the ``map N% reduce M%`` lines and leaves out per-task lines."""

    def __init__(
        self, err: IO[str] | None = None, quiet: bool | None = None, poll_ms: int = 1000, rich: bool = False
    ):
        self.err = err or sys.stderr
        self.enabled = _info_enabled() if quiet is None else not quiet
        self.last_progress: str | None = None
        self.poll_ms = poll_ms
        self._uber_printed = False
        self.rich = rich and self.enabled
        self._bars: Any = None
        self._bar_ids: tuple[Any, Any] | None = None

    # ------------------------------------------------------------ rich display
    def _start_bars(self, job_id: str) -> None:
        try:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
        except ImportError:
            self.rich = False
            return
        self._bars = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=Console(file=self.err),
            transient=True,
        )
        self._bar_ids = (
            self._bars.add_task(f"{job_id} map   ", total=100),
            self._bars.add_task(f"{job_id} reduce", total=100),
        )
        self._bars.start()

    def _stop_bars(self) -> None:
        if self._bars is not None:
            self._bars.stop()
            self._bars = None

    def task_info(self, logger: str, message: str) -> None:
        """Per-task lines (``Starting task: ...``): left out under the rich display."""
        if not self.rich:
            self.info(logger, message)

    @staticmethod
    def stamp() -> str:
        now = datetime.datetime.now()
        return now.strftime("%Y-%m-%d %H:%M:%S") + f",{now.microsecond // 1000:03d}"

    def log(self, level: str, logger: str, message: str) -> None:
        if not self.enabled and level == "INFO":
            return
        line = f"{self.stamp()} {level} {logger}: {message}"
        if self._bars is not None:
            self._bars.console.print(line, markup=False, highlight=False, soft_wrap=True)
            return
        try:
            self.err.write(line + "\n")
            self.err.flush()
        except (BrokenPipeError, ValueError):
            pass

    def info(self, logger: str, message: str) -> None:
        self.log("INFO", logger, message)

    def warn(self, logger: str, message: str) -> None:
        self.log("WARN", logger, message)

    def error(self, logger: str, message: str) -> None:
        self.log("ERROR", logger, message)

    # ------------------------------------------------------------ the job client's lines
    def submitting(self, job_id: str, num_files: int, num_splits: int, api: str = "new") -> None:
        logger = "input.FileInputFormat" if api == "new" else "mapred.FileInputFormat"
        self.info(logger, f"Total input files to process : {num_files}")
        self.info("mapreduce.JobSubmitter", f"number of splits:{num_splits}")
        self.info("mapreduce.JobSubmitter", f"Submitting tokens for job: {job_id}")
        self.info("mapreduce.JobSubmitter", "Executing with tokens: []")

    def running(self, job_id: str, tracking_url: str = "http://localhost:8080/") -> None:
        self.info("mapreduce.Job", f"The url to track the job: {tracking_url}")
        self.info("mapreduce.Job", f"Running job: {job_id}")
        self._uber_printed = False
        self.last_progress = None
        if self.rich:
            self._start_bars(job_id)

    def uber(self, job_id: str) -> None:
        if not self._uber_printed:
            self._uber_printed = True
            self.info("mapreduce.Job", f"Job {job_id} running in uber mode : false")

    def progress(self, map_progress: float, reduce_progress: float) -> bool:
        line = progress_line(map_progress, reduce_progress)
        if line == self.last_progress:
            return False
        self.last_progress = line
        if self._bars is not None and self._bar_ids is not None:
            self._bars.update(self._bar_ids[0], completed=map_progress * 100)
            self._bars.update(self._bar_ids[1], completed=reduce_progress * 100)
            return True
        self.info("mapreduce.Job", line)
        return True

    def task_failed(self, attempt_id: str, diagnostics: str, status: str = "FAILED") -> None:
        self.info("mapreduce.Job", f"Task Id : {attempt_id}, Status : {status}")
        if diagnostics:
            try:
                self.err.write(diagnostics.rstrip("\n") + "\n")
                self.err.flush()
            except (BrokenPipeError, ValueError):
                pass

    def completed(self, job_id: str, state: str, counters: Counters | None, diagnostics: str = "") -> None:
        if self._bars is not None:
            self._stop_bars()
            if self.last_progress:
                self.info("mapreduce.Job", self.last_progress)
        if state == "SUCCEEDED":
            self.info("mapreduce.Job", f"Job {job_id} completed successfully")
        else:
            self.info("mapreduce.Job", f"Job {job_id} failed with state {state} due to: {diagnostics}")
        if counters is not None and len(counters):
            self.info("mapreduce.Job", counters.dump())


def rich_progress_wanted(conf: Any, err: IO[str]) -> bool:
    """A rich progress display instead of log lines: on a TTY and unless ``pyhdp.progress=false``."""
    try:
        tty = err.isatty()
    except (AttributeError, ValueError):
        tty = False
    return tty and conf.get_bool("pyhdp.progress", True)
