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
    def __init__(self, err: IO[str] | None = None, quiet: bool | None = None, poll_ms: int = 1000):
        self.err = err or sys.stderr
        self.enabled = _info_enabled() if quiet is None else not quiet
        self.last_progress: str | None = None
        self.poll_ms = poll_ms
        self._uber_printed = False

    @staticmethod
    def stamp() -> str:
        now = datetime.datetime.now()
        return now.strftime("%Y-%m-%d %H:%M:%S") + f",{now.microsecond // 1000:03d}"

    def log(self, level: str, logger: str, message: str) -> None:
        if not self.enabled and level == "INFO":
            return
        try:
            self.err.write(f"{self.stamp()} {level} {logger}: {message}\n")
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

    def uber(self, job_id: str) -> None:
        if not self._uber_printed:
            self._uber_printed = True
            self.info("mapreduce.Job", f"Job {job_id} running in uber mode : false")

    def progress(self, map_progress: float, reduce_progress: float) -> bool:
        line = progress_line(map_progress, reduce_progress)
        if line == self.last_progress:
            return False
        self.last_progress = line
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
