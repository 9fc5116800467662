"""Hadoop's job, task and attempt id strings."""

from __future__ import annotations

import random
import re

_LOCAL_ID = random.SystemRandom().randrange(1, 1 << 31)
_seq = 0

_JOB_RE = re.compile(r"^job_([A-Za-z0-9]+)_(\d+)$")
_ATTEMPT_RE = re.compile(r"^attempt_([A-Za-z0-9]+)_(\d+)_([mrsct])_(\d+)_(\d+)$")


def next_local_job_id() -> str:
    """``job_local<rand>_<seq>``: rand chosen once per process, seq counts this process's jobs."""
    global _seq
    _seq += 1
    return f"job_local{_LOCAL_ID}_{_seq:04d}"


def task_id(job_id: str, kind: str, index: int) -> str:
    return "task_" + job_id[len("job_") :] + f"_{kind}_{index:06d}"


def attempt_id(job_id: str, kind: str, index: int, attempt: int) -> str:
    return "attempt_" + job_id[len("job_") :] + f"_{kind}_{index:06d}_{attempt}"


def task_of_attempt(attempt: str) -> str:
    return "task_" + attempt[len("attempt_") :].rsplit("_", 1)[0]


def is_job_id(text: str) -> bool:
    return bool(_JOB_RE.match(text))


def parse_job_id(text: str) -> tuple[str, int]:
    m = _JOB_RE.match(text)
    if not m:
        raise ValueError(f"JobId string : {text} is not properly formed")
    return m.group(1), int(m.group(2))


def is_attempt_id(text: str) -> bool:
    return bool(_ATTEMPT_RE.match(text))
