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
    master, http = configure_hdfs(cluster)
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
        live = wait_live(f"{master}:{http}", len(hosts), 90)
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


def configure_hdfs(cluster, **extra: str) -> tuple[str, int]:
    """A NameNode on the master, DataNodes bound to their host's address; returns (master, http port)."""
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
    if extra:
        cluster.set(**extra)
    return master, http


def wait_live(http: str, count: int, timeout: float, dead: int | None = None) -> dict:
    """Poll the NameNode's /jmx until ``count`` live DataNodes (and ``dead`` dead ones, if given)."""
    deadline = time.monotonic() + timeout
    live: dict = {}
    while time.monotonic() < deadline:
        try:
            live, dead_now = nodes(http)
        except OSError:
            live, dead_now = {}, {}
        if len(live) == count and (dead is None or len(dead_now) == dead):
            break
        time.sleep(0.2)
    return live


def nodes(http: str) -> tuple[dict, dict]:
    with urllib.request.urlopen(f"http://{http}/jmx", timeout=5) as r:
        beans = json.load(r)["beans"]
    for bean in beans:
        if "LiveNodes" in bean:
            return json.loads(bean["LiveNodes"]), json.loads(bean.get("DeadNodes") or "{}")
    return {}, {}


def test_wrong_key_on_one_worker_then_a_partition_and_its_healing(cluster):
    """One worker refuses our key: start-dfs.sh names it and fails, the other three DataNodes run.
    Then nftables cuts one of them off the master: the NameNode declares it dead after
    2 x recheck + 10 x heartbeat (here 1 + 3 s; we wait up to 60 s); healed, it is live again.
    Then another host's link goes down: dead; link up: live again."""
    try:
        import pyhdp.hdfs.server.namenode  # noqa: F401
    except ImportError:
        pytest.skip("the HDFS daemons are not in this tree")
    cluster.hosts.require_netns()
    hosts = cluster.hosts.hosts
    bad, cut = hosts[3], hosts[2]
    master, http = configure_hdfs(cluster, **{"dfs.heartbeat.interval": "300ms",
                                              "dfs.namenode.heartbeat.recheck-interval": "500ms"})
    env = cluster.home.env
    saved = bad.authorized_keys.read_text()
    bad.authorized_keys.write_text("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFakeFakeFakeFakeFakeFakeFakeFake0 x\n")
    try:
        proc = subprocess.run([str(SBIN / "start-dfs.sh")], capture_output=True, text=True, env=env,
                              cwd=cluster.home.home, timeout=180)
        assert proc.returncode == 1, proc
        assert (f"{bad.entry}: ERROR: authentication failed for root@{bad.address} port 22 "
                f"(tried key {cluster.hosts.key}) (while running 'hdfs --daemon start datanode')") in proc.stderr
        assert proc.stderr.count("ERROR") == 1, proc.stderr
        live = wait_live(f"{master}:{http}", 3, 60)
        assert len(live) == 3 and bad.address not in json.dumps(live), live

        cluster.hosts.partition("master", cut)
        live = wait_live(f"{master}:{http}", 2, 60, dead=1)
        assert len(live) == 2 and cut.address not in json.dumps(live)
        assert cut.address in json.dumps(nodes(f"{master}:{http}")[1])

        cluster.hosts.heal()
        live = wait_live(f"{master}:{http}", 3, 60, dead=0)
        assert len(live) == 3 and cut.address in json.dumps(live)

        lost = hosts[0]  # losing a host: its link goes down
        cluster.hosts.link_down(lost)
        live = wait_live(f"{master}:{http}", 2, 60, dead=1)
        assert len(live) == 2 and lost.address in json.dumps(nodes(f"{master}:{http}")[1])
        cluster.hosts.link_up(lost)
        live = wait_live(f"{master}:{http}", 3, 60, dead=0)
        assert len(live) == 3 and lost.address in json.dumps(live)
    finally:
        cluster.hosts.link_up(hosts[0])
        cluster.hosts.heal()
        bad.authorized_keys.write_text(saved)
        stop = subprocess.run([str(SBIN / "stop-dfs.sh")], capture_output=True, text=True, env=env,
                              cwd=cluster.home.home, timeout=180)
    assert stop.returncode == 0, stop
    assert f"{bad.entry}: no datanode to stop" in stop.stdout
    for h in hosts:
        assert daemon_pids_on(cluster, h) == []
