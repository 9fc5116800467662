"""Container processes of a NodeManager: localisation, launch, memory enforcement, stop.

A container runs ``bash launch_container.sh`` in its own session (process group) in
``<local-dir>/usercache/<user>/appcache/<app>/<container>`` with stdout/stderr in
``<log-dir>/<app>/<container>/``; the script exports Hadoop's container environment
(``CONTAINER_ID``, ``NM_HOST``, ``NM_PORT``, ``NM_HTTP_PORT``, ``LOCAL_DIRS``,
``LOG_DIRS``, ``USER``, ``PWD``, ``HADOOP_CONF_DIR`` ...) and the application's, links the
localized resources into the directory, then ``exec``s the command.  The process gets
SIGKILL if the NodeManager itself dies (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from typing import Any

from pyhdp.yarn.nm.procfs import human, tree_usage
from pyhdp.yarn.records import (
    EXIT_KILLED_BY_APPMASTER,
    EXIT_KILLED_BY_RESOURCEMANAGER,
    EXIT_KILLED_EXCEEDED_PMEM,
    EXIT_KILLED_EXCEEDED_VMEM,
)

log = logging.getLogger("pyhdp.yarn.nodemanager.ContainerManagerImpl")
monlog = logging.getLogger("pyhdp.yarn.monitor.ContainersMonitorImpl")


@dataclasses.dataclass
class ContainerProc:
    container_id: str
    app_id: str
    user: str
    memory_mb: int
    vcores: int
    work_dir: str
    log_dir: str
    proc: subprocess.Popen | None = None
    state: str = "NEW"  # NEW, LOCALIZING, RUNNING, KILLING, DONE
    exit_status: int = -1000
    diagnostics: str = ""
    kill_status: int | None = None
    reported: bool = False
    start_time: int = 0


def _load_prctl():
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError, ImportError):
        return None


_PRCTL = _load_prctl()  # resolved before fork: the child may not be able to import anything


def _pdeathsig() -> None:
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _as_user(uid: int, gid: int, user: str):
    """preexec: drop to the submitting user, then ask for SIGKILL on the NM's death (a change of
    credentials clears that request, so it comes last)."""

    def run() -> None:
        os.setgid(gid)
        os.initgroups(user, gid)
        os.setuid(uid)
        _pdeathsig()

    return run


def _src_dir() -> str:
    import pyhdp

    return os.path.dirname(os.path.dirname(os.path.abspath(pyhdp.__file__)))


class ContainerManager:
    def __init__(self, conf: Any, node_id: str, http_address: str):
        self.conf = conf
        self.node_id = node_id
        self.http_address = http_address
        self.local_dirs = [
            d
            for d in (
                conf.get_trimmed("yarn.nodemanager.local-dirs") or "/tmp/hadoop-yarn/nm-local-dir"
            ).split(",")
            if d
        ]
        self.log_dirs = [
            d
            for d in (conf.get_trimmed("yarn.nodemanager.log-dirs") or "/tmp/hadoop-yarn/userlogs").split(",")
            if d
        ]
        self.pmem_check = conf.get_bool("yarn.nodemanager.pmem-check-enabled", True)
        self.vmem_check = conf.get_bool("yarn.nodemanager.vmem-check-enabled", False)
        self.vmem_ratio = float(conf.get("yarn.nodemanager.vmem-pmem-ratio") or 2.1)
        self.kill_delay = conf.get_int("yarn.nodemanager.sleep-delay-before-sigkill.ms", 250) / 1000.0
        executor = conf.get_trimmed("yarn.nodemanager.container-executor.class") or ""
        #: LinuxContainerExecutor and a root NodeManager: containers run as the submitting user;
        #: otherwise (DefaultContainerExecutor) as the NodeManager's user, as in Hadoop
        self.run_as_user = executor.endswith("LinuxContainerExecutor") and os.geteuid() == 0
        self.env_whitelist = [
            v.strip()
            for v in (
                conf.get_trimmed("yarn.nodemanager.env-whitelist")
                or (
                    "JAVA_HOME,HADOOP_COMMON_HOME,HADOOP_HDFS_HOME,HADOOP_CONF_DIR,CLASSPATH_PREPEND_DISTCACHE,"
                    "HADOOP_YARN_HOME,HADOOP_HOME,PATH,LANG,TZ"
                )
            ).split(",")
            if v.strip()
        ]
        self.containers: dict[str, ContainerProc] = {}
        self.lock = threading.RLock()
        for d in self.local_dirs + self.log_dirs:
            os.makedirs(d, exist_ok=True)

    # ------------------------------------------------------------------ paths
    def app_dir(self, user: str, app_id: str) -> str:
        return os.path.join(self.local_dirs[0], "usercache", user, "appcache", app_id)

    def app_log_dir(self, app_id: str) -> str:
        return os.path.join(self.log_dirs[0], app_id)

    # ------------------------------------------------------------------ launch
    def start(
        self, container_id: str, app_id: str, user: str, resource: dict[str, Any], spec: dict[str, Any]
    ) -> ContainerProc:
        with self.lock:
            if container_id in self.containers:
                raise ValueError(f"Container {container_id} already is running on this node!!")
            c = ContainerProc(
                container_id,
                app_id,
                user,
                int(resource.get("memory", 1024)),
                int(resource.get("vCores", 1)),
                os.path.join(self.app_dir(user, app_id), container_id),
                os.path.join(self.app_log_dir(app_id), container_id),
                start_time=int(time.time() * 1000),
            )
            self.containers[container_id] = c
        c.state = "LOCALIZING"
        try:
            os.makedirs(c.work_dir, exist_ok=True)
            os.makedirs(c.log_dir, exist_ok=True)
            preexec = _pdeathsig
            home = None
            owner: tuple[int, int] | None = None
            if self.run_as_user:
                preexec, home, owner = self._user_setup(c)
            self._localize(c, spec)
            script = self._write_launch_script(c, spec, home)
            with (
                open(os.path.join(c.log_dir, "stdout"), "ab") as out,
                open(os.path.join(c.log_dir, "stderr"), "ab") as err,
            ):
                if owner is not None:  # the command may reopen its log files
                    os.fchown(out.fileno(), *owner)
                    os.fchown(err.fileno(), *owner)
                c.proc = subprocess.Popen(
                    ["bash", script],
                    cwd=c.work_dir,
                    stdout=out,
                    stderr=err,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                    preexec_fn=preexec,
                    env=self._base_env(),
                )
        except Exception as e:  # noqa: BLE001 - a launch failure is the container's failure
            c.state = "DONE"
            c.exit_status = -1
            c.diagnostics = f"Container launch failed: {e}"
            log.warning(f"Failed to launch container {container_id}: {e}")
            return c
        c.state = "RUNNING"
        log.info(f"Container {container_id} transitioned from LOCALIZED to RUNNING")
        threading.Thread(target=self._wait, args=(c,), daemon=True).start()
        return c

    def _user_setup(self, c: ContainerProc):
        import pwd

        try:
            pw = pwd.getpwnam(c.user)
        except KeyError:
            raise ValueError(f"Invalid user name {c.user}: the user does not exist on this node") from None
        if pw.pw_uid == 0:
            raise ValueError(
                "Running containers as root is not allowed (the LinuxContainerExecutor refuses it)"
            )
        user_dir = os.path.join(self.local_dirs[0], "usercache", c.user)
        for d in (
            user_dir,
            os.path.join(user_dir, "appcache"),
            self.app_dir(c.user, c.app_id),
            c.work_dir,
            self.app_log_dir(c.app_id),
            c.log_dir,
        ):
            os.chown(d, pw.pw_uid, pw.pw_gid)
        return _as_user(pw.pw_uid, pw.pw_gid, c.user), pw.pw_dir, (pw.pw_uid, pw.pw_gid)

    def _base_env(self) -> dict[str, str]:
        # yarn.nodemanager.env-whitelist, plus what a Python container needs to find pyhdp
        allowed = set(self.env_whitelist) | {"PYTHONPATH", "LC_ALL", "PYHDP_HOME", "HADOOP_ROOT_LOGGER"}
        env = {k: v for k, v in os.environ.items() if k in allowed}
        src = _src_dir()
        pp = env.get("PYTHONPATH", "")
        if src not in pp.split(os.pathsep):
            env["PYTHONPATH"] = src + (os.pathsep + pp if pp else "")
        return env

    def _localize(self, c: ContainerProc, spec: dict[str, Any]) -> None:
        for name, content in (spec.get("files") or {}).items():
            path = os.path.join(c.work_dir, os.path.basename(name))
            with open(path, "w") as f:
                f.write(content)
        resources = spec.get("local_resources") or []
        if not resources:
            return
        from pyhdp.fs.registry import get_filesystem, split_uri

        cache = os.path.join(os.path.dirname(c.work_dir), "filecache")
        for r in resources:
            src = r.get("resource") or r.get("url") or ""
            name = r.get("name") or os.path.basename(src.rstrip("/"))
            kind = (r.get("type") or "FILE").upper()
            fs = get_filesystem(src, self.conf)
            _s, _a, path = split_uri(src)
            os.makedirs(cache, exist_ok=True)
            local = os.path.join(cache, name)
            if not os.path.exists(local):
                tmp = local + f".tmp{os.getpid()}"
                with fs.open(path) as fin, open(tmp, "wb") as fout:
                    shutil.copyfileobj(fin, fout, 1 << 20)
                if kind == "ARCHIVE":
                    d = local + ".dir"
                    shutil.unpack_archive(tmp, d, _archive_format(src))
                    os.replace(d, local) if not os.path.exists(local) else None
                    os.unlink(tmp)
                else:
                    os.replace(tmp, local)
            link = os.path.join(c.work_dir, name)
            if not os.path.lexists(link):
                os.symlink(local, link)

    def _write_launch_script(self, c: ContainerProc, spec: dict[str, Any], home: str | None = None) -> str:
        host, _, port = self.node_id.rpartition(":")
        env = {
            "CONTAINER_ID": c.container_id,
            "NM_HOST": host,
            "NM_PORT": port,
            "NM_HTTP_PORT": self.http_address.rpartition(":")[2],
            "NM_HTTP_ADDRESS": self.http_address,
            "NM_AUX_SERVICE_mapreduce_shuffle": self.http_address,
            "LOCAL_DIRS": ",".join(
                os.path.join(d, "usercache", c.user, "appcache", c.app_id) for d in self.local_dirs
            ),
            "LOCAL_USER_DIRS": ",".join(os.path.join(d, "usercache", c.user) for d in self.local_dirs),
            "LOG_DIRS": c.log_dir,
            "USER": c.user,
            "LOGNAME": c.user,
            "HADOOP_USER_NAME": c.user,
            "PWD": c.work_dir,
            "HOME": home or os.environ.get("HOME", "/home/"),
            "PYHDP_PYTHON": sys.executable,
            "PYHDP_CONTAINER_MEMORY_MB": str(c.memory_mb),
        }
        conf_dir = self.conf.get("pyhdp.conf.dir")
        if conf_dir:
            env["HADOOP_CONF_DIR"] = conf_dir
        env.update(spec.get("environment") or {})
        command = (
            (spec.get("commands") or "")
            .replace("<LOG_DIR>", c.log_dir)
            .replace("{{PYTHON}}", shlex.quote(sys.executable))
            .replace("{{JAVA_HOME}}", os.environ.get("JAVA_HOME", ""))
        )
        lines = ["#!/bin/bash", "set -o pipefail -e"]
        lines += [f"export {k}={shlex.quote(str(v))}" for k, v in env.items()]
        lines += [
            f'echo "Launching container {c.container_id}" > /dev/null',
            f"exec /bin/bash -c {shlex.quote(command)}",
        ]
        path = os.path.join(c.work_dir, "launch_container.sh")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        shutil.copyfile(path, os.path.join(c.log_dir, "launch_container.sh"))
        with open(os.path.join(c.log_dir, "directory.info"), "w") as f:
            f.write(f"ls -l:\n{chr(10).join(sorted(os.listdir(c.work_dir)))}\n")
        return path

    def _wait(self, c: ContainerProc) -> None:
        assert c.proc is not None
        code = c.proc.wait()
        try:  # whatever the container started dies with it (its session / process group)
            os.killpg(c.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if code < 0:
            code = 128 - code  # killed by signal N: 128 + N, as the shell reports it
        with self.lock:
            if c.kill_status is not None:
                c.exit_status = c.kill_status
                c.diagnostics = (
                    c.diagnostics + f"Container killed on request. Exit code is {code}\n"
                    f"Container exited with a non-zero exit code {code}. "
                )
            else:
                c.exit_status = code
                if code != 0:
                    tail = _tail(os.path.join(c.log_dir, "stderr"))
                    c.diagnostics = (
                        f"Exception from container-launch.\nContainer id: {c.container_id}\n"
                        f"Exit code: {code}\n"
                        + (f"\n[{tail}]\n" if tail else "")
                        + f"Container exited with a non-zero exit code {code}. "
                    )
            c.state = "DONE"
        log.info(
            f"Container {c.container_id} transitioned from RUNNING to "
            f"{'EXITED_WITH_SUCCESS' if c.exit_status == 0 else 'EXITED_WITH_FAILURE'}"
        )

    # ------------------------------------------------------------------ stop
    def stop(self, container_id: str, status: int = EXIT_KILLED_BY_APPMASTER, diag: str = "") -> bool:
        with self.lock:
            c = self.containers.get(container_id)
            if c is None or c.state != "RUNNING" or c.proc is None:
                return False
            c.state = "KILLING"
            c.kill_status = status
            if diag:
                c.diagnostics = diag
            elif status == EXIT_KILLED_BY_APPMASTER:
                c.diagnostics = "Container killed by the ApplicationMaster.\n"
            elif status == EXIT_KILLED_BY_RESOURCEMANAGER:
                c.diagnostics = "Container killed by the ResourceManager.\n"
        _kill_group(c.proc.pid, self.kill_delay)
        return True

    def stop_all(self) -> None:
        for cid in list(self.containers):
            self.stop(cid, EXIT_KILLED_BY_RESOURCEMANAGER)

    # ------------------------------------------------------------------ monitor
    def check_memory(self) -> None:
        for c in list(self.containers.values()):
            if c.state != "RUNNING" or c.proc is None:
                continue
            rss, vmem, _pids = tree_usage(c.proc.pid)
            limit = c.memory_mb << 20
            vlimit = int(limit * self.vmem_ratio)
            if self.pmem_check and rss > limit:
                diag = (
                    f"Container [pid={c.proc.pid},containerID={c.container_id}] is running beyond physical "
                    f"memory limits. Current usage: {human(rss)} of {human(limit)} physical memory used; "
                    f"{human(vmem)} of {human(vlimit)} virtual memory used. Killing container.\n"
                )
                monlog.warning(diag.strip())
                self.stop(c.container_id, EXIT_KILLED_EXCEEDED_PMEM, diag)
            elif self.vmem_check and vmem > vlimit:
                diag = (
                    f"Container [pid={c.proc.pid},containerID={c.container_id}] is running beyond virtual "
                    f"memory limits. Current usage: {human(rss)} of {human(limit)} physical memory used; "
                    f"{human(vmem)} of {human(vlimit)} virtual memory used. Killing container.\n"
                )
                monlog.warning(diag.strip())
                self.stop(c.container_id, EXIT_KILLED_EXCEEDED_VMEM, diag)

    # ------------------------------------------------------------------ reports
    def statuses(self) -> list[dict[str, Any]]:
        out = []
        with self.lock:
            for c in self.containers.values():
                if c.state == "DONE":
                    if c.reported:
                        continue
                    c.reported = True
                    out.append(
                        {
                            "container_id": c.container_id,
                            "state": "COMPLETE",
                            "exit_status": c.exit_status,
                            "diagnostics": c.diagnostics,
                        }
                    )
                else:
                    out.append({"container_id": c.container_id, "state": "RUNNING"})
        return out

    def forget_app(self, app_id: str) -> None:
        """Drop the finished, reported containers of an application that ended."""
        with self.lock:
            for cid in [
                c.container_id for c in self.app_containers(app_id) if c.state == "DONE" and c.reported
            ]:
                del self.containers[cid]

    def snapshot(self) -> list[ContainerProc]:
        """The containers now, taken under the lock: the HTTP handlers iterate this while the
        launch and wait threads add and drop containers."""
        with self.lock:
            return list(self.containers.values())

    def app_containers(self, app_id: str) -> list[ContainerProc]:
        return [c for c in self.snapshot() if c.app_id == app_id]


def _kill_group(pid: int, delay: float) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        return

    def later() -> None:
        time.sleep(delay)
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    threading.Thread(target=later, daemon=True).start()


def _tail(path: str, limit: int = 4096) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - limit))
            return f.read().decode("utf-8", "replace").strip()
    except OSError:
        return ""


def _archive_format(name: str) -> str | None:
    n = name.lower()
    if n.endswith(".zip") or n.endswith(".jar"):
        return "zip"
    if n.endswith(".tar.gz") or n.endswith(".tgz"):
        return "gztar"
    if n.endswith(".tar"):
        return "tar"
    return None
