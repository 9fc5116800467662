"""CRC32C chunk checksums, the block ``.meta`` header, and HDFS's file checksum.

* ``.meta`` files are Hadoop's: ``BlockMetadataHeader`` (version short = 1) followed by the
  ``DataChecksum`` header (type byte, 2 = CRC32C; bytesPerChecksum int), then one
  big-endian CRC per ``dfs.bytes-per-checksum`` bytes of data.
* :func:`file_checksum` is ``MD5MD5CRC32CastagnoliFileChecksum`` (``MD5-of-<n>MD5-of-512CRC32C``)
  computed as Hadoop's ``FileChecksumHelper`` does, including its MD5 over the whole
  ``DataOutputBuffer`` backing array (zero padding to the buffer capacity), so the bytes
  match real HDFS for the same data and block size.
"""

from __future__ import annotations

import array
import hashlib
import struct
import sys
from collections.abc import Iterable

from crc32c import crc32c

from pyhdp.fs.base import FileChecksum

META_VERSION = 1
CHECKSUM_NULL, CHECKSUM_CRC32, CHECKSUM_CRC32C = 0, 1, 2
HEADER = struct.Struct(">hbi")
HEADER_SIZE = HEADER.size  # 7
CHECKSUM_SIZE = 4
_BIG = sys.byteorder == "big"


def meta_header(bytes_per_checksum: int) -> bytes:
    return HEADER.pack(META_VERSION, CHECKSUM_CRC32C, bytes_per_checksum)


def parse_header(data: bytes) -> tuple[int, int, int]:
    """``(version, checksum type, bytes per checksum)`` of a meta file header."""
    if len(data) < HEADER_SIZE:
        raise ValueError("truncated block metadata header")
    return HEADER.unpack_from(data)


def chunk_crcs(data: bytes | bytearray | memoryview, bpc: int = 512) -> bytes:
    """Big-endian CRC32C of every ``bpc``-byte chunk of ``data`` (the last may be short)."""
    mv = memoryview(data)
    n = len(mv)
    if n == 0:
        return b""
    arr = array.array("I", map(crc32c, map(mv.__getitem__, map(slice, range(0, n, bpc), range(bpc, n + bpc, bpc)))))
    if not _BIG:
        arr.byteswap()
    return arr.tobytes()


def first_mismatch(data: bytes | memoryview, expected: bytes, bpc: int) -> tuple[int, int, int] | None:
    """``(chunk index, expected crc, computed crc)`` of the first bad chunk, or None."""
    got = chunk_crcs(data, bpc)
    if got == expected[: len(got)] and len(expected) >= len(got):
        return None
    for i in range(0, len(got), 4):
        exp = expected[i: i + 4]
        if got[i: i + 4] != exp:
            e = struct.unpack(">i", exp.ljust(4, b"\0"))[0]
            g = struct.unpack(">i", got[i: i + 4])[0]
            return i // 4, e, g
    return None


def _java_buffer_bytes(chunks: Iterable[bytes]) -> bytes:
    """The backing array of a Java ``DataOutputBuffer`` after writing ``chunks`` (capacity 32, doubling)."""
    data = b"".join(chunks)
    cap = 32
    while cap < len(data):
        cap *= 2
    return data + b"\0" * (cap - len(data))


def block_md5(crcs: bytes) -> bytes:
    """The DataNode's per-block MD5 over the block's CRCs."""
    return hashlib.md5(crcs).digest()


def file_checksum(block_crcs: list[bytes], bytes_per_crc: int = 512) -> FileChecksum:
    """HDFS ``getFileChecksum`` (MD5MD5CRC): ``block_crcs`` = the CRC bytes of each block, in order."""
    if not block_crcs:
        md5 = hashlib.md5(_java_buffer_bytes([])).digest()
        value = struct.pack(">iq", 0, 0) + md5
        return FileChecksum("MD5-of-0MD5-of-0CRC32", value, len(value))
    crc_per_block = len(block_crcs[0]) // CHECKSUM_SIZE if len(block_crcs) > 1 else 0
    md5 = hashlib.md5(_java_buffer_bytes(block_md5(c) for c in block_crcs)).digest()
    value = struct.pack(">iq", bytes_per_crc, crc_per_block) + md5
    return FileChecksum(f"MD5-of-{crc_per_block}MD5-of-{bytes_per_crc}CRC32C", value, len(value))
