"""Runners decide where tasks run; the algorithm is in :mod:`pyhdp.mapreduce.runners.base`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyhdp.conf import Configuration
    from pyhdp.mapreduce.runners.base import JobRunner

RUNNERS = {
    "local": "pyhdp.mapreduce.runners.local:LocalJobRunner",
    "yarn": "pyhdp.yarn.mrapp.runner:YarnJobRunner",
}


def get_runner(conf: Configuration) -> JobRunner:
    from pyhdp.mapreduce.api import JobSubmissionError
    from pyhdp.mapreduce.taskrun import import_target

    name = (conf.get("mapreduce.framework.name", "local") or "local").strip().lower()
    target = RUNNERS.get(name)
    if target is None:
        raise JobSubmissionError(
            "Cannot initialize Cluster. Please check your configuration for mapreduce.framework.name "
            "and the correspond server addresses.",
            "java.io.IOException",
        )
    try:
        cls = import_target(target)
    except ImportError as e:
        raise JobSubmissionError(
            f"Cannot initialize Cluster: the {name} runner is not available ({e}). "
            "Use -D mapreduce.framework.name=local.",
            "java.io.IOException",
        ) from e
    return cls()
