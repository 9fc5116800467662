"""Real WebHDFS clients against pyhdp's daemons: HdfsCLI (the ``hdfs`` package) and fsspec's
``webhdfs``; plus the exact wire format (JSON schemas, RemoteException bodies, redirects)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "daemons"))
from minicluster import MiniCluster  # noqa: E402


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = MiniCluster(tmp_path_factory.mktemp("webhdfs"), datanodes=2, conf={"dfs.replication": 2})
    c.start()
    c.fs().mkdirs("/user/alice", 0o755)
    c.fs().set_owner("/user/alice", "alice", None)
    yield c
    c.stop()


def http(cluster, method: str, path: str, **params):
    from urllib.parse import urlencode

    from pyhdp.net import httpclient

    return httpclient.request(f"127.0.0.1:{cluster.http_port}", method, f"/webhdfs/v1{path}?{urlencode(params)}")


def test_hdfscli_round_trip(cluster):
    hdfs = pytest.importorskip("hdfs")
    client = hdfs.InsecureClient(f"http://127.0.0.1:{cluster.http_port}", user="alice")
    data = os.urandom(2_300_000)
    client.write("/user/alice/a.bin", data=data, overwrite=True)
    with client.read("/user/alice/a.bin") as r:
        assert r.read() == data
    with client.read("/user/alice/a.bin", offset=1000, length=50) as r:
        assert r.read() == data[1000:1050]
    st = client.status("/user/alice/a.bin")
    assert st["length"] == len(data) and st["type"] == "FILE" and st["owner"] == "alice"
    assert st["permission"] == "644" and st["replication"] == 2
    client.makedirs("/user/alice/d/e", permission="750")
    assert client.status("/user/alice/d/e")["permission"] == "750"
    assert [n for n in client.list("/user/alice")] == ["a.bin", "d"]
    client.rename("/user/alice/a.bin", "/user/alice/d/b.bin")
    assert client.status("/user/alice/a.bin", strict=False) is None
    client.write("/user/alice/d/b.bin", data=b"tail", append=True)
    with client.read("/user/alice/d/b.bin") as r:
        assert r.read() == data + b"tail"
    cs = client.content("/user/alice")
    assert cs["length"] == len(data) + 4 and cs["fileCount"] == 1 and cs["directoryCount"] == 3
    ck = client.checksum("/user/alice/d/b.bin")
    local = cluster.fs().get_file_checksum("/user/alice/d/b.bin")
    assert ck["algorithm"] == local.algorithm and ck["bytes"] == local.value.hex()
    client.set_permission("/user/alice/d/b.bin", "600")
    client.set_times("/user/alice/d/b.bin", modification_time=1_600_000_000_000)
    st = cluster.fs().get_file_status("/user/alice/d/b.bin")
    assert st.permission == 0o600 and st.modification_time == 1_600_000_000_000
    assert client.delete("/user/alice/d", recursive=True)
    assert client.status("/user/alice/d", strict=False) is None
    with pytest.raises(hdfs.HdfsError, match="File does not exist: /user/alice/nope"):
        client.status("/user/alice/nope")


def test_hdfscli_permission_denied_as_other_user(cluster):
    hdfs = pytest.importorskip("hdfs")
    bob = hdfs.InsecureClient(f"http://127.0.0.1:{cluster.http_port}", user="bob")
    with pytest.raises(hdfs.HdfsError, match=r"Permission denied: user=bob, access=WRITE, inode=\"/user/alice"):
        bob.write("/user/alice/x", data=b"no")
    assert cluster.fs().exists("/user/alice/x") is False


def test_fsspec_webhdfs_round_trip(cluster):
    fsspec = pytest.importorskip("fsspec")
    fs = fsspec.filesystem("webhdfs", host="127.0.0.1", port=cluster.http_port, user="alice")
    data = os.urandom(1_200_000)
    fs.pipe("/user/alice/f.bin", data)
    assert fs.cat("/user/alice/f.bin") == data
    info = fs.info("/user/alice/f.bin")
    assert info["size"] == len(data) and info["type"] == "file"
    fs.mkdir("/user/alice/sub")
    fs.pipe("/user/alice/sub/x", b"x")
    assert sorted(p.rsplit("/", 1)[1] for p in fs.ls("/user/alice", detail=False)) == ["f.bin", "sub"]
    with fs.open("/user/alice/f.bin", "rb") as f:
        f.seek(500_000)
        assert f.read(1000) == data[500_000:501_000]
    fs.mv("/user/alice/sub/x", "/user/alice/y")
    assert fs.cat("/user/alice/y") == b"x"
    fs.rm("/user/alice/sub", recursive=True)
    assert not fs.exists("/user/alice/sub")
    # what fsspec wrote is what the pyhdp CLI reads through the daemons
    assert cluster.cli("hdfs", "dfs", "-cat", "/user/alice/f.bin").stdout == data


def test_exact_json_and_errors(cluster):
    cluster.fs().mkdirs("/j", 0o755)
    r = http(cluster, "GET", "/j", op="GETFILESTATUS")
    st = json.loads(r.body)["FileStatus"]
    assert list(st) == sorted(st) and st["type"] == "DIRECTORY" and st["permission"] == "755"
    assert st["pathSuffix"] == "" and st["childrenNum"] == 0 and st["replication"] == 0
    r = http(cluster, "GET", "/nope", op="GETFILESTATUS")
    assert r.status == 404 and r.headers["Content-Type"].startswith("application/json")
    assert json.loads(r.body) == {"RemoteException": {
        "exception": "FileNotFoundException", "javaClassName": "java.io.FileNotFoundException",
        "message": "File does not exist: /nope"}}
    r = http(cluster, "GET", "/nope", op="LISTSTATUS")
    assert r.status == 404 and json.loads(r.body)["RemoteException"]["message"] == "File /nope does not exist."
    r = http(cluster, "GET", "/j", op="FOO")
    assert r.status == 400 and json.loads(r.body)["RemoteException"]["message"] == (
        'Invalid value for webhdfs parameter "op": No enum constant '
        "org.apache.hadoop.hdfs.web.resources.GetOpParam.Op.FOO")
    r = http(cluster, "PUT", "/j/k", op="MKDIRS", permission="999")
    assert r.status == 400 and "radix-8" in json.loads(r.body)["RemoteException"]["message"]
    r = http(cluster, "PUT", "/j/k", op="MKDIRS", **{"user.name": "bob"})
    body = json.loads(r.body)["RemoteException"]
    assert r.status == 403 and body["exception"] == "AccessControlException"
    assert body["javaClassName"] == "org.apache.hadoop.security.AccessControlException"
    r = http(cluster, "GET", "/", op="GETHOMEDIRECTORY", **{"user.name": "carol"})
    assert json.loads(r.body) == {"Path": "/user/carol"}
    r = http(cluster, "GET", "/", op="GETHOMEDIRECTORY")
    assert json.loads(r.body) == {"Path": "/user/dr.who"}
    r = http(cluster, "GET", "/", op="GETTRASHROOT", **{"user.name": "carol"})
    assert json.loads(r.body) == {"Path": "/user/carol/.Trash"}
    r = http(cluster, "GET", "/j", op="CHECKACCESS", fsaction="r-x", **{"user.name": "bob"})
    assert r.status == 200
    r = http(cluster, "GET", "/j", op="CHECKACCESS", fsaction="-w-", **{"user.name": "bob"})
    assert r.status == 403
    r = http(cluster, "GET", "/j", op="CHECKACCESS", fsaction="rwz")
    assert r.status == 400
    r = http(cluster, "DELETE", "/", op="DELETE", **{"user.name": "bad name"})
    assert r.status == 400 and "user.name" in json.loads(r.body)["RemoteException"]["message"]


def test_redirects_noredirect_and_batch_listing(cluster):
    fs = cluster.fs()
    me = {"user.name": fs.user}
    fs.mkdirs("/b", 0o755)
    for i in range(5):
        with fs.create(f"/b/f{i}") as out:
            out.write(b"%d" % i)
    r = http(cluster, "GET", "/b/f3", op="OPEN")
    assert r.status == 307
    loc = r.headers["Location"]
    assert "/webhdfs/v1/b/f3?" in loc and "namenoderpcaddress=127.0.0.1" in loc and "op=OPEN" in loc
    r = http(cluster, "GET", "/b/f3", op="OPEN", noredirect="true")
    assert r.status == 200 and json.loads(r.body)["Location"].startswith("http://127.0.0.1:")
    r = http(cluster, "PUT", "/b/new", op="CREATE", noredirect="true")
    assert "op=CREATE" in json.loads(r.body)["Location"]
    r = http(cluster, "GET", "/b", op="LISTSTATUS_BATCH", startAfter="f1")
    listing = json.loads(r.body)["DirectoryListing"]
    names = [s["pathSuffix"] for s in listing["partialListing"]["FileStatuses"]["FileStatus"]]
    assert names == ["f2", "f3", "f4"] and listing["remainingEntries"] == 0
    r = http(cluster, "GET", "/b", op="GETCONTENTSUMMARY")
    cs = json.loads(r.body)["ContentSummary"]
    assert list(cs) == sorted(cs) and cs["fileCount"] == 5 and cs["length"] == 5 and cs["spaceConsumed"] == 10
    r = http(cluster, "GET", "/b", op="GETQUOTAUSAGE")
    assert json.loads(r.body)["QuotaUsage"]["fileAndDirectoryCount"] == 6
    r = http(cluster, "GET", "/b/f0", op="GETFILEBLOCKLOCATIONS")
    (blk,) = json.loads(r.body)["BlockLocations"]["BlockLocation"]
    assert blk["length"] == 1 and len(blk["names"]) == 2
    r = http(cluster, "POST", "/b/f0", op="CONCAT", sources="/b/f1,/b/f2", **me)
    assert r.status == 200 and fs.cat("/b/f0") == b"012"
    r = http(cluster, "POST", "/b/f0", op="TRUNCATE", newlength="1", **me)
    assert r.status == 200 and fs.cat("/b/f0") == b"0"
    r = http(cluster, "PUT", "/b/f0", op="SETREPLICATION", replication="1", **me)
    assert json.loads(r.body) == {"boolean": True} and fs.get_file_status("/b/f0").replication == 1
    r = http(cluster, "DELETE", "/b", op="DELETE", **me)
    assert r.status == 403 and json.loads(r.body)["RemoteException"]["exception"] == "PathIsNotEmptyDirectoryException"
    r = http(cluster, "DELETE", "/b", op="DELETE", recursive="true", **me)
    assert json.loads(r.body) == {"boolean": True}
    r = http(cluster, "DELETE", "/b", op="DELETE", recursive="true", **me)
    assert json.loads(r.body) == {"boolean": False}
