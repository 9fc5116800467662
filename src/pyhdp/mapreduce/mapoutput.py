"""The MapOutput file format: one map task's sorted, partitioned output.

``file.out`` holds one *segment* per reduce partition, in partition order.  A segment is
a sequence of blocks; a block is ``>IBI`` (payload length, codec, CRC32 of payload)
followed by the payload, a ``marshal`` (codec 0) or ``pickle`` (codec 1) dump of a list
of ``(key: bytes, value)`` tuples sorted by key; codec bit 2 marks a zlib-compressed
payload (``mapreduce.map.output.compress``).  ``file.out.index`` is ``b"PYMO1\\n"``
then, per partition, ``>QQQ`` = (offset, length, record count), so a shuffle service can
serve partition *r* as the byte range ``[offset, offset+length)`` of ``file.out``.
Spill files use the same format.
"""

from __future__ import annotations

import marshal
import os
import pickle
import struct
import zlib
from collections.abc import Iterable, Iterator
from typing import IO

HEADER = struct.Struct(">IBI")
INDEX_MAGIC = b"PYMO1\n"
INDEX_ENTRY = struct.Struct(">QQQ")
BLOCK_RECORDS = 4096
BLOCK_BYTES = 1 << 20


class CorruptMapOutputError(OSError):
    pass


ZLIB = 2  # codec flag: the payload is zlib-compressed (mapreduce.map.output.compress)


def encode_block(records: list, compress: bool = False) -> bytes:
    try:
        payload = marshal.dumps(records, 2)  # version 2: no reference tracking, faster
        codec = 0
    except ValueError:
        payload = pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL)
        codec = 1
    if compress:
        payload = zlib.compress(payload, 1)
        codec |= ZLIB
    return HEADER.pack(len(payload), codec, zlib.crc32(payload)) + payload


def decode_payload(payload: bytes, codec: int) -> list:
    if codec & ZLIB:
        payload = zlib.decompress(payload)
    if codec & 1:
        return pickle.loads(payload)
    return marshal.loads(payload)


class MapOutputWriter:
    """Writes partition segments in order; ``close()`` writes the index."""

    def __init__(self, path: str, num_partitions: int, compress: bool = False):
        self.path = path
        self.compress = compress
        self.num_partitions = num_partitions
        self._f = open(path, "wb")  # noqa: SIM115 - closed in close()
        self._index: list[tuple[int, int, int]] = []
        self._seg_start = 0
        self._seg_records = 0
        self._current = -1
        self.records = 0

    def start_partition(self, p: int) -> None:
        while self._current < p - 1:
            # empty partitions in between
            self._current += 1
            self._index.append((self._f.tell(), 0, 0))
        self._current = p
        self._seg_start = self._f.tell()
        self._seg_records = 0

    def write_records(self, records: list) -> None:
        """Write sorted records of the current partition (split into blocks)."""
        n = len(records)
        if not n:
            return
        step = BLOCK_RECORDS
        f = self._f
        for i in range(0, n, step):
            f.write(encode_block(records[i : i + step], self.compress))
        self._seg_records += n
        self.records += n

    def end_partition(self) -> None:
        end = self._f.tell()
        self._index.append((self._seg_start, end - self._seg_start, self._seg_records))

    def write_partition(self, p: int, records: Iterable[list]) -> None:
        self.start_partition(p)
        for chunk in records:
            self.write_records(chunk)
        self.end_partition()

    def close(self) -> int:
        """Finish; returns the size of ``file.out`` (materialized bytes)."""
        while len(self._index) < self.num_partitions:
            self._index.append((self._f.tell(), 0, 0))
        size = self._f.tell()
        self._f.close()
        write_index(self.path + ".index", self._index)
        return size


def write_index(path: str, entries: list[tuple[int, int, int]]) -> None:
    with open(path, "wb") as f:
        f.write(INDEX_MAGIC)
        for e in entries:
            f.write(INDEX_ENTRY.pack(*e))


def read_index(path: str) -> list[tuple[int, int, int]]:
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(INDEX_MAGIC):
        raise CorruptMapOutputError(f"Bad map output index {path}")
    body = data[len(INDEX_MAGIC) :]
    return [INDEX_ENTRY.unpack_from(body, i) for i in range(0, len(body), INDEX_ENTRY.size)]


def iter_blocks(f: IO[bytes], length: int, source: str = "") -> Iterator[list]:
    """Decode the blocks of a segment of ``length`` bytes read from ``f``'s position."""
    remaining = length
    hs = HEADER.size
    while remaining > 0:
        head = f.read(hs)
        if len(head) < hs:
            raise CorruptMapOutputError(f"Truncated map output {source}")
        size, codec, crc = HEADER.unpack(head)
        payload = f.read(size)
        if len(payload) < size or zlib.crc32(payload) != crc:
            raise CorruptMapOutputError(f"Checksum error in map output {source}")
        remaining -= hs + size
        yield decode_payload(payload, codec)


def read_segment(
    path: str, partition: int, index: list[tuple[int, int, int]] | None = None
) -> Iterator[list]:
    """Blocks (lists of ``(key, value)``) of partition ``partition`` of ``path``."""
    if index is None:
        index = read_index(path + ".index")
    offset, length, _count = index[partition]
    if not length:
        return
    with open(path, "rb", buffering=1 << 20) as f:
        f.seek(offset)
        yield from iter_blocks(f, length, path)


def segment_bytes(data: bytes) -> Iterator[list]:
    """Decode a segment already in memory (an HTTP shuffle response)."""
    import io

    yield from iter_blocks(io.BytesIO(data), len(data))


def remove_output(path: str) -> None:
    for p in (path, path + ".index"):
        try:
            os.unlink(p)
        except FileNotFoundError:
            pass
