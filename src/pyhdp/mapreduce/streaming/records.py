"""Bytes-level conversion between command output lines and (key, value) records.

Hadoop's ``TextOutputReader`` reads the command's stdout line by line (``\\n``, ``\\r\\n``
and ``\\r`` end a line), and splits each line at the N-th occurrence of the separator
(``stream.map.output.field.separator``, ``stream.num.map.output.key.fields``): the key is
what comes before it, the value what comes after.  A line with fewer separators is all
key, with an empty value.  Everything here works on whole chunks of many lines with bytes
methods (``split``, ``translate``, ``join``) so that no Python code runs per record on the
common path.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

_ALL = bytes(range(256))
_NOT_TAB_NL = bytes(b for b in range(256) if b not in (9, 10))


def parse_lines(data: bytes, sep: bytes = b"\t", num_key_fields: int = 1) -> tuple[list[bytes], list[bytes]]:
    """Split ``data`` (whole lines; a missing final terminator is tolerated) into keys, values."""
    if not data:
        return [], []
    if not data.endswith((b"\n", b"\r")):
        data += b"\n"
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if sep == b"\t" and num_key_fields == 1:
        n = data.count(b"\n")
        # fast path: exactly one tab on every line → one split of the whole chunk
        if data.count(b"\t") == n and data.translate(None, _NOT_TAB_NL) == b"\t\n" * n:
            parts = data.replace(b"\n", b"\t").split(b"\t")
            parts.pop()
            return parts[0::2], parts[1::2]
    lines = data.split(b"\n")
    lines.pop()
    return split_lines(lines, sep, num_key_fields)


def split_lines(
    lines: Sequence[bytes], sep: bytes, num_key_fields: int = 1
) -> tuple[list[bytes], list[bytes]]:
    """Key/value of each line (no terminators) at the ``num_key_fields``-th separator."""
    keys: list[bytes] = []
    values: list[bytes] = []
    kadd = keys.append
    vadd = values.append
    if num_key_fields <= 1:
        for line in lines:
            k, s, v = line.partition(sep)
            kadd(k)
            vadd(v)
        return keys, values
    slen = len(sep)
    for line in lines:
        pos = -slen
        for _ in range(num_key_fields):
            pos = line.find(sep, pos + slen)
            if pos < 0:
                break
        if pos < 0:
            kadd(line)
            vadd(b"")
        else:
            kadd(line[:pos])
            vadd(line[pos + slen :])
    return keys, values


def join_records(keys: Iterable[bytes], values: Iterable[bytes], sep: bytes = b"\t") -> bytes:
    """``key SEP value \\n`` for every record, in C loops."""
    body = b"\n".join(map(sep.join, zip(keys, values, strict=False)))
    return body + b"\n" if body or _nonempty(keys) else body


def join_pairs(pairs: Sequence[tuple[bytes, bytes]], sep: bytes = b"\t") -> bytes:
    """The same for a list of ``(key, value)`` tuples."""
    if not pairs:
        return b""
    return b"\n".join(map(sep.join, pairs)) + b"\n"


def join_group(key: bytes, values: Sequence[bytes], sep: bytes = b"\t") -> bytes:
    """All records of one key group: ``key SEP v1 \\n key SEP v2 \\n ...``."""
    if not values:
        return b""
    head = key + sep
    return head + (b"\n" + head).join(values) + b"\n"


def _nonempty(seq: Iterable[bytes]) -> bool:
    try:
        return len(seq) > 0  # type: ignore[arg-type]
    except TypeError:
        return False


def to_bytes(x: object) -> bytes:
    """The text form of a record part, as Hadoop's ``Text``/``toString`` would write it."""
    if isinstance(x, bytes):
        return x
    if isinstance(x, (bytearray, memoryview)):
        return bytes(x)
    if x is None:
        return b""
    if isinstance(x, str):
        return x.encode("utf-8", "surrogateescape")
    if isinstance(x, bool):
        return b"true" if x else b"false"
    return str(x).encode()


def complete_lines(buffer: bytearray) -> bytes:
    """Remove and return the complete lines at the front of ``buffer`` (up to the last ``\\n``)."""
    cut = buffer.rfind(b"\n")
    if cut < 0:
        return b""
    out = bytes(buffer[: cut + 1])
    del buffer[: cut + 1]
    return out
