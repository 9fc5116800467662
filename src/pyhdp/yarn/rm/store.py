"""The RM state store: one JSON file per application under
``yarn.resourcemanager.fs.state-store.uri`` (a local directory), written on every state
change when ``yarn.resourcemanager.recovery.enabled`` is true.

After a restart, finished applications come back as they ended; unfinished ones come back
ACCEPTED with a new attempt (their AM is started again; the attempt that ran under the old
RM counts as failed, as Hadoop's non-work-preserving recovery does).
"""

from __future__ import annotations

import json
import os
from typing import Any

from pyhdp.yarn.records import Resource
from pyhdp.yarn.rm.core import App, Attempt, RMCore


class StateStore:
    def __init__(self, root: str):
        if root.startswith("file://"):
            root = root[len("file://") :]
        self.root = os.path.join(root, "FSRMStateRoot", "RMAppRoot")
        os.makedirs(self.root, exist_ok=True)

    def save(self, app: App) -> None:
        doc = {
            "app_id": app.app_id,
            "user": app.user,
            "name": app.name,
            "queue": app.queue,
            "app_type": app.app_type,
            "am_resource": app.am_resource.to_json(),
            "am_spec": app.am_spec,
            "max_attempts": app.max_attempts,
            "submit_time": app.submit_time,
            "tags": list(app.tags),
            "priority": app.priority,
            "state": app.state,
            "final_status": app.final_status,
            "diagnostics": app.diagnostics,
            "start_time": app.start_time,
            "finish_time": app.finish_time,
            "attempts": [
                {
                    "attempt_id": a.attempt_id,
                    "number": a.number,
                    "state": a.state,
                    "diagnostics": a.diagnostics,
                    "start_time": a.start_time,
                    "finish_time": a.finish_time,
                }
                for a in app.attempts
            ],
            "final_tracking_url": app.final_tracking_url,
            "memory_seconds": app.memory_seconds,
            "vcore_seconds": app.vcore_seconds,
        }
        path = os.path.join(self.root, app.app_id)
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(doc, f)
        os.replace(tmp, path)

    def load(self) -> list[dict[str, Any]]:
        docs = []
        for name in sorted(os.listdir(self.root)):
            if name.endswith(".tmp"):
                continue
            try:
                with open(os.path.join(self.root, name)) as f:
                    docs.append(json.load(f))
            except (OSError, ValueError):
                continue
        return docs


def recover(core: RMCore, docs: list[dict[str, Any]], now: int) -> list[str]:
    """Put stored applications back into ``core``; returns the ids re-attempted."""
    from pyhdp.yarn.rm.queues import find_leaf

    again = []
    for d in docs:
        app = App(
            d["app_id"],
            d["user"],
            d["name"],
            d["queue"],
            d["app_type"],
            Resource.from_json(d["am_resource"]),
            d["am_spec"],
            d["max_attempts"],
            d["submit_time"],
            tuple(d.get("tags") or ()),
            d.get("priority", 0),
        )
        app.state, app.final_status = d["state"], d["final_status"]
        app.diagnostics, app.start_time, app.finish_time = d["diagnostics"], d["start_time"], d["finish_time"]
        app.final_tracking_url = d.get("final_tracking_url", "")
        app.memory_seconds, app.vcore_seconds = d.get("memory_seconds", 0), d.get("vcore_seconds", 0)
        for a in d.get("attempts", []):
            att = Attempt(
                a["attempt_id"],
                a["number"],
                a["state"],
                start_time=a["start_time"],
                finish_time=a["finish_time"],
                diagnostics=a["diagnostics"],
            )
            app.attempts.append(att)
        app.next_container = 1
        core.apps[app.app_id] = app
        if app.state in ("FINISHED", "FAILED", "KILLED"):
            continue
        leaf = find_leaf(core.root, app.queue)
        if leaf is None:
            app.state, app.final_status = "FAILED", "FAILED"
            app.diagnostics = f"Queue {app.queue} is gone after the ResourceManager restart"
            app.finish_time = now
            continue
        for a in app.attempts:
            if a.state not in ("FINISHED", "FAILED", "KILLED"):
                a.state, a.finish_time = "FAILED", now
                a.diagnostics = "Attempt failed by the ResourceManager restart"
        app.story.append((now, f"{app.state}->ACCEPTED", "recovered"))
        app.state = "ACCEPTED"
        leaf.apps.append(app.app_id)
        app.max_attempts += 1  # the restart does not use up one of the application's attempts
        core._new_attempt(app, now)
        again.append(app.app_id)
    return again
