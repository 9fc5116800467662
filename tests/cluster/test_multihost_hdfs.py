"""The real HDFS daemons started by the real ``start-dfs.sh`` on the SSH test hosts, and stopped again.

The NameNode runs on this machine (the master: the bridge address in netns mode, 127.0.0.1 on
loopback hosts), a DataNode on each of the four hosts, reached over SSH. Each host binds its
DataNode to its own address (``${pyhdp.host}``) and keeps its data, pid and log files in its own
directory; ``pyhdp.cluster.sync-on-start`` copies the cluster secret the NameNode creates to the
hosts before their DataNodes start. Waits: at most 90 s for the four DataNodes to register.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from pyhdp.cluster import daemon, scripts
from pyhdp.security import login_user

SBIN = Path(scripts.__file__).resolve().parent / "sbin"


def free_port(addr: str) -> int:
    with socket.socket() as s:
        s.bind((addr, 0))
        return s.getsockname()[1]


def live_datanodes(http: str) -> dict:
    with urllib.request.urlopen(f"http://{http}/jmx", timeout=5) as r:
        beans = json.load(r)["beans"]
    for bean in beans:
        if "LiveNodes" in bean:
            return json.loads(bean["LiveNodes"])
    return {}


def daemon_pids_on(cluster, host) -> list[int]:
    """pids of pyhdp daemons in ``host``'s network namespace."""
    if not host.netns:
        return []
    out = subprocess.run(["ip", "netns", "pids", host.netns], capture_output=True, text=True).stdout
    pids = []
    for pid in out.split():
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(a.startswith(b"-Dproc_") for a in cmd):
            pids.append(int(pid))
    return pids


def test_start_dfs_brings_up_a_datanode_on_every_host_and_stop_dfs_stops_all(cluster):
    try:
        import pyhdp.hdfs.server.namenode  # noqa: F401
    except ImportError:
        pytest.skip("the HDFS daemons are not in this tree")
    hosts = cluster.hosts.hosts
    master = cluster.hosts.bridge_address
    rpc, http = free_port(master), free_port(master)
    cluster.set(**{
        "fs.defaultFS": f"hdfs://{master}:{rpc}",
        "dfs.namenode.http-address": f"{master}:{http}",
        "dfs.namenode.secondary.http-address": "",
        "dfs.datanode.address": "${pyhdp.host}:9866",
        "dfs.datanode.http.address": "${pyhdp.host}:9864",
        "dfs.datanode.ipc.address": "${pyhdp.host}:9867",
        "dfs.heartbeat.interval": "1s",
        "pyhdp.cluster.sync-on-start": "true",
    })
    env = cluster.home.env
    start = time.monotonic()
    proc = subprocess.run([str(SBIN / "start-dfs.sh")], capture_output=True, text=True, env=env,
                          cwd=cluster.home.home, timeout=180)
    try:
        assert proc.returncode == 0, proc
        lines = proc.stdout.splitlines()
        assert lines[0] == f"Starting namenodes on [{master}]"
        assert "Starting datanodes" in lines
        assert not any("ERROR" in line for line in lines), proc.stdout
        nn_pid_file = cluster.host_dir("localhost") / "data" / "pids" / f"hadoop-{login_user()}-namenode.pid"
        nn_pid = int(nn_pid_file.read_text())
        deadline = time.monotonic() + 90
        live: dict = {}
        while time.monotonic() < deadline:
            try:
                live = live_datanodes(f"{master}:{http}")
            except OSError:
                live = {}
            if len(live) == len(hosts):
                break
            time.sleep(0.2)
        elapsed = time.monotonic() - start
        assert len(live) == len(hosts), (live, proc.stdout)
        registered = json.dumps(live)
        for h in hosts:
            assert h.address in registered
        print(f"start-dfs.sh + {len(hosts)} live DataNodes: {elapsed:.2f} s")  # shown with -s

        r = cluster.run("hdfs", "--workers", "--daemon", "status", "datanode")
        assert r.returncode == 0, r
        for h in hosts:
            assert f"{h.entry}: datanode is running as process " in r.stdout
            assert (cluster.host_dir(h.entry) / "data" / "dfs" / "name" / "current" / "cluster.secret").exists()
    finally:
        stop = subprocess.run([str(SBIN / "stop-dfs.sh")], capture_output=True, text=True, env=env,
                              cwd=cluster.home.home, timeout=180)
    assert stop.returncode == 0, stop
    assert stop.stdout.splitlines()[:2] == [f"Stopping namenodes on [{master}]", "Stopping datanodes"]
    for h in hosts:
        assert daemon_pids_on(cluster, h) == []
    r = cluster.run("hdfs", "--workers", "--daemon", "status", "datanode")
    assert r.returncode == 1
    assert r.stdout.count("datanode is stopped.") == len(hosts)
    assert not daemon.is_daemon_process(nn_pid, "namenode") and not nn_pid_file.exists()
