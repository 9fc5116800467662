"""yarn rmadmin -refreshNodes (exclude file: the node is decommissioned and its NodeManager
shuts down) and -refreshQueues (capacity-scheduler.xml re-read)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from .minicluster import MiniYarn, site_xml


def test_refresh_nodes_and_queues(tmp_path):
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
    exclude = tmp_path / "exclude"
    exclude.write_text("")
    c = MiniYarn(
        tmp_path / "y", env, nodes=2, extra={"yarn.resourcemanager.nodes.exclude-path": str(exclude)}
    )
    try:
        c.start()
        nodes = sorted(n["id"] for n in c.wait_nodes(2))
        exclude.write_text(f"# decommission one\n{nodes[1]}\n")
        r = c.run("yarn", "rmadmin", "-refreshNodes")
        assert r.returncode == 0 and r.stdout == "", r.stderr
        deadline = time.time() + 20
        while time.time() < deadline and all(p.poll() is None for p in c.nms):
            time.sleep(0.1)
        states = {
            n["id"]: n["state"]
            for n in (c.get("/ws/v1/cluster/nodes?states=RUNNING,DECOMMISSIONED")["nodes"]["node"])
        }
        assert states == {nodes[0]: "RUNNING", nodes[1]: "DECOMMISSIONED"}
        assert sum(p.poll() is not None for p in c.nms) == 1  # the decommissioned NodeManager shut down
        lst = c.run("yarn", "node", "-list", "-states", "DECOMMISSIONED")
        assert lst.stdout.startswith("Total Nodes:1\n") and nodes[1] in lst.stdout

        assert c.run("yarn", "queue", "-status", "prod").returncode == 255
        (c.conf_dir / "capacity-scheduler.xml").write_text(
            site_xml(
                {
                    "yarn.scheduler.capacity.root.queues": "default,prod",
                    "yarn.scheduler.capacity.root.default.capacity": "40",
                    "yarn.scheduler.capacity.root.prod.capacity": "60",
                }
            )
        )
        assert c.run("yarn", "rmadmin", "-refreshQueues").returncode == 0
        q = c.run("yarn", "queue", "-status", "prod")
        assert q.returncode == 0 and "\tCapacity : 60.00%\n" in q.stdout
        (c.conf_dir / "capacity-scheduler.xml").write_text(
            site_xml(
                {
                    "yarn.scheduler.capacity.root.queues": "default,prod",
                    "yarn.scheduler.capacity.root.default.capacity": "40",
                    "yarn.scheduler.capacity.root.prod.capacity": "70",
                }
            )
        )
        bad = c.run("yarn", "rmadmin", "-refreshQueues")
        assert bad.returncode == 255 and "Illegal capacity of 1.1 for children of queue root" in bad.stderr
    finally:
        c.stop()
