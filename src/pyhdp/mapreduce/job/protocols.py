"""Key/value serialisation of Python jobs.

Internal (map → reduce) keys are ``bytes`` that sort in a defined order; the default
``binary`` protocol encodes

* ``str`` as its UTF-8 bytes (so text keys partition exactly as Hadoop's ``Text`` keys
  and sort as Hadoop sorts them),
* other types behind a tag byte no UTF-8 text starts with (``0xF5``–``0xFF``): ``None``,
  ``bool``, ``int`` (64-bit, numeric order), ``float`` (numeric order), ``bytes``, and
  ``tuple``/``list`` (element by element, so ``(a, b)`` keys sort by ``a`` then ``b`` and
  a key *prefix* can define reduce groups — secondary sort); anything else pickled.

Values stay Python objects (serialised in batches by the engine with ``marshal``).
The ``json`` protocol (mrjob's default, and what runs through Hadoop Streaming) encodes
keys and values as JSON text; ``text`` uses ``str()``.
"""

from __future__ import annotations

import json
import pickle
import struct
from typing import Any

T_NONE = 0xF5
T_BOOL = 0xF6
T_BYTES = 0xF7
T_INT = 0xF8
T_FLOAT = 0xF9
T_TUPLE = 0xFA
T_LIST = 0xFB
T_RAWSTR = 0xFE  # a str whose (surrogate-escaped) bytes start in the tag range
T_PICKLE = 0xFF
_Q = struct.Struct(">Q")
_D = struct.Struct(">d")
_INT_MIN = -(1 << 63)
_INT_MAX = (1 << 63) - 1


class KeyEncodeError(TypeError):
    pass


def encode_key(k: Any) -> bytes:
    """Order-preserving bytes of a key (str → its UTF-8)."""
    t = type(k)
    if t is str:
        b = k.encode("utf-8", "surrogateescape")
        return b if not b or b[0] < 0xF5 else bytes((T_RAWSTR,)) + b
    if t is int:
        if _INT_MIN <= k <= _INT_MAX:
            return bytes((T_INT,)) + _Q.pack(k - _INT_MIN)
        return bytes((T_PICKLE,)) + pickle.dumps(k, 4)
    if k is None:
        return bytes((T_NONE,))
    if t is bool:
        return bytes((T_BOOL, 1 if k else 0))
    if t is float:
        bits = _Q.unpack(_D.pack(k))[0]
        bits = bits ^ 0xFFFFFFFFFFFFFFFF if bits >> 63 else bits | (1 << 63)
        return bytes((T_FLOAT,)) + _Q.pack(bits)
    if t is bytes:
        return bytes((T_BYTES,)) + k
    if t is tuple or t is list:
        parts = [bytes((T_TUPLE if t is tuple else T_LIST,))]
        for item in k:
            parts.append(encode_key(item).replace(b"\x00", b"\x00\xff") + b"\x00\x01")
        return b"".join(parts)
    return bytes((T_PICKLE,)) + pickle.dumps(k, 4)


def decode_key(b: bytes) -> Any:
    if not b or b[0] < 0xF5:
        return b.decode("utf-8", "surrogateescape")
    tag = b[0]
    if tag == T_INT:
        return _Q.unpack_from(b, 1)[0] + _INT_MIN
    if tag == T_NONE:
        return None
    if tag == T_BOOL:
        return b[1] == 1
    if tag == T_FLOAT:
        bits = _Q.unpack_from(b, 1)[0]
        bits = bits & ~(1 << 63) if bits >> 63 else bits ^ 0xFFFFFFFFFFFFFFFF
        return _D.unpack(_Q.pack(bits))[0]
    if tag == T_BYTES:
        return b[1:]
    if tag in (T_TUPLE, T_LIST):
        items = [decode_key(p) for p in split_elements(b)]
        return tuple(items) if tag == T_TUPLE else items
    if tag == T_RAWSTR:
        return b[1:].decode("utf-8", "surrogateescape")
    if tag == T_PICKLE:
        return pickle.loads(b[1:])
    raise ValueError(f"bad key encoding {b[:8]!r}")


def split_elements(b: bytes) -> list[bytes]:
    """The encoded elements of an encoded tuple/list key."""
    out = []
    cur = bytearray()
    i, n = 1, len(b)
    while i < n:
        c = b[i]
        if c == 0 and i + 1 < n:
            nxt = b[i + 1]
            if nxt == 0xFF:
                cur.append(0)
                i += 2
                continue
            if nxt == 0x01:
                out.append(bytes(cur))
                cur = bytearray()
                i += 2
                continue
        cur.append(c)
        i += 1
    return out


def key_prefix(b: bytes, n: int) -> bytes:
    """The encoding of the first ``n`` elements of a tuple/list key (the whole key otherwise)."""
    if not b or b[0] not in (T_TUPLE, T_LIST):
        return b
    i, count, end = 1, 0, len(b)
    while i < end - 1:
        if b[i] == 0:
            if b[i + 1] == 0x01:
                count += 1
                if count == n:
                    return b[: i + 2]
            i += 2
            continue
        i += 1
    return b


def encode_keys(keys: list) -> list[bytes]:
    """Batch :func:`encode_key` (the all-``str`` case runs in C)."""
    try:
        return list(map(str.encode, keys))
    except (TypeError, UnicodeEncodeError):
        return [encode_key(k) for k in keys]


# --------------------------------------------------------------------------- text protocols


def to_text(x: Any) -> str:
    return x if isinstance(x, str) else str(x)


class Protocol:
    """Reads and writes ``key<TAB>value`` lines (bytes)."""

    name = ""

    def read(self, line: bytes) -> tuple[Any, Any]:
        raise NotImplementedError

    def write(self, key: Any, value: Any) -> bytes:
        raise NotImplementedError


class RawValueProtocol(Protocol):
    """Input: the line is the value, the key None.  Output: the value alone."""

    name = "raw"

    def read(self, line: bytes) -> tuple[Any, Any]:
        return None, line.decode("utf-8", "surrogateescape")

    def write(self, key: Any, value: Any) -> bytes:
        return _b(value)


class RawBytesProtocol(RawValueProtocol):
    name = "raw_bytes"

    def read(self, line: bytes) -> tuple[Any, Any]:
        return None, line


class TextProtocol(Protocol):
    """``str(key)<TAB>str(value)``; reading splits at the first tab (strings)."""

    name = "text"

    def read(self, line: bytes) -> tuple[Any, Any]:
        k, sep, v = line.partition(b"\t")
        return k.decode("utf-8", "surrogateescape"), (v.decode("utf-8", "surrogateescape") if sep else None)

    def write(self, key: Any, value: Any) -> bytes:
        if key is None:
            return _b(value)
        if value is None:
            return _b(key)
        return _b(key) + b"\t" + _b(value)


class JSONProtocol(Protocol):
    """mrjob's JSONProtocol: ``json(key)<TAB>json(value)``."""

    name = "json"

    def read(self, line: bytes) -> tuple[Any, Any]:
        k, sep, v = line.partition(b"\t")
        if not sep:
            return None, json.loads(k)
        return json.loads(k), json.loads(v)

    def write(self, key: Any, value: Any) -> bytes:
        return (
            json.dumps(key, separators=(",", ":")).encode()
            + b"\t"
            + json.dumps(value, separators=(",", ":")).encode()
        )


class JSONValueProtocol(Protocol):
    name = "json_value"

    def read(self, line: bytes) -> tuple[Any, Any]:
        return None, json.loads(line)

    def write(self, key: Any, value: Any) -> bytes:
        return json.dumps(value, separators=(",", ":")).encode()


def _b(x: Any) -> bytes:
    if isinstance(x, bytes):
        return x
    return to_text(x).encode("utf-8", "surrogateescape")


PROTOCOLS: dict[str, type[Protocol]] = {
    p.name: p for p in (RawValueProtocol, RawBytesProtocol, TextProtocol, JSONProtocol, JSONValueProtocol)
}


def get_protocol(name: str | type | Protocol) -> Protocol:
    if isinstance(name, Protocol):
        return name
    if isinstance(name, type):
        return name()
    try:
        return PROTOCOLS[name]()
    except KeyError:
        raise ValueError(f"Unknown protocol {name!r}; use one of {', '.join(sorted(PROTOCOLS))}") from None
