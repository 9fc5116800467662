"""What the admin commands get from the daemons, and the real effect of hosts files and safe mode.

Waits: decommissioning completes once every block has 3 replicas elsewhere (up to 30 s);
safe mode ends as soon as the DataNodes' block reports arrive (up to 30 s).
"""

from __future__ import annotations

import os

import pytest
from minicluster import free_ports, wait_until


def test_datanode_report_and_stats(cluster):
    fs = cluster.fs()
    with fs.create("/r.bin") as out:
        out.write(os.urandom(100_000))
    reports = fs.datanode_report("live")
    assert len(reports) == 3
    for r in reports:
        assert r["adminState"] == "Normal" and r["alive"]
        assert r["capacity"] > 0 and r["remaining"] > 0 and r["lastBlockReport"] is not None
        assert r["name"].startswith("127.0.0.1:") and r["storageID"].startswith("DS-")
    wait_until(lambda: sum(r["numBlocks"] for r in fs.datanode_report("live")) == 3, 10, "3 replicas counted")
    assert fs.datanode_report("dead") == []
    s = fs.stats()
    assert s["live"] == 3 and s["dead"] == 0 and s["safemode"] is False and s["capacity"] > 0
    st = fs.get_status()
    assert st.capacity == s["capacity"] and st.remaining == s["remaining"]


def test_fsck_walk_with_replica_locations(cluster):
    fs = cluster.fs()
    fs.mkdirs("/fk")
    with fs.create("/fk/a") as out:
        out.write(os.urandom(1_500_000))  # 2 blocks
    entries, replicas = fs.fsck_walk("/fk")
    assert [e.path for e in entries] == ["/fk", "/fk/a"]
    blocks = entries[1].blocks
    assert len(blocks) == 2
    for b in blocks:
        live = replicas[str(b.block_id)]["live"]
        assert len({r["name"] for r in live}) == 3 and replicas[str(b.block_id)]["corrupt"] == []
    assert fs.corrupt_blocks() == []
    stats, extra = fs.namespace_stats()
    assert stats.files >= 1 and stats.blocks >= 2 and extra["missing"] == 0


def test_exclude_file_decommissions_node(cluster_factory, tmp_path):
    exclude = tmp_path / "exclude"
    exclude.write_text("")
    c = cluster_factory(datanodes=4, conf={"dfs.hosts.exclude": str(exclude)})
    fs = c.fs()
    data = os.urandom(2_000_000)
    with fs.create("/d.bin") as out:
        out.write(data)
    victim = sorted(set().union(*map(set, c.replicas("/d.bin"))))[0]
    exclude.write_text(victim + "\n")
    fs.refresh_nodes()
    state = {r["name"]: r["adminState"] for r in fs.datanode_report()}
    assert state[victim] in ("Decommission in progress", "Decommissioned")
    wait_until(lambda: {r["name"]: r["adminState"] for r in fs.datanode_report()}[victim] == "Decommissioned", 30,
               "the node to be decommissioned")
    others = {n for n in c.live_names() if n != victim}
    for names in c.replicas("/d.bin"):
        assert len(set(names) & others) == 3  # every block has 3 replicas off the node
    # new blocks never go to it
    with fs.create("/d2.bin") as out:
        out.write(os.urandom(500_000))
    assert victim not in set().union(*map(set, c.replicas("/d2.bin")))
    # recommission
    exclude.write_text("")
    fs.refresh_nodes()
    assert {r["name"]: r["adminState"] for r in fs.datanode_report()}[victim] == "Normal"


def test_include_file_refuses_other_nodes(cluster_factory, tmp_path):
    include = tmp_path / "include"
    c = cluster_factory(datanodes=0, conf={"dfs.hosts": str(include)}, start=False)
    c.dn_ports[1] = tuple(free_ports(2))
    include.write_text(f"127.0.0.1:{c.dn_ports[1][1]}\n")
    c.start_namenode()
    c.start_datanode(1)
    c.start_datanode(2)
    c.wait_live(1, 30)
    wait_until(lambda: "denied communication" in c.log("dn2") or "not in the include-list" in c.log("dn2"), 20,
               "the second DataNode to be refused")
    assert [r["name"] for r in c.report()] == [f"127.0.0.1:{c.dn_ports[1][1]}"]


def test_startup_safe_mode_refuses_writes_until_blocks_reported(cluster):
    fs = cluster.fs()
    with fs.create("/sm.bin") as out:
        out.write(os.urandom(10_000))
    cluster.stop()
    cluster.procs.clear()
    cluster.start_namenode()  # no DataNode yet: the block is not reported
    fs = cluster.fs()
    assert fs.set_safe_mode("get") is True
    with pytest.raises(OSError, match=r"Cannot create directory /x\. Name node is in safe mode\.\n"
                                      r"The reported blocks 0 needs additional 1 blocks to reach the threshold "
                                      r"0\.9990 of total blocks 1\."):
        fs.mkdirs("/x")
    r = cluster.cli("hdfs", "dfs", "-mkdir", "/y")
    assert r.returncode == 1 and "Name node is in safe mode" in r.stderr.decode()
    for i in (1, 2, 3):
        cluster.start_datanode(i)
    wait_until(lambda: cluster.fs().set_safe_mode("get") is False, 30, "safe mode to end")
    assert cluster.fs().mkdirs("/x")
    # entered manually: stays on until left
    fs = cluster.fs()
    assert fs.set_safe_mode("enter") is True
    with pytest.raises(OSError, match="It was turned on manually"):
        fs.mkdirs("/z")
    assert fs.set_safe_mode("leave") is False
    assert fs.mkdirs("/z")


def test_status_page_and_jmx(cluster):
    from pyhdp.net import httpclient

    addr = f"127.0.0.1:{cluster.http_port}"
    page = httpclient.request(addr, "GET", "/")
    assert page.status == 200 and b"Live Nodes</th><td>3<" in page.body and b"Datanode Information" in page.body
    import json

    beans = json.loads(httpclient.request(addr, "GET", "/jmx").body)["beans"]
    state = next(b for b in beans if b["name"] == "Hadoop:service=NameNode,name=FSNamesystemState")
    assert state["NumLiveDataNodes"] == 3 and state["NumDeadDataNodes"] == 0 and state["FSState"] == "Operational"
    one = json.loads(httpclient.request(addr, "GET", "/jmx?qry=Hadoop:service=NameNode,name=NameNodeInfo").body)
    assert len(one["beans"]) == 1 and len(json.loads(one["beans"][0]["LiveNodes"])) == 3


def test_sigterm_stops_cleanly_and_releases_the_lock(cluster):
    fs = cluster.fs()
    with fs.create("/keep") as out:
        out.write(b"kept")
    cluster.procs["nn"].terminate()
    assert cluster.procs["nn"].wait(timeout=30) == 0
    assert "SHUTDOWN_MSG: Shutting down NameNode" in cluster.log("nn")
    cluster.start_namenode()  # the lock was released: a new NameNode starts on the same dirs
    cluster.wait_live(3, 30)
    assert cluster.fs().cat("/keep") == b"kept"
    assert fs.cat("/keep") == b"kept"  # a client of the old NameNode process reconnects


def test_forked_clients_do_not_share_connections(cluster):
    import multiprocessing as mp

    fs = cluster.fs()
    fs.mkdirs("/fork")
    for i in range(4):
        with fs.create(f"/fork/f{i}") as out:
            out.write(b"%d" % i)
    assert fs.get_file_status("/fork/f0").length == 1  # the parent holds a keep-alive connection now
    global _FORK_FS
    _FORK_FS = fs  # inherited by the forked workers, with the parent's open connection
    ctx = mp.get_context("fork")
    with ctx.Pool(4) as pool:
        results = pool.map(_stat_many, range(4), chunksize=1)
    assert results == [[f"/fork/f{i}"] * 30 for i in range(4)]


_FORK_FS = None


def _stat_many(i):
    return [_FORK_FS.get_file_status(f"/fork/f{i}").path for _ in range(30)]


def test_secondary_namenode_checkpoints(cluster_factory, tmp_path):
    """``hdfs secondarynamenode`` with a 0.5 s period keeps 2 images (waits up to 20 s)."""
    import sqlite3

    from minicluster import BIN

    c = cluster_factory(conf={"dfs.namenode.checkpoint.period": "500ms",
                              "dfs.namenode.checkpoint.dir": str(tmp_path / "snn"),
                              "dfs.namenode.secondary.http-address": f"127.0.0.1:{free_ports(1)[0]}"})
    c.fs().mkdirs("/checkpointed/dir")
    c._spawn("snn", [str(BIN / "hdfs"), "secondarynamenode"])
    current = tmp_path / "snn" / "current"
    wait_until(lambda: len(list(current.glob("fsimage_*"))) == 2 and "Checkpoint done" in c.log("snn"), 20,
               "two checkpoints")
    newest = sorted(current.glob("fsimage_*"))[-1]
    db = sqlite3.connect(newest)
    names = {r[0] for r in db.execute("SELECT name FROM inodes")}
    db.close()
    assert {"checkpointed", "dir"} <= names
    assert "clusterID=" in (current / "VERSION").read_text()
