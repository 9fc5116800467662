"""Hadoop ``Writable`` serialisation for the common types, and Hadoop's variable-length ints.

Each Writable class has ``write(value) -> bytes``, ``read(buf, pos) -> (value, pos)`` and
``to_text(value) -> bytes`` (``toString()``).  Python values: Text ↔ ``str`` (bytes also
accepted on write), IntWritable/LongWritable/VIntWritable/VLongWritable ↔ ``int``,
BytesWritable ↔ ``bytes``, NullWritable ↔ ``None``, BooleanWritable ↔ ``bool``,
FloatWritable/DoubleWritable ↔ ``float``.
"""

from __future__ import annotations

import struct
from typing import Any

_I32 = struct.Struct(">i")
_I64 = struct.Struct(">q")
_F32 = struct.Struct(">f")
_F64 = struct.Struct(">d")


def write_vlong(i: int) -> bytes:
    """``WritableUtils.writeVLong``."""
    if -112 <= i <= 127:
        return bytes((i & 0xFF,))
    length = -112
    if i < 0:
        i = ~i
        length = -120
    tmp = i
    while tmp:
        tmp >>= 8
        length -= 1
    n = -(length + 120) if length < -120 else -(length + 112)
    return bytes((length & 0xFF,)) + i.to_bytes(n, "big")


def read_vlong(buf: bytes, pos: int) -> tuple[int, int]:
    """``WritableUtils.readVLong``: ``(value, new position)``."""
    first = buf[pos]
    if first > 127:
        first -= 256
    if first >= -112:
        return first, pos + 1
    negative = first < -120
    n = (-119 - first) if negative else (-111 - first)
    n -= 1
    value = int.from_bytes(buf[pos + 1 : pos + 1 + n], "big")
    if negative:
        value = ~value
    return value, pos + 1 + n


def vlong_size(i: int) -> int:
    if -112 <= i <= 127:
        return 1
    if i < 0:
        i = ~i
    return 1 + (i.bit_length() + 7) // 8


class Writable:
    name = ""

    @staticmethod
    def write(value: Any) -> bytes:
        raise NotImplementedError

    @staticmethod
    def read(buf: bytes, pos: int) -> tuple[Any, int]:
        raise NotImplementedError

    @staticmethod
    def to_text(value: Any) -> bytes:
        return str(value).encode()


class Text(Writable):
    name = "org.apache.hadoop.io.Text"

    @staticmethod
    def write(value: Any) -> bytes:
        if isinstance(value, str):
            data = value.encode("utf-8", "surrogateescape")
        elif isinstance(value, (bytes, bytearray, memoryview)):
            data = bytes(value)
        else:
            data = str(value).encode()
        return write_vlong(len(data)) + data

    @staticmethod
    def read(buf: bytes, pos: int) -> tuple[str, int]:
        n, pos = read_vlong(buf, pos)
        return buf[pos : pos + n].decode("utf-8", "surrogateescape"), pos + n

    @staticmethod
    def read_bytes(buf: bytes, pos: int) -> tuple[bytes, int]:
        n, pos = read_vlong(buf, pos)
        return buf[pos : pos + n], pos + n

    @staticmethod
    def to_text(value: Any) -> bytes:
        return value.encode("utf-8", "surrogateescape") if isinstance(value, str) else bytes(value)


class IntWritable(Writable):
    name = "org.apache.hadoop.io.IntWritable"

    @staticmethod
    def write(value: Any) -> bytes:
        return _I32.pack(int(value))

    @staticmethod
    def read(buf: bytes, pos: int) -> tuple[int, int]:
        return _I32.unpack_from(buf, pos)[0], pos + 4


class LongWritable(Writable):
    name = "org.apache.hadoop.io.LongWritable"

    @staticmethod
    def write(value: Any) -> bytes:
        return _I64.pack(int(value))

    @staticmethod
    def read(buf: bytes, pos: int) -> tuple[int, int]:
        return _I64.unpack_from(buf, pos)[0], pos + 8


class VIntWritable(Writable):
    name = "org.apache.hadoop.io.VIntWritable"

    @staticmethod
    def write(value: Any) -> bytes:
        return write_vlong(int(value))

    @staticmethod
    def read(buf: bytes, pos: int) -> tuple[int, int]:
        return read_vlong(buf, pos)


class VLongWritable(VIntWritable):
    name = "org.apache.hadoop.io.VLongWritable"


class FloatWritable(Writable):
    name = "org.apache.hadoop.io.FloatWritable"

    @staticmethod
    def write(value: Any) -> bytes:
        return _F32.pack(float(value))

    @staticmethod
    def read(buf: bytes, pos: int) -> tuple[float, int]:
        return _F32.unpack_from(buf, pos)[0], pos + 4


class DoubleWritable(Writable):
    name = "org.apache.hadoop.io.DoubleWritable"

    @staticmethod
    def write(value: Any) -> bytes:
        return _F64.pack(float(value))

    @staticmethod
    def read(buf: bytes, pos: int) -> tuple[float, int]:
        return _F64.unpack_from(buf, pos)[0], pos + 8


class BooleanWritable(Writable):
    name = "org.apache.hadoop.io.BooleanWritable"

    @staticmethod
    def write(value: Any) -> bytes:
        return b"\x01" if value else b"\x00"

    @staticmethod
    def read(buf: bytes, pos: int) -> tuple[bool, int]:
        return buf[pos] != 0, pos + 1

    @staticmethod
    def to_text(value: Any) -> bytes:
        return b"true" if value else b"false"


class BytesWritable(Writable):
    name = "org.apache.hadoop.io.BytesWritable"

    @staticmethod
    def write(value: Any) -> bytes:
        data = value.encode() if isinstance(value, str) else bytes(value)
        return _I32.pack(len(data)) + data

    @staticmethod
    def read(buf: bytes, pos: int) -> tuple[bytes, int]:
        n = _I32.unpack_from(buf, pos)[0]
        return buf[pos + 4 : pos + 4 + n], pos + 4 + n

    @staticmethod
    def to_text(value: Any) -> bytes:
        # BytesWritable.toString: hex bytes separated by spaces
        return " ".join(f"{b:02x}" for b in value).encode()


class NullWritable(Writable):
    name = "org.apache.hadoop.io.NullWritable"

    @staticmethod
    def write(value: Any) -> bytes:
        return b""

    @staticmethod
    def read(buf: bytes, pos: int) -> tuple[None, int]:
        return None, pos

    @staticmethod
    def to_text(value: Any) -> bytes:
        return b"(null)"


WRITABLES: dict[str, type[Writable]] = {
    cls.name: cls
    for cls in (
        Text,
        IntWritable,
        LongWritable,
        VIntWritable,
        VLongWritable,
        FloatWritable,
        DoubleWritable,
        BooleanWritable,
        BytesWritable,
        NullWritable,
    )
}
# Old UTF8 class and simple names are accepted as aliases.
WRITABLES["org.apache.hadoop.io.UTF8"] = Text
for _cls in list(WRITABLES.values()):
    WRITABLES.setdefault(_cls.name.rsplit(".", 1)[1], _cls)


def writable_for(name: str) -> type[Writable]:
    cls = WRITABLES.get(name)
    if cls is None:
        raise ValueError(f"Unsupported Writable class: {name}")
    return cls


def writable_for_value(value: Any) -> type[Writable]:
    """The Writable a Python value is stored as when no class is configured."""
    if value is None:
        return NullWritable
    if isinstance(value, bool):
        return BooleanWritable
    if isinstance(value, int):
        return LongWritable
    if isinstance(value, float):
        return DoubleWritable
    if isinstance(value, (bytes, bytearray, memoryview)):
        return BytesWritable
    return Text
