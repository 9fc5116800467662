"""Block store layout, meta files, checksums (chunk CRCs, bulk verification, HDFS file checksum)."""

from __future__ import annotations

import os
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyhdp.errors import ChecksumError
from pyhdp.hdfs.datanode import checksum as ck


def test_file_checksum_matches_hadoop_vectors():
    # Hadoop's own test vectors (TestDistributedFileSystem/TestGetFileChecksum style)
    empty = ck.file_checksum([])
    assert empty.algorithm == "MD5-of-0MD5-of-0CRC32"
    assert empty.hex() == "00000000000000000000000070bc8f4b72a86921468bf8e8441dce51"
    small = ck.file_checksum([ck.chunk_crcs(b"world\n")])
    assert small.algorithm == "MD5-of-0MD5-of-512CRC32C"
    assert small.hex() == "000002000000000000000000a74dcf6d5ba98e50ae0182c9d5d886fe"
    assert small.length == 28


def test_multi_block_checksum_names_crcs_per_block():
    blocks = [ck.chunk_crcs(bytes(1048576)), ck.chunk_crcs(b"tail")]
    c = ck.file_checksum(blocks)
    assert c.algorithm == "MD5-of-2048MD5-of-512CRC32C"
    assert c.value[:12] == struct.pack(">iq", 512, 2048)


def test_chunk_crcs_are_big_endian_crc32c():
    from crc32c import crc32c

    data = os.urandom(1300)
    crcs = ck.chunk_crcs(data, 512)
    assert len(crcs) == 12
    assert [struct.unpack(">I", crcs[i : i + 4])[0] for i in range(0, 12, 4)] == [
        crc32c(data[:512]),
        crc32c(data[512:1024]),
        crc32c(data[1024:]),
    ]


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=0, max_size=9000), st.sampled_from([512, 1024, 4096]), st.data())
def test_bulk_verification_agrees_with_per_chunk(data, bpc, draw):
    crcs = ck.chunk_crcs(data, bpc)
    assert ck.verify_chunks(data, crcs, bpc)
    if data:
        pos = draw.draw(st.integers(0, len(data) - 1))
        bad = bytearray(data)
        bad[pos] ^= 1 << draw.draw(st.integers(0, 7))
        assert not ck.verify_chunks(bytes(bad), crcs, bpc)
        idx, _exp, _got = ck.first_mismatch(bytes(bad), crcs, bpc)
        assert idx == pos // bpc


def test_layout_and_meta_header(dfs):
    dfs.write_bytes("/f", b"a" * 1000)
    blk = dfs.get_block_locations("/f", 0, 1000)[0]
    store = dfs.store.blocks
    data, meta = store.finalized_paths(blk.block_id, blk.generation_stamp)
    assert blk.block_id == 1073741825 and blk.generation_stamp == 1001
    bp = store.bpid
    assert data.endswith(f"current/{bp}/current/finalized/subdir0/subdir0/blk_1073741825")
    assert meta.endswith("blk_1073741825_1001.meta")
    with open(meta, "rb") as f:
        raw = f.read()
    assert ck.parse_header(raw) == (1, ck.CHECKSUM_CRC32C, 512)
    assert raw[7:] == ck.chunk_crcs(b"a" * 1000)
    assert bp.startswith("BP-") and os.path.exists(os.path.join(store.data_dir, "current", "VERSION"))


def test_rbw_while_writing(dfs):
    out = dfs.create("/w")
    out.write(b"x" * 100)
    out.hflush()
    store = dfs.store.blocks
    assert any(n.startswith("blk_") for n in os.listdir(store.rbw))
    out.close()
    assert not os.listdir(store.rbw)


def test_corrupt_replica_read_fails_and_is_recorded(dfs):
    payload = os.urandom(5000)
    dfs.write_bytes("/c", payload)
    blk = dfs.get_block_locations("/c", 0, 5000)[0]
    data, _meta = dfs.store.blocks.finalized_paths(blk.block_id, blk.generation_stamp)
    with open(data, "r+b") as f:
        f.seek(2000)
        b = f.read(1)
        f.seek(2000)
        f.write(bytes([b[0] ^ 0xFF]))
    with pytest.raises(ChecksumError) as e:
        dfs.cat("/c")
    msg = str(e.value)
    assert msg.startswith(
        f"Checksum error: /c:{dfs.store.blocks.bpid}:blk_{blk.block_id}_{blk.generation_stamp} at 1536 exp: "
    )
    assert " got: " in msg
    assert [b for b, _g, p in dfs.namesystem.corrupt_blocks()] == [blk.block_id]
    assert dfs.get_block_locations("/c", 0, 1)[0].corrupt
    with dfs.open("/c", verify_checksum=False) as f:
        assert len(f.read()) == 5000


def test_append_to_partial_chunk_keeps_checksums_valid(dfs):
    dfs.write_bytes("/p", b"a" * 700)
    for piece in (b"b" * 10, b"c" * 2000, b"d"):
        with dfs.append("/p") as out:
            out.write(piece)
    expected = b"a" * 700 + b"b" * 10 + b"c" * 2000 + b"d"
    assert dfs.cat("/p") == expected
    blk = dfs.get_block_locations("/p", 0, 10)[0]
    dfs.store.blocks.verify_replica(blk.block_id, blk.generation_stamp, len(expected))
    assert blk.generation_stamp > 1001  # append bumps the generation stamp


def test_dfs_used_counts_replicas_and_meta(dfs):
    before = dfs.get_status().used
    dfs.write_bytes("/u", b"z" * 1000)
    after = dfs.get_status()
    assert after.used - before == 1000 + 7 + 4 * 2
    assert after.capacity > 0 and after.remaining > 0
    assert dfs.store.blocks.capacity()[1] >= after.used  # a walk of the volume agrees (plus VERSION files)


def test_write_pipeline_mixed_sizes_and_unaligned_append(dfs):
    chunks = [os.urandom(n) for n in (100, 70000, 1 << 20, 3, 200000, (1 << 20) + 512, 77)]
    with dfs.create("/mix", block_size=1 << 20) as out:
        for c in chunks:
            out.write(c)
    more = [os.urandom(n) for n in (1 << 20, 5, 90000)]
    with dfs.append("/mix") as out:  # the last block ends inside a chunk: no precomputed CRCs
        for c in more:
            out.write(c)
    expected = b"".join(chunks + more)
    assert dfs.cat("/mix") == expected
    for blk in dfs.get_block_locations("/mix", 0, len(expected)):
        dfs.store.blocks.verify_replica(blk.block_id, blk.generation_stamp, blk.length)
        assert blk.length <= 1 << 20
