"""The job as it travels from the client to the ApplicationMaster: ``job.json`` in the
staging directory (``<yarn.app.mapreduce.am.staging-dir>/<user>/.staging/<job id>``)."""

from __future__ import annotations

import dataclasses
import os
from typing import Any

from pyhdp.mapreduce.api import JobSpec, Step


def _qualify(path: str, conf: Any) -> str:
    """A full URI: relative paths resolved against the client's directory (``file``) or the
    user's home (other file systems), as Hadoop's ``Path.makeQualified``."""
    from pyhdp.fs.registry import split_uri
    from pyhdp.mapreduce.input.splits import resolve

    scheme, authority, _p = split_uri(path)
    if scheme and (authority or scheme == "file") and _p.startswith("/"):
        return path
    fs, p = resolve(path, conf)
    return fs.make_qualified(p)


def _local_abs(path: str) -> str:
    from pyhdp.fs.registry import split_uri

    scheme, _a, _p = split_uri(path)
    if scheme:
        return path
    return os.path.abspath(path)


def spec_to_json(spec: JobSpec, conf: Any) -> dict[str, Any]:
    """``spec`` with every path made absolute (the AM runs in another directory)."""
    inputs = [",".join(_qualify(p, conf) for p in item.split(",") if p) for item in spec.inputs]
    d = dataclasses.asdict(spec)
    d["steps"] = [s.to_json() for s in spec.steps]
    d["inputs"] = inputs
    d["output"] = _qualify(spec.output, conf)
    d["python_path"] = [os.path.abspath(p) for p in spec.python_path]
    for key in ("files", "archives", "pyfiles"):
        d[key] = [_local_abs(p) for p in getattr(spec, key)]
    return d


def spec_from_json(d: dict[str, Any]) -> JobSpec:
    d = dict(d)
    d["steps"] = [Step.from_json(s) for s in d["steps"]]
    fields = {f.name for f in dataclasses.fields(JobSpec)}
    return JobSpec(**{k: v for k, v in d.items() if k in fields})
