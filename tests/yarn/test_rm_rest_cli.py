"""The RM REST API, its authentication, and the yarn commands, against real daemons."""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from pyhdp.conf import load_configuration
from pyhdp.net.auth import sign_request
from pyhdp.yarn import rpc as yrpc
from pyhdp.yarn.client import YarnClient

from .minicluster import MiniYarn


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    root = tmp_path_factory.mktemp("yarnrest")
    home = root / "home"
    home.mkdir()
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
    c = MiniYarn(root, env, nodes=2)
    try:
        c.start()
        yield c
    finally:
        c.stop()


@pytest.fixture(scope="module")
def yc(cluster):
    return YarnClient(load_configuration(str(cluster.conf_dir)))


@pytest.fixture(scope="module")
def sleeper(cluster, yc):
    """An application whose AM container only sleeps (never registers: stays ACCEPTED)."""
    app = yc.new_application()["application-id"]
    yc.submit(
        {
            "application-submission-context": {
                "application-id": app,
                "application-name": "sleeper",
                "application-type": "YARN",
                "am-container-spec": {"commands": {"command": "sleep 60"}},
                "resource": {"memory": 256, "vCores": 1},
            }
        },
        "alice",
    )
    deadline = time.time() + 20
    while time.time() < deadline and not any(
        x["id"].endswith("_000001") and x["state"] == "RUNNING"
        for i in range(2)
        for x in cluster.nm_containers(i)
    ):
        time.sleep(0.1)
    return app


def http(cluster, method, path, body=None, headers=None):
    req = urllib.request.Request(
        f"http://{cluster.web}{path}", data=body, method=method, headers=headers or {}
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def test_info_metrics_scheduler(cluster):
    info = cluster.get("/ws/v1/cluster/info")["clusterInfo"]
    assert info["state"] == "STARTED" and info["haState"] == "ACTIVE" and isinstance(info["id"], int)
    m = cluster.get("/ws/v1/cluster/metrics")["clusterMetrics"]
    assert (m["totalMB"], m["activeNodes"], m["totalVirtualCores"]) == (4096, 2, 8)
    s = cluster.get("/ws/v1/cluster/scheduler")["scheduler"]["schedulerInfo"]
    assert s["type"] == "capacityScheduler"
    assert [q["queueName"] for q in s["queues"]["queue"]] == ["default"]
    assert s["queues"]["queue"][0]["type"] == "capacitySchedulerLeafQueueInfo"


def test_rest_errors(cluster):
    code, body = http(cluster, "GET", "/ws/v1/cluster/apps?states=BOGUS")
    assert code == 400 and "Invalid application-state BOGUS specified" in body["RemoteException"]["message"]
    code, body = http(cluster, "GET", "/ws/v1/cluster/apps/application_1_0001")
    assert code == 404
    assert body["RemoteException"] == {
        "exception": "NotFoundException",
        "message": "java.lang.Exception: app with id: application_1_0001 not found",
        "javaClassName": "org.apache.hadoop.yarn.webapp.NotFoundException",
    }
    code, body = http(cluster, "GET", "/ws/v1/cluster/apps/foo")
    assert code == 400 and "Invalid ApplicationId: foo" in body["RemoteException"]["message"]


def test_outsiders_are_refused(cluster, yc, sleeper):
    # unsigned: no new application, no kill, no NM registration
    assert http(cluster, "POST", "/ws/v1/cluster/apps/new-application")[0] == 403
    body = json.dumps({"state": "KILLED"}).encode()
    assert (
        http(
            cluster, "PUT", f"/ws/v1/cluster/apps/{sleeper}/state", body, {"Content-Type": "application/json"}
        )[0]
        == 403
    )
    forged = sign_request(b"x" * 32, "PUT", f"/ws/v1/cluster/apps/{sleeper}/state", body)
    assert (
        http(cluster, "PUT", f"/ws/v1/cluster/apps/{sleeper}/state", body, {"X-Pyhdp-Signature": forged})[0]
        == 403
    )
    reg = json.dumps({"node_id": "evil:1", "http_address": "evil:2", "resource": {"memory": 1}}).encode()
    assert http(cluster, "POST", "/rpc/nm/register", reg)[0] == 403
    # a container start on a NodeManager with another application's token
    nm = f"127.0.0.1:{cluster.nm_ports[0]}"
    other = "application_1_0009"
    token = yrpc.app_token(yc.secret, other)
    with pytest.raises(yrpc.RpcError) as e:
        yrpc.call(
            nm,
            "POST",
            "/rpc/containers/start",
            {"container_id": f"container_{sleeper[12:]}_01_000099", "spec": {"commands": "touch /tmp/pwned"}},
            key=token,
            app_id=other,
        )
    assert e.value.status == 403
    # the shuffle: no token, or another application's token
    q = f"/mapOutput?app={sleeper}&path=/etc/passwd&reduce=0"
    from pyhdp.net import httpclient

    assert httpclient.request(nm, "GET", q).status == 403
    with pytest.raises(yrpc.RpcError) as e:
        yrpc.call(nm, "GET", q, key=yrpc.app_token(yc.secret, sleeper), app_id=sleeper)
    assert e.value.status == 403  # a path outside the application's directory


def test_yarn_commands(cluster, sleeper):
    r = cluster.run("yarn", "application", "-list")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(
        "Total number of applications (application-types: [], states: "
        "[SUBMITTED, ACCEPTED, RUNNING] and tags: []):1\n"
    )
    assert "Connecting to ResourceManager at /" + cluster.web in r.stderr
    row = r.stdout.splitlines()[2]
    assert row == "%30s\t%20s\t%20s\t%10s\t%10s\t%18s\t%18s\t%15s\t%35s" % (  # noqa: UP031 - the Java pattern
        sleeper,
        "sleeper",
        "YARN",
        "alice",
        "default",
        "ACCEPTED",
        "UNDEFINED",
        "0%",
        "N/A",
    )
    bad = cluster.run("yarn", "application", "-list", "-appStates", "NOPE")
    assert bad.returncode == 255 and "The application state  NOPE is invalid." in bad.stdout
    missing = cluster.run("yarn", "application", "-status", "application_1_0042")
    assert missing.returncode == 255
    assert (
        "Application with id 'application_1_0042' doesn't exist in RM or Timeline Server." in missing.stderr
    )
    st = cluster.run("yarn", "application", "-status", sleeper)
    assert "\tState : ACCEPTED" in st.stdout and "\tUser : alice" in st.stdout
    q = cluster.run("yarn", "queue", "-status", "default")
    assert q.returncode == 0 and "Queue Name : default\n\tState : RUNNING\n\tCapacity : 100.00%\n" in q.stdout
    assert cluster.run("yarn", "queue", "-status", "nope").stdout == (
        "Cannot get queue from RM by queueName = nope, please check.\n"
    )
    nodes = cluster.run("yarn", "node", "-list", "-all")
    assert nodes.stdout.startswith("Total Nodes:2\n")
    node_id = nodes.stdout.splitlines()[2].split("\t")[0].strip()
    ns = cluster.run("yarn", "node", "-status", node_id)
    assert f"\tNode-Id : {node_id}\n" in ns.stdout and "\tMemory-Capacity : 2048MB\n" in ns.stdout
    att = sleeper.replace("application_", "appattempt_") + "_000001"
    cl = cluster.run("yarn", "container", "-list", att)
    assert cl.stdout.startswith("Total number of containers :1\n")
    assert f"container_{sleeper[len('application_') :]}_01_000001" in cl.stdout
    al = cluster.run("yarn", "applicationattempt", "-list", sleeper)
    assert al.stdout.startswith("Total number of application attempts :1\n") and att in al.stdout
    mv = cluster.run("yarn", "application", "-movetoqueue", sleeper, "-queue", "nope")
    assert mv.returncode == 255
    page = urllib.request.urlopen(f"http://{cluster.web}/cluster", timeout=10).read().decode()
    assert sleeper in page and "All Applications" in page


def test_kill_through_rest_then_again(cluster, yc, sleeper):
    code, state = yc.kill(sleeper)
    assert code == 202 and state in ("ACCEPTED", "KILLED")
    a = cluster.wait_app(sleeper)
    assert (a["state"], a["finalStatus"], a["diagnostics"]) == (
        "KILLED",
        "KILLED",
        "Application killed by user.",
    )
    assert yc.kill(sleeper) == (200, "KILLED")
    deadline = time.time() + 10
    while time.time() < deadline and any(
        x["state"] != "DONE" for i in range(2) for x in cluster.nm_containers(i)
    ):
        time.sleep(0.1)
    assert all(x["state"] == "DONE" for i in range(2) for x in cluster.nm_containers(i))
