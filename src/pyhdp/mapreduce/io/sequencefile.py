"""Hadoop's SequenceFile (version 6): reader and writer, byte-compatible with Hadoop's.

Layout: ``SEQ\\x06``, key and value class names (Text strings), ``compressed`` and
``blockCompressed`` booleans, the codec class name when compressed, metadata (int count
+ Text pairs), a 16-byte sync marker.  Then records — ``int recordLength, int keyLength,
key, value`` (the value compressed alone when record-compressed) — with ``int -1`` +
sync every ~2000 bytes; or, block-compressed, blocks of ``sync, vint count, and four
compressed buffers`` (key lengths, keys, value lengths, values).

Codecs: ``DefaultCodec`` (zlib), ``GzipCodec``, ``BZip2Codec``.

:func:`read_sequence_file_as_text` is the hook FsShell ``-text`` uses: it yields
``key.toString() + "\\t" + value.toString() + "\\n"`` lines as bytes.
"""

from __future__ import annotations

import bz2
import gzip
import os
import struct
import zlib
from collections.abc import Iterator
from typing import IO, Any

from pyhdp.mapreduce.io.writables import Text, Writable, read_vlong, writable_for, write_vlong

MAGIC = b"SEQ"
VERSION = 6
SYNC_ESCAPE = -1
SYNC_HASH_SIZE = 16
SYNC_SIZE = 4 + SYNC_HASH_SIZE
SYNC_INTERVAL = 100 * SYNC_SIZE
_I32 = struct.Struct(">i")

DEFAULT_CODEC = "org.apache.hadoop.io.compress.DefaultCodec"
GZIP_CODEC = "org.apache.hadoop.io.compress.GzipCodec"
BZIP2_CODEC = "org.apache.hadoop.io.compress.BZip2Codec"
CODEC_ALIASES = {
    "default": DEFAULT_CODEC,
    "defaultcodec": DEFAULT_CODEC,
    "deflate": DEFAULT_CODEC,
    "zlib": DEFAULT_CODEC,
    "gzip": GZIP_CODEC,
    "gzipcodec": GZIP_CODEC,
    "bzip2": BZIP2_CODEC,
    "bzip2codec": BZIP2_CODEC,
}


class SequenceFileError(OSError):
    pass


def canonical_codec(name: str) -> str:
    return CODEC_ALIASES.get(name.lower().rsplit(".", 1)[-1], name)


def compress(codec: str, data: bytes) -> bytes:
    if codec == DEFAULT_CODEC:
        return zlib.compress(data, 6)
    if codec == GZIP_CODEC:
        return gzip.compress(data, 6, mtime=0)
    if codec == BZIP2_CODEC:
        return bz2.compress(data)
    raise SequenceFileError(f"Unsupported compression codec: {codec}")


def decompress(codec: str, data: bytes) -> bytes:
    if codec in (DEFAULT_CODEC, GZIP_CODEC):
        d = zlib.decompressobj(47)  # zlib or gzip header, auto-detected
        out = d.decompress(data)
        # gzip output of some writers holds several members
        while d.unused_data and codec == GZIP_CODEC:
            rest = d.unused_data
            d = zlib.decompressobj(47)
            out += d.decompress(rest)
        return out
    if codec == BZIP2_CODEC:
        return bz2.decompress(data)
    raise SequenceFileError(f"Unsupported compression codec: {codec}")


def _write_string(s: str) -> bytes:
    data = s.encode()
    return write_vlong(len(data)) + data


class SequenceFileWriter:
    """Write ``(key, value)`` records of fixed Writable classes.

    ``compression`` is ``NONE``, ``RECORD`` or ``BLOCK`` (``mapreduce.output.fileoutputformat.compress.type``).
    """

    def __init__(
        self,
        stream: IO[bytes],
        key_class: str = Text.name,
        value_class: str = Text.name,
        compression: str = "NONE",
        codec: str = DEFAULT_CODEC,
        metadata: dict[str, str] | None = None,
        sync: bytes | None = None,
        block_size: int = 1_000_000,
    ):
        self.stream = stream
        self.key_cls = writable_for(key_class)
        self.value_cls = writable_for(value_class)
        self.compression = compression.upper()
        if self.compression not in ("NONE", "RECORD", "BLOCK"):
            raise ValueError(f"Unknown compression type {compression}")
        self.codec = canonical_codec(codec)
        self.sync = sync or os.urandom(SYNC_HASH_SIZE)
        self.block_size = block_size
        self.pos = 0
        self.last_sync = 0
        self.records = 0
        self._block: list[tuple[bytes, bytes]] = []
        self._block_bytes = 0
        header = bytearray(MAGIC + bytes((VERSION,)))
        header += _write_string(self.key_cls.name) + _write_string(self.value_cls.name)
        header += bytes((self.compression != "NONE",)) + bytes((self.compression == "BLOCK",))
        if self.compression != "NONE":
            header += _write_string(self.codec)
        meta = metadata or {}
        header += _I32.pack(len(meta))
        for k, v in meta.items():
            header += Text.write(k) + Text.write(v)
        header += self.sync
        self._write(bytes(header))
        self.last_sync = self.pos

    def _write(self, data: bytes) -> None:
        self.stream.write(data)
        self.pos += len(data)

    def _sync(self) -> None:
        if self.pos != self.last_sync:
            self._write(_I32.pack(SYNC_ESCAPE) + self.sync)
            self.last_sync = self.pos

    def append(self, key: Any, value: Any) -> None:
        self.append_raw(self.key_cls.write(key), self.value_cls.write(value))

    def append_raw(self, kbytes: bytes, vbytes: bytes) -> None:
        self.records += 1
        if self.compression == "BLOCK":
            self._block.append((kbytes, vbytes))
            self._block_bytes += len(kbytes) + len(vbytes)
            if self._block_bytes >= self.block_size:
                self._flush_block()
            return
        if self.pos >= self.last_sync + SYNC_INTERVAL:
            self._sync()
        if self.compression == "RECORD":
            vbytes = compress(self.codec, vbytes)
        self._write(_I32.pack(len(kbytes) + len(vbytes)) + _I32.pack(len(kbytes)) + kbytes + vbytes)

    def _flush_block(self) -> None:
        if not self._block:
            return
        self._write(_I32.pack(SYNC_ESCAPE) + self.sync)
        self.last_sync = self.pos
        recs = self._block
        klens = b"".join(write_vlong(len(k)) for k, _ in recs)
        vlens = b"".join(write_vlong(len(v)) for _, v in recs)
        parts = [write_vlong(len(recs))]
        for buf in (klens, b"".join(k for k, _ in recs), vlens, b"".join(v for _, v in recs)):
            c = compress(self.codec, buf)
            parts.append(write_vlong(len(c)) + c)
        self._write(b"".join(parts))
        self._block = []
        self._block_bytes = 0

    def close(self) -> None:
        if self.compression == "BLOCK":
            self._flush_block()
        self.stream.flush()


class _Input:
    """A forward reader over a stream with a position."""

    def __init__(self, stream: IO[bytes], pos: int = 0):
        self.stream = stream
        self.buf = b""
        self.off = 0  # index into buf
        self.base = pos  # stream position of buf[0]

    @property
    def pos(self) -> int:
        return self.base + self.off

    def _fill(self, n: int) -> bool:
        while len(self.buf) - self.off < n:
            data = self.stream.read(max(1 << 20, n))
            if not data:
                return False
            self.buf = self.buf[self.off :] + data
            self.base += self.off
            self.off = 0
        return True

    def read(self, n: int) -> bytes:
        if not self._fill(n):
            raise EOFError
        data = self.buf[self.off : self.off + n]
        self.off += n
        return data

    def at_eof(self) -> bool:
        return not self._fill(1)

    def read_int(self) -> int:
        return _I32.unpack(self.read(4))[0]

    def read_vlong(self) -> int:
        if not self._fill(1):
            raise EOFError
        first = self.buf[self.off]
        first = first - 256 if first > 127 else first
        size = 1 if first >= -112 else (-119 - first if first < -120 else -111 - first)
        if not self._fill(size):
            raise EOFError
        value, new = read_vlong(self.buf, self.off)
        self.off = new
        return value

    def read_string(self) -> str:
        n = self.read_vlong()
        return self.read(n).decode()


class SequenceFileReader:
    """Read records (``records()`` → Python values, ``raw_records()`` → serialized bytes).

    With ``start``/``end`` the reader returns the records of that split, with Hadoop's rule:
    a split begins at the first sync marker at or after ``start`` and ends before the
    first sync marker at or after ``end``.
    """

    def __init__(self, stream: IO[bytes], start: int = 0, end: int | None = None):
        self.stream = stream
        inp = _Input(stream)
        try:
            magic = inp.read(3)
        except EOFError:
            raise SequenceFileError("not a SequenceFile") from None
        if magic != MAGIC:
            raise SequenceFileError("not a SequenceFile")
        self.version = inp.read(1)[0]
        if self.version > VERSION:
            raise SequenceFileError(f"Unknown SequenceFile version {self.version}")
        self.key_class = inp.read_string()
        self.value_class = inp.read_string()
        self.compressed = self.block_compressed = False
        self.codec = ""
        if self.version > 2:
            self.compressed = inp.read(1) != b"\x00"
        if self.version >= 4:
            self.block_compressed = inp.read(1) != b"\x00"
        if self.compressed:
            self.codec = inp.read_string() if self.version >= 5 else DEFAULT_CODEC
        self.metadata: dict[str, str] = {}
        if self.version >= 6:
            for _ in range(inp.read_int()):
                k, _p = Text.read(self._text_bytes(inp), 0)
                v, _p = Text.read(self._text_bytes(inp), 0)
                self.metadata[k] = v
        self.sync = inp.read(SYNC_HASH_SIZE) if self.version > 1 else b""
        self.header_end = inp.pos
        self.key_cls: type[Writable] = writable_for(self.key_class)
        self.value_cls: type[Writable] = writable_for(self.value_class)
        self.end = end
        if start > self.header_end:
            stream.seek(start)
            self.inp = self._seek_sync(_Input(stream, start))
        else:
            self.inp = inp
        # as SequenceFileRecordReader: nothing to read when the split ends before the data starts
        if self.inp is not None and end is not None and self.inp.pos >= end:
            self.inp = None

    @staticmethod
    def _text_bytes(inp: _Input) -> bytes:
        n = inp.read_vlong()
        return write_vlong(n) + inp.read(n)

    def _seek_sync(self, inp: _Input) -> _Input | None:
        """Position at the sync escape of the first sync marker at or after the start."""
        pattern = _I32.pack(SYNC_ESCAPE) + self.sync
        base = inp.pos
        self.stream.seek(base)
        carry = b""
        while True:
            chunk = self.stream.read(1 << 20)
            if not chunk:
                return None
            data = carry + chunk
            i = data.find(pattern)
            if i >= 0:
                pos = base + i
                self.stream.seek(pos)
                return _Input(self.stream, pos)
            carry = data[-(len(pattern) - 1) :]
            base += len(data) - len(carry)

    def raw_records(self) -> Iterator[tuple[bytes, bytes]]:
        inp = self.inp
        if inp is None:
            return
        end = self.end
        if self.block_compressed:
            yield from self._raw_block_records(inp, end)
            return
        codec = self.codec if self.compressed else None
        while True:
            if inp.at_eof():
                return
            pos = inp.pos
            length = inp.read_int()
            if length == SYNC_ESCAPE:
                if inp.read(SYNC_HASH_SIZE) != self.sync:
                    raise SequenceFileError("File is corrupt!")
                if end is not None and pos >= end:
                    return
                continue
            klen = inp.read_int()
            key = inp.read(klen)
            value = inp.read(length - klen)
            if codec:
                value = decompress(codec, value)
            yield key, value

    def _raw_block_records(self, inp: _Input, end: int | None) -> Iterator[tuple[bytes, bytes]]:
        codec = self.codec
        while True:
            if inp.at_eof():
                return
            pos = inp.pos
            if inp.read_int() != SYNC_ESCAPE or inp.read(SYNC_HASH_SIZE) != self.sync:
                raise SequenceFileError("File is corrupt!")
            if end is not None and pos >= end:
                return
            n = inp.read_vlong()
            bufs = []
            for _ in range(4):
                size = inp.read_vlong()
                bufs.append(decompress(codec, inp.read(size)))
            klens_buf, keys_buf, vlens_buf, values_buf = bufs
            kp = vp = lk = lv = 0
            for _ in range(n):
                kl, lk = read_vlong(klens_buf, lk)
                vl, lv = read_vlong(vlens_buf, lv)
                yield keys_buf[kp : kp + kl], values_buf[vp : vp + vl]
                kp += kl
                vp += vl

    def records(self) -> Iterator[tuple[Any, Any]]:
        kr, vr = self.key_cls.read, self.value_cls.read
        for k, v in self.raw_records():
            yield kr(k, 0)[0], vr(v, 0)[0]

    def text_records(self) -> Iterator[tuple[bytes, bytes]]:
        """``(key.toString(), value.toString())`` as bytes (SequenceFileAsTextInputFormat)."""
        kt, vt = self.key_cls.to_text, self.value_cls.to_text
        for k, v in self.records():
            yield kt(k), vt(v)


def is_sequence_file(head: bytes) -> bool:
    return head[:3] == MAGIC


def read_sequence_file_as_text(stream: IO[bytes]) -> Iterator[bytes]:
    """FsShell ``-text``: each record as ``key<TAB>value\\n`` (toString of each)."""
    reader = SequenceFileReader(stream)
    for k, v in reader.text_records():
        yield k + b"\t" + v + b"\n"
