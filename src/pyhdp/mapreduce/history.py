"""Job history files: one JSON document per job under ``mapreduce.jobhistory.done-dir``.

The file ``<done-dir>/<job_id>.json`` is written when the job starts (state ``RUNNING``,
with the client ``pid`` so ``mapred job -kill`` can reach a local job) and rewritten when
it ends.  A scheme-less done-dir is a directory of the local disk (the local runner's
history lives beside its client); a URI (``hdfs://...``) is used as it is.

Readers for ``mapred job``: :func:`list_jobs`, :func:`read_job`, :func:`job_counters`.
Document keys: ``job_id, name, user, queue, state, submit_time, start_time, finish_time``
(ms), ``maps, reduces, finished_maps, finished_reduces, failed_maps, failed_reduces,
map_progress, reduce_progress, counters`` (``{group: {name: value}}``, internal names),
``conf`` (``{key: value}``), ``tasks`` (``[{task_id, type, state, start_time,
finish_time, attempts: [{attempt_id, state, start_time, finish_time, error, log_dir}]}]``),
``diagnostics, inputs, output, tracking_url, pid, runner``.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyhdp.conf import Configuration

DEFAULT_DONE_DIR = "/tmp/hadoop-yarn/staging/history/done"


def history_dir(conf: Configuration) -> str:
    return conf.get("mapreduce.jobhistory.done-dir") or DEFAULT_DONE_DIR


def _is_local(path: str) -> bool:
    return path.startswith("file:") or "://" not in path


def _local_path(path: str) -> str:
    if path.startswith("file://"):
        return path[len("file://") :] or "/"
    if path.startswith("file:"):
        return path[len("file:") :]
    return path


def write_job(conf: Configuration, doc: dict[str, Any]) -> str:
    """Write (or rewrite) the history document of a job; returns its location."""
    base = history_dir(conf)
    name = f"{doc['job_id']}.json"
    data = json.dumps(doc, indent=1, sort_keys=True).encode()
    if _is_local(base):
        d = _local_path(base)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, name)
        tmp = path + f".tmp{os.getpid()}"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        return path
    from pyhdp.mapreduce.input.splits import resolve

    fs, d = resolve(base, conf)
    fs.mkdirs(d)
    path = d.rstrip("/") + "/" + name
    fs.write_bytes(path, data, overwrite=True)
    return fs.make_qualified(path)


def _read_all(conf: Configuration) -> list[dict[str, Any]]:
    base = history_dir(conf)
    docs: list[dict[str, Any]] = []
    if _is_local(base):
        d = _local_path(base)
        if not os.path.isdir(d):
            return []
        for name in sorted(os.listdir(d)):
            if name.endswith(".json"):
                try:
                    with open(os.path.join(d, name), "rb") as f:
                        docs.append(json.loads(f.read()))
                except (OSError, ValueError):
                    continue
        return docs
    from pyhdp.mapreduce.input.splits import resolve

    fs, d = resolve(base, conf)
    try:
        statuses = fs.list_status(d)
    except FileNotFoundError:
        return []
    for st in statuses:
        if st.name.endswith(".json"):
            try:
                docs.append(json.loads(fs.cat(st.path)))
            except (OSError, ValueError):
                continue
    return docs


def _refresh_state(doc: dict[str, Any]) -> dict[str, Any]:
    """A RUNNING job whose client process is gone is reported as FAILED (it cannot finish)."""
    if doc.get("state") in ("RUNNING", "PREP") and doc.get("pid"):
        try:
            os.kill(int(doc["pid"]), 0)
        except ProcessLookupError:
            doc = dict(doc, state="FAILED", diagnostics=doc.get("diagnostics") or "Job client process died")
        except (PermissionError, OSError, ValueError):
            pass
    return doc


def list_jobs(conf: Configuration) -> list[dict[str, Any]]:
    """Every job known to the history, oldest first."""
    docs = [_refresh_state(d) for d in _read_all(conf)]
    docs.sort(key=lambda d: (d.get("submit_time") or 0, d.get("job_id", "")))
    return docs


def read_job(conf: Configuration, job_id: str) -> dict[str, Any] | None:
    base = history_dir(conf)
    if _is_local(base):
        path = os.path.join(_local_path(base), f"{job_id}.json")
        try:
            with open(path, "rb") as f:
                return _refresh_state(json.loads(f.read()))
        except FileNotFoundError:
            return None
    for doc in _read_all(conf):
        if doc.get("job_id") == job_id:
            return _refresh_state(doc)
    return None


def job_counters(conf: Configuration, job_id: str):
    """The job's :class:`~pyhdp.mapreduce.counters.Counters`, or None if unknown."""
    from pyhdp.mapreduce.counters import Counters

    doc = read_job(conf, job_id)
    if doc is None:
        return None
    return Counters.from_json(doc.get("counters") or {})
