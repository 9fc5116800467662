"""``-io typedbytes`` and ``-io rawbytes``: Streaming's binary protocols (Hadoop's typedbytes package).

Typed bytes: every object is a type code and its data — 0 bytes (int32 length + bytes),
1 byte, 2 bool, 3 int (4 bytes), 4 long (8), 5 float, 6 double, 7 string (int32 length +
UTF-8), 8 vector (int32 count + objects), 9 list (objects + 255), 10 map (int32 count +
key/value objects); all big-endian.  A command reads and writes alternating key and value
objects.  Raw bytes: every key and value is an int32 length and that many bytes (a ``Text``
is written in its Writable form: a vint length and the UTF-8 bytes).

Map output keys stay in their raw typed-bytes form, so they sort by those bytes as
Hadoop's ``TypedBytesWritable`` does; the text output shows them as Java's ``toString``.
"""

from __future__ import annotations

import struct
from typing import Any

_FIXED = {1: 1, 2: 1, 3: 4, 4: 8, 5: 4, 6: 8}


class Incomplete(Exception):
    """The buffer ends inside an object."""


def skip(buf: bytes, pos: int) -> int:
    """Offset just after the typed-bytes object starting at ``pos`` (raises Incomplete)."""
    if pos >= len(buf):
        raise Incomplete
    code = buf[pos]
    pos += 1
    if code in _FIXED:
        end = pos + _FIXED[code]
    elif code in (0, 7):
        if pos + 4 > len(buf):
            raise Incomplete
        end = pos + 4 + int.from_bytes(buf[pos : pos + 4], "big")
    elif code == 8:
        if pos + 4 > len(buf):
            raise Incomplete
        n = int.from_bytes(buf[pos : pos + 4], "big")
        end = pos + 4
        for _ in range(n):
            end = skip(buf, end)
    elif code == 9:
        end = pos
        while True:
            if end >= len(buf):
                raise Incomplete
            if buf[end] == 255:
                end += 1
                break
            end = skip(buf, end)
    elif code == 10:
        if pos + 4 > len(buf):
            raise Incomplete
        n = int.from_bytes(buf[pos : pos + 4], "big")
        end = pos + 4
        for _ in range(2 * n):
            end = skip(buf, end)
    else:
        raise ValueError(f"Unknown typed bytes type code {code}")
    if end > len(buf):
        raise Incomplete
    return end


def read_object(buf: bytes, pos: int = 0) -> tuple[Any, int]:
    """Decode one object: Python value and the next offset."""
    code = buf[pos]
    p = pos + 1
    if code == 0:
        n = int.from_bytes(buf[p : p + 4], "big")
        return bytes(buf[p + 4 : p + 4 + n]), p + 4 + n
    if code == 1:
        return struct.unpack(">b", buf[p : p + 1])[0], p + 1
    if code == 2:
        return buf[p] != 0, p + 1
    if code == 3:
        return struct.unpack(">i", buf[p : p + 4])[0], p + 4
    if code == 4:
        return struct.unpack(">q", buf[p : p + 8])[0], p + 8
    if code == 5:
        return struct.unpack(">f", buf[p : p + 4])[0], p + 4
    if code == 6:
        return struct.unpack(">d", buf[p : p + 8])[0], p + 8
    if code == 7:
        n = int.from_bytes(buf[p : p + 4], "big")
        return bytes(buf[p + 4 : p + 4 + n]).decode("utf-8", "replace"), p + 4 + n
    if code == 8:
        n = int.from_bytes(buf[p : p + 4], "big")
        p += 4
        items = []
        for _ in range(n):
            v, p = read_object(buf, p)
            items.append(v)
        return items, p
    if code == 9:
        items = []
        while buf[p] != 255:
            v, p = read_object(buf, p)
            items.append(v)
        return items, p + 1
    if code == 10:
        n = int.from_bytes(buf[p : p + 4], "big")
        p += 4
        d = {}
        for _ in range(n):
            k, p = read_object(buf, p)
            v, p = read_object(buf, p)
            d[k if not isinstance(k, list) else tuple(k)] = v
        return d, p
    raise ValueError(f"Unknown typed bytes type code {code}")


def java_string(value: Any) -> str:
    """``TypedBytesWritable.toString()``: the Java object's ``toString``."""
    from pyhdp.mapreduce.streaming.aggregate import java_double

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, bytes):
        return "[" + ", ".join(str(b - 256 if b > 127 else b) for b in value) + "]"
    if isinstance(value, list):
        return "[" + ", ".join(java_string(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{java_string(k)}={java_string(v)}" for k, v in value.items()) + "}"
    return str(value)


def encode_string(data: bytes) -> bytes:
    return b"\x07" + len(data).to_bytes(4, "big") + data


def encode_long(n: int) -> bytes:
    return b"\x04" + struct.pack(">q", n)


def text_to_string(raw: bytes) -> bytes:
    """A raw typed-bytes object as the text TextOutputFormat writes for it."""
    value, _ = read_object(raw, 0)
    return java_string(value).encode("utf-8")


class PairParser:
    """Splits a byte stream into (key, value) raw objects; keeps an incomplete tail."""

    def __init__(self, raw: bool = False):
        self.raw = raw
        self.rest = b""

    def _skip(self, buf: bytes, pos: int) -> int:
        if not self.raw:
            return skip(buf, pos)
        if pos + 4 > len(buf):
            raise Incomplete
        end = pos + 4 + int.from_bytes(buf[pos : pos + 4], "big")
        if end > len(buf):
            raise Incomplete
        return end

    def feed(self, data: bytes, final: bool = False) -> tuple[list[bytes], list[bytes]]:
        buf = self.rest + data if self.rest else data
        keys: list[bytes] = []
        values: list[bytes] = []
        pos = 0
        n = len(buf)
        while pos < n:
            try:
                mid = self._skip(buf, pos)
                end = self._skip(buf, mid)
            except Incomplete:
                break
            keys.append(buf[pos:mid])
            values.append(buf[mid:end])
            pos = end
        self.rest = buf[pos:]
        if final and self.rest:
            raise ValueError(
                f"{len(self.rest)} bytes of an incomplete record at the end of the command's output"
            )
        return keys, values


def raw_text(raw: bytes) -> bytes:
    """A rawbytes value (int32 length + bytes) as BytesWritable.toString: hex bytes with spaces."""
    return " ".join(f"{b:02x}" for b in raw[4:]).encode()


def writable_bytes(value: bytes) -> bytes:
    """``Text.write``: vint length + bytes (rawbytes input writes Writables in this form)."""
    n = len(value)
    if -112 <= n <= 127:
        head = struct.pack(">b", n)
    else:
        length = (n.bit_length() + 7) // 8
        head = struct.pack(">b", -112 - length) + n.to_bytes(length, "big")
    return head + value


def raw_frame(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data
