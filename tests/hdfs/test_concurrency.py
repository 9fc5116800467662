"""Several processes on one embedded store: racing first-use formats, parallel writers,
lease recovery after a writer is killed, and a store locked by a daemon."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pyhdp.errors import LeaseError, StoreLockedError

_PRELUDE = """
import os, sys
from pyhdp.conf import Configuration
from pyhdp.hdfs.client import DistributedFileSystem
conf = Configuration()
conf.set("hadoop.tmp.dir", {tmp!r})
fs = DistributedFileSystem(conf, {authority!r})
"""


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn(tmp: Path, body: str, **kw) -> subprocess.Popen:
    code = _PRELUDE.format(tmp=str(tmp), authority=f"localhost:{free_port()}") + textwrap.dedent(body)
    return subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw
    )


def test_racing_first_use_formats_once(tmp_path):
    data = tmp_path / "data"
    procs = [
        spawn(data, f"fs.mkdirs('/p{i}'); print(open(fs.store.storage.version_path).read())")
        for i in range(4)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    cluster_ids = {line for out, _ in outs for line in out.splitlines() if line.startswith("clusterID=")}
    assert len(cluster_ids) == 1  # one format, seen by all four
    check = spawn(data, "print(sorted(s.path for s in fs.list_status('/')))")
    out, err = check.communicate(timeout=60)
    assert out.strip() == "['/p0', '/p1', '/p2', '/p3', '/tmp', '/user']", err


def test_parallel_writers_do_not_corrupt_the_store(tmp_path, dfs_factory):
    data = tmp_path / "data"
    body = """
    w = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    me = os.getpid()
    fs.mkdirs('/shared')
    for i in range(25):
        with fs.create(f'/shared/{me}-{i}') as out:
            out.write(f'{me}:{i}\\n'.encode() * 200)
    fs.rename(f'/shared/{me}-0', f'/shared/{me}-renamed')
    fs.delete(f'/shared/{me}-1')
    print(me)
    """
    procs = [spawn(data, body) for _ in range(4)]
    pids = []
    for p in procs:
        out, err = p.communicate(timeout=180)
        assert p.returncode == 0, err
        pids.append(int(out.strip()))
    fs = dfs_factory()
    names = {s.name for s in fs.list_status("/shared")}
    assert len(names) == 4 * 24
    for pid in pids:
        assert fs.cat(f"/shared/{pid}-7") == f"{pid}:7\n".encode() * 200
        assert f"{pid}-renamed" in names and f"{pid}-1" not in names
    integrity = fs.namesystem.conn.execute("PRAGMA integrity_check").fetchone()[0]
    assert integrity == "ok"


def test_lease_of_a_killed_writer_is_recovered(tmp_path, dfs_factory):
    data = tmp_path / "data"
    writer = spawn(
        data,
        """
    out = fs.create('/leased')
    out.write(b'a' * 3000)
    out.hflush()
    print('ready', flush=True)
    import time
    time.sleep(600)
    """,
    )
    assert writer.stdout.readline().strip() == "ready"
    fs = dfs_factory()
    with pytest.raises(LeaseError, match="this file lease is currently owned by DFSClient_NONMAPREDUCE_"):
        fs.append("/leased")
    assert not fs.is_file_closed("/leased")
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    with fs.append("/leased") as out:  # recovers the dead holder's lease first
        out.write(b"b" * 10)
    assert fs.cat("/leased") == b"a" * 3000 + b"b" * 10
    assert fs.is_file_closed("/leased")


def test_recover_lease_after_crash_before_any_hflush(tmp_path, dfs_factory):
    import time

    data = tmp_path / "data"
    writer = spawn(
        data,
        """
    out = fs.create('/torn', block_size=1048576)
    out.write(os.urandom(1048576 + 4096))
    print('ready', flush=True)
    import time
    time.sleep(600)
    """,
    )
    assert writer.stdout.readline().strip() == "ready"
    deadline = time.monotonic() + 60
    rbw = None
    while time.monotonic() < deadline:  # the second block's replica is being written
        rbw = [p for p in data.rglob("rbw/blk_*") if p.suffix != ".meta"]
        if rbw and rbw[0].stat().st_size >= 4096:
            break
        time.sleep(0.05)
    assert rbw, "the writer never reached its second block"
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=60)
    fs = dfs_factory()
    assert not fs.is_file_closed("/torn")
    assert fs.recover_lease("/torn") is True
    st = fs.get_file_status("/torn")
    assert st.length == 1048576 + 4096 and fs.is_file_closed("/torn")
    assert len(fs.cat("/torn")) == st.length


def test_store_locked_by_a_daemon(store_conf, authority):
    from pyhdp.hdfs.client import DistributedFileSystem
    from pyhdp.hdfs.namenode.storage import StorageLock, name_dirs

    fs = DistributedFileSystem(store_conf, authority)
    fs.mkdirs("/formatted")
    from pyhdp.hdfs.embedded import close_stores

    close_stores()
    daemon = StorageLock(name_dirs(store_conf)[0])
    assert daemon.try_lock(exclusive=True)
    daemon.write_owner()
    try:
        with pytest.raises(StoreLockedError) as e:
            DistributedFileSystem(store_conf, authority).list_status("/")
        assert "is already locked by" in str(e.value) and f"{os.getpid()}@" in str(e.value)
    finally:
        daemon.release()
    assert DistributedFileSystem(store_conf, authority).exists("/formatted")
    close_stores()


def test_store_of_an_older_schema_is_migrated(dfs_factory, store_conf):
    from pyhdp.hdfs.embedded import close_stores
    from pyhdp.hdfs.namenode.storage import NameStorage, name_dirs

    fs = dfs_factory()
    fs.mkdirs("/a/b")
    fs.write_bytes("/a/f", b"x")
    close_stores()
    db = NameStorage(name_dirs(store_conf)[0]).db_path
    import sqlite3

    conn = sqlite3.connect(db)
    conn.execute("ALTER TABLE inodes DROP COLUMN nchildren")  # as written before child counts existed
    conn.commit()
    conn.close()
    fs = dfs_factory()
    assert fs.get_file_status("/a").children_num == 2
    fs.write_bytes("/a/g", b"y")
    assert fs.get_file_status("/a").children_num == 3


def test_forked_child_opens_its_own_store(dfs_factory):
    """A fork (multiprocessing's default on Linux) must not reuse the parent's SQLite connection,
    pending group transaction, lock or lease identity."""
    fs = dfs_factory()
    fs.write_bytes("/before", b"1")
    fs.mkdirs("/pending")  # still in the parent's group transaction
    parent_store = fs.store
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        code = 1
        try:
            os.close(r)
            assert fs.store is not parent_store
            fs.write_bytes("/from-child", b"c")
            assert fs.cat("/before") == b"1"
            code = 0
        finally:
            os.write(w, str(code).encode())
            os._exit(code)
    os.close(w)
    _, status = os.waitpid(pid, 0)
    assert os.read(r, 10) == b"0" and os.WEXITSTATUS(status) == 0
    os.close(r)
    assert fs.store is parent_store
    assert fs.cat("/from-child") == b"c" and fs.exists("/pending")
