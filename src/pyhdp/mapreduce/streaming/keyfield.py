"""``KeyFieldBasedPartitioner`` and ``KeyFieldBasedComparator`` (Hadoop's ``KeyFieldHelper``).

Options look like ``sort -k``: ``-k pos1[,pos2]`` with ``pos = F[.C][n][r]`` (1-based field
and character; ``C2 = 0`` means the end of the field), global ``-n``, ``-r``, ``-nr``.  Fields
are separated by ``mapreduce.map.output.key.field.separator`` (default TAB).  The
partitioner hashes the selected byte ranges as Hadoop does (``h = 31*h + b`` over signed
bytes, from 0, then ``(h & MAX_INT) % R``), so keys land in the same partitions as on
Hadoop; the comparator becomes a sort key (tuples compared in Python's C code).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

_NUM = re.compile(rb"\s*(-?)(\d*)(?:\.(\d*))?")


@dataclasses.dataclass
class KeySpec:
    begin_field: int = 1
    begin_char: int = 1
    end_field: int = 0
    end_char: int = 0
    numeric: bool = False
    reverse: bool = False


class KeySpecError(ValueError):
    pass


_BAD_K = "Invalid -k argument. Must be of the form -k pos1,[pos2], pos is of the form f[.c]nr"


def _parse_key(text: str) -> KeySpec:
    tokens = re.findall(r"\d+|[nr.,]|[^\dnr.,]+", text)
    key = KeySpec()
    it = iter(tokens)

    def nxt() -> str | None:
        return next(it, None)

    tok = nxt()
    try:
        key.begin_field = int(tok)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise KeySpecError(f'For input string: "{tok}"') from None
    tok = nxt()
    if tok is None:
        return key
    if tok == ".":
        key.begin_char = int(nxt() or "x")
        tok = nxt()
        if tok is None:
            return key
    while tok in ("n", "r"):
        if tok == "n":
            key.numeric = True
        else:
            key.reverse = True
        tok = nxt()
        if tok is None:
            return key
    if tok != ",":
        raise KeySpecError(_BAD_K)
    key.end_field = int(nxt() or "x")
    tok = nxt()
    if tok is None:
        return key
    if tok == ".":
        key.end_char = int(nxt() or "x")
        tok = nxt()
    while tok is not None:
        if tok == "n":
            key.numeric = True
        elif tok == "r":
            key.reverse = True
        else:
            raise KeySpecError(_BAD_K)
        tok = nxt()
    return key


def parse_options(option: str | None) -> list[KeySpec]:
    """``KeyFieldHelper.parseOption``: the list of key specs ([] = compare/hash the whole key)."""
    if not option or not option.strip():
        return []
    tokens = option.split()
    glob = KeySpec()
    specs: list[KeySpec] = []
    i = 0
    while i < len(tokens):
        arg = tokens[i]
        if arg == "-n":
            glob.numeric = True
        elif arg == "-r":
            glob.reverse = True
        elif arg == "-nr":
            glob.numeric = glob.reverse = True
        elif arg.startswith("-k"):
            text = arg[2:]
            if not text and i + 1 < len(tokens):
                i += 1
                text = tokens[i]
            if text:
                specs.append(_parse_key(text))
        i += 1
    for spec in specs:
        if not (spec.reverse or spec.numeric):
            spec.reverse = glob.reverse
            spec.numeric = glob.numeric
    if not specs:
        specs.append(glob)
    return specs


def _field_range(key: bytes, lengths: list[int], seplen: int, spec: KeySpec) -> tuple[int, int]:
    """Inclusive ``(start, end)`` byte offsets of ``spec`` in ``key``; start -1 when absent."""
    n = len(key)
    start = -1
    if len(lengths) >= spec.begin_field:
        pos = sum(lengths[: spec.begin_field - 1]) + seplen * (spec.begin_field - 1)
        if pos + spec.begin_char <= n:
            start = pos + spec.begin_char - 1
    if spec.end_field == 0:
        end = n - 1
    elif len(lengths) >= spec.end_field:
        pos = sum(lengths[: spec.end_field - 1]) + seplen * (spec.end_field - 1)
        if spec.end_char == 0:
            pos += lengths[spec.end_field - 1]
        end = pos + spec.end_char - 1 if pos + spec.end_char <= n else n - 1
    else:
        end = n - 1
    return start, end


def _number(data: bytes) -> float:
    m = _NUM.match(data)
    if not m:
        return 0.0
    sign, whole, frac = m.groups()
    if not whole and not frac:
        return 0.0
    value = float((whole or b"0") + b"." + (frac or b"0"))
    return -value if sign else value


class _Rev:
    """Reverses the order of a bytes value inside a sort-key tuple."""

    __slots__ = ("v",)

    def __init__(self, v: Any):
        self.v = v

    def __lt__(self, other: _Rev) -> bool:
        return other.v < self.v

    def __gt__(self, other: _Rev) -> bool:
        return other.v > self.v

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Rev) and other.v == self.v

    def __hash__(self) -> int:
        return hash(self.v)


class KeyFieldBasedComparator:
    """Factory for the engine's ``sort_key``: ``callable(key_bytes) -> sortable``."""

    def __init__(self, options: str = "", separator: str = "\t", **_: Any):
        self.specs = parse_options(options)
        self.sep = separator.encode("utf-8")

    def __call__(self, key: bytes) -> Any:
        if not self.specs:
            return key
        sep = self.sep
        lengths = [len(f) for f in key.split(sep)] if key else []
        out = []
        for spec in self.specs:
            start, end = _field_range(key, lengths, len(sep), spec)
            if start < 0:
                out.append((2,) if spec.reverse else (0,))
                continue
            seg = key[start : end + 1] if end >= start else b""
            if spec.numeric:
                v = _number(seg)
                out.append((1, -v if spec.reverse else v))
            else:
                out.append((1, _Rev(seg) if spec.reverse else seg))
        return tuple(out)


def java_string_hash(text: str) -> int:
    h = 0
    for ch in text.encode("utf-16-be").decode("utf-16-be"):
        code = ord(ch)
        if code > 0xFFFF:  # surrogate pair
            code -= 0x10000
            for unit in (0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF)):
                h = (31 * h + unit) & 0xFFFFFFFF
            continue
        h = (31 * h + code) & 0xFFFFFFFF
    return h


class KeyFieldBasedPartitioner:
    """Engine partitioner: ``partition_batch(keys, R)`` as Hadoop's KeyFieldBasedPartitioner."""

    def __init__(self, options: str = "", separator: str = "\t", **_: Any):
        self.specs = parse_options(options)
        self.raw_specs = bool(options and options.strip())
        self.sep = separator.encode("utf-8")
        self._memo: dict[bytes, int] = {}

    def _hash(self, key: bytes) -> int:
        if not self.raw_specs:
            return java_string_hash(key.decode("utf-8", "replace"))
        if not key:
            return 0
        sep = self.sep
        lengths = [len(f) for f in key.split(sep)]
        h = 0
        for spec in self.specs:
            start, end = _field_range(key, lengths, len(sep), spec)
            if start < 0:
                continue
            for b in key[start : end + 1]:
                h = (31 * h + (b - 256 if b > 127 else b)) & 0xFFFFFFFF
        return h

    def partition(self, key: bytes, r: int) -> int:
        return (self._hash(key) & 0x7FFFFFFF) % r

    def partition_batch(self, keys: list[bytes], r: int) -> list[int]:
        memo = self._memo
        out = []
        for k in keys:
            p = memo.get(k)
            if p is None:
                p = memo[k] = (self._hash(k) & 0x7FFFFFFF) % r
                if len(memo) > 1_000_000:
                    memo.clear()
            out.append(p)
        return out


def comparator(options: str = "", separator: str = "\t", **_: Any) -> KeyFieldBasedComparator:
    return KeyFieldBasedComparator(options, separator)


def numeric_key(**_: Any):
    """``sort_key`` for keys that are decimal numbers (IdentityMapper's LongWritable offsets)."""

    def key(k: bytes) -> int:
        try:
            return int(k)
        except ValueError:
            return 0

    return key
