"""A real YARN cluster on loopback for tests: one ResourceManager and N NodeManagers as
processes (``bin/yarn resourcemanager`` / ``nodemanager``), free ports, short intervals."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
BIN = REPO / "bin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def site_xml(props: dict[str, str]) -> str:
    body = "".join(f"<property><name>{k}</name><value>{v}</value></property>\n" for k, v in props.items())
    return f'<?xml version="1.0"?>\n<configuration>\n{body}</configuration>\n'


class MiniYarn:
    def __init__(
        self,
        root: Path,
        env: dict[str, str],
        nodes: int = 2,
        node_mb: int = 2048,
        extra: dict[str, str] | None = None,
    ):
        # the cluster's directories live outside pytest's tmp dirs: a concurrent pytest session's
        # clean-up may rename those (garbage-*) under running daemons
        root.mkdir(parents=True, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix="miniyarn-"))
        self.root.chmod(0o755)  # containers may run as another user
        (root / "cluster-root").write_text(str(self.root))
        self.env = dict(env)
        self.rm_port = free_port()
        self.web = f"127.0.0.1:{self.rm_port}"
        self.props = {
            "yarn.resourcemanager.webapp.address": self.web,
            "pyhdp.cluster.secret.file": str(root / "cluster.secret"),
            "hadoop.tmp.dir": str(root / "tmp"),
            "fs.defaultFS": "file:///",
            "yarn.nm.liveness-monitor.expiry-interval-ms": "3000",
            "yarn.resourcemanager.nodemanagers.heartbeat-interval-ms": "200",
            "yarn.scheduler.minimum-allocation-mb": "128",
            "yarn.scheduler.maximum-allocation-mb": str(node_mb),
            "yarn.scheduler.capacity.maximum-am-resource-percent": "0.5",
            "yarn.nodemanager.resource.memory-mb": str(node_mb),
            "yarn.nodemanager.resource.cpu-vcores": "4",
            "yarn.nodemanager.container-monitor.interval-ms": "300",
            "yarn.nodemanager.vmem-check-enabled": "false",
            "yarn.log-aggregation-enable": "true",
            "yarn.nodemanager.remote-app-log-dir": str(root / "app-logs"),
            "yarn.app.mapreduce.am.resource.mb": "256",
            "yarn.app.mapreduce.am.staging-dir": str(root / "staging"),
            "mapreduce.map.memory.mb": "256",
            "mapreduce.reduce.memory.mb": "256",
            "yarn.app.mapreduce.am.scheduler.heartbeat.interval-ms": "100",
            "mapreduce.client.progressmonitor.pollinterval": "200",
            "mapreduce.jobhistory.intermediate-done-dir": str(root / "history"),
            "mapreduce.jobhistory.done-dir": str(root / "history-done"),
        }
        self.props.update(extra or {})
        self.conf_dir = root / "conf"
        self.write_conf(self.conf_dir, self.props)
        self.env["PYHDP_CONF_DIR"] = str(self.conf_dir)
        self.env["HADOOP_CONF_DIR"] = str(self.conf_dir)
        self.env.setdefault("HADOOP_ROOT_LOGGER", "INFO,console")
        self.rm: subprocess.Popen | None = None
        self.nms: list[subprocess.Popen | None] = []
        self.nm_ports: list[int] = []
        self.n = nodes

    @staticmethod
    def write_conf(d: Path, props: dict[str, str]) -> None:
        d.mkdir(parents=True, exist_ok=True)
        (d / "yarn-site.xml").write_text(site_xml(props))

    def _spawn(self, args: list[str], conf_dir: Path, log: str) -> subprocess.Popen:
        env = dict(self.env, PYHDP_CONF_DIR=str(conf_dir), HADOOP_CONF_DIR=str(conf_dir))
        out = open(self.root / log, "ab")
        return subprocess.Popen(
            [str(BIN / "yarn"), *args], env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )

    def start_rm(self) -> None:
        self.rm = self._spawn(["resourcemanager"], self.conf_dir, "rm.log")
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                self.get("/ws/v1/cluster/info")
                return
            except OSError as e:
                if self.rm.poll() is not None:
                    raise RuntimeError((self.root / "rm.log").read_text()) from e
                time.sleep(0.1)
        raise RuntimeError("RM did not start: " + (self.root / "rm.log").read_text())

    def start_nm(self, i: int) -> None:
        port = self.nm_ports[i] if i < len(self.nm_ports) else free_port()
        d = self.root / f"nm{i}"
        props = dict(self.props)
        props.update(
            {
                "yarn.nodemanager.webapp.address": f"127.0.0.1:{port}",
                "yarn.nodemanager.address": f"127.0.0.1:{port + 10000 if port < 55000 else port - 10000}",
                "yarn.nodemanager.local-dirs": str(d / "local"),
                "yarn.nodemanager.log-dirs": str(d / "logs"),
            }
        )
        self.write_conf(d / "conf", props)
        p = self._spawn(["nodemanager"], d / "conf", f"nm{i}.log")
        if i < len(self.nm_ports):
            self.nms[i] = p
        else:
            self.nm_ports.append(port)
            self.nms.append(p)

    def start(self) -> MiniYarn:
        self.start_rm()
        for i in range(self.n):
            self.start_nm(i)
        self.wait_nodes(self.n)
        return self

    def wait_nodes(self, n: int, timeout: float = 30) -> list[dict]:
        deadline = time.time() + timeout
        while time.time() < deadline:
            nodes = (self.get("/ws/v1/cluster/nodes?states=RUNNING").get("nodes") or {}).get("node") or []
            if len(nodes) >= n:
                return nodes
            time.sleep(0.1)
        raise RuntimeError(f"{n} NodeManagers did not register: " + self.logs())

    def get(self, path: str) -> dict:
        with urllib.request.urlopen(f"http://{self.web}{path}", timeout=10) as r:
            return json.loads(r.read() or b"null")

    def app(self, app_id: str) -> dict:
        return self.get(f"/ws/v1/cluster/apps/{app_id}")["app"]

    def wait_app(self, app_id: str, states=("FINISHED", "FAILED", "KILLED"), timeout: float = 120) -> dict:
        deadline = time.time() + timeout
        while time.time() < deadline:
            a = self.app(app_id)
            if a["state"] in states:
                return a
            time.sleep(0.1)
        raise RuntimeError(f"{app_id} not in {states}: {self.app(app_id)}\n{self.logs()}")

    def wait_log_aggregation(self, app_id: str, timeout: float = 30) -> str:
        deadline = time.time() + timeout
        status = ""
        while time.time() < deadline:
            status = self.app(app_id)["logAggregationStatus"]
            if status in ("SUCCEEDED", "FAILED", "DISABLED"):
                return status
            time.sleep(0.1)
        return status

    def logs(self) -> str:
        out = []
        for p in sorted(self.root.glob("*.log")):
            out.append(f"==== {p.name}\n" + p.read_text(errors="replace")[-6000:])
        return "\n".join(out)

    def run(
        self, prog: str, *args: str, timeout: float = 180, input: str | None = None
    ) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(BIN / prog), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.root,
            input=input,
        )

    def nm_containers(self, i: int) -> list[dict]:
        with urllib.request.urlopen(
            f"http://127.0.0.1:{self.nm_ports[i]}/ws/v1/node/containers", timeout=10
        ) as r:
            data = json.loads(r.read() or b"null")
        return ((data or {}).get("containers") or {}).get("container") or []

    def kill9_nm(self, i: int) -> None:
        p = self.nms[i]
        assert p is not None
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def stop(self) -> None:
        for p in [*self.nms, self.rm]:
            if p is not None and p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for p in [*self.nms, self.rm]:
            if p is None:
                continue
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        if not os.environ.get("PYHDP_KEEP_MINIYARN"):
            self.cleanup()


def cleanup(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)
