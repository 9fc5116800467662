"""Faults caused for real on processes: kill -9, stopped heartbeats, corrupt replicas, a full disk.

Waits (upper bounds; all polls): a dead node is declared after 2*0.4 + 10*0.2 = 2.8 s, so
dead-node tests wait at most 20 s; re-replication runs every 0.3 s, waits at most 30 s.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

from minicluster import DEAD_AFTER, wait_until


def _replica_counts(cluster, path: str) -> list[int]:
    return [len(set(n)) for n in cluster.replicas(path)]


def test_kill_datanode_during_write_then_rereplicated(cluster_factory):
    c = cluster_factory(datanodes=4)
    fs = c.fs()
    data = os.urandom(3 * 1048576 + 5000)
    out = fs.create("/w.bin")
    out.write(data[:1_500_000])
    out.hflush()  # the first block is written and the second one's pipeline is open
    victim_name = out._pipeline[1]["name"]
    victim = next(f"dn{i}" for i, (http, xfer) in c.dn_ports.items() if f"127.0.0.1:{xfer}" == victim_name)
    c.kill(victim)  # kill -9 in the middle of the block
    out.write(data[1_500_000:])
    out.close()  # the write completes on the surviving nodes
    assert fs.cat("/w.bin") == data
    # the block was hflushed: a fourth node replaced the dead one in the pipeline at once (DEFAULT policy)
    second = c.replicas("/w.bin")[1]
    assert len(set(second)) == 3 and victim_name not in second
    assert "for pipeline recovery" in "".join(c.log(f"dn{i}") for i in range(1, 5))
    # later every block has 3 replicas on live nodes again (wait up to 20 s for death + 30 s for copies)
    wait_until(lambda: victim_name not in c.live_names(), 20, f"{victim_name} to be declared dead")
    live = c.live_names()
    wait_until(lambda: all(len(set(n) & live) == 3 for n in c.replicas("/w.bin")), 30,
               "re-replication to 3 live nodes")
    assert c.cli("hdfs", "dfs", "-cat", "/w.bin").stdout == data
    # the killed node comes back with the partial replica of the block it missed: it is deleted
    vi = int(victim[2:])
    partial = list((c.dn_data_dir(vi)).rglob("rbw/blk_*"))
    assert partial, "the killed node should have kept a replica being written"
    c.start_datanode(vi)
    wait_until(lambda: not list(c.dn_data_dir(vi).rglob("rbw/blk_*")), 20, "the stale partial replica to go")
    # its old finalized replicas make blocks over-replicated for a moment: the excess goes (up to 20 s)
    wait_until(lambda: all(len(set(n)) == 3 for n in c.replicas("/w.bin")), 20, "exactly 3 replicas per block")


def test_kill_namenode_during_creates_loses_no_acknowledged_file(cluster):
    fs = cluster.fs()
    acked: list[str] = []
    stop = threading.Event()

    def burst():
        i = 0
        while not stop.is_set():
            path = f"/burst/f{i:05d}"
            try:
                with fs.create(path) as out:
                    out.write(path.encode())
            except OSError:
                return
            acked.append(path)
            i += 1

    t = threading.Thread(target=burst)
    t.start()
    wait_until(lambda: len(acked) >= 30, 60, "30 acknowledged creates")
    cluster.kill("nn")  # kill -9 while creates are in flight
    stop.set()
    t.join(timeout=60)
    cluster.start_namenode()
    cluster.wait_live(3, 30)
    wait_until(lambda: not cluster.fs().stats()["safemode"], 30, "safe mode to end")
    fs2 = cluster.fs()
    names = {st.path for st in fs2.list_status("/burst")}
    missing = [p for p in acked if p not in names]
    assert not missing, f"acknowledged files lost: {missing[:5]}"
    for p in acked:
        assert fs2.cat(p) == p.encode()


def test_corrupt_replica_read_elsewhere_reported_and_replaced(cluster):
    fs = cluster.fs()
    data = os.urandom(600_000)
    with fs.create("/c.bin") as out:
        out.write(data)
    (loc,) = fs.get_block_locations("/c.bin", 0, 1 << 40)
    block_file = next(p for p in cluster.dn_data_dir(1).rglob(f"blk_{loc.block_id}") if p.is_file())
    raw = bytearray(block_file.read_bytes())
    raw[1000] ^= 0xFF
    block_file.write_bytes(bytes(raw))
    dn1 = next(d["name"] for d in cluster.report() if d["name"].endswith(f":{cluster.dn_ports[1][1]}"))
    # reads succeed, whatever replica they try first (20 reads: dn1 is chosen at random)
    for _ in range(20):
        assert cluster.fs().cat("/c.bin") == data
    # the corrupt replica was reported by a reader; it is deleted and copied back from a good one
    wait_until(lambda: _replica_good(block_file, data), 30, "the corrupt replica to be replaced")
    wait_until(lambda: sorted(cluster.replicas("/c.bin")[0]) == sorted(cluster.live_names()), 10,
               "the NameNode to count the new replica")
    assert dn1 in cluster.replicas("/c.bin")[0]


def _replica_good(path, data: bytes) -> bool:
    try:
        return path.read_bytes() == data
    except OSError:
        return False


def test_block_scanner_reports_corruption(cluster_factory):
    c = cluster_factory(conf={"dfs.datanode.scan.period.hours": 0.0002})  # a pass every ~0.7 s
    fs = c.fs()
    data = os.urandom(300_000)
    with fs.create("/s.bin") as out:
        out.write(data)
    (loc,) = fs.get_block_locations("/s.bin", 0, 1 << 40)
    block_file = next(p for p in c.dn_data_dir(2).rglob(f"blk_{loc.block_id}") if p.is_file())
    raw = bytearray(block_file.read_bytes())
    raw[7] ^= 0x01
    block_file.write_bytes(bytes(raw))
    # nobody reads the file: the scanner finds it, the NameNode replaces it (wait up to 30 s)
    wait_until(lambda: _replica_good(block_file, data), 30, "the scanner to report and the replica to be replaced")
    assert "Block scanner found a corrupt replica" in c.log("dn2")


def test_stopped_heartbeats_node_dead_and_blocks_rereplicated(cluster_factory):
    c = cluster_factory(datanodes=4)
    fs = c.fs()
    data = os.urandom(2_100_000)
    with fs.create("/h.bin") as out:
        out.write(data)
    holders = set().union(*map(set, c.replicas("/h.bin")))
    victim_name = sorted(holders)[0]
    victim = next(f"dn{i}" for i, (http, xfer) in c.dn_ports.items() if f"127.0.0.1:{xfer}" == victim_name)
    c.procs[victim].send_signal(signal.SIGSTOP)  # no more heartbeats
    try:
        dead = wait_until(lambda: [d for d in c.report("dead") if d["name"] == victim_name], DEAD_AFTER + 15,
                          "the node to be declared dead")
        assert dead[0]["secondsSinceHeartbeat"] >= DEAD_AFTER
        live = c.live_names()
        assert victim_name not in live
        wait_until(lambda: all(len(set(n) & live) == 3 for n in c.replicas("/h.bin")), 30,
                   "re-replication away from the dead node")
        assert fs.cat("/h.bin") == data
    finally:
        c.procs[victim].send_signal(signal.SIGCONT)
    # it comes back: heartbeats resume, it re-registers (wait up to 20 s)
    wait_until(lambda: victim_name in c.live_names(), 20, "the node to come back")


def test_full_datanode_gets_no_blocks(cluster_factory):
    c = cluster_factory(datanodes=3, conf={"dfs.replication": 2})
    c.start_datanode(4, {"dfs.datanode.du.reserved": str(1 << 60)})  # no room left for DFS
    c.wait_live(4, 30)
    full_name = f"127.0.0.1:{c.dn_ports[4][1]}"
    fs = c.fs()
    for i in range(6):
        with fs.create(f"/full/f{i}") as out:
            out.write(os.urandom(200_000))
    for i in range(6):
        assert full_name not in set().union(*map(set, c.replicas(f"/full/f{i}")))
    # a pipeline that insists on the full node: refused, nothing partial left there
    from pyhdp.net import httpclient, packets

    located, x = fs.rpc("create", {"path": "/full/direct", "masked": 0o644, "holder": fs.holder, "overwrite": True,
                                   "create_parent": True, "replication": 1, "block_size": 1048576})
    blk, bx = fs.rpc("addBlock", {"path": "/full/direct", "holder": fs.holder, "previous_length": None})
    body = packets.encode_all(b"x" * 100_000, 512)
    url = f"/dn/write?bid={blk.block_id}&gs={blk.genstamp}&offset=0&final=1&bpc=512&pipeline=&token={bx['token']}"
    resp = httpclient.request(f"127.0.0.1:{c.dn_ports[4][0]}", "PUT", url, body)
    assert resp.status == 507 and b"Out of space" in resp.body
    assert not list(c.dn_data_dir(4).rglob(f"blk_{blk.block_id}*"))


def test_bad_signatures_refused_and_nothing_changes(cluster):
    import json

    from pyhdp.net import auth, httpclient, packets

    nn = f"127.0.0.1:{cluster.rpc_port}"
    fake = {"uuid": "fake-dn", "ip": "127.0.0.1", "hostname": "evil", "xferPort": 1, "httpPort": 2}
    body = json.dumps(fake).encode()
    for sig in (None, auth.sign_request(b"x" * 32, "POST", "/dn/register", body)):
        headers = {auth.HEADER: sig} if sig else {}
        resp = httpclient.request(nn, "POST", "/dn/register", body, headers)
        assert resp.status == 403 and b"SecurityException" in resp.body
    assert "127.0.0.1:1" not in cluster.live_names() and len(cluster.report()) == 3
    # a forged heartbeat cannot fetch commands either
    hb = json.dumps({"uuid": cluster.report()[0]["uuid"], "stats": {}}).encode()
    assert httpclient.request(nn, "POST", "/dn/heartbeat", hb, {auth.HEADER: "1.abc"}).status == 403
    # a block write with a forged token is refused and leaves no replica
    fs = cluster.fs()
    fs.rpc("create", {"path": "/t", "masked": 0o644, "holder": fs.holder, "overwrite": True, "create_parent": True,
                      "replication": 1, "block_size": 1048576})
    blk, bx = fs.rpc("addBlock", {"path": "/t", "holder": fs.holder, "previous_length": None})
    forged = bx["token"][:-4] + ("0000" if not bx["token"].endswith("0000") else "1111")
    dn_http = f"127.0.0.1:{cluster.dn_ports[1][0]}"
    data = packets.encode_all(b"evil" * 1000, 512)
    for token in (forged, "", "r.99999999999999.00.abc"):
        url = f"/dn/write?bid={blk.block_id}&gs={blk.genstamp}&offset=0&final=1&bpc=512&pipeline=&token={token}"
        resp = httpclient.request(dn_http, "PUT", url, data)
        assert resp.status == 403, resp.body
    assert not list(cluster.dn_data_dir(1).rglob(f"blk_{blk.block_id}*"))
    # reading with a write-less or foreign token: refused too
    url = f"/dn/read?bid={blk.block_id}&gs={blk.genstamp}&offset=0&length=10&token={forged}"
    assert httpclient.request(dn_http, "GET", url).status == 403
    # path traversal in block ids is rejected as a bad parameter
    url = f"/dn/read?bid=../../etc/passwd&gs=1&token={bx['token']}"
    assert httpclient.request(dn_http, "GET", url).status == 400


def test_killed_writer_lease_recovered_by_namenode(cluster, tmp_path):
    """A writer killed -9 after hflush: the NameNode closes the file at the flushed length
    (lease monitor every 2 s; wait up to 20 s)."""
    import subprocess
    import sys

    script = tmp_path / "writer.py"
    script.write_text(
        "import os, sys, time\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from minicluster import MiniCluster\n"
        "from pyhdp.conf import Configuration\n"
        "from pyhdp.hdfs.remote import RemoteDistributedFileSystem\n"
        "conf = Configuration()\n"
        f"conf.set('fs.defaultFS', 'hdfs://localhost:{cluster.rpc_port}')\n"
        f"fs = RemoteDistributedFileSystem(conf, 'localhost:{cluster.rpc_port}')\n"
        "out = fs.create('/lease.bin')\n"
        "out.write(b'a' * 700000)\n"
        "out.hflush()\n"
        "print('flushed', flush=True)\n"
        "time.sleep(600)\n")
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, env=cluster.env)
    assert proc.stdout.readline().strip() == b"flushed"
    fs = cluster.fs()
    assert fs.is_file_closed("/lease.bin") is False
    proc.kill()
    proc.wait()
    wait_until(lambda: fs.is_file_closed("/lease.bin"), 20, "the NameNode to recover the lease")
    assert fs.get_file_status("/lease.bin").length == 700000
    assert fs.cat("/lease.bin") == b"a" * 700000
    assert "Recovered the lease of /lease.bin" in cluster.log("nn")


def test_no_replacement_node_fails_hflushed_write_unless_best_effort(cluster_factory):
    """3 nodes, replication 3, hflush, one node killed: DEFAULT policy wants a replacement and
    there is none, so the write fails as Hadoop's does; with best-effort it goes on with 2."""
    import pytest

    for best_effort in (False, True):
        c = cluster_factory(conf={"dfs.client.block.write.replace-datanode-on-failure.best-effort": best_effort})
        fs = c.fs()
        out = fs.create("/p.bin")
        out.write(b"x" * 100_000)
        out.hflush()
        victim_name = out._pipeline[-1]["name"]
        victim = next(f"dn{i}" for i, (http, xfer) in c.dn_ports.items() if f"127.0.0.1:{xfer}" == victim_name)
        c.kill(victim)
        out.write(b"y" * 100_000)
        if best_effort:
            out.close()
            assert fs.cat("/p.bin") == b"x" * 100_000 + b"y" * 100_000
        else:
            with pytest.raises(OSError, match="Failed to replace a bad datanode on the existing pipeline"):
                out.hflush()
        c.stop()


def test_failed_volume_stops_the_datanode_and_blocks_move(cluster_factory):
    """A volume whose directories stop working: the write goes on without the node, the node stops
    (dfs.datanode.failed.volumes.tolerated = 0), is declared dead (up to 20 s) and its blocks are
    copied to the other nodes (up to 30 s)."""
    c = cluster_factory(datanodes=4)
    fs = c.fs()
    first = os.urandom(300_000)
    with fs.create("/v1.bin") as out:
        out.write(first)
    holder = next(i for i in (1, 2, 3, 4) if list(c.dn_data_dir(i).rglob("finalized/subdir*")))
    finalized = next(c.dn_data_dir(holder).rglob("current/finalized"))
    finalized.rename(finalized.with_name("finalized.broken"))
    finalized.write_text("not a directory any more")  # the volume's directory tree is broken
    data = os.urandom(500_000)
    for i in range(6):  # some pipeline includes the broken node
        with fs.create(f"/v2_{i}.bin", replication=4) as out:
            out.write(data)
    assert c.procs[f"dn{holder}"].wait(timeout=30) != 0
    assert "Too many failed volumes" in c.log(f"dn{holder}")
    name = f"127.0.0.1:{c.dn_ports[holder][1]}"
    wait_until(lambda: name not in c.live_names(), 20, "the node to be declared dead")
    wait_until(lambda: all(len(set(n) & c.live_names()) == 3 for n in c.replicas("/v1.bin")), 30,
               "the blocks of the failed volume to be copied")
    assert fs.cat("/v1.bin") == first
    for i in range(6):
        assert fs.cat(f"/v2_{i}.bin") == data


def test_two_volumes_one_fails_within_tolerance(cluster_factory, tmp_path):
    """A DataNode with two volumes and dfs.datanode.failed.volumes.tolerated=1 loses one: it keeps
    running, reports the loss, and the lost replicas are copied back (up to 30 s)."""
    c = cluster_factory(datanodes=0, start=False)
    c.start_namenode()
    vol_a, vol_b = tmp_path / "volA", tmp_path / "volB"
    c.start_datanode(1, {"dfs.datanode.data.dir": f"{vol_a},{vol_b}", "dfs.datanode.failed.volumes.tolerated": 1})
    c.start_datanode(2)
    c.start_datanode(3)
    c.wait_live(3, 30)
    fs = c.fs()
    data = os.urandom(200_000)
    for i in range(4):
        with fs.create(f"/vol/f{i}") as out:
            out.write(data)
    assert list(vol_a.rglob("finalized/subdir*/subdir*/blk_*")) and list(vol_b.rglob("finalized/subdir*/subdir*/blk_*"))
    finalized = next(vol_b.rglob("current/finalized"))
    finalized.rename(finalized.with_name("finalized.broken"))
    finalized.write_text("broken")
    for i in range(4, 8):  # the volume check runs when a write on the broken volume fails
        with fs.create(f"/vol/f{i}") as out:
            out.write(data)
    wait_until(lambda: "Volume" in c.log("dn1") and "failed" in c.log("dn1"), 20, "the volume failure")
    assert c.procs["dn1"].poll() is None  # within tolerance: still running
    dn1 = f"127.0.0.1:{c.dn_ports[1][1]}"
    wait_until(lambda: all(dn1 in n and len(set(n)) == 3 for i in range(8) for n in c.replicas(f"/vol/f{i}")), 30,
               "the lost replicas to be copied back to the remaining volume")
    for i in range(8):
        assert fs.cat(f"/vol/f{i}") == data
