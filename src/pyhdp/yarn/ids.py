"""YARN ids as Hadoop prints them."""

from __future__ import annotations

import re

_APP = re.compile(r"^application_(\d+)_(\d+)$")
_ATTEMPT = re.compile(r"^appattempt_(\d+)_(\d+)_(\d+)$")
_CONTAINER = re.compile(r"^container_(?:e\d+_)?(\d+)_(\d+)_(\d+)_(\d+)$")


def app_id(cluster_ts: int, seq: int) -> str:
    return f"application_{cluster_ts}_{seq:04d}"


def attempt_id(app: str, n: int) -> str:
    ts, seq = parse_app_id(app)
    return f"appattempt_{ts}_{seq:04d}_{n:06d}"


def container_id(attempt: str, n: int) -> str:
    ts, seq, att = parse_attempt_id(attempt)
    return f"container_{ts}_{seq:04d}_{att:02d}_{n:06d}"


def parse_app_id(text: str) -> tuple[int, int]:
    m = _APP.match(text or "")
    if not m:
        raise ValueError(f"Invalid ApplicationId: {text}")
    return int(m.group(1)), int(m.group(2))


def parse_attempt_id(text: str) -> tuple[int, int, int]:
    m = _ATTEMPT.match(text or "")
    if not m:
        raise ValueError(f"Invalid AppAttemptId: {text}")
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def parse_container_id(text: str) -> tuple[int, int, int, int]:
    m = _CONTAINER.match(text or "")
    if not m:
        raise ValueError(f"Invalid ContainerId: {text}")
    return tuple(int(g) for g in m.groups())  # type: ignore[return-value]


def app_of_attempt(attempt: str) -> str:
    ts, seq, _n = parse_attempt_id(attempt)
    return app_id(ts, seq)


def app_of_container(container: str) -> str:
    ts, seq, _a, _n = parse_container_id(container)
    return app_id(ts, seq)


def attempt_of_container(container: str) -> str:
    ts, seq, a, _n = parse_container_id(container)
    return f"appattempt_{ts}_{seq:04d}_{a:06d}"


def job_id_of_app(app: str) -> str:
    ts, seq = parse_app_id(app)
    return f"job_{ts}_{seq:04d}"


def app_of_job(job: str) -> str:
    _j, ts, seq = job.split("_")
    return f"application_{ts}_{seq}"
