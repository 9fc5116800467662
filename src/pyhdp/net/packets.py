"""Block data on the wire: packets of ``>I length``, the CRC32C of each chunk, then the data.

The CRCs are those of ``bytes_per_checksum`` chunks counted from the packet's first byte, so
every hop (client, each DataNode of a pipeline, a reader) can verify a packet alone.
"""

from __future__ import annotations

import struct

from pyhdp.errors import ChecksumError
from pyhdp.hdfs.datanode import checksum as ck

HEADER = struct.Struct(">I")
PACKET_SIZE = 512 * 1024  # data bytes per packet (a multiple of every sane bytes-per-checksum)


def crc_len(n: int, bpc: int) -> int:
    return -(-n // bpc) * ck.CHECKSUM_SIZE


def encode(data: bytes | memoryview, bpc: int, crcs: bytes | None = None) -> list[bytes | memoryview]:
    """One packet as a list of buffers (header, crcs, data)."""
    if crcs is None:
        crcs = ck.chunk_crcs(data, bpc)
    return [HEADER.pack(len(data)), crcs, data]


def encode_all(data: bytes | memoryview, bpc: int, packet: int = PACKET_SIZE) -> bytes:
    mv = memoryview(data)
    out = bytearray()
    for i in range(0, len(mv), packet):
        piece = mv[i: i + packet]
        out += HEADER.pack(len(piece))
        out += ck.chunk_crcs(piece, bpc)
        out += piece
    return bytes(out)


def verify(data: bytes | memoryview, crcs: bytes, bpc: int, where: str) -> None:
    if ck.chunk_crcs(data, bpc) != crcs:
        bad = ck.first_mismatch(data, crcs, bpc)
        idx, exp, got = bad if bad is not None else (0, 0, 0)
        raise ChecksumError(f"Checksum error: {where} at {idx * bpc} exp: {exp} got: {got}", where)


class Parser:
    """Incremental parser: feed bytes, take complete ``(data, crcs)`` packets."""

    def __init__(self, bpc: int):
        self.bpc = bpc
        self.buf = bytearray()

    def feed(self, data: bytes) -> list[tuple[bytes, bytes]]:
        self.buf += data
        out = []
        buf = self.buf
        pos = 0
        while len(buf) - pos >= HEADER.size:
            (n,) = HEADER.unpack_from(buf, pos)
            c = crc_len(n, self.bpc)
            end = pos + HEADER.size + c + n
            if len(buf) < end:
                break
            crcs = bytes(buf[pos + HEADER.size: pos + HEADER.size + c])
            payload = bytes(buf[pos + HEADER.size + c: end])
            out.append((payload, crcs))
            pos = end
        if pos:
            del buf[:pos]
        return out

    def finish(self) -> None:
        if self.buf:
            raise ChecksumError(f"Truncated packet stream: {len(self.buf)} bytes left over")
