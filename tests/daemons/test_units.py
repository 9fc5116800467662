"""Unit tests of the daemons' core objects: block manager state machine, codec, auth, packets, errors."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyhdp.hdfs.server.blockmanager import (
    DECOMMISSIONED,
    DECOMMISSIONING,
    BlockInfo,
    BlockManager,
    DatanodeDescriptor,
    DisallowedDatanodeError,
    Settings,
)


def _dn(i: int, remaining: int = 10**12) -> DatanodeDescriptor:
    return DatanodeDescriptor(uuid=f"u{i}", ip="127.0.0.1", hostname=f"h{i}", xfer_port=9000 + i,
                              http_port=8000 + i, ipc_port=7000 + i, capacity=10**12, remaining=remaining)


def _bm(n: int = 4) -> BlockManager:
    bm = BlockManager(Settings(heartbeat_interval=1, recheck_interval=2), random.Random(7))
    for i in range(n):
        bm.register(_dn(i), now=0.0)
    return bm


def test_dead_node_expiry_formula_and_replicas_dropped():
    bm = _bm(3)
    info = BlockInfo(1, 1001, 10, True, 3)
    bm.block_report("u0", [(1, 1001, 10)], {1: info}, wall=0)
    bm.block_report("u1", [(1, 1001, 10)], {1: info}, wall=0)
    assert bm.settings.expire_interval == 2 * 2 + 10 * 1
    for t in (5.0, 10.0):
        bm.heartbeat("u1", {}, now=t, wall=t)
        bm.heartbeat("u2", {}, now=t, wall=t)
    assert bm.check_heartbeats(now=14.0) == []  # u0 last heard at 0: 14 s is not more than 14 s
    assert bm.check_heartbeats(now=14.5) == ["u0"]
    assert bm.locations[1] == {"u1"}
    assert bm.heartbeat("u0", {}, now=15, wall=15) is None  # must re-register


def test_under_replicated_block_gets_a_transfer_command_once():
    bm = _bm(4)
    info = BlockInfo(5, 1001, 100, True, 3)
    bm.block_report("u0", [(5, 1001, 100)], {5: info}, wall=0)
    counts = bm.compute_work([info], now=0)
    assert counts["under"] == 1 and counts["scheduled"] == 1
    (cmd,) = bm.datanodes["u0"].commands
    assert cmd["cmd"] == "transfer" and len(cmd["targets"]) == 2
    assert all(t["uuid"] != "u0" for t in cmd["targets"])
    bm.compute_work([info], now=1)  # pending: not scheduled twice
    assert len(bm.datanodes["u0"].commands) == 1
    for t in cmd["targets"]:
        bm.block_received(t["uuid"], 5, 1001, 100, info)
    assert bm.live_count(5) == 3 and 5 not in bm.pending


def test_excess_replica_invalidated_and_stale_report_rejected():
    bm = _bm(4)
    info = BlockInfo(9, 1002, 50, True, 2)
    for u in ("u0", "u1", "u2"):
        bm.block_report(u, [(9, 1002, 50)], {9: info}, wall=0)
    counts = bm.compute_work([info], now=0)
    assert counts["excess"] == 1 and bm.live_count(9) == 2
    # a replica with an old generation stamp is invalidated, not located
    stale = bm.block_report("u3", [(9, 1001, 50), (77, 1, 1)], {9: info}, wall=0)
    assert sorted(stale) == [9, 77] and "u3" not in bm.locations[9]
    assert bm.datanodes["u3"].commands[-1] == {"cmd": "invalidate", "blocks": [9, 77]}


def test_corrupt_replica_deleted_then_not_a_target_until_deleted():
    bm = _bm(3)
    info = BlockInfo(3, 1001, 10, True, 3)
    for u in ("u0", "u1", "u2"):
        bm.block_report(u, [(3, 1001, 10)], {3: info}, wall=0)
    bm.bad_replica(3, "u2")
    bm.compute_work([info], now=0)
    assert {"cmd": "invalidate", "blocks": [3]} in bm.datanodes["u2"].commands
    transfers = [c for d in bm.datanodes.values() for c in d.commands if c["cmd"] == "transfer"]
    assert transfers == []  # u2 still has the deletion pending
    bm.heartbeat("u2", {}, 1, 1)  # deletion delivered
    bm.heartbeat("u2", {}, 2, 2)  # ... and done before this heartbeat
    bm.compute_work([info], now=3)
    transfers = [c for d in bm.datanodes.values() for c in d.commands if c["cmd"] == "transfer"]
    assert [t["uuid"] for c in transfers for t in c["targets"]] == ["u2"]


def test_placement_avoids_full_and_decommissioned_nodes_and_prefers_writer():
    bm = _bm(0)
    bm.register(_dn(0, remaining=10), 0)  # full
    bm.register(_dn(1), 0)
    d2 = _dn(2)
    d2.ip = "10.0.0.2"
    bm.register(d2, 0)
    bm.register(_dn(3), 0)
    bm.set_hosts([], ["h3"])
    assert bm.datanodes["u3"].admin_state == DECOMMISSIONING
    for _ in range(20):
        chosen = bm.choose_targets(2, 1 << 20, writer_ip="10.0.0.2")
        assert [d.uuid for d in chosen][0] == "u2" and {d.uuid for d in chosen} == {"u1", "u2"}
    info = BlockInfo(4, 1, 1, True, 1)
    bm.block_report("u3", [(4, 1, 1)], {4: info}, 0)
    bm.compute_work([info], 0)  # copied off the decommissioning node
    (cmd,) = bm.datanodes["u3"].commands
    bm.block_received(cmd["targets"][0]["uuid"], 4, 1, 1, info)
    assert bm.decommission_progress(lambda u: [info] if u == "u3" else []) == ["u3"]
    assert bm.datanodes["u3"].admin_state == DECOMMISSIONED


def test_include_list_refuses_registration():
    bm = BlockManager()
    bm.set_hosts(["h1"], [])
    bm.register(_dn(1), 0)
    with pytest.raises(DisallowedDatanodeError, match="not in the include-list"):
        bm.register(_dn(2), 0)


def test_removed_blocks_invalidated_everywhere():
    bm = _bm(2)
    info = BlockInfo(8, 1, 1, True, 2)
    for u in ("u0", "u1"):
        bm.block_report(u, [(8, 1, 1)], {8: info}, 0)
    bm.remove_blocks([8])
    assert 8 not in bm.locations
    assert all({"cmd": "invalidate", "blocks": [8]} in bm.datanodes[u].commands for u in ("u0", "u1"))


# ---------------------------------------------------------------------- codec, auth, packets, errors
def test_codec_round_trips_protocol_types():
    from pyhdp.fs.base import ContentSummary, FileStatus
    from pyhdp.hdfs.namenode.files import Holder, LocatedBlock
    from pyhdp.net import codec

    value = [FileStatus("/a", 3, False, 2, 1024, 1, 2, 0o644, "u", "g", file_id=7),
             ContentSummary(1, 2, 3, type_quotas={"DISK": (5, 6)}), LocatedBlock(1, 2, 3, 4),
             Holder("c", 1, "x", "h"), b"\x00\xff", None, {"k": [1, True]}]
    got = codec.loads(codec.dumps(value))
    assert got[0] == value[0] and got[2] == value[2] and got[3] == value[3] and got[4] == b"\x00\xff"
    assert got[1].type_quotas == {"DISK": [5, 6]} and got[5] is None and got[6] == {"k": [1, True]}
    with pytest.raises(ValueError, match="unknown type"):
        codec.loads(b'{"@": "Popen", "args": ["sh"]}')


def test_signed_requests_and_block_tokens():
    from pyhdp.net import auth

    secret = b"s" * 32
    sig = auth.sign_request(secret, "POST", "/dn/heartbeat", b"{}")
    auth.verify_request(secret, "POST", "/dn/heartbeat", b"{}", sig)
    for bad in (None, "x", sig[:-1] + ("0" if sig[-1] != "0" else "1"),
                auth.sign_request(b"t" * 32, "POST", "/dn/heartbeat", b"{}")):
        with pytest.raises(auth.AuthError):
            auth.verify_request(secret, "POST", "/dn/heartbeat", b"{}", bad)
    with pytest.raises(auth.AuthError):  # body changed
        auth.verify_request(secret, "POST", "/dn/heartbeat", b"{ }", sig)
    with pytest.raises(auth.AuthError, match="expired"):
        auth.verify_request(secret, "POST", "/p", b"", auth.sign_request(secret, "POST", "/p", b"", ts=1))
    tok = auth.block_token(secret, "BP-1", 5, 1001, "r", "dr.who")
    assert auth.verify_block_token(secret, "BP-1", 5, 1001, "r", tok) == "dr.who"
    for args in ((secret, "BP-1", 5, 1001, "w", tok), (secret, "BP-1", 6, 1001, "r", tok),
                 (secret, "BP-1", 5, 1002, "r", tok), (b"t" * 32, "BP-1", 5, 1001, "r", tok)):
        with pytest.raises(auth.AuthError):
            auth.verify_block_token(*args)


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=5000), st.sampled_from([16, 512]), st.integers(1, 700))
def test_packets_round_trip_in_any_pieces(data, bpc, piece):
    from pyhdp.net import packets

    wire = packets.encode_all(data, bpc, packet=bpc * 3)
    parser = packets.Parser(bpc)
    out = []
    for i in range(0, len(wire), piece):
        for payload, crcs in parser.feed(wire[i: i + piece]):
            packets.verify(payload, crcs, bpc, "test")
            out.append(payload)
    parser.finish()
    assert b"".join(out) == data


def test_packet_corruption_detected():
    from pyhdp.errors import ChecksumError
    from pyhdp.net import packets

    wire = bytearray(packets.encode_all(b"abc" * 1000, 512))
    wire[-10] ^= 1
    (payload, crcs), = packets.Parser(512).feed(bytes(wire))
    with pytest.raises(ChecksumError, match="Checksum error"):
        packets.verify(payload, crcs, 512, "x")


def test_error_mapping_both_ways():
    from pyhdp.errors import AccessControlError, PathNotFoundError, SafeModeError
    from pyhdp.hdfs.namenode.quota import NSQuotaExceededError
    from pyhdp.net.errors import error_from_remote, error_from_rpc, remote_exception, rpc_error

    assert remote_exception(PathNotFoundError("File does not exist: /x"))[0] == 404
    status, body = remote_exception(AccessControlError("Permission denied: user=a"))
    assert status == 403 and body["RemoteException"]["javaClassName"] == \
        "org.apache.hadoop.security.AccessControlException"
    assert remote_exception(ValueError("bad"))[0] == 400
    assert remote_exception(NSQuotaExceededError("q"))[1]["RemoteException"]["exception"] == \
        "NSQuotaExceededException"
    for exc in (SafeModeError("m", "/p"), NSQuotaExceededError("q"), ValueError("v"), TypeError("t")):
        back = error_from_rpc(rpc_error(exc))
        assert type(back) is type(exc) and str(back) == str(exc)
    e = error_from_remote({"exception": "FileNotFoundException", "message": "File /x does not exist."})
    assert isinstance(e, FileNotFoundError) and str(e) == "File /x does not exist."
    assert error_from_remote({"exception": "WeirdException", "message": "w"}).exception == "WeirdException"
