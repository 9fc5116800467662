"""NameNode + DataNodes as real processes: data through the daemons, the standalone store served
unchanged, the storage lock, the CLI choosing the daemon."""

from __future__ import annotations

import os
import signal

from minicluster import MiniCluster, wait_until


def test_put_cat_three_replicas_on_distinct_nodes(cluster, tmp_path):
    data = os.urandom(3 * 1024 * 1024 + 12345)  # 4 blocks of 1 MiB
    src = tmp_path / "in.bin"
    src.write_bytes(data)
    r = cluster.cli("hdfs", "dfs", "-put", str(src), "/in.bin")
    assert r.returncode == 0, r.stderr
    r = cluster.cli("hdfs", "dfs", "-cat", "/in.bin")
    assert r.returncode == 0 and r.stdout == data
    locations = cluster.replicas("/in.bin")
    assert len(locations) == 4
    for names in locations:
        assert len(set(names)) == 3  # replication 3 on three different DataNodes
    ls = cluster.cli("hdfs", "dfs", "-ls", "/in.bin").stdout.decode()
    assert " 3 " in ls and str(len(data)) in ls
    # every DataNode holds finalized replicas in Hadoop's layout, in a volume only its user can read
    for i in (1, 2, 3):
        assert cluster.dn_data_dir(i).stat().st_mode & 0o777 == 0o700
        blocks = [p for p in cluster.dn_data_dir(i).rglob("blk_*") if not p.name.endswith(".meta")]
        assert len(blocks) == 4 and all("finalized" in str(p) for p in blocks)


def test_library_streams_seek_append_checksum(cluster):
    fs = cluster.fs()
    data = os.urandom(2_500_000)
    with fs.create("/user/x/f", overwrite=True) as out:
        for i in range(0, len(data), 100_000):
            out.write(data[i: i + 100_000])
    with fs.open("/user/x/f") as f:
        f.seek(1_048_570)
        assert f.read(20) == data[1_048_570: 1_048_590]
        f.seek(0)
        assert f.read() == data
    more = os.urandom(700_001)
    with fs.append("/user/x/f") as out:
        out.write(more)
    assert fs.cat("/user/x/f") == data + more
    assert fs.get_file_status("/user/x/f").length == len(data) + len(more)
    # the file checksum equals the embedded computation over the same bytes and block size
    from pyhdp.hdfs.datanode.checksum import chunk_crcs, file_checksum

    full = data + more
    blocks = [full[i: i + 1048576] for i in range(0, len(full), 1048576)]
    expected = file_checksum([chunk_crcs(b) for b in blocks])
    got = fs.get_file_checksum("/user/x/f")
    assert (got.algorithm, got.value) == (expected.algorithm, expected.value)


def test_standalone_data_served_unchanged(cluster_factory, tmp_path):
    c: MiniCluster = cluster_factory(datanodes=0, conf={"dfs.replication": 1}, start=False)
    data = os.urandom(1_500_000)
    src = tmp_path / "s.bin"
    src.write_bytes(data)
    r = c.cli("hdfs", "dfs", "-put", str(src), "/standalone.bin")  # no daemon: the embedded store
    assert r.returncode == 0, r.stderr
    assert not list((tmp_path / "c0" / "data" / "dfs" / "name").glob("current/cluster.secret"))
    c.start_namenode()
    default_data_dir = tmp_path / "c0" / "data" / "dfs" / "data"
    c.start_datanode(1, {"dfs.datanode.data.dir": str(default_data_dir)})
    c.wait_live(1, 30)
    # safe mode ends once the standalone blocks are reported (wait up to 15 s)
    wait_until(lambda: not c.fs().stats()["safemode"], 15, "safe mode to end")
    r = c.cli("hdfs", "dfs", "-cat", "/standalone.bin")
    assert r.returncode == 0 and r.stdout == data
    assert c.replicas("/standalone.bin") == [[c.report()[0]["name"]]] * 2


def test_second_namenode_on_same_dirs_refused(cluster):
    second = cluster._spawn("nn2", [str(cluster_bin()), "namenode"])
    assert second.wait(timeout=60) != 0
    out = cluster.log("nn2")
    assert "Cannot lock storage" in out and "already locked" in out
    # the first one still serves
    assert cluster.fs().get_file_status("/").is_dir


def test_embedded_client_refused_while_daemon_holds_lock(cluster):
    cluster.procs["nn"].send_signal(signal.SIGSTOP)  # holds in_use.lock but does not answer
    try:
        from pyhdp.hdfs.embedded import EmbeddedStore
        from pyhdp.hdfs.namenode.storage import data_dirs, name_dirs

        conf = cluster.conf()
        try:
            EmbeddedStore(conf, name_dirs(conf)[0], data_dirs(conf)[0])
            raise AssertionError("the embedded store opened a store locked by a daemon")
        except OSError as e:
            assert "already locked" in str(e)
    finally:
        cluster.procs["nn"].send_signal(signal.SIGCONT)


def test_remote_address_not_answering_is_connection_refused(tmp_path, monkeypatch):
    """A NameNode address that is not this host and does not answer: Hadoop's error, no local fallback."""
    from minicluster import free_ports

    import pyhdp.hdfs.remote as remote
    from pyhdp.conf import Configuration
    from pyhdp.hdfs.client import DistributedFileSystem

    monkeypatch.setattr(remote, "is_local_host", lambda host: False)  # pretend 127.0.0.3 is another host
    port = free_ports(1)[0]
    conf = Configuration()
    conf.set("hadoop.tmp.dir", str(tmp_path))
    conf.set("ipc.client.connect.max.retries", "1")
    conf.set("ipc.client.connect.retry.interval", "10")
    fs = DistributedFileSystem(conf, f"127.0.0.3:{port}")
    assert isinstance(fs, remote.RemoteDistributedFileSystem)
    try:
        fs.get_file_status("/")
        raise AssertionError("no error")
    except OSError as e:
        assert f"to 127.0.0.3:{port} failed on connection exception: java.net.ConnectException: " \
               "Connection refused" in str(e)
    assert not (tmp_path / "dfs").exists()  # the embedded store was not created


def cluster_bin():
    from minicluster import BIN

    return BIN / "hdfs"


def test_deleted_file_replicas_removed_from_datanodes(cluster):
    """Replicas of deleted blocks go with the next heartbeats (0.2 s; wait up to 10 s)."""
    fs = cluster.fs()
    with fs.create("/gone.bin") as out:
        out.write(os.urandom(1_500_000))
    ids = [loc.block_id for loc in fs.get_block_locations("/gone.bin", 0, 1 << 40)]

    def replicas_on_disk():
        return [p for i in (1, 2, 3) for b in ids for p in cluster.dn_data_dir(i).rglob(f"blk_{b}*")]

    assert len(replicas_on_disk()) == 2 * 3 * 2  # data + meta, 3 nodes, 2 blocks
    assert fs.delete("/gone.bin")
    wait_until(lambda: not replicas_on_disk(), 10, "the replicas to be deleted")
    with fs.create("/trunc.bin") as out:
        out.write(os.urandom(2_500_000))
    fs.truncate("/trunc.bin", 1_000_000)  # whole blocks after the new end are dropped
    (loc,) = fs.get_block_locations("/trunc.bin", 0, 1 << 40)
    assert loc.length == 1_000_000 and len(fs.cat("/trunc.bin")) == 1_000_000


def test_large_file_sequential_and_random_reads(cluster):
    """More than one 8 MiB read segment: the next one is prefetched; seeks drop the prefetch."""
    import random as rnd

    fs = cluster.fs()
    data = os.urandom(10 * 1024 * 1024 + 777)
    with fs.create("/big.bin") as out:
        out.write(data)
    with fs.open("/big.bin") as f:
        assert f.read() == data
    with fs.open("/big.bin") as f:
        r = rnd.Random(3)
        for _ in range(20):
            pos = r.randrange(len(data))
            f.seek(pos)
            assert f.read(5000) == data[pos: pos + 5000]
    # a DataNode dies while the file is read: the read goes on from the other replicas
    with fs.open("/big.bin") as f:
        first = f.read(3 * 1024 * 1024)
        cluster.kill("dn2")
        rest = f.read()
    assert first + rest == data
