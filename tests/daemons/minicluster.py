"""A real cluster on loopback (imported by the conftest of tests/daemons and tests/webhdfs): the ``hdfs namenode`` and ``hdfs datanode`` commands as processes.

Ports are chosen free per test; intervals are short and set by configuration
(heartbeat 0.2 s, recheck 0.4 s: a node is dead after 2*0.4 + 10*0.2 = 2.8 s; redundancy
monitor every 0.3 s).  Every wait is a poll with a stated upper bound, never a tuned sleep.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = REPO / "bin"

HEARTBEAT = 0.2  # s
RECHECK = 0.4  # s
DEAD_AFTER = 2 * RECHECK + 10 * HEARTBEAT


def free_ports(n: int) -> list[int]:
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


def wait_until(fn, timeout: float, what: str, interval: float = 0.05):
    """Poll ``fn`` until it returns a truthy value; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while time.monotonic() < deadline:
        try:
            value = fn()
            if value:
                return value
        except Exception as e:  # noqa: BLE001 - retried until the deadline
            last_exc = e
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}" + (f" (last error: {last_exc})"
                                                                              if last_exc else ""))


def _xml(props: dict[str, object]) -> str:
    body = "".join(f"<property><name>{k}</name><value>{v}</value></property>\n" for k, v in props.items())
    return f"<?xml version=\"1.0\"?>\n<configuration>\n{body}</configuration>\n"


class MiniCluster:
    def __init__(self, root: Path, datanodes: int = 3, conf: dict | None = None, env: dict | None = None):
        self.root = root
        self.conf_dir = root / "conf"
        self.conf_dir.mkdir(parents=True, exist_ok=True)
        self.home = root / "home"
        self.home.mkdir(exist_ok=True)
        self.rpc_port, self.http_port = free_ports(2)
        self.props: dict[str, object] = {
            "fs.defaultFS": f"hdfs://localhost:{self.rpc_port}",
            "hadoop.tmp.dir": str(root / "data"),
            "dfs.namenode.http-address": f"127.0.0.1:{self.http_port}",
            "dfs.replication": 3,
            "dfs.blocksize": "1m",
            "dfs.heartbeat.interval": f"{int(HEARTBEAT * 1000)}ms",
            "dfs.namenode.heartbeat.recheck-interval": int(RECHECK * 1000),
            "dfs.namenode.redundancy.interval.seconds": "300ms",
            "dfs.namenode.safemode.extension": 0,
            "dfs.datanode.scan.period.hours": -1,
            "dfs.namenode.reconstruction.pending.timeout-sec": 5,
            "ipc.client.connect.max.retries": 2,
            "ipc.client.connect.retry.interval": 200,
        }
        self.props.update(conf or {})
        core = ("fs.", "hadoop.", "ipc.")
        (self.conf_dir / "core-site.xml").write_text(_xml({k: v for k, v in self.props.items() if k.startswith(core)}))
        (self.conf_dir / "hdfs-site.xml").write_text(_xml({k: v for k, v in self.props.items()
                                                          if not k.startswith(core)}))
        base = {k: v for k, v in os.environ.items() if not k.startswith(("HADOOP_", "PYHDP_", "HDFS_"))}
        base.update({"HOME": str(self.home), "PYHDP_CONF_DIR": str(self.conf_dir), "PYHDP_PYTHON": sys.executable,
                     "PYTHONPATH": str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
                     "HADOOP_ROOT_LOGGER": "INFO,console"})
        base.update(env or {})
        self.env = base
        self.procs: dict[str, subprocess.Popen] = {}
        self.dn_ports: dict[int, tuple[int, int]] = {}
        self.n_datanodes = datanodes

    # ------------------------------------------------------------------ processes
    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = open(self.root / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(argv, env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=self.home,
                                start_new_session=True)
        log.close()
        self.procs[name] = proc
        return proc

    def start_namenode(self, wait: bool = True) -> subprocess.Popen:
        proc = self._spawn("nn", [str(BIN / "hdfs"), "namenode"])
        if wait:
            wait_until(lambda: self._nn_up() or proc.poll() is not None, 30, "the NameNode to listen")
            assert proc.poll() is None, self.log("nn")
        return proc

    def _nn_up(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.rpc_port), timeout=0.5):
                return True
        except OSError:
            return False

    def dn_data_dir(self, i: int) -> Path:
        return self.root / f"dn{i}"

    def start_datanode(self, i: int, extra: dict | None = None) -> subprocess.Popen:
        if i not in self.dn_ports:
            self.dn_ports[i] = tuple(free_ports(2))  # type: ignore[assignment]
        http, xfer = self.dn_ports[i]
        props = {"dfs.datanode.data.dir": str(self.dn_data_dir(i)), "dfs.datanode.http.address": f"127.0.0.1:{http}",
                 "dfs.datanode.address": f"127.0.0.1:{xfer}", **(extra or {})}
        argv = [str(BIN / "hdfs"), "datanode"]
        for k, v in props.items():
            argv += ["-D", f"{k}={v}"]
        return self._spawn(f"dn{i}", argv)

    def start(self) -> MiniCluster:
        self.start_namenode()
        for i in range(1, self.n_datanodes + 1):
            self.start_datanode(i)
        self.wait_live(self.n_datanodes, 30)
        return self

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.procs[name]
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, sig)
        proc.wait(timeout=30)

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGKILL)
                proc.wait()

    def log(self, name: str) -> str:
        try:
            return (self.root / f"{name}.log").read_text(errors="replace")
        except OSError:
            return ""

    # ------------------------------------------------------------------ clients
    def conf(self):
        from pyhdp.conf import Configuration

        conf = Configuration()
        for k, v in self.props.items():
            conf.set(k, str(v))
        return conf

    def fs(self, user: str | None = None):
        from pyhdp.hdfs.remote import RemoteDistributedFileSystem

        fs = RemoteDistributedFileSystem(self.conf(), f"localhost:{self.rpc_port}", user)
        return fs

    def report(self, kind: str = "all") -> list[dict]:
        return self.fs().datanode_report(kind)

    def live_names(self) -> set[str]:
        return {d["name"] for d in self.report("live")}

    def wait_live(self, n: int, timeout: float) -> None:
        wait_until(lambda: len(self.report("live")) >= n, timeout, f"{n} live DataNodes")

    def replicas(self, path: str) -> list[list[str]]:
        fs = self.fs()
        return [loc.names for loc in fs.get_block_locations(path, 0, 1 << 62)]

    def cli(self, *args: str, input: bytes | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN / args[0]), *args[1:]], env=self.env, cwd=self.home, input=input,
                              capture_output=True, timeout=timeout)
