"""The RM under many concurrent small applications, and a distributed-shell application."""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import pytest

from pyhdp.conf import load_configuration
from pyhdp.yarn.client import YarnClient

from .minicluster import MiniYarn


@pytest.fixture
def cluster(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HADOOP_", "PYHDP_", "YARN_", "HDFS_", "MAPRED_"))
    }
    env.update(
        {
            "HOME": str(tmp_path),
            "PYHDP_PYTHON": sys.executable,
            "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),
        }
    )
    c = MiniYarn(
        tmp_path / "y",
        env,
        nodes=2,
        node_mb=2048,
        extra={"yarn.scheduler.capacity.maximum-am-resource-percent": "1.0"},
    )
    try:
        yield c.start()
    finally:
        c.stop()


def submit(yc: YarnClient, cmd: str, name: str) -> str:
    app = yc.new_application()["application-id"]
    yc.submit(
        {
            "application-submission-context": {
                "application-id": app,
                "application-name": name,
                "application-type": "YARN",
                "am-container-spec": {
                    "commands": {"command": cmd + " 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr"}
                },
                "resource": {"memory": 128, "vCores": 1},
            }
        },
        "bob",
    )
    return app


def test_hundred_concurrent_small_applications(cluster):
    yc = YarnClient(load_configuration(str(cluster.conf_dir)))
    apps = [
        submit(yc, "{{PYTHON}} -m pyhdp.yarn.apps.dshell --num_containers 0", f"small-{i}")
        for i in range(100)
    ]
    assert len(set(apps)) == 100
    deadline = time.time() + 300
    while time.time() < deadline:
        states = [a["state"] for a in yc.apps(states="FINISHED,FAILED,KILLED")]
        if len(states) == 100:
            break
        time.sleep(0.5)
    final = {a["id"]: (a["state"], a["finalStatus"]) for a in yc.apps()}
    assert set(final) == set(apps)
    assert set(final.values()) == {("FINISHED", "SUCCEEDED")}, cluster.logs()
    m = yc.metrics()
    assert (m["appsSubmitted"], m["appsCompleted"], m["allocatedMB"]) == (100, 100, 0)


def test_distributed_shell(cluster):
    yc = YarnClient(load_configuration(str(cluster.conf_dir)))
    ok = submit(
        yc,
        "{{PYTHON}} -m pyhdp.yarn.apps.dshell --num_containers 3 --shell_command 'echo $CONTAINER_ID'",
        "dshell",
    )
    bad = submit(
        yc, "{{PYTHON}} -m pyhdp.yarn.apps.dshell --num_containers 2 --shell_command 'exit 3'", "bad"
    )
    a = cluster.wait_app(ok)
    assert (a["state"], a["finalStatus"]) == ("FINISHED", "SUCCEEDED"), cluster.logs()
    b = cluster.wait_app(bad)
    assert (b["state"], b["finalStatus"]) == ("FINISHED", "FAILED")
    assert cluster.wait_log_aggregation(ok) == "SUCCEEDED"
    logs = cluster.run("yarn", "logs", "-applicationId", ok, "-log_files", "stdout", "-appOwner", "bob")
    ids = [ln for ln in logs.stdout.splitlines() if ln.startswith("container_") and "_01_00000" in ln]
    assert len(ids) == 3 and all(f"Container: {i} on " in logs.stdout for i in ids)


@pytest.mark.skipif(os.geteuid() != 0, reason="running containers as another user needs a root NodeManager")
def test_containers_run_as_the_submitting_user(tmp_path):
    import pwd

    try:
        pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no user 'nobody'")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HADOOP_", "PYHDP_", "YARN_", "HDFS_", "MAPRED_"))
    }
    env.update(
        {
            "HOME": str(tmp_path),
            "PYHDP_PYTHON": sys.executable,
            "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),
        }
    )
    c = MiniYarn(
        tmp_path / "y",
        env,
        nodes=1,
        extra={
            "yarn.nodemanager.container-executor.class": "org.apache.hadoop.yarn.server.nodemanager.LinuxContainerExecutor"
        },
    )
    try:
        c.start()
        yc = YarnClient(load_configuration(str(c.conf_dir)))
        app = yc.new_application()["application-id"]
        # the AM itself is the probe (the test interpreter may live where 'nobody' cannot read it)
        yc.submit(
            {
                "application-submission-context": {
                    "application-id": app,
                    "application-name": "whoami",
                    "max-app-attempts": 1,
                    "am-container-spec": {
                        "commands": {
                            "command": "{ id -un; pwd; touch here; } 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr"
                        }
                    },
                    "resource": {"memory": 128, "vCores": 1},
                }
            },
            "nobody",
        )
        a = c.wait_app(app)
        assert a["state"] == "FAILED", a  # it never registered
        assert c.wait_log_aggregation(app) == "SUCCEEDED", c.logs()
        logs = c.run("yarn", "logs", "-applicationId", app, "-appOwner", "nobody", "-log_files", "stdout")
        assert re.search(r"LogContents:\nnobody\n\S*/usercache/nobody/appcache/" + app, logs.stdout), logs
    finally:
        c.stop()
