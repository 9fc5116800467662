"""Run one task on many hosts: a bounded pool, one reused connection per host, ``host: line`` output.

Like Hadoop's ``workers.sh`` (``ssh HOST CMD 2>&1 | sed "s/^/HOST: /"`` under ``xargs -P``
``HADOOP_SSH_PARALLEL``), every output line of a host is printed as ``<host>: <line>``; at
most ``pyhdp.ssh.parallelism`` hosts are handled at once, so hundreds of workers never
mean hundreds of simultaneous handshakes. A host that cannot run the task gets one line
``<host>: ERROR: <cause> (while running '<command>')`` and the fan-out's result is non-zero.
Hosts that are this machine (:func:`pyhdp.cluster.workers.is_local`) run without SSH.
"""

from __future__ import annotations

import dataclasses
import os
import random
import shlex
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TextIO

from pyhdp.cluster.settings import SshSettings, WorkerSettings
from pyhdp.cluster.ssh import Connection, HostFailure, Transport
from pyhdp.cluster.workers import HostSpec, is_local

Emit = Callable[[bytes], None]


@dataclasses.dataclass
class HostResult:
    host: HostSpec
    exit_code: int | None  # None when the command could not run
    error: str | None = None
    kind: str | None = None
    output: list[str] = dataclasses.field(default_factory=list)  # last lines, for callers and tests
    seconds: float = 0.0
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.error is None


class Task:
    """What to run on each host. Subclasses give the remote shell command and the local run."""

    #: shown in error lines, e.g. ``hdfs --daemon start datanode``
    display: str = ""
    #: print ``ERROR: ... exited with status N`` for a non-zero exit (commands that explain
    #: their own failures, such as ``--daemon start``, leave it off)
    report_exit_status: bool = True
    #: print the connection failure of a host (off for a step whose next step reports it anyway)
    report_host_failures: bool = True

    def remote_command(self, host: HostSpec, fanout: Fanout) -> str:
        raise NotImplementedError

    def run_remote(self, host: HostSpec, fanout: Fanout, conn: Connection, emit: Emit) -> int:
        """Run on a remote host over ``conn``; by default the shell command :meth:`remote_command`."""
        return conn.run(self.remote_command(host, fanout), emit, fanout.ssh.command_timeout or None)

    def run_local(self, host: HostSpec, fanout: Fanout, emit: Emit) -> int:
        raise NotImplementedError

    def explain(self, code: int, output: Sequence[str], fanout: Fanout) -> str | None:
        """A cause for a non-zero ``code``, or None to leave the command's own output as the story."""
        if self.report_exit_status and code != 0:
            return f"'{self.display}' exited with status {code}"
        return None


def run_subprocess(argv: list[str], env: dict[str, str], emit: Emit, timeout: float | None) -> int:
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env=env)
    assert proc.stdout is not None
    timer = None
    if timeout:
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
    try:
        for chunk in iter(lambda: proc.stdout.read1(65536), b""):
            emit(chunk)
        return proc.wait()
    finally:
        if timer:
            timer.cancel()
        proc.stdout.close()


class ShellTask(Task):
    """An arbitrary shell command (``pyhdp cluster exec``)."""

    def __init__(self, command: str):
        self.command = command
        self.display = command

    def remote_command(self, host: HostSpec, fanout: Fanout) -> str:
        return f"PYHDP_HOST={shlex.quote(host.name)}; export PYHDP_HOST; {self.command}"

    def run_local(self, host: HostSpec, fanout: Fanout, emit: Emit) -> int:
        env = dict(os.environ, PYHDP_HOST=host.name)
        return run_subprocess(["/bin/sh", "-c", self.command], env, emit, fanout.ssh.command_timeout or None)


class PyhdpTask(Task):
    """``<prog> ARGS`` of pyhdp on each host: ``<worker python> -m pyhdp.cluster <prog> --config DIR ARGS``."""

    report_exit_status = False

    def __init__(self, prog: str, args: Sequence[str], report_exit_status: bool = False):
        self.prog = prog
        self.args = list(args)
        self.display = " ".join([prog, *self.args])
        self.report_exit_status = report_exit_status

    def _env(self, host: HostSpec, fanout: Fanout) -> dict[str, str]:
        env = {k: os.environ[k] for k in fanout.worker.forwarded_env if os.environ.get(k)}
        env.update(fanout.worker.extra_env)
        env["PYHDP_HOST"] = host.name
        return env

    def remote_command(self, host: HostSpec, fanout: Fanout) -> str:
        env = self._env(host, fanout)
        if fanout.worker.pythonpath:
            env["PYTHONPATH"] = fanout.worker.pythonpath
        conf_dir = fanout.worker_conf_dir(host)
        words = ["env", *(f"{k}={v}" for k, v in env.items()), fanout.worker.python, "-m", "pyhdp.cluster",
                 self.prog, *(["--config", conf_dir] if conf_dir else []), *self.args]
        return " ".join(shlex.quote(w) for w in words)

    def _local_daemon_action(self, fanout: Fanout) -> tuple[str, str, list[str]] | None:
        """``(action, daemon, rest)`` when this task is ``--daemon ACTION DAEMON ...`` of a known daemon."""
        from pyhdp.cluster.daemon_cli import ACTIONS, DAEMONS

        a = self.args
        if fanout.conf is None or len(a) < 3 or a[0] != "--daemon" or a[1] not in ACTIONS:
            return None
        if a[2] not in DAEMONS.get(self.prog, frozenset()) or set(a[3:]) & {"--workers", "--hostnames", "--hosts"}:
            return None
        return a[1], a[2], a[3:]

    def run_local(self, host: HostSpec, fanout: Fanout, emit: Emit) -> int:
        action = self._local_daemon_action(fanout)
        if action is not None:  # in this process: no interpreter start-up for this host
            from pyhdp.cluster import daemon
            from pyhdp.cluster.daemon_cli import conf_with_generic_options

            stream = _EmitStream(emit)
            verb, name, rest = action
            env = dict(os.environ)
            env.update({k: v for k, v in self._env(host, fanout).items() if k != "PYHDP_HOST"})
            return daemon.run_action(self.prog, name, verb, rest, conf_with_generic_options(fanout.conf, rest),
                                     out=stream, err=stream, env=env)
        # this machine keeps its own identity (log file names with the OS host name, as Hadoop's)
        env = dict(os.environ)
        env.update({k: v for k, v in self._env(host, fanout).items() if k != "PYHDP_HOST"})
        conf_dir = fanout.conf.get("pyhdp.conf.dir") if fanout.conf is not None else None
        argv = [sys.executable, "-m", "pyhdp.cluster", self.prog, *(["--config", conf_dir] if conf_dir else []),
                *self.args]
        return run_subprocess(argv, env, emit, fanout.ssh.command_timeout or None)

    def explain(self, code: int, output: Sequence[str], fanout: Fanout) -> str | None:
        text = "\n".join(output)
        python = fanout.worker.python
        if code == 127:
            return f"{python} not found on the host (set pyhdp.worker.python)"
        if code == 126:
            return f"{python} cannot be executed on the host (set pyhdp.worker.python)"
        if "No module named pyhdp" in text or "No module named 'pyhdp" in text:
            return (f"pyhdp is not installed for {python} on the host "
                    "(install it there, or set pyhdp.worker.python / pyhdp.worker.pythonpath)")
        return super().explain(code, output, fanout)


class _EmitStream:
    """A text stream whose writes go to an :data:`Emit` (for in-process daemon actions)."""

    def __init__(self, emit: Emit):
        self.emit = emit

    def write(self, text: str) -> int:
        self.emit(text.encode())
        return len(text)

    def flush(self) -> None:
        pass


class _LineSink:
    """Splits a host's byte stream into lines and prints ``<host>: <line>`` atomically."""

    def __init__(self, name: str, printer: Printer, keep: int = 200):
        self.name = name
        self.printer = printer
        self.partial = b""
        self.lines: deque[str] = deque(maxlen=keep)

    def __call__(self, data: bytes) -> None:
        data = self.partial + data
        *complete, self.partial = data.split(b"\n")
        for raw in complete:
            self._line(raw)

    def flush(self) -> None:
        if self.partial:
            self._line(self.partial)
            self.partial = b""

    def _line(self, raw: bytes) -> None:
        line = raw.decode("utf-8", "replace").rstrip("\r")
        self.lines.append(line)
        self.printer.line(self.name, line)


class Printer:
    """Thread-safe ``host: line`` printing (or plain lines when ``prefix`` is False)."""

    def __init__(self, out: TextIO, err: TextIO, prefix: bool = True):
        self.out = out
        self.err = err
        self.prefix = prefix
        self.lock = threading.Lock()

    def line(self, name: str, line: str) -> None:
        with self.lock:
            self.out.write(f"{name}: {line}\n" if self.prefix else f"{line}\n")
            self.out.flush()

    def error(self, name: str, message: str) -> None:
        with self.lock:
            self.out.flush()
            self.err.write(f"{name}: ERROR: {message}\n" if self.prefix else f"ERROR: {message}\n")
            self.err.flush()


class Fanout:
    """Runs tasks on hosts; keeps one connection per host for its lifetime (use as a context manager)."""

    def __init__(self, conf=None, ssh: SshSettings | None = None, worker: WorkerSettings | None = None,
                 transport: Transport | None = None, out: TextIO | None = None, err: TextIO | None = None,
                 prefix: bool = True, sleep: Callable[[float], None] = time.sleep):
        self.conf = conf
        self.ssh = ssh or (SshSettings.from_conf(conf) if conf is not None else SshSettings())
        self.worker = worker or (WorkerSettings.from_conf(conf) if conf is not None
                                 else WorkerSettings(sys.executable, None, (), {}))
        self._transport = transport
        self.printer = Printer(out or sys.stdout, err or sys.stderr, prefix)
        self._conns: dict[str, Connection] = {}
        self._host_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self._sleep = sleep
        self._handshakes = threading.BoundedSemaphore(self.ssh.parallelism)
        self._failed: dict[str, HostFailure] = {}
        self._pre: list[threading.Thread] = []

    # -- context
    def __enter__(self) -> Fanout:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for t in self._pre:
            t.join()
        with self._lock:
            conns, self._conns = list(self._conns.values()), {}
        for c in conns:
            try:
                c.close()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass
        if self._transport is not None:
            try:
                self._transport.close()
            except Exception:  # noqa: BLE001
                pass

    @property
    def transport(self) -> Transport:
        if self._transport is None:
            from pyhdp.cluster.ssh import ParamikoTransport

            self._transport = ParamikoTransport(self.ssh)
        return self._transport

    # -- per host configuration
    def host_conf(self, host: HostSpec):
        """The configuration as ``host`` sees it: ``${pyhdp.host}`` is the host's name."""
        c = self.conf.copy()
        c.set("pyhdp.host", host.name, source="runtime")
        return c

    def worker_conf_dir(self, host: HostSpec) -> str | None:
        if self.conf is None:
            return None
        value = self.host_conf(host).get_trimmed("pyhdp.worker.conf-dir")
        return value or self.conf.get("pyhdp.conf.dir")

    def is_local(self, host: HostSpec) -> bool:
        return is_local(host, self.conf)

    # -- connections
    def connection(self, host: HostSpec) -> tuple[Connection, int]:
        """The host's connection (made on first use, with retries); ``(connection, attempts)``."""
        with self._lock:
            lock = self._host_locks.setdefault(host.name, threading.Lock())
        with lock:
            conn = self._conns.get(host.name)
            if conn is not None:
                return conn, 0
            failed = self._failed.get(host.name)
            if failed is not None:  # this host already failed in this run: report it, do not wait again
                raise failed
            attempt = 0
            while True:
                attempt += 1
                try:
                    with self._handshakes:  # never more than `parallelism` handshakes at once
                        conn = self.transport.connect(host)
                    break
                except HostFailure as e:
                    if not e.transient or attempt > self.ssh.retries:
                        e.attempts = attempt  # type: ignore[attr-defined]
                        self._failed[host.name] = e
                        raise
                    delay = self.ssh.retry_backoff * (2 ** (attempt - 1))
                    self._sleep(delay * (0.75 + random.random() / 2))
            with self._lock:
                self._conns[host.name] = conn
            return conn, attempt

    def preconnect(self, hosts: Sequence[HostSpec]) -> None:
        """Open the connections to ``hosts`` in the background (while, say, the NameNode starts);
        a later :meth:`run` uses them, or reports the failure a pre-connect met. A host whose
        connection failed is not tried again by the same Fanout (one script run)."""
        remote = [h for h in hosts if not self.is_local(h) and h.name not in self._conns]
        if not remote:
            return

        def connect(host: HostSpec) -> None:
            try:
                self.connection(host)
            except HostFailure:
                pass  # remembered by connection(); the run reports it

        def work() -> None:
            with ThreadPoolExecutor(max_workers=min(self.ssh.parallelism, len(remote))) as pool:
                list(pool.map(connect, remote))

        t = threading.Thread(target=work, name="pyhdp-ssh-preconnect", daemon=True)
        t.start()
        self._pre.append(t)

    def drop(self, host: HostSpec) -> None:
        with self._lock:
            conn = self._conns.pop(host.name, None)
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001
                pass

    # -- running
    def run_on(self, host: HostSpec, task: Task) -> HostResult:
        sink = _LineSink(host.name, self.printer)
        start = time.monotonic()
        result = HostResult(host, None)
        try:
            if self.is_local(host):
                code = task.run_local(host, self, sink)
            else:
                conn, attempts = self.connection(host)
                result.attempts = max(attempts, 1)
                try:
                    code = task.run_remote(host, self, conn, sink)
                except HostFailure as e:
                    if e.kind in ("unreachable", "command-timeout"):
                        self.drop(host)
                    raise
            sink.flush()
            result.exit_code = code
            cause = task.explain(code, list(sink.lines), self) if code != 0 else None
            if cause:
                result.error = cause
                result.kind = "command"
                self.printer.error(host.name, cause)
        except HostFailure as e:
            sink.flush()
            result.error = e.cause
            result.kind = e.kind
            result.attempts = getattr(e, "attempts", result.attempts)
            if task.report_host_failures:
                self.printer.error(host.name, f"{e.cause} (while running '{task.display}')")
        except OSError as e:  # a local run that could not start
            sink.flush()
            result.error = f"cannot run '{task.display}': {e.strerror or e}"
            result.kind = "local"
            self.printer.error(host.name, result.error)
        result.output = list(sink.lines)
        result.seconds = time.monotonic() - start
        return result

    def run(self, hosts: Sequence[HostSpec], task: Task) -> list[HostResult]:
        """``task`` on every host, at most ``parallelism`` at once; results in ``hosts`` order."""
        if not hosts:
            return []
        workers = min(self.ssh.parallelism, len(hosts))
        if workers == 1:
            return [self.run_on(h, task) for h in hosts]
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pyhdp-ssh") as pool:
            return list(pool.map(lambda h: self.run_on(h, task), hosts))


def exit_code(results: Sequence[HostResult]) -> int:
    """0 when every host succeeded, else 1."""
    return 0 if all(r.ok for r in results) else 1
