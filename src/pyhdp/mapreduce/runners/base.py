"""The runner template: the whole job algorithm, independent of where tasks run.

``JobRunner.run`` checks the output, computes splits, and for each step: sets up the
committer, schedules map attempts then reduce attempts (retrying failed attempts up to
``mapreduce.{map,reduce}.maxattempts``), commits each successful attempt, commits or
aborts the job, prints Hadoop's console log and writes the history file.  Subclasses
provide the executor: ``start(step)``, ``launch(attempt)``, ``next_event(timeout)``,
``kill_all()``, ``stop()`` and ``slots(kind)``.
"""

from __future__ import annotations

import abc
import dataclasses
import os
import shutil
import sys
import time
from typing import IO, TYPE_CHECKING, Any

from pyhdp.mapreduce import ids
from pyhdp.mapreduce.api import JobResult, JobSpec, OutputExistsError, Step, TaskFailure
from pyhdp.mapreduce.console import JobConsole, rich_progress_wanted
from pyhdp.mapreduce.counters import JOB_GROUP, Counters
from pyhdp.mapreduce.runners.localize import localize

if TYPE_CHECKING:
    from pyhdp.conf import Configuration


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclasses.dataclass
class Attempt:
    task: TaskState
    number: int
    attempt_id: str
    desc: dict
    log_dir: str
    start_time: int = 0
    finish_time: int = 0
    state: str = "NEW"
    progress: float = 0.0
    error: str = ""
    stderr_tail: str = ""
    result: dict | None = None
    last_report: float = 0.0
    timed_out: bool = False


@dataclasses.dataclass
class TaskState:
    kind: str  # "m" | "r"
    index: int
    task_id: str
    base_desc: dict
    state: str = "SCHEDULED"
    attempts: list[Attempt] = dataclasses.field(default_factory=list)
    progress: float = 0.0
    start_time: int = 0
    finish_time: int = 0


@dataclasses.dataclass
class StepRun:
    """Everything about one step's job while it runs."""

    job_id: str
    spec: JobSpec
    step: Step
    step_index: int
    conf: Any
    splits: list
    num_reduces: int
    output: str
    local_root: str
    log_root: str
    maps: list[TaskState] = dataclasses.field(default_factory=list)
    reduces: list[TaskState] = dataclasses.field(default_factory=list)
    counters: Counters = dataclasses.field(default_factory=Counters)
    failed: TaskState | None = None
    killed: bool = False


class JobKilledError(Exception):
    pass


class JobRunner(abc.ABC):
    framework = "local"
    tracking_url = "http://localhost:8080/"

    # ------------------------------------------------------------------ executor hooks
    @abc.abstractmethod
    def start(self, run: StepRun) -> None:
        """Prepare to run the tasks of a step (start workers...)."""

    @abc.abstractmethod
    def slots(self, kind: str) -> int:
        """How many attempts of ``kind`` may run at once."""

    @abc.abstractmethod
    def launch(self, run: StepRun, attempt: Attempt) -> None:
        """Start an attempt."""

    @abc.abstractmethod
    def next_event(self, timeout: float) -> tuple[Attempt, dict] | None:
        """The next message from a running attempt: progress, status or done."""

    @abc.abstractmethod
    def kill_all(self) -> None:
        """Kill every running attempt."""

    @abc.abstractmethod
    def stop(self) -> None:
        """Release executor resources at the end of a step."""

    def new_job_id(self) -> str:
        return ids.next_local_job_id()

    # ------------------------------------------------------------------ the algorithm
    def _run(
        self, spec: JobSpec, conf: Configuration, *, console: bool = True, err: IO[str] | None = None
    ) -> JobResult:
        from pyhdp.mapreduce.input.formats import canonical_format, get_splits
        from pyhdp.mapreduce.input.splits import list_input_files, resolve

        con = JobConsole(
            err,
            quiet=not console,
            poll_ms=conf.get_int("mapreduce.client.progressmonitor.pollinterval", 1000),
            rich=rich_progress_wanted(conf, err or sys.stderr),
        )
        conf = conf.copy()
        if "mapreduce.job.name" not in conf or conf.sources.get("mapreduce.job.name", "").endswith(
            "-default.yaml"
        ):
            conf.set("mapreduce.job.name", spec.name, source="job")
        out_fs, out_path = resolve(spec.output, conf)
        if out_fs.exists(out_path):
            raise OutputExistsError(out_fs.make_qualified(out_path))
        from pyhdp.security import current_user

        user = current_user(conf)
        local_dir = (conf.get("mapreduce.cluster.local.dir") or "/tmp/pyhdp-mapred-local").split(",")[0]
        job_ids: list[str] = []
        total = Counters()
        inputs = list(spec.inputs)
        temps: list[tuple[Any, str]] = []
        result: JobResult | None = None
        try:
            for i, step in enumerate(spec.steps):
                last = i == len(spec.steps) - 1
                sconf = conf.copy()
                for k, v in step.conf.items():
                    sconf.set(k, v, source="job")
                job_id = self.new_job_id()
                job_ids.append(job_id)
                if last:
                    output = spec.output
                else:
                    output = self._temp_dir(out_fs, sconf, user, job_id, i)
                    temps.append((out_fs, output))
                fmt = canonical_format(step.input_format) if isinstance(step.input_format, str) else "text"
                files = list_input_files(inputs, sconf)
                splits = get_splits(fmt, inputs, sconf, spec.api)
                r = (
                    step.num_reduces
                    if step.num_reduces is not None
                    else sconf.get_int("mapreduce.job.reduces", 1)
                )
                local_root = os.path.join(local_dir, "localRunner", user, "jobcache", job_id)
                log_root = os.path.join(local_dir, "userlogs", job_id)
                run = StepRun(job_id, spec, step, i, sconf, splits, max(r, 0), output, local_root, log_root)
                con.submitting(job_id, len(files), len(splits), spec.api)
                result = self._run_step(run, con, user, inputs)
                total.merge(result.counters)
                if not result.succeeded:
                    break
                inputs = [out_fs.make_qualified(output) if not _has_scheme(output) else output]
        finally:
            for _out_fs, path in temps:
                try:
                    _fs, p = resolve(path, conf)
                    _fs.delete(p, recursive=True)
                except Exception:  # noqa: BLE001 - best-effort cleanup
                    pass
        assert result is not None
        result.job_ids = job_ids
        return result

    def run(
        self, spec: JobSpec, conf: Configuration, *, console: bool = True, err: IO[str] | None = None
    ) -> JobResult:
        """Run the job; SIGTERM (``mapred job -kill`` of a local job) kills it cleanly."""
        import signal
        import threading

        if threading.current_thread() is not threading.main_thread():
            return self._run(spec, conf, console=console, err=err)

        def on_term(signum: int, frame: Any) -> None:
            from pyhdp.security import current_user

            raise JobKilledError(f"Kill job received from {current_user()} (auth:SIMPLE) at 127.0.0.1")

        previous = signal.signal(signal.SIGTERM, on_term)
        try:
            return self._run(spec, conf, console=console, err=err)
        finally:
            signal.signal(signal.SIGTERM, previous)

    def _temp_dir(self, out_fs: Any, conf: Configuration, user: str, job_id: str, i: int) -> str:
        if out_fs.scheme == "file":
            root = conf.get("mapreduce.jobtracker.staging.root.dir") or "/tmp/pyhdp-staging"
            return "file://" + os.path.join(root, user, ".staging", job_id, f"step-{i}-output")
        root = conf.get("yarn.app.mapreduce.am.staging-dir") or "/tmp/hadoop-yarn/staging"
        return out_fs.make_qualified(f"{root.rstrip('/')}/{user}/.staging/{job_id}/step-{i}-output")

    # ------------------------------------------------------------------ one step = one job
    def _run_step(self, run: StepRun, con: JobConsole, user: str, inputs: list[str]) -> JobResult:
        from pyhdp.mapreduce import history
        from pyhdp.mapreduce.input.splits import resolve
        from pyhdp.mapreduce.output import FileOutputCommitter, part_name
        from pyhdp.mapreduce.taskrun import conf_to_json

        conf = run.conf
        out_fs, out_path = resolve(run.output, conf)
        committer = FileOutputCommitter(out_fs, out_path, conf)
        submit = now_ms()
        doc: dict[str, Any] = {
            "job_id": run.job_id,
            "name": conf.get("mapreduce.job.name", run.spec.name),
            "user": user,
            "queue": conf.get("mapreduce.job.queuename", "default"),
            "state": "RUNNING",
            "submit_time": submit,
            "start_time": submit,
            "finish_time": 0,
            "maps": len(run.splits),
            "reduces": run.num_reduces,
            "inputs": inputs,
            "output": out_fs.make_qualified(out_path),
            "tracking_url": self.tracking_url,
            "pid": os.getpid(),
            "runner": self.framework,
            "conf": dict(conf.items()),
            "counters": {},
            "tasks": [],
            "diagnostics": "",
        }
        history_ok = True
        try:
            history.write_job(conf, doc)
        except OSError as e:
            history_ok = False
            con.warn("mapreduce.JobHistory", f"Could not write job history: {e}")
        con.running(run.job_id, self.tracking_url)
        conf_json = conf_to_json(conf)
        python_path, links = localize(run.spec, conf, os.path.join(run.local_root, "cache"))
        out_dir_q = out_fs.make_qualified(out_path)
        api = run.spec.api
        out_fmt = run.step.output_format if isinstance(run.step.output_format, str) else "text"
        common = {
            "job_id": run.job_id,
            "num_reduces": run.num_reduces,
            "num_maps": len(run.splits),
            "api": api,
            "step": run.step.to_json(),
            "conf": conf_json,
            "python_path": python_path,
            "env": dict(run.spec.env),
            "links": links,
        }
        for i, split in enumerate(run.splits):
            tid = ids.task_id(run.job_id, "m", i)
            desc = dict(common, type="m", partition=i, task_id=tid, split=split.to_json())
            desc["output_name"] = part_name(conf, api, True, i, out_fmt)
            run.maps.append(TaskState("m", i, tid, desc))
        for p in range(run.num_reduces):
            tid = ids.task_id(run.job_id, "r", p)
            desc = dict(common, type="r", partition=p, task_id=tid)
            desc["output_name"] = part_name(conf, api, False, p, out_fmt)
            run.reduces.append(TaskState("r", p, tid, desc))
        state = "FAILED"
        diagnostics = ""
        committer.setup_job()
        try:
            self.start(run)
            self._schedule(run, con, committer, out_dir_q)
            if run.failed is None and not run.killed:
                committer.commit_job()
                state = "SUCCEEDED"
            else:
                committer.abort_job()
                if run.killed:
                    state = "KILLED"
                    diagnostics = "Job received Kill while in RUNNING state."
                else:
                    diagnostics = self._failure_diagnostics(run)
        except JobKilledError as e:
            run.killed = True
            self.kill_all()
            committer.abort_job()
            state = "KILLED"
            diagnostics = (
                f"{e}\nJob received Kill while in RUNNING state."
                if str(e)
                else ("Job received Kill while in RUNNING state.")
            )
        except KeyboardInterrupt:
            run.killed = True
            self.kill_all()
            committer.abort_job()
            state = "KILLED"
            diagnostics = "Job received Kill while in RUNNING state."
            raise
        except BaseException:
            self.kill_all()
            committer.abort_job()
            raise
        finally:
            self.stop()
            counters = self._job_counters(run)
            if state != "SUCCEEDED" or not run.maps or True:
                pass
            doc.update(
                state=state,
                finish_time=now_ms(),
                counters=counters.to_json(),
                tasks=[self._task_doc(t) for t in run.maps + run.reduces],
                diagnostics=diagnostics,
                finished_maps=sum(t.state == "SUCCEEDED" for t in run.maps),
                finished_reduces=sum(t.state == "SUCCEEDED" for t in run.reduces),
                failed_maps=sum(t.state == "FAILED" for t in run.maps),
                failed_reduces=sum(t.state == "FAILED" for t in run.reduces),
                map_progress=_avg(t.progress for t in run.maps),
                reduce_progress=_avg(t.progress for t in run.reduces),
            )
            history_file = None
            if history_ok:
                try:
                    history_file = history.write_job(conf, doc)
                except OSError:
                    pass
            shutil.rmtree(run.local_root, ignore_errors=True)
        self._final_progress(run, con)
        con.completed(run.job_id, state, counters, diagnostics)
        failure = None
        if run.failed is not None and run.failed.attempts:
            a = run.failed.attempts[-1]
            failure = TaskFailure(run.failed.task_id, a.attempt_id, a.error, a.stderr_tail, a.log_dir)
        return JobResult(
            run.job_id, [run.job_id], state, counters, out_dir_q, failure, diagnostics, history_file
        )

    @staticmethod
    def _task_doc(t: TaskState) -> dict:
        return {
            "task_id": t.task_id,
            "type": "MAP" if t.kind == "m" else "REDUCE",
            "state": t.state,
            "start_time": t.start_time,
            "finish_time": t.finish_time,
            "progress": t.progress,
            "attempts": [
                {
                    "attempt_id": a.attempt_id,
                    "state": a.state,
                    "start_time": a.start_time,
                    "finish_time": a.finish_time,
                    "error": a.error,
                    "log_dir": a.log_dir,
                }
                for a in t.attempts
            ],
        }

    def _failure_diagnostics(self, run: StepRun) -> str:
        t = run.failed
        fm = sum(x.state == "FAILED" for x in run.maps)
        fr = sum(x.state == "FAILED" for x in run.reduces)
        km = sum(x.state == "KILLED" for x in run.maps)
        kr = sum(x.state == "KILLED" for x in run.reduces)
        head = f"Task failed {t.task_id}\n" if t else ""
        return (
            f"{head}Job failed as tasks failed. failedMaps:{fm} failedReduces:{fr} "
            f"killedMaps:{km} killedReduces: {kr}\n"
        )

    def _job_counters(self, run: StepRun) -> Counters:
        counters = Counters()
        counters.merge(run.counters)
        launched_m = sum(len(t.attempts) for t in run.maps)
        launched_r = sum(len(t.attempts) for t in run.reduces)
        failed_m = sum(a.state == "FAILED" for t in run.maps for a in t.attempts)
        failed_r = sum(a.state == "FAILED" for t in run.reduces for a in t.attempts)
        killed_m = sum(a.state == "KILLED" for t in run.maps for a in t.attempts)
        killed_r = sum(a.state == "KILLED" for t in run.reduces for a in t.attempts)
        for name, v in (
            ("NUM_FAILED_MAPS", failed_m),
            ("NUM_FAILED_REDUCES", failed_r),
            ("NUM_KILLED_MAPS", killed_m),
            ("NUM_KILLED_REDUCES", killed_r),
        ):
            if v:
                counters.incr(JOB_GROUP, name, v)
        if launched_m:
            counters.incr(JOB_GROUP, "TOTAL_LAUNCHED_MAPS", launched_m)
        if launched_r:
            counters.incr(JOB_GROUP, "TOTAL_LAUNCHED_REDUCES", launched_r)
        ms_m = sum(a.finish_time - a.start_time for t in run.maps for a in t.attempts if a.finish_time)
        ms_r = sum(a.finish_time - a.start_time for t in run.reduces for a in t.attempts if a.finish_time)
        if launched_m:
            counters.incr(JOB_GROUP, "MILLIS_MAPS", ms_m)
        if launched_r:
            counters.incr(JOB_GROUP, "MILLIS_REDUCES", ms_r)
        return counters

    # ------------------------------------------------------------------ scheduling
    def _new_attempt(self, run: StepRun, task: TaskState, out_dir_q: str, committer: Any) -> Attempt:
        number = len(task.attempts)
        aid = ids.attempt_id(run.job_id, task.kind, task.index, number)
        desc = dict(task.base_desc)
        desc["attempt_id"] = aid
        desc["local_dir"] = os.path.join(run.local_root, aid, "output")
        desc["work_dir"] = os.path.join(run.local_root, aid, "work")
        desc["output"] = {"dir": _attempt_dir(out_dir_q, committer, aid), "name": desc["output_name"]}
        if task.kind == "r":
            desc["map_outputs"] = [
                t.attempts[-1].result["map_output"] for t in run.maps if t.state == "SUCCEEDED"
            ]
        a = Attempt(task, number, aid, desc, os.path.join(run.log_root, aid))
        task.attempts.append(a)
        return a

    def _schedule(self, run: StepRun, con: JobConsole, committer: Any, out_dir_q: str) -> None:
        from collections import deque

        max_attempts = {
            "m": max(run.conf.get_int("mapreduce.map.maxattempts", 4), 1),
            "r": max(run.conf.get_int("mapreduce.reduce.maxattempts", 4), 1),
        }
        pending: deque[TaskState] = deque(run.maps)
        reduces_queued = False
        running: dict[str, Attempt] = {}
        poll = max(con.poll_ms, 1) / 1000.0
        timeout_ms = run.conf.get_int("mapreduce.task.timeout", 600000)
        last_print = 0.0
        con.uber(run.job_id)
        if not run.maps and run.reduces:
            pending.extend(run.reduces)
            reduces_queued = True
        while True:
            # launch what fits
            while pending:
                task = pending[0]
                busy = sum(1 for a in running.values() if a.task.kind == task.kind)
                if busy >= self.slots(task.kind):
                    break
                pending.popleft()
                a = self._new_attempt(run, task, out_dir_q, committer)
                a.start_time = now_ms()
                if not task.start_time:
                    task.start_time = a.start_time
                task.state = a.state = "RUNNING"
                con.task_info("mapred.LocalJobRunner", f"Starting task: {a.attempt_id}")
                a.last_report = time.monotonic()
                self.launch(run, a)
                running[a.attempt_id] = a
            if not running:
                if not reduces_queued and _maps_done(run) and run.reduces:
                    pending.extend(run.reduces)
                    reduces_queued = True
                    continue
                break
            ev = self.next_event(min(poll, 0.5) if timeout_ms else poll)
            if timeout_ms:
                self._check_timeouts(running, timeout_ms)
            if ev is not None:
                a, msg = ev
                a.last_report = time.monotonic()
                if a.timed_out and msg.get("type") == "done" and not msg.get("ok"):
                    msg = dict(
                        msg, error=f"AttemptID:{a.attempt_id} Timed out after {timeout_ms // 1000} secs"
                    )
                kind = msg.get("type")
                if kind == "progress":
                    a.progress = a.task.progress = float(msg.get("progress", 0.0))
                elif kind == "status":
                    pass
                elif kind == "done":
                    running.pop(a.attempt_id, None)
                    a.finish_time = now_ms()
                    if msg.get("ok"):
                        self._attempt_succeeded(run, a, msg, committer, con)
                    else:
                        a.state = "FAILED"
                        a.error = msg.get("error") or "Task failed"
                        a.stderr_tail = msg.get("stderr_tail") or ""
                        committer.abort_task(a.attempt_id)
                        con.task_failed(a.attempt_id, _diagnostics(a))
                        if len(a.task.attempts) < max_attempts[a.task.kind]:
                            a.task.state = "SCHEDULED"
                            pending.appendleft(a.task)
                        else:
                            a.task.state = "FAILED"
                            a.task.finish_time = a.finish_time
                            if self._failure_tolerated(run, a.task):
                                a.task.progress = 1.0
                                con.warn(
                                    "mapred.Task",
                                    f"Task {a.task.task_id} failed; tolerated by "
                                    f"mapreduce.{'map' if a.task.kind == 'm' else 'reduce'}"
                                    ".failures.maxpercent",
                                )
                                if not reduces_queued and run.reduces and _maps_done(run):
                                    pending.extend(run.reduces)
                                    reduces_queued = True
                                continue
                            run.failed = a.task
                            for other in list(running.values()):
                                other.state = other.task.state = "KILLED"
                                other.finish_time = now_ms()
                            self.kill_all()
                            for other in running.values():
                                committer.abort_task(other.attempt_id)
                            return
                    if not reduces_queued and run.reduces and _maps_done(run):
                        pending.extend(run.reduces)
                        reduces_queued = True
            now = time.monotonic()
            if now - last_print >= poll:
                last_print = now
                con.progress(*self._progress(run))

    def _failure_tolerated(self, run: StepRun, task: TaskState) -> bool:
        """``mapreduce.{map,reduce}.failures.maxpercent``: the share of tasks allowed to fail."""
        kind = "map" if task.kind == "m" else "reduce"
        percent = run.conf.get_int(f"mapreduce.{kind}.failures.maxpercent", 0)
        tasks = run.maps if task.kind == "m" else run.reduces
        failed = sum(t.state == "FAILED" for t in tasks)
        return percent > 0 and failed * 100 <= percent * len(tasks)

    def _check_timeouts(self, running: dict[str, Attempt], timeout_ms: int) -> None:
        """``mapreduce.task.timeout``: an attempt silent that long (no progress, status or
        counter report) is killed and fails."""
        now = time.monotonic()
        for a in list(running.values()):
            if not a.timed_out and (now - a.last_report) * 1000 > timeout_ms:
                a.timed_out = self.kill_attempt(a) is not False  # None: killed (no answer)

    def kill_attempt(self, attempt: Attempt) -> bool:
        """Kill one running attempt (its executor then reports it done and failed); False
        when this executor cannot (the attempt is then left to run)."""
        return False

    def _attempt_succeeded(
        self, run: StepRun, a: Attempt, msg: dict, committer: Any, con: JobConsole
    ) -> None:
        a.state = "SUCCEEDED"
        a.result = msg
        a.progress = a.task.progress = 1.0
        committer.commit_task(a.attempt_id, a.task.task_id)
        a.task.state = "SUCCEEDED"
        a.task.finish_time = a.finish_time
        run.counters.merge(msg.get("counters") or {})
        con.task_info("mapred.Task", f"Task '{a.attempt_id}' done.")

    def _progress(self, run: StepRun) -> tuple[float, float]:
        mp = _avg(t.progress for t in run.maps) if run.maps else 1.0
        rp = _avg(t.progress for t in run.reduces) if run.reduces else (1.0 if mp >= 1.0 else 0.0)
        return mp, rp

    def _final_progress(self, run: StepRun, con: JobConsole) -> None:
        con.progress(*self._progress(run))


def _maps_done(run: StepRun) -> bool:
    return all(t.state in ("SUCCEEDED", "FAILED") for t in run.maps)


def _avg(values) -> float:
    vals = list(values)
    return sum(vals) / len(vals) if vals else 0.0


def _has_scheme(path: str) -> bool:
    head = path.split("/", 1)[0]
    return ":" in head


def _attempt_dir(out_dir_q: str, committer: Any, attempt_id: str) -> str:
    from pyhdp.fs.registry import split_uri

    path = committer.task_attempt_path(attempt_id)
    scheme, authority, _p = split_uri(out_dir_q)
    if scheme == "file":
        return "file://" + path
    return f"{scheme}://{authority}{path}"


def _diagnostics(a: Attempt) -> str:
    text = f"Error: {a.error}"
    if a.stderr_tail:
        text += "\n" + a.stderr_tail.rstrip("\n")
    if a.log_dir:
        text += f"\n(task logs: {a.log_dir})"
    return text


def extract_traceback(stderr: str, max_lines: int = 40) -> str:
    """The last Python traceback in a task's stderr, else its last lines."""
    lines = stderr.splitlines()
    start = None
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].startswith("Traceback (most recent call last):"):
            start = i
            break
    if start is not None:
        tb = lines[start:]
        return "\n".join(tb[-max_lines:] if len(tb) > max_lines else tb)
    return "\n".join(lines[-20:])
