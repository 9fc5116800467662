"""Faults caused for real on a loopback YARN cluster: a killed application, a container
killed with SIGKILL, a NodeManager killed with SIGKILL, a task over its memory limit."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .minicluster import BIN, MiniYarn

JOBS: list[subprocess.Popen] = []

SLOW = """#!/bin/sh
sleep {secs}
cat
"""


def make_cluster(tmp_path: Path, nodes: int = 2, node_mb: int = 2048, **extra: str) -> MiniYarn:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HADOOP_", "PYHDP_", "YARN_", "HDFS_", "MAPRED_"))
    }
    env.update(
        {
            "HOME": str(home),
            "PYHDP_PYTHON": sys.executable,
            "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),
        }
    )
    props = {"mapreduce.framework.name": "yarn"}
    props.update({k: v.replace("STORE", str(tmp_path / "rmstore")) for k, v in extra.items()})
    return MiniYarn(tmp_path / "yarn", env, nodes=nodes, node_mb=node_mb, extra=props)


@pytest.fixture
def mk(tmp_path):
    made: list[MiniYarn] = []

    def make(**kw) -> MiniYarn:
        c = make_cluster(tmp_path, **kw)
        made.append(c)
        return c.start()

    yield make
    for job in JOBS:  # a job client whose test failed must not outlive it
        if job.poll() is None:
            job.kill()
            job.wait()
    JOBS.clear()
    for c in made:
        c.stop()


def slow_mapper(root: Path, secs: float) -> str:
    p = root / f"slow{secs}.sh"
    p.write_text(SLOW.format(secs=secs))
    p.chmod(0o755)
    return str(p)


def inputs(root: Path, n: int) -> Path:
    d = root / "in"
    d.mkdir(exist_ok=True)
    for i in range(n):
        (d / f"f{i}.txt").write_text("".join(f"w{(i * 7 + j) % 13}\n" for j in range(200)))
    return d


def expected_uniq(d: Path) -> bytes:
    words = sorted(w for p in sorted(d.iterdir()) for w in p.read_text().split())
    from itertools import groupby

    return b"".join(b"%7d %s\t\n" % (len(list(g)), k.encode()) for k, g in groupby(words))  # key-only lines


def start_job(c: MiniYarn, mapper: str, inp: Path, out: Path, *opts: str) -> subprocess.Popen:
    args = [
        str(BIN / "mapred"),
        "streaming",
        *opts,
        "-input",
        f"file://{inp}",
        "-output",
        f"file://{out}",
        "-mapper",
        mapper,
        "-reducer",
        "uniq -c",
    ]
    job = subprocess.Popen(
        args, env=c.env, cwd=c.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    JOBS.append(job)
    return job


def wait_app_id(c: MiniYarn, timeout: float = 30) -> str:
    deadline = time.time() + timeout
    while time.time() < deadline:
        apps = (c.get("/ws/v1/cluster/apps").get("apps") or {}).get("app") or []
        if apps:
            return apps[-1]["id"]
        time.sleep(0.1)
    raise AssertionError("no application submitted\n" + c.logs())


def running_task_containers(c: MiniYarn, i: int) -> list[dict]:
    return [x for x in c.nm_containers(i) if x["state"] == "RUNNING" and not x["id"].endswith("_000001")]


def wait_running_tasks(c: MiniYarn, n: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if sum(len(running_task_containers(c, i)) for i in range(len(c.nms)) if c.nms[i].poll() is None) >= n:
            return
        time.sleep(0.1)
    raise AssertionError(f"{n} task containers never ran\n" + c.logs())


def test_kill_application_mid_job(mk, tmp_path):
    c = mk(nodes=2)
    inp = inputs(c.root, 3)
    out = c.root / "out"
    job = start_job(c, slow_mapper(c.root, 60), inp, out)
    app = wait_app_id(c)
    wait_running_tasks(c, 3)
    live = c.run("yarn", "logs", "-applicationId", app, "-log_files", "launch_container.sh")
    assert live.returncode == 0, live.stderr
    assert (
        len(re.findall(r"^LogAggregationType: LOCAL$", live.stdout, re.M)) == 4
    )  # AM + 3 maps, while running
    assert "export CONTAINER_ID=" in live.stdout
    r = c.run("yarn", "application", "-kill", app)
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"Killing application {app}\n"
    assert f"INFO impl.YarnClientImpl: Killed application {app}" in r.stderr
    a = c.wait_app(app)
    assert (a["state"], a["finalStatus"]) == ("KILLED", "KILLED")
    stdout, stderr = job.communicate(timeout=60)
    assert job.returncode != 0
    assert "failed with state KILLED" in stderr
    assert not (out / "_SUCCESS").exists()
    outside = [p for p in out.rglob("part-*") if "_temporary" not in p.parts] if out.exists() else []
    assert outside == []
    deadline = time.time() + 15
    while time.time() < deadline:
        live = [x for i in range(2) for x in c.nm_containers(i) if x["state"] != "DONE"]
        if not live:
            break
        time.sleep(0.2)
    assert live == []
    again = c.run("yarn", "application", "-kill", app)
    assert again.returncode == 0 and again.stdout == f"Application {app} has already finished \n"


def _proc_of_attempt(app: str, suffix: str) -> int | None:
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            if b"pyhdp.yarn.mrapp.yarnchild" not in cmd or b"bash" in cmd.split(b"\0")[0]:
                continue
            task = json.loads((Path(os.readlink(f"/proc/{pid}/cwd")) / "task.json").read_text())
        except (OSError, ValueError):
            continue
        if task["app_id"] == app and task["desc"]["attempt_id"].endswith(suffix):
            return int(pid)
    return None


def test_kill9_container_attempt_is_retried(mk):
    c = mk(nodes=2)
    inp = inputs(c.root, 2)
    out = c.root / "out"
    job = start_job(c, slow_mapper(c.root, 3), inp, out)
    app = wait_app_id(c)
    deadline = time.time() + 60
    pid = None
    while pid is None and time.time() < deadline:
        pid = _proc_of_attempt(app, "_m_000000_0")
        time.sleep(0.05)
    assert pid is not None, c.logs()
    os.kill(pid, signal.SIGKILL)
    stdout, stderr = job.communicate(timeout=120)
    assert job.returncode == 0, stderr + c.logs()
    assert re.search(r"Task Id : attempt_\d+_\d+_m_000000_0, Status : FAILED", stderr), stderr
    assert re.search(r"Failed map tasks=1\b", stderr)
    assert (out / "part-00000").read_bytes() == expected_uniq(inp)


def test_kill9_nodemanager_job_still_succeeds(mk):
    c = mk(nodes=3, node_mb=1024)
    inp = inputs(c.root, 6)
    out = c.root / "out"
    job = start_job(c, slow_mapper(c.root, 4), inp, out)
    app = wait_app_id(c)
    wait_running_tasks(c, 3)
    a = c.app(app)
    am_port = int(a["amHostHttpAddress"].rsplit(":", 1)[1])
    victims = [i for i in range(3) if c.nm_ports[i] != am_port and running_task_containers(c, i)]
    assert victims, c.logs()
    c.kill9_nm(victims[0])
    stdout, stderr = job.communicate(timeout=180)
    assert job.returncode == 0, stderr + c.logs()
    assert (out / "part-00000").read_bytes() == expected_uniq(inp)
    assert c.app(app)["finalStatus"] == "SUCCEEDED"
    lost = c.run("yarn", "node", "-list", "-states", "LOST")
    assert lost.stdout.startswith("Total Nodes:1\n"), lost


def test_task_over_memory_limit_is_killed(mk):
    c = mk(nodes=1, node_mb=2048)
    inp = inputs(c.root, 1)
    hog = c.root / "hog.py"
    hog.write_text(
        "import sys, time\nb = bytearray(400 << 20)\nfor i in range(0, len(b), 4096):\n    b[i] = 1\n"
        "time.sleep(20)\nsys.stdout.write(sys.stdin.read())\n"
    )
    out = c.root / "out"
    job = start_job(
        c,
        f"{sys.executable} {hog}",
        inp,
        out,
        "-D",
        "mapreduce.map.memory.mb=256",
        "-D",
        "mapreduce.map.maxattempts=1",
    )
    stdout, stderr = job.communicate(timeout=120)
    assert job.returncode != 0
    assert re.search(
        r"Container \[pid=\d+,containerID=container_\d+_\d+_01_\d+\] is running beyond physical "
        r"memory limits\. Current usage: [\d.]+ MB of 256 MB physical memory used",
        stderr,
    ), stderr
    assert "Killing container." in stderr
    assert "failed with state FAILED" in stderr


def test_rm_killed_and_restarted_with_recovery(mk):
    c = mk(
        nodes=2,
        **{
            "yarn.resourcemanager.recovery.enabled": "true",
            "yarn.resourcemanager.fs.state-store.uri": "STORE",
        },
    )
    inp = inputs(c.root, 3)
    out = c.root / "out"
    job = start_job(c, slow_mapper(c.root, 3), inp, out)
    app = wait_app_id(c)
    wait_running_tasks(c, 2)
    os.killpg(c.rm.pid, signal.SIGKILL)
    c.rm.wait()
    time.sleep(1.0)
    c.start_rm()
    a = c.app(app)
    assert a["state"] in ("ACCEPTED", "RUNNING", "FINISHED")  # recovered, not lost
    stdout, stderr = job.communicate(timeout=180)
    assert job.returncode == 0, stderr + c.logs()
    assert (out / "part-00000").read_bytes() == expected_uniq(inp)
    a = c.wait_app(app)
    assert (a["state"], a["finalStatus"]) == ("FINISHED", "SUCCEEDED")
    atts = c.get(f"/ws/v1/cluster/apps/{app}/appattempts")["appAttempts"]["appAttempt"]
    assert len(atts) == 2 and atts[0]["appAttemptState"] == "FAILED"


SLOW_ONE = """#!/bin/sh
data=$(cat)
case "$data" in *SLOW*) sleep 12;; esac
printf '%s\\n' "$data"
"""


@pytest.mark.parametrize(
    "expiry", ["3000", "600000"], ids=["rm-declares-node-lost", "reducer-fetch-failures"]
)
def test_lost_node_map_outputs_are_produced_again(mk, expiry):
    c = mk(nodes=3, node_mb=1024, **{"yarn.nm.liveness-monitor.expiry-interval-ms": expiry})
    inp = inputs(c.root, 5)
    (inp / "slow.txt").write_text("SLOW\n")
    mapper = c.root / "slow_one.sh"
    mapper.write_text(SLOW_ONE)
    mapper.chmod(0o755)
    out = c.root / "out"
    job = start_job(c, str(mapper), inp, out)
    app = wait_app_id(c)
    deadline = time.time() + 60
    victim = None
    while victim is None and time.time() < deadline:
        a = c.app(app)
        am_port = int((a.get("amHostHttpAddress") or "x:0").rsplit(":", 1)[1])
        for i in range(3):
            if c.nm_ports[i] == am_port:
                continue
            cs = c.nm_containers(i)
            done = [
                x
                for x in cs
                if x["state"] == "DONE" and x["exitCode"] == 0 and not x["id"].endswith("_000001")
            ]
            if done and not [x for x in cs if x["state"] == "RUNNING"]:
                victim = i
        time.sleep(0.1)
    assert victim is not None, "no node with finished maps only\n" + c.logs()
    c.kill9_nm(victim)
    stdout, stderr = job.communicate(timeout=180)
    assert job.returncode == 0, stderr + c.logs()
    words = sorted(w for p in sorted(inp.iterdir()) for w in p.read_text().split())
    from itertools import groupby

    assert (out / "part-00000").read_bytes() == b"".join(
        b"%7d %s\t\n" % (len(list(g)), k.encode()) for k, g in groupby(words)
    )
    if expiry == "600000":
        # the RM still counts the dead node as running: the job did not wait for it
        assert c.app(app)["finalStatus"] == "SUCCEEDED"
    assert c.wait_log_aggregation(app, timeout=10) in ("SUCCEEDED", "FAILED", "RUNNING")
    logs = c.run("yarn", "logs", "-applicationId", app, "-log_files", "stderr")
    assert re.search(
        r"WARN rm\.RMContainerAllocator: Node 127\.0\.0\.1:\d+ is lost: map outputs it held are "
        r"produced again",
        logs.stdout,
    ), logs.stdout[-3000:]


def _am_pid(app: str) -> int | None:
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            continue
        if b"pyhdp.yarn.mrapp.am" in cmd and b"bash" not in cmd.split(b"\0")[0] and f"/{app}/" in cwd + "/":
            return int(pid)
    return None


def test_am_killed_second_attempt_runs_the_job(mk):
    c = mk(nodes=2)
    inp = inputs(c.root, 3)
    out = c.root / "out"
    job = start_job(c, slow_mapper(c.root, 3), inp, out)
    app = wait_app_id(c)
    wait_running_tasks(c, 2)
    pid = _am_pid(app)
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    stdout, stderr = job.communicate(timeout=180)
    assert job.returncode == 0, stderr + c.logs()
    assert (out / "part-00000").read_bytes() == expected_uniq(inp)
    atts = c.get(f"/ws/v1/cluster/apps/{app}/appattempts")["appAttempts"]["appAttempt"]
    assert [a["appAttemptState"] for a in atts] == ["FAILED", "FINISHED"]
    assert "exited with  exitCode: 137" in atts[0]["diagnosticsInfo"]


def test_silent_task_times_out(mk):
    c = mk(nodes=1)
    inp = inputs(c.root, 1)
    out = c.root / "out"
    job = start_job(
        c,
        slow_mapper(c.root, 60),
        inp,
        out,
        "-D",
        "mapreduce.task.timeout=2000",
        "-D",
        "mapreduce.map.maxattempts=1",
    )
    stdout, stderr = job.communicate(timeout=120)
    assert job.returncode != 0
    assert re.search(r"AttemptID:attempt_\d+_\d+_m_000000_0 Timed out after 2 secs", stderr), stderr
    deadline = time.time() + 15
    while time.time() < deadline and [x for x in c.nm_containers(0) if x["state"] != "DONE"]:
        time.sleep(0.2)
    assert [x for x in c.nm_containers(0) if x["state"] != "DONE"] == []
