"""The local job runner: attempts run in a pool of ``python -m pyhdp.mapreduce.task --worker`` processes.

Workers are started per step (``mapreduce.local.map.tasks.maximum`` of them, default the
number of cores) and reused across attempts; each attempt's stdout/stderr go to its log
dir.  A worker that dies (crash, ``os._exit``, signal) fails its attempt and is replaced.
Each worker runs in its own process group so a kill also stops what the task started
(Streaming commands).
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading

from pyhdp.mapreduce.runners.base import Attempt, JobRunner, StepRun, extract_traceback


class Worker:
    def __init__(self, events: queue.Queue, env: dict[str, str]):
        r, w = os.pipe()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pyhdp.mapreduce.task", "--worker", "--result-fd", str(w)],
            stdin=subprocess.PIPE,
            pass_fds=(w,),
            start_new_session=True,
            env=env,
            text=True,
        )
        os.close(w)
        self.results = os.fdopen(r, "r")
        self.events = events
        self.attempt: Attempt | None = None
        self.dead = False
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        for line in self.results:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            a = self.attempt
            if msg.get("type") == "done":
                self.attempt = None
            if a is not None:
                self.events.put((self, a, msg))
        self.dead = True
        a = self.attempt
        self.attempt = None
        self.events.put((self, a, {"type": "died"}))

    def run(self, attempt: Attempt) -> None:
        self.attempt = attempt
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"desc": attempt.desc, "log_dir": attempt.log_dir}) + "\n")
        self.proc.stdin.flush()

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def close(self) -> None:
        if not self.dead and self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write(json.dumps({"type": "exit"}) + "\n")
                self.proc.stdin.close()
            except (BrokenPipeError, OSError, ValueError):
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.kill()
                self.proc.wait()
        else:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.kill()


class LocalJobRunner(JobRunner):
    framework = "local"

    def __init__(self) -> None:
        self.events: queue.Queue = queue.Queue()
        self.workers: list[Worker] = []
        self.max_maps = 1
        self.max_reduces = 1
        self.env: dict[str, str] = {}

    def start(self, run: StepRun) -> None:
        cores = os.cpu_count() or 1
        conf = run.conf
        self.max_maps = max(conf.get_int("mapreduce.local.map.tasks.maximum", cores), 1)
        self.max_reduces = max(conf.get_int("mapreduce.local.reduce.tasks.maximum", 1), 1)
        env = dict(os.environ)
        src = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
        pp = env.get("PYTHONPATH", "")
        if src not in pp.split(os.pathsep):
            env["PYTHONPATH"] = src + (os.pathsep + pp if pp else "")
        env.update(run.spec.env)
        self.env = env
        self.events = queue.Queue()
        n = min(max(self.max_maps, self.max_reduces), max(len(run.splits), run.num_reduces, 1))
        self.workers = [Worker(self.events, env) for _ in range(n)]

    def slots(self, kind: str) -> int:
        return self.max_maps if kind == "m" else self.max_reduces

    def _idle_worker(self) -> Worker:
        for w in self.workers:
            if w.attempt is None and not w.dead:
                return w
        self.workers = [w for w in self.workers if not w.dead]
        w = Worker(self.events, self.env)
        self.workers.append(w)
        return w

    def launch(self, run: StepRun, attempt: Attempt) -> None:
        w = self._idle_worker()
        try:
            w.run(attempt)
        except (BrokenPipeError, OSError):
            w.dead = True
            w = self._idle_worker()
            w.run(attempt)

    def next_event(self, timeout: float) -> tuple[Attempt, dict] | None:
        try:
            worker, attempt, msg = self.events.get(timeout=timeout)
        except queue.Empty:
            return None
        if attempt is None:
            return None
        if msg.get("type") == "died":
            code = worker.proc.wait()
            stderr = _read_tail(os.path.join(attempt.log_dir, "stderr"))
            how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
            msg = {
                "type": "done",
                "ok": False,
                "error": f"Task process exited unexpectedly ({how})",
                "stderr_tail": extract_traceback(stderr),
            }
        elif msg.get("type") == "done" and not msg.get("ok"):
            stderr = _read_tail(os.path.join(attempt.log_dir, "stderr"))
            msg["stderr_tail"] = extract_traceback(stderr) or msg.get("traceback", "")
        return attempt, msg

    def kill_attempt(self, attempt: Attempt) -> bool:
        for w in self.workers:
            if w.attempt is attempt:
                w.kill()
                return True
        return False

    def kill_all(self) -> None:
        for w in self.workers:
            if w.attempt is not None:
                w.kill()
                w.dead = True

    def stop(self) -> None:
        for w in self.workers:
            w.close()
        self.workers = []


def _read_tail(path: str, limit: int = 64 * 1024) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - limit))
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""
