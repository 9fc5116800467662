"""``hdfs dfsadmin`` and ``hdfs fsck`` as real commands against a NameNode + 3 DataNodes (replication 3).

Waits (all polls with upper bounds, see :mod:`minicluster`): a killed DataNode is declared dead
after 2*0.4 + 10*0.2 = 2.8 s, the test waits at most 20 s; a corrupt replica is replaced within
30 s; decommissioning a node completes within 30 s; block counts settle within 10 s.
"""

from __future__ import annotations

import os
import re

from minicluster import DEAD_AFTER, wait_until


def _out(r) -> str:
    return r.stdout.decode()


def _err(r) -> str:
    return r.stderr.decode()


def _node_sections(report: str) -> dict[str, str]:
    """``Name: host:port (...)`` section text by node name."""
    parts = re.split(r"^Name: ", report, flags=re.M)[1:]
    return {p.split(" ", 1)[0]: p for p in parts}


def _dn_name(cluster, i: int) -> str:
    return f"127.0.0.1:{cluster.dn_ports[i][1]}"


def test_report_lists_live_nodes_then_dead_after_kill(cluster):
    fs = cluster.fs()
    with fs.create("/r.bin") as out:
        out.write(os.urandom(300_000))
    # a node's block count comes with its block report, its DFS Used with its next heartbeat
    wait_until(
        lambda: (lambda rep: sum(d["numBlocks"] for d in rep) == 3 and all(d["dfsUsed"] > 0 for d in rep))(
            cluster.report("live")
        ),
        10,
        "3 replicas counted and their space reported",
    )
    r = cluster.cli("hdfs", "dfsadmin", "-report")
    assert r.returncode == 0, _err(r)
    text = _out(r)
    assert re.search(r"^Configured Capacity: [1-9]\d* \(", text, re.M)
    assert "Replicated Blocks:\n\tUnder replicated blocks: 0\n\tBlocks with corrupt replicas: 0\n" in text
    assert "Live datanodes (3):\n" in text and "Dead datanodes" not in text
    sections = _node_sections(text)
    assert set(sections) == {_dn_name(cluster, i) for i in (1, 2, 3)}
    for sec in sections.values():
        assert "Decommission Status : Normal\n" in sec
        assert "Num of Blocks: 1\n" in sec
        assert re.search(r"^DFS Used: 300000 \(", sec, re.M)
    topo = cluster.cli("hdfs", "dfsadmin", "-printTopology")
    assert _out(topo).startswith("Rack: /default-rack\n")
    assert sorted(re.findall(r"^   (\S+) \(\S+\) In Service$", _out(topo), re.M)) == sorted(sections)

    cluster.kill("dn2")
    victim = _dn_name(cluster, 2)

    def dead_listed():
        out = _out(cluster.cli("hdfs", "dfsadmin", "-report", "-dead"))
        return "Dead datanodes (1):\n" in out and victim in _node_sections(out) and out

    dead = wait_until(dead_listed, DEAD_AFTER + 20, "the killed DataNode in -report -dead")
    assert "Live datanodes" not in dead  # -dead lists only the dead
    live = _out(cluster.cli("hdfs", "dfsadmin", "-report", "-live"))
    assert "Live datanodes (2):\n" in live and victim not in _node_sections(live)


def test_fsck_lists_three_distinct_locations_per_block(cluster):
    fs = cluster.fs()
    fs.mkdirs("/fk")
    with fs.create("/fk/a") as out:
        out.write(os.urandom(1_500_000))  # 2 blocks of 1 MiB
    r = cluster.cli("hdfs", "fsck", "/fk", "-files", "-blocks", "-locations")
    assert r.returncode == 0, _out(r) + _err(r)
    text = _out(r)
    assert "/fk/a 1500000 bytes, replicated: replication=3, 2 block(s):  OK\n" in text
    lines = [ln for ln in text.splitlines() if re.match(r"^\d+\. BP-", ln)]
    assert len(lines) == 2
    names = {_dn_name(cluster, i) for i in (1, 2, 3)}
    for ln in lines:
        assert " Live_repl=3 " in ln
        locs = re.findall(r"DatanodeInfoWithStorage\[([^,\]]+),(DS-[^,\]]+),DISK\]", ln)
        assert len(locs) == 3 and {n for n, _ in locs} == names and len({s for _, s in locs}) == 3
    assert " Number of data-nodes:\t3\n" in text and " Average block replication:\t3.0\n" in text
    assert text.rstrip().endswith("The filesystem under path '/fk' is HEALTHY")
    racks = _out(cluster.cli("hdfs", "fsck", "/fk", "-files", "-blocks", "-racks"))
    assert len(re.findall(r"/default-rack/127\.0\.0\.1:\d+", racks)) == 6


def test_fsck_after_a_kill_counts_under_replicated_blocks(cluster_factory):
    c = cluster_factory(conf={"dfs.namenode.redundancy.interval.seconds": 3600})  # no re-replication
    fs = c.fs()
    with fs.create("/u.bin") as out:
        out.write(os.urandom(200_000))
    c.kill("dn3")
    wait_until(lambda: len(c.report("dead")) == 1, DEAD_AFTER + 20, "the killed node to be dead")
    r = c.cli("hdfs", "fsck", "/u.bin", "-files", "-blocks", "-locations")
    text = _out(r)
    assert r.returncode == 0, text  # under-replicated is still HEALTHY
    assert "Target Replicas is 3 but found 2 live replica(s)" in text
    assert " Under-replicated blocks:\t1 (100.0 %)\n" in text and " Missing replicas:\t\t1 " in text
    assert _dn_name(c, 3) not in text and text.rstrip().endswith("is HEALTHY")
    rep = _out(c.cli("hdfs", "dfsadmin", "-report"))
    # (the NameNode counts under-replicated blocks in its redundancy monitor, which is off here)
    assert "Live datanodes (2):\n" in rep and "Dead datanodes (1):\n" in rep
    assert _dn_name(c, 3) in _node_sections(rep.split("Dead datanodes (1):")[1])


def _corrupt(path) -> None:
    raw = bytearray(path.read_bytes())
    raw[100] ^= 0xFF
    path.write_bytes(bytes(raw))


def test_corrupt_replica_replaced_then_fsck_healthy(cluster):
    fs = cluster.fs()
    data = os.urandom(400_000)
    with fs.create("/c.bin") as out:
        out.write(data)
    (loc,) = fs.get_block_locations("/c.bin", 0, 1 << 40)
    block_file = next(p for p in cluster.dn_data_dir(1).rglob(f"blk_{loc.block_id}") if p.is_file())
    _corrupt(block_file)
    for _ in range(20):  # a reader meets the bad replica (dn1 is picked at random) and reports it
        r = cluster.cli("hdfs", "dfs", "-cat", "/c.bin")
        assert r.stdout == data, _err(r)
    wait_until(
        lambda: block_file.exists() and block_file.read_bytes() == data, 30, "the replica to be replaced"
    )

    def healthy():
        out = _out(cluster.cli("hdfs", "fsck", "/c.bin", "-files", "-blocks", "-locations"))
        return out.rstrip().endswith("is HEALTHY") and " Live_repl=3 " in out and out

    text = wait_until(healthy, 10, "fsck to count 3 good replicas again")
    assert _dn_name(cluster, 1) in text


def test_all_replicas_corrupt_fsck_reports_corrupt(cluster):
    fs = cluster.fs()
    with fs.create("/bad.bin") as out:
        out.write(os.urandom(300_000))
    (loc,) = fs.get_block_locations("/bad.bin", 0, 1 << 40)
    for i in (1, 2, 3):
        _corrupt(next(p for p in cluster.dn_data_dir(i).rglob(f"blk_{loc.block_id}") if p.is_file()))
    r = cluster.cli("hdfs", "dfs", "-cat", "/bad.bin")
    assert r.returncode != 0  # every replica fails its checksum

    def corrupt_seen():
        out = cluster.cli("hdfs", "fsck", "/", "-files", "-blocks", "-locations")
        return out.returncode == 1 and _out(out)

    text = wait_until(corrupt_seen, 10, "fsck to report the corrupt block")
    assert "/bad.bin: CORRUPT blockpool BP-" in text and f"block blk_{loc.block_id}\n" in text
    assert " CORRUPT BLOCKS: \t1\n" in text and "Status: CORRUPT\n" in text
    assert text.rstrip().endswith("The filesystem under path '/' is CORRUPT")
    lst = cluster.cli("hdfs", "fsck", "/", "-list-corruptfileblocks")
    assert f"blk_{loc.block_id}\t/bad.bin\n" in _out(lst)
    assert "has 1 CORRUPT files" in _out(lst)
    # -delete removes the corrupt file
    d = cluster.cli("hdfs", "fsck", "/bad.bin", "-delete")
    assert d.returncode == 1 and not fs.exists("/bad.bin")
    assert cluster.cli("hdfs", "fsck", "/").returncode == 0


def test_safemode_enter_refuses_put_leave_allows(cluster, tmp_path):
    src = tmp_path / "sm.txt"
    src.write_text("hello\n")
    r = cluster.cli("hdfs", "dfsadmin", "-safemode", "enter")
    assert (r.returncode, _out(r)) == (0, "Safe mode is ON\n")
    assert _out(cluster.cli("hdfs", "dfsadmin", "-safemode", "get")) == "Safe mode is ON\n"
    assert _out(cluster.cli("hdfs", "dfsadmin", "-report")).startswith(
        "Safe mode is ON\nConfigured Capacity: "
    )
    put = cluster.cli("hdfs", "dfs", "-put", str(src), "/sm.txt")
    assert put.returncode == 1
    assert "put: Cannot create file/sm.txt._COPYING_. Name node is in safe mode." in _err(put)
    # saveNamespace needs safe mode, and works in it
    assert _out(cluster.cli("hdfs", "dfsadmin", "-saveNamespace")) == "Save namespace successful\n"
    r = cluster.cli("hdfs", "dfsadmin", "-safemode", "leave")
    assert (r.returncode, _out(r)) == (0, "Safe mode is OFF\n")
    assert cluster.cli("hdfs", "dfs", "-put", str(src), "/sm.txt").returncode == 0
    assert cluster.fs().cat("/sm.txt") == b"hello\n"
    roll = cluster.cli("hdfs", "dfsadmin", "-rollEdits")
    assert roll.returncode == 0 and _out(roll).startswith(
        "Successfully rolled edit logs.\nNew segment starts at txid "
    )
    refused = cluster.cli("hdfs", "dfsadmin", "-saveNamespace")
    assert refused.returncode == 255
    assert "saveNamespace: Safe mode should be turned ON in order to create namespace image." in _err(refused)


def test_namespace_quota_refuses_third_create(cluster):
    fs = cluster.fs()
    fs.mkdirs("/q")
    # the directory counts itself: a quota of 3 leaves room for 2 files
    r = cluster.cli("hdfs", "dfsadmin", "-setQuota", "3", "/q")
    assert r.returncode == 0, _err(r)
    assert cluster.cli("hdfs", "dfs", "-touchz", "/q/a").returncode == 0
    assert cluster.cli("hdfs", "dfs", "-touchz", "/q/b").returncode == 0
    third = cluster.cli("hdfs", "dfs", "-touchz", "/q/c")
    assert third.returncode == 1
    assert (
        "touchz: The NameSpace quota (directories and files) of directory /q is exceeded: quota=3 "
        "file count=4"
    ) in _err(third)
    count = _out(cluster.cli("hdfs", "dfs", "-count", "-q", "/q")).split()
    assert count[:2] == ["3", "0"]
    assert cluster.cli("hdfs", "dfsadmin", "-clrQuota", "/q").returncode == 0
    assert cluster.cli("hdfs", "dfs", "-touchz", "/q/c").returncode == 0
    assert cluster.cli("hdfs", "dfsadmin", "-setSpaceQuota", "1m", "/q").returncode == 0
    assert _out(cluster.cli("hdfs", "dfs", "-count", "-q", "/q")).split()[2] == str(1 << 20)
    bad = cluster.cli("hdfs", "dfsadmin", "-setQuota", "2", "/nope")
    assert bad.returncode == 255 and "setQuota: `/nope': No such file or directory" in _err(bad)


def test_refresh_nodes_with_exclude_decommissions(cluster_factory, tmp_path):
    exclude = tmp_path / "exclude"
    exclude.write_text("")
    c = cluster_factory(datanodes=4, conf={"dfs.hosts.exclude": str(exclude)})
    fs = c.fs()
    with fs.create("/d.bin") as out:
        out.write(os.urandom(500_000))
    victim = sorted(c.replicas("/d.bin")[0])[0]
    exclude.write_text(victim + "\n")
    r = c.cli("hdfs", "dfsadmin", "-refreshNodes")
    assert (r.returncode, _out(r)) == (0, "Refresh nodes successful\n")

    def decommissioned():
        sec = _node_sections(_out(c.cli("hdfs", "dfsadmin", "-report")))[victim]
        return "Decommission Status : Decommissioned\n" in sec

    wait_until(decommissioned, 30, "the excluded node to be decommissioned")
    topo = _out(c.cli("hdfs", "dfsadmin", "-printTopology"))
    assert re.search(rf"^   {re.escape(victim)} \(\S+\) Decommissioned$", topo, re.M), topo
    text = _out(c.cli("hdfs", "fsck", "/d.bin", "-files", "-blocks", "-replicaDetails"))
    assert "(DECOMMISSIONED)" in text and text.rstrip().endswith("is HEALTHY")
    exclude.write_text("")
    assert c.cli("hdfs", "dfsadmin", "-refreshNodes").returncode == 0
    sec = _node_sections(_out(c.cli("hdfs", "dfsadmin", "-report")))[victim]
    assert "Decommission Status : Normal\n" in sec


def test_get_datanode_info(cluster):
    name = _dn_name(cluster, 1)
    r = cluster.cli("hdfs", "dfsadmin", "-getDatanodeInfo", name)
    assert r.returncode == 0, _err(r)
    assert re.match(r"^Uptime: \d+, Software version: \S+, Config version: ", _out(r))
    bad = cluster.cli("hdfs", "dfsadmin", "-getDatanodeInfo", "127.0.0.1:1")
    assert bad.returncode == 255 and "getDatanodeInfo: " in _err(bad) and "Connection refused" in _err(bad)


def test_fsck_move_saves_readable_blocks_to_lost_found(cluster):
    fs = cluster.fs()
    data = os.urandom(2_500_000)  # blocks of 1 MiB, 1 MiB, 402848 B
    with fs.create("/m.bin") as out:
        out.write(data)
    middle = fs.get_block_locations("/m.bin", 0, 1 << 40)[1]
    for i in (1, 2, 3):
        _corrupt(next(p for p in cluster.dn_data_dir(i).rglob(f"blk_{middle.block_id}") if p.is_file()))
    assert cluster.cli("hdfs", "dfs", "-cat", "/m.bin").returncode != 0
    wait_until(
        lambda: cluster.cli("hdfs", "fsck", "/m.bin").returncode == 1, 10, "the block to be known corrupt"
    )
    r = cluster.cli("hdfs", "fsck", "/m.bin", "-move")
    assert r.returncode == 1, _out(r) + _err(r)
    mb = 1 << 20
    assert fs.cat("/lost+found/m.bin/0") == data[:mb]
    assert fs.cat("/lost+found/m.bin/1") == data[2 * mb :]
    assert fs.exists("/m.bin")  # -move alone keeps the file


def test_metasave_counts_daemon_nodes_and_blocks(cluster, tmp_path):
    fs = cluster.fs()
    with fs.create("/ms.bin") as out:
        out.write(os.urandom(1_200_000))  # 2 blocks
    r = cluster.cli("hdfs", "dfsadmin", "-D", f"hadoop.log.dir={tmp_path}", "-metasave", "meta.txt")
    assert r.returncode == 0, _err(r)
    assert _out(r).startswith("Created metasave file meta.txt in the log directory of namenode hdfs://")
    text = (tmp_path / "meta.txt").read_text()
    assert re.search(r"^\d+ files and directories, 2 blocks = \d+ total$", text, re.M)
    assert "Live Datanodes: 3\nDead Datanodes: 0\n" in text and "Metasave: Number of datanodes: 3\n" in text
    for i in (1, 2, 3):
        assert f"{_dn_name(cluster, i)} /default-rack IN " in text
