"""yarn.acl.enable: queue submit ACLs and who may kill an application, on real daemons."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pyhdp.conf import load_configuration
from pyhdp.yarn.client import YarnClient, YarnError

from .minicluster import BIN, MiniYarn


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
        nodes=1,
        extra={
            "yarn.acl.enable": "true",
            "yarn.admin.acl": "yadmin",
            "yarn.scheduler.capacity.root.acl_submit_applications": " ",
            "yarn.scheduler.capacity.root.acl_administer_queue": " ",
            "yarn.scheduler.capacity.root.default.acl_submit_applications": "alice",
            "hadoop.user.group.static.mapping.overrides": "alice=;bob=;yadmin=",
        },
    )
    try:
        yield c.start()
    finally:
        c.stop()


def submit(yc: YarnClient, user: str) -> str:
    app = yc.new_application()["application-id"]
    yc.submit(
        {
            "application-submission-context": {
                "application-id": app,
                "application-name": "s",
                "am-container-spec": {"commands": {"command": "sleep 30"}},
                "resource": {"memory": 256, "vCores": 1},
            }
        },
        user,
    )
    return app


def test_submit_and_kill_acls(cluster):
    yc = YarnClient(load_configuration(str(cluster.conf_dir)))
    with pytest.raises(
        YarnError, match="User bob does not have permission to submit application_\\d+_0001 to queue default"
    ):
        submit(yc, "bob")
    app = submit(yc, "alice")
    assert cluster.app(app)["user"] == "alice"
    env = dict(cluster.env, HADOOP_USER_NAME="bob")
    bob = subprocess.run(
        [str(BIN / "yarn"), "application", "-kill", app], env=env, capture_output=True, text=True, timeout=60
    )
    assert bob.returncode == 255 and f"User is not allowed to kill {app}" in bob.stderr
    assert cluster.app(app)["state"] != "KILLED"
    assert yc.kill(app, "yadmin")[0] == 202
    assert cluster.wait_app(app)["state"] == "KILLED"
