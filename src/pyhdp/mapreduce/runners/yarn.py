"""The YARN executor of the runner template: runs inside the MR ApplicationMaster and decides
only where attempts run — in containers the ResourceManager allocates.

``launch`` turns an attempt into a container request (maps ask for the hosts of their split,
node then any; reduces ask anywhere; priorities as Hadoop's: failed maps 5, reduces 10, maps
20).  An allocator thread heartbeats the RM (``yarn.app.mapreduce.am.scheduler.heartbeat.interval-ms``),
matches allocated containers to waiting attempts (node-local first), starts them on their
NodeManager (``python -m pyhdp.yarn.mrapp.yarnchild``) and turns containers the RM reports
finished without a ``done`` from their task into failed attempts (with the NM's diagnostics,
e.g. the memory limit, and the task's stderr tail).  Tasks report progress and results to
the AM's umbilical (:mod:`pyhdp.yarn.mrapp.am`).

Lost nodes: attempts running there fail (the template retries them); map outputs of
succeeded maps that lived there are produced again by a re-run of the same map before any
reduce is started or retried (the shuffle reads map outputs from each map's NodeManager).
"""

from __future__ import annotations

import json
import logging
import os
import queue
import threading
import time
from typing import Any

from pyhdp.mapreduce.runners.base import Attempt, JobKilledError, JobRunner, StepRun, extract_traceback

log = logging.getLogger("pyhdp.mapreduce.v2.app.rm.RMContainerAllocator")

PRIORITY_FAILED_MAP, PRIORITY_REDUCE, PRIORITY_MAP = 5, 10, 20


class Pending:
    def __init__(
        self,
        attempt: Attempt | None,
        priority: int,
        resource: dict[str, int],
        hosts: list[str],
        desc: dict[str, Any],
        rerun_of: Attempt | None = None,
    ):
        self.attempt = attempt
        self.priority = priority
        self.resource = resource
        self.hosts = hosts
        self.desc = desc
        self.rerun_of = rerun_of


class YarnTaskRunner(JobRunner):
    framework = "yarn"

    def __init__(self, am: Any, umbilical: str, app_id: str, user: str, rm_web: str, job_id_base: str):
        self.am = am  # pyhdp.yarn.client.AMClient
        self.umbilical = umbilical
        self.app_id = app_id
        self.user = user
        self.tracking_url = f"http://{rm_web}/proxy/{app_id}/"
        self.job_id_base = job_id_base
        self.steps_started = 0
        self.events: queue.Queue = queue.Queue()
        self.lock = threading.RLock()
        self.waiting: list[Pending] = []
        self.new_asks: list[dict[str, Any]] = []
        self.releases: list[str] = []
        self.running: dict[str, tuple[Pending, str]] = {}  # container -> (pending, nm http)
        self.by_attempt: dict[str, str] = {}  # attempt id -> container
        self.done_attempts: set[str] = set()
        self.map_nodes: dict[str, str] = {}  # map task id -> node id holding its output
        self.cnode: dict[str, str] = {}  # container -> node id
        self.nm_node: dict[str, str] = {}  # NodeManager http address -> node id
        self.held_reduces: list[Pending] = []
        self.reruns: dict[str, Pending] = {}
        self.lost: set[str] = set()
        self.step_run: StepRun | None = None
        self.progress = 0.0
        self.stopped = threading.Event()
        self.wake = threading.Event()
        self.heartbeat_s = 1.0
        self.thread: threading.Thread | None = None
        self.error: str = ""
        self.rm_unreachable = 0.0
        self.rm_max_wait = 900.0

    # ------------------------------------------------------------------ template hooks
    def new_job_id(self) -> str:
        self.steps_started += 1
        if self.steps_started == 1:
            return self.job_id_base
        from pyhdp.mapreduce import ids

        return ids.next_local_job_id()

    def start(self, run: StepRun) -> None:
        self.step_run = run
        conf = run.conf
        self.heartbeat_s = (
            max(conf.get_int("yarn.app.mapreduce.am.scheduler.heartbeat.interval-ms", 1000), 20) / 1000
        )
        self.res = {
            "m": {
                "memory": _mb(conf, "mapreduce.map.memory.mb"),
                "vCores": max(conf.get_int("mapreduce.map.cpu.vcores", 1), 1),
            },
            "r": {
                "memory": _mb(conf, "mapreduce.reduce.memory.mb"),
                "vCores": max(conf.get_int("mapreduce.reduce.cpu.vcores", 1), 1),
            },
        }
        self.task_env = {
            "m": _env_list(conf.get("mapreduce.map.env") or ""),
            "r": _env_list(conf.get("mapreduce.reduce.env") or ""),
        }
        self.rm_max_wait = (
            max(conf.get_int("yarn.resourcemanager.connect.max-wait.ms", 900000), 1000) / 1000.0
        )
        if self.thread is None:
            self.thread = threading.Thread(target=self._allocator, name="RMCommunicator", daemon=True)
            self.thread.start()

    def slots(self, kind: str) -> int:
        return 1 << 30  # the ResourceManager decides how many run at once

    def launch(self, run: StepRun, attempt: Attempt) -> None:
        kind = attempt.task.kind
        if kind == "m":
            prio = PRIORITY_FAILED_MAP if attempt.number > 0 else PRIORITY_MAP
            hosts = list((attempt.desc.get("split") or {}).get("hosts") or [])
        else:
            prio, hosts = PRIORITY_REDUCE, []
        p = Pending(attempt, prio, self.res[kind], hosts, attempt.desc)
        with self.lock:
            if kind == "r" and self.reruns:
                self.held_reduces.append(p)
                return
            self._ask(p)

    def _ask(self, p: Pending) -> None:
        self.waiting.append(p)
        self.new_asks.append(
            {
                "priority": p.priority,
                "resource": p.resource,
                "count": 1,
                "hosts": p.hosts,
                "relaxLocality": True,
            }
        )
        self.wake.set()  # new asks go out now, not at the next heartbeat

    def next_event(self, timeout: float) -> tuple[Attempt, dict] | None:
        try:
            attempt, msg = self.events.get(timeout=timeout)
        except queue.Empty:
            return None
        if attempt is None:
            if msg.get("type") == "rm-error":
                raise RuntimeError(msg.get("error"))
            raise JobKilledError("The ResourceManager no longer knows this application attempt")
        if msg.get("type") == "done" and not msg.get("ok") and attempt.task.kind == "r":
            self._fetch_failed(str(msg.get("error", "")))
        if msg.get("type") == "done":
            with self.lock:
                if attempt.attempt_id in self.done_attempts:
                    return None
                self.done_attempts.add(attempt.attempt_id)
                if msg.get("ok") and attempt.task.kind == "m":
                    cid = self.by_attempt.get(attempt.attempt_id)
                    if cid and cid in self.cnode:
                        self.map_nodes[attempt.task.task_id] = self.cnode[cid]
        return attempt, msg

    def kill_attempt(self, attempt: Attempt) -> None:
        with self.lock:
            cid = self.by_attempt.get(attempt.attempt_id)
            entry = self.running.get(cid) if cid else None
            self.waiting = [p for p in self.waiting if p.attempt is not attempt]
        if entry is not None:
            try:
                self.am.stop_container(entry[1], cid)
            except Exception as e:  # noqa: BLE001
                log.warning(f"Could not stop {cid}: {e}")
        elif cid is None:
            self.events.put((attempt, {"type": "done", "ok": False, "error": "Killed before it started"}))

    def kill_all(self) -> None:
        with self.lock:
            self.waiting.clear()
            self.held_reduces.clear()
            running = list(self.running.items())
        for cid, (_p, nm) in running:
            try:
                self.am.stop_container(nm, cid)
            except Exception:  # noqa: BLE001
                pass

    def stop(self) -> None:
        with self.lock:
            self.waiting.clear()
            self.held_reduces.clear()

    def shutdown(self) -> None:
        self.stopped.set()
        self.wake.set()
        if self.thread is not None:
            self.thread.join(timeout=5)

    # ------------------------------------------------------------------ umbilical (AM HTTP thread)
    def report(self, attempt_id: str, msg: dict[str, Any]) -> None:
        with self.lock:
            rerun = self.reruns.get(attempt_id)
            if rerun is not None:
                if msg.get("type") == "done":
                    self._rerun_done(attempt_id, rerun, msg)
                return
            cid = self.by_attempt.get(attempt_id)
            entry = self.running.get(cid) if cid else None
        if entry is None or entry[0].attempt is None:
            return
        self.events.put((entry[0].attempt, msg))

    # ------------------------------------------------------------------ the allocator
    def _allocator(self) -> None:
        while not self.stopped.is_set():
            with self.lock:
                asks, self.new_asks = self.new_asks, []
                releases, self.releases = self.releases, []
            try:
                resp = self.am.allocate(asks, releases, self._progress_value(), sorted(self.lost))
                self.rm_unreachable = 0.0
            except Exception as e:  # noqa: BLE001
                with self.lock:
                    self.new_asks = asks + self.new_asks
                    self.releases = releases + self.releases
                self.error = str(e)
                log.warning(f"ERROR IN CONTACTING RM: {e}")
                status = getattr(e, "status", 0)
                if getattr(e, "exception", "") == "InvalidResourceRequestException":
                    self.events.put((None, {"type": "rm-error", "error": str(e)}))
                    return
                if status in (400, 403) or "ApplicationAttemptNotFound" in getattr(e, "exception", ""):
                    # this attempt is over for the RM (killed, failed, superseded): stop
                    self.events.put((None, {"type": "rm-gone"}))
                    return
                self.rm_unreachable = self.rm_unreachable or time.monotonic()
                if time.monotonic() - self.rm_unreachable > self.rm_max_wait:
                    self.events.put((None, {"type": "rm-gone"}))
                    return
                self.stopped.wait(self.heartbeat_s)
                continue
            if resp.get("allocated") and (self.waiting or self.new_asks):
                self.wake.set()
            for node in resp.get("lost_nodes") or []:
                self._node_lost(node)
            for c in resp.get("allocated") or []:
                self._assign(c)
            for st in resp.get("completed") or []:
                self._completed(st)
            self._pause()

    def _pause(self) -> None:
        """Until the next heartbeat, or shortly after new asks (batched for 20 ms)."""
        if self.wake.wait(self.heartbeat_s) and not self.stopped.is_set():
            time.sleep(0.02)
        self.wake.clear()

    def _progress_value(self) -> float:
        run = self.step_run
        if run is None:
            return 0.0
        mp, rp = self._progress(run)
        return (mp + rp) / 2 if run.reduces else mp

    def _assign(self, c: dict[str, Any]) -> None:
        node_host = c["node_id"].rsplit(":", 1)[0]
        with self.lock:
            if c["node_id"] in self.lost:  # allocated before the RM heard of the blacklist
                self.releases.append(c["container_id"])
                for p in self.waiting:
                    if p.priority == c.get("priority"):
                        self.new_asks.append(
                            {
                                "priority": p.priority,
                                "resource": p.resource,
                                "count": 1,
                                "hosts": [],
                                "relaxLocality": True,
                            }
                        )
                        break
                return
            prio = c.get("priority")
            candidates = [p for p in self.waiting if p.priority == prio] or list(self.waiting)
            pick = next((p for p in candidates if node_host in p.hosts or c["node_id"] in p.hosts), None)
            if pick is None and candidates:
                pick = candidates[0]
            if pick is None:
                self.releases.append(c["container_id"])
                return
            self.waiting.remove(pick)
            aid = pick.desc["attempt_id"]
            self.by_attempt[aid] = c["container_id"]
            self.running[c["container_id"]] = (pick, c["node_http_address"])
            self.cnode[c["container_id"]] = c["node_id"]
            self.nm_node[c["node_http_address"]] = c["node_id"]
        spec = self._container_spec(pick, c)
        try:
            self.am.start_container(c["node_http_address"], c["container_id"], self.user, c["resource"], spec)
            log.info(f"Assigned container {c['container_id']} to {aid} on {c['node_id']}")
        except Exception as e:  # noqa: BLE001
            self._completed(
                {
                    "container_id": c["container_id"],
                    "exit_status": -1,
                    "diagnostics": f"Container launch failed for {c['container_id']} : {e}",
                }
            )

    def _container_spec(self, p: Pending, c: dict[str, Any]) -> dict[str, Any]:
        kind = p.desc["type"]
        env = dict(self.task_env.get(kind, {}))
        env["PYHDP_APP_TOKEN"] = self.am.token.decode()
        env["PYHDP_UMBILICAL"] = self.umbilical
        return {
            "commands": "{{PYTHON}} -m pyhdp.yarn.mrapp.yarnchild task.json 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr",
            "environment": env,
            "files": {"task.json": json.dumps({"desc": p.desc, "app_id": self.app_id})},
        }

    def _completed(self, st: dict[str, Any]) -> None:
        cid = st["container_id"]
        with self.lock:
            entry = self.running.pop(cid, None)
        if entry is None:
            return
        p, nm = entry
        aid = p.desc["attempt_id"]
        if p.rerun_of is not None:
            with self.lock:
                if aid in self.reruns and int(st.get("exit_status", 0)) != 0:
                    self._rerun_failed(aid)
            return
        if p.attempt is None or aid in self.done_attempts:
            return
        time.sleep(0.05)  # a 'done' posted just before the exit may still be in flight
        if aid in self.done_attempts:
            return
        diag = (st.get("diagnostics") or "").strip()
        status = int(st.get("exit_status", -1))
        tail = extract_traceback(_fetch_log(nm, cid, "stderr"))
        error = diag or f"Container exited with a non-zero exit code {status}"
        self.events.put(
            (
                p.attempt,
                {"type": "done", "ok": False, "error": error, "stderr_tail": tail, "exit_status": status},
            )
        )

    # ------------------------------------------------------------------ lost nodes
    def _fetch_failed(self, error: str) -> None:
        """A reduce could not fetch from a NodeManager: its map outputs are produced again (as
        Hadoop re-runs maps after fetch failures), before the RM even declares the node lost."""
        import re

        m = re.search(r"Failed to fetch from (\S+):", error)
        node = self.nm_node.get(m.group(1)) if m else None
        if node is not None and node not in self.lost:
            self._node_lost(node)

    def _node_lost(self, node_id: str) -> None:
        run = self.step_run
        log.warning(f"Node {node_id} is lost: map outputs it held are produced again")
        if run is None or not run.reduces:
            return
        with self.lock:
            if node_id in self.lost:
                return
            self.lost.add(node_id)
            for t in run.maps:
                if t.state != "SUCCEEDED" or not t.attempts or t.attempts[-1].result is None:
                    continue
                if self.map_nodes.get(t.task_id) != node_id:
                    continue
                a = t.attempts[-1]
                desc = dict(a.desc)
                rid = f"{a.attempt_id[: -len(a.attempt_id.rsplit('_', 1)[1])]}{1000 + len(self.reruns):d}"
                desc["attempt_id"] = rid
                p = Pending(None, PRIORITY_FAILED_MAP, self.res["m"], [], desc, rerun_of=a)
                self.reruns[rid] = p
                self._ask(p)

    def _rerun_done(self, rid: str, p: Pending, msg: dict[str, Any]) -> None:
        if not msg.get("ok"):
            self._rerun_failed(rid)
            return
        assert p.rerun_of is not None and p.rerun_of.result is not None
        p.rerun_of.result["map_output"] = msg.get("map_output")
        cid = self.by_attempt.get(rid)
        if cid and cid in self.cnode:
            self.map_nodes[p.rerun_of.task.task_id] = self.cnode[cid]
        del self.reruns[rid]
        if not self.reruns:
            held, self.held_reduces = self.held_reduces, []
            run = self.step_run
            for h in held:
                if run is not None and h.attempt is not None:
                    h.desc["map_outputs"] = [t.attempts[-1].result["map_output"] for t in run.maps]
                self._ask(h)

    def _rerun_failed(self, rid: str) -> None:
        p = self.reruns.get(rid)
        if p is None:
            return
        n = int(p.desc.get("rerun_tries", 0)) + 1
        if n > 3:
            del self.reruns[rid]
            return
        p.desc = dict(p.desc, rerun_tries=n)
        self._ask(p)


def _fetch_log(nm_http: str, cid: str, name: str) -> str:
    from pyhdp.net import httpclient

    try:
        resp = httpclient.request(nm_http, "GET", f"/ws/v1/node/containers/{cid}/logs/{name}", timeout=5.0)
        return resp.body.decode("utf-8", "replace")[-65536:] if resp.status == 200 else ""
    except Exception:  # noqa: BLE001
        return ""


def _mb(conf: Any, key: str) -> int:
    v = conf.get_int(key, -1)
    return v if v > 0 else 1024


def _env_list(text: str) -> dict[str, str]:
    out = {}
    for part in text.split(","):
        if "=" in part:
            k, _, v = part.partition("=")
            out[k.strip()] = os.path.expandvars(v)
    return out
