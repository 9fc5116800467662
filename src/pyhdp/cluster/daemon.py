"""``--daemon start|stop|status``: a foreground command run detached, with Hadoop's files and messages.

Files, as Hadoop 3 names them (``hadoop-functions.sh``):

- pid file ``${HADOOP_PID_DIR}/hadoop-${HADOOP_IDENT_STRING}-<daemon>.pid``;
- ``${HADOOP_LOG_DIR}/hadoop-${HADOOP_IDENT_STRING}-<daemon>-<host>.out`` gets the child's
  stdout and stderr (rotated at each start, five kept) and ``...-<host>.log`` its log records.

pyhdp's defaults differ from Hadoop's ``/tmp`` and ``$HADOOP_HOME/logs``: the pid dir is
``hadoop.pid.dir`` (default ``${hadoop.tmp.dir}/pids``) and the log dir ``hadoop.log.dir``
(default ``~/.pyhdp/logs``); the environment variables ``HADOOP_PID_DIR`` and ``HADOOP_LOG_DIR``
win over both, as in Hadoop. ``<host>`` is ``PYHDP_HOST`` when the cluster scripts set it,
else the OS host name.

The child is ``python -m pyhdp.cluster.child -Dproc_<daemon> <prog> <subcommand> ARGS``: the
``-Dproc_<daemon>`` word is how ``status`` and ``stop`` recognise the process behind a pid
(as Hadoop greps ``ps`` for ``-Dproc_``), so a stale pid file whose number was reused by
another program is never signalled. It runs in a new session with stdin from /dev/null.

Start-up check: Hadoop sleeps one second after the fork (JVM start-up included) and looks
whether the process still lives. pyhdp waits for the child to report that the interpreter is
up (a byte on a pipe) and then ``pyhdp.daemon.start-wait`` (0.5 s) for an early exit. A daemon that can tell when it is ready
calls :func:`will_notify_ready` early and :func:`notify_ready` once it serves; the start then
returns as soon as it is ready, or fails if it exits first (within ``pyhdp.daemon.ready-timeout``).
A start that fails prints the tail of the ``.out`` file.
"""

from __future__ import annotations

import dataclasses
import os
import select
import signal
import subprocess
import sys
import time
from typing import TextIO

NOTIFY_FD_ENV = "PYHDP_DAEMON_NOTIFY_FD"
LOG_ENV = "PYHDP_DAEMON_LOG"
CHILD_ENV = "PYHDP_DAEMON_CHILD"
OUT_ROTATIONS = 5
TAIL_LINES = 15

# LSB status codes, as hadoop_status_daemon returns them
RUNNING, DEAD_WITH_PIDFILE, NOT_RUNNING = 0, 1, 3


@dataclasses.dataclass(frozen=True)
class DaemonFiles:
    daemon: str
    pid_dir: str
    log_dir: str
    pid_file: str
    out_file: str
    log_file: str


def ident_string(env: dict[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    if env.get("HADOOP_IDENT_STRING"):
        return env["HADOOP_IDENT_STRING"]
    from pyhdp.security import login_user

    return login_user()


def daemon_files(daemon: str, conf, env: dict[str, str] | None = None, host: str | None = None) -> DaemonFiles:
    """Where ``daemon``'s pid, ``.out`` and ``.log`` files live for this host."""
    env = os.environ if env is None else env
    if host is None:
        from pyhdp.cluster.workers import this_host

        host = this_host()
    ident = ident_string(env)
    pid_dir = env.get("HADOOP_PID_DIR") or conf.get("hadoop.pid.dir") or os.path.join(
        conf.get("hadoop.tmp.dir") or os.path.expanduser("~/.pyhdp/data"), "pids")
    log_dir = env.get("HADOOP_LOG_DIR") or conf.get("hadoop.log.dir") or os.path.expanduser("~/.pyhdp/logs")
    base = os.path.join(log_dir, f"hadoop-{ident}-{daemon}-{host}")
    return DaemonFiles(
        daemon=daemon,
        pid_dir=pid_dir,
        log_dir=log_dir,
        pid_file=os.path.join(pid_dir, f"hadoop-{ident}-{daemon}.pid"),
        out_file=base + ".out",
        log_file=base + ".log",
    )


# ----------------------------------------------------------------------------- processes


def read_pid(path: str) -> int | None:
    """The pid in ``path``; None when the file is missing, empty or not a number."""
    try:
        with open(path, encoding="ascii", errors="replace") as f:
            text = f.read().strip()
    except (FileNotFoundError, IsADirectoryError):
        return None
    try:
        pid = int(text.split()[0]) if text else 0
    except ValueError:
        return None
    return pid if pid > 0 else None


def _cmdline(pid: int) -> list[str] | None:
    """The argv of ``pid`` (None when no such process or it is a zombie)."""
    proc = f"/proc/{pid}"
    if os.path.isdir("/proc/self"):
        try:
            with open(f"{proc}/stat", "rb") as f:
                stat = f.read()
            # state is the field after the ")" closing the command name
            if stat[stat.rindex(b")") + 2: stat.rindex(b")") + 3] in (b"Z", b"X"):
                return None
            with open(f"{proc}/cmdline", "rb") as f:
                return [a.decode("utf-8", "replace") for a in f.read().split(b"\0") if a]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            return None
        except PermissionError:
            return [] if _alive(pid) else None
    if not _alive(pid):
        return None
    try:
        out = subprocess.run(["ps", "-o", "args=", "-p", str(pid)], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return out.stdout.split() if out.returncode == 0 else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_daemon_process(pid: int, daemon: str) -> bool:
    """True when ``pid`` runs and is ``daemon`` (its argv holds ``-Dproc_<daemon>``)."""
    argv = _cmdline(pid)
    return argv is not None and f"-Dproc_{daemon}" in argv


def status_code(files: DaemonFiles) -> tuple[int, int | None]:
    """``(LSB code, pid)``: 0 running, 1 pid file but no such daemon, 3 no pid file."""
    if not os.path.exists(files.pid_file):
        return NOT_RUNNING, None
    pid = read_pid(files.pid_file)
    if pid is not None and is_daemon_process(pid, files.daemon):
        return RUNNING, pid
    return DEAD_WITH_PIDFILE, pid


# ----------------------------------------------------------------------------- actions


def status(files: DaemonFiles, out: TextIO) -> int:
    code, pid = status_code(files)
    if code == RUNNING:
        out.write(f"{files.daemon} is running as process {pid}.\n")
    else:
        out.write(f"{files.daemon} is stopped.\n")
    return code


def _verify_dir(path: str, what: str, err: TextIO) -> bool:
    """Hadoop's ``hadoop_verify_piddir`` / ``hadoop_verify_logdir``."""
    if not os.path.isdir(path):
        err.write(f"WARNING: {path} does not exist. Creating.\n")
        try:
            os.makedirs(path, exist_ok=True)
        except OSError:
            err.write(f"ERROR: Unable to create {path}. Aborting.\n")
            return False
    probe = os.path.join(path, str(os.getpid()))
    try:
        with open(probe, "w"):
            pass
        os.unlink(probe)
    except OSError:
        err.write(f"ERROR: Unable to write in {path}. Aborting.\n")
        return False
    return True


def rotate(path: str, keep: int = OUT_ROTATIONS) -> None:
    """``hadoop_rotate_log``: ``f.out`` → ``f.out.1`` → ... → ``f.out.<keep>``."""
    if not os.path.exists(path):
        return
    for n in range(keep, 1, -1):
        older = f"{path}.{n - 1}"
        if os.path.exists(older):
            os.replace(older, f"{path}.{n}")
    os.replace(path, f"{path}.1")


def _write_pid(path: str, pid: int) -> None:
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(f"{pid}\n")
    os.replace(tmp, path)


def tail(path: str, lines: int = TAIL_LINES) -> list[str]:
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 64 * 1024))
            data = f.read()
    except OSError:
        return []
    return data.decode("utf-8", "replace").splitlines()[-lines:]


@dataclasses.dataclass
class StartOptions:
    start_wait: float = 0.5  # seconds an up child must survive when it does not notify readiness
    ready_timeout: float = 60.0  # how long to wait for a daemon that promised to notify
    boot_timeout: float = 60.0  # how long the interpreter may take to come up

    @classmethod
    def from_conf(cls, conf) -> StartOptions:
        return cls(
            start_wait=conf.get_duration("pyhdp.daemon.start-wait", 0.5, unit="ms"),
            ready_timeout=conf.get_duration("pyhdp.daemon.ready-timeout", 60.0, unit="ms"),
        )


def start(prog: str, subcommand: str, args: list[str], files: DaemonFiles, conf, out: TextIO, err: TextIO,
          env: dict[str, str] | None = None, options: StartOptions | None = None,
          python: str | None = None) -> int:
    """Start ``<prog> <subcommand> ARGS`` detached as ``files.daemon``; Hadoop's messages and codes."""
    options = options or StartOptions.from_conf(conf)
    code, pid = status_code(files)
    if code == RUNNING:
        err.write(f"{files.daemon} is running as process {pid}.  Stop it first and ensure "
                  f"{files.pid_file} file is empty before retry.\n")
        return 1
    if code == DEAD_WITH_PIDFILE:  # stale pid file, so just remove it and continue on
        try:
            os.unlink(files.pid_file)
        except OSError:
            pass
    if not _verify_dir(files.pid_dir, "pid", err) or not _verify_dir(files.log_dir, "log", err):
        return 1
    rotate(files.out_file)
    child_env = dict(os.environ if env is None else env)
    child_env[CHILD_ENV] = files.daemon
    child_env[LOG_ENV] = files.log_file
    child_env.setdefault("HADOOP_ROOT_LOGGER", child_env.get("HADOOP_DAEMON_ROOT_LOGGER") or "INFO,RFA")
    conf_dir = conf.get("pyhdp.conf.dir")
    if conf_dir:
        child_env["PYHDP_CONF_DIR"] = conf_dir
    read_fd, write_fd = os.pipe()
    child_env[NOTIFY_FD_ENV] = str(write_fd)
    argv = [python or sys.executable, "-m", "pyhdp.cluster.child", f"-Dproc_{files.daemon}", prog, subcommand,
            *args]
    try:
        with open(files.out_file, "ab") as out_f, open(os.devnull, "rb") as devnull:
            proc = subprocess.Popen(argv, stdin=devnull, stdout=out_f, stderr=subprocess.STDOUT, env=child_env,
                                    start_new_session=True, pass_fds=(write_fd,), close_fds=True)
    except OSError as e:
        os.close(read_fd)
        os.close(write_fd)
        err.write(f"ERROR: Cannot start {files.daemon}: {e.strerror or e}\n")
        return 1
    os.close(write_fd)
    try:
        _write_pid(files.pid_file, proc.pid)
    except OSError:
        err.write(f"ERROR:  Cannot write {files.daemon} pid {files.pid_file}.\n")
    try:
        ok = _await_start(proc, read_fd, options)
    finally:
        os.close(read_fd)
    if ok:
        return 0
    rc = proc.returncode
    if rc is None:  # promised readiness that never came: do not leave it behind
        _kill_session(proc.pid)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
    if read_pid(files.pid_file) == proc.pid:
        try:
            os.unlink(files.pid_file)
        except OSError:
            pass
    what = f"exit code {rc}" if rc is not None and rc >= 0 else f"signal {-rc}" if rc is not None else "not ready"
    err.write(f"ERROR: {files.daemon} failed to start ({what}); last lines of {files.out_file}:\n")
    for line in tail(files.out_file):
        err.write(f"  {line}\n")
    return 1


def _await_start(proc: subprocess.Popen, fd: int, options: StartOptions) -> bool:
    """True when the child is up: survived ``start_wait`` after booting, or reported ready."""
    now = time.monotonic()
    deadline = now + options.boot_timeout
    booted = promised = False
    eof = False
    while True:
        if proc.poll() is not None:
            return False
        now = time.monotonic()
        if now >= deadline:
            if booted and not promised:
                return True
            if promised:  # promised readiness that never came: leave it running, report failure
                return False
            return proc.poll() is None
        timeout = min(0.05, deadline - now)
        if eof:
            time.sleep(timeout)
            continue
        readable, _, _ = select.select([fd], [], [], timeout)
        if not readable:
            continue
        data = os.read(fd, 64)
        if not data:
            eof = True
            continue
        for byte in data:
            ch = chr(byte)
            if ch == "S" and not booted:
                booted = True
                deadline = time.monotonic() + options.start_wait
            elif ch == "W":
                promised = True
                deadline = time.monotonic() + options.ready_timeout
            elif ch == "R":
                return proc.poll() is None


def stop(files: DaemonFiles, out: TextIO, err: TextIO, timeout: float | None = None) -> int:
    """SIGTERM, then SIGKILL to the daemon's session after ``HADOOP_STOP_TIMEOUT`` seconds."""
    if timeout is None:
        try:
            timeout = float(os.environ.get("HADOOP_STOP_TIMEOUT") or 5)
        except ValueError:
            timeout = 5.0
    code, pid = status_code(files)
    if code != RUNNING or pid is None:
        if code == DEAD_WITH_PIDFILE:
            try:
                os.unlink(files.pid_file)
            except OSError:
                pass
        out.write(f"no {files.daemon} to stop\n")
        return 0
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    except PermissionError as e:
        err.write(f"ERROR: Unable to kill {pid}: {e.strerror}\n")
        return 1
    if not _wait_gone(pid, files.daemon, timeout):
        shown = int(timeout) if float(timeout).is_integer() else timeout
        err.write(f"WARNING: {files.daemon} did not stop gracefully after {shown} seconds: "
                  "Trying to kill with kill -9\n")
        _kill_session(pid)
        if not _wait_gone(pid, files.daemon, max(timeout, 1.0)):
            err.write(f"ERROR: Unable to kill {pid}\n")
            return 1
    if read_pid(files.pid_file) == pid:
        try:
            os.unlink(files.pid_file)
        except OSError:
            pass
    else:
        err.write(f"WARNING: pid has changed for {files.daemon}, skip deleting pid file\n")
    return 0


def _kill_session(pid: int) -> None:
    """SIGKILL the daemon's session (it is its leader) so that no child of it is left behind."""
    for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            kill()
        except (ProcessLookupError, PermissionError):
            pass


def _wait_gone(pid: int, daemon: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if not is_daemon_process(pid, daemon):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def run_action(prog: str, subcommand: str, action: str, args: list[str], conf, out: TextIO | None = None,
               err: TextIO | None = None, env: dict[str, str] | None = None) -> int:
    """``<prog> --daemon <action> <subcommand> ARGS`` on this host."""
    out = out or sys.stdout
    err = err or sys.stderr
    files = daemon_files(subcommand, conf, env)
    if action == "start":
        return start(prog, subcommand, args, files, conf, out, err, env=env)
    if action == "stop":
        return stop(files, out, err)
    if action == "status":
        return status(files, out)
    err.write("ERROR: --daemon must be followed by either \"start\", \"stop\", or \"status\".\n")
    return 1


# ----------------------------------------------------------------------------- for daemons


def will_notify_ready() -> None:
    """Called early by a daemon that will call :func:`notify_ready`: ``--daemon start`` then
    waits for readiness (or the daemon's exit) instead of a fixed delay."""
    _notify(b"W", close=False)


def notify_ready() -> None:
    """Tell ``--daemon start`` that the daemon serves (ports bound, state loaded)."""
    _notify(b"R", close=True)


def _notify(msg: bytes, close: bool) -> None:
    fd_text = os.environ.get(NOTIFY_FD_ENV)
    if not fd_text:
        return
    try:
        fd = int(fd_text)
        os.write(fd, msg)
        if close:
            os.close(fd)
            os.environ.pop(NOTIFY_FD_ENV, None)
    except (ValueError, OSError):
        os.environ.pop(NOTIFY_FD_ENV, None)
