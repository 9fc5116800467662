"""How Streaming map output travels through the engine's sort and shuffle: as counted lines.

A Streaming reducer sees a byte stream of ``key SEP value`` lines sorted by key; the order
of values within a key is not defined (Hadoop does not sort values).  So a map task may
hand the engine each *distinct* (key, value) record once, with its multiplicity as the
value, and the reduce task writes ``line * count``: the reducer receives the same bytes,
and the per-record work of the shuffle shrinks to the number of distinct records (a word
count's map output of 14 million lines is ~50,000 distinct ones).

The engine key is order-preserving: ``escape(key) + b"\\0\\0" + value`` where ``escape``
doubles NUL bytes as ``\\0\\xff``, so raw byte order of engine keys is (key, value) order
and the engine sorts them with its default (C) comparison.  Partitioners and key
comparators look only at the decoded key, so partitions and key order are Hadoop's.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

TERM = b"\x00\x00"


def encode(key: bytes, value: bytes) -> bytes:
    if b"\x00" in key:
        key = key.replace(b"\x00", b"\x00\xff")
    return key + TERM + value


def decode(ek: bytes) -> tuple[bytes, bytes]:
    pos = ek.find(TERM)
    key = ek[:pos]
    if b"\x00" in key:
        key = key.replace(b"\x00\xff", b"\x00")
    return key, ek[pos + 2 :]


def decode_key(ek: bytes) -> bytes:
    key = ek[: ek.find(TERM)]
    return key.replace(b"\x00\xff", b"\x00") if b"\x00" in key else key


def encode_batch(keys: list[bytes], values: list[bytes]) -> list[bytes]:
    return [encode(k, v) for k, v in zip(keys, values, strict=True)]


class CountedLines:
    """Distinct output lines of a task and how often each occurred (bounded: flush when big)."""

    def __init__(self, limit: int = 300_000):
        self.counts: Counter = Counter()
        self.limit = limit
        self.records = 0
        self.record_bytes = 0  # key + value bytes of every record taken so far

    def add_data(self, data: bytes) -> None:
        """Whole lines (a missing last terminator is tolerated; ``\\r\\n`` and ``\\r`` end lines too)."""
        if not data:
            return
        if b"\r" in data:
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = data.split(b"\n")
        if data.endswith(b"\n"):
            lines.pop()
        self.records += len(lines)
        self.counts.update(lines)

    def full(self) -> bool:
        return len(self.counts) >= self.limit

    def take(self, sep: bytes, num_key_fields: int) -> tuple[list[bytes], list[int]]:
        """Engine keys and counts of the distinct lines gathered so far (and reset)."""
        from pyhdp.mapreduce.streaming.records import parse_lines

        counts = self.counts
        self.counts = Counter()
        if not counts:
            return [], []
        lines = list(counts)
        keys, values = parse_lines(b"\n".join(lines) + b"\n", sep, num_key_fields)
        multiplicity = [counts[line] for line in lines]
        self.record_bytes += sum(
            (len(k) + len(v)) * c for k, v, c in zip(keys, values, multiplicity, strict=True)
        )
        return encode_batch(keys, values), multiplicity


PIECE = 1 << 20


def expand_parts(chunk: list[tuple[bytes, Any]], sep: bytes) -> tuple[list[bytes], int, list[bytes]]:
    """Reducer input for sorted ``(engine key, count)`` records, as pieces of at most ~1 MiB
    for a repeated line (so a key seen millions of times never becomes one huge buffer);
    also the number of records and the keys seen."""
    parts: list[bytes] = []
    total = 0
    keys: list[bytes] = []
    for ek, count in chunk:
        key, value = decode(ek)
        keys.append(key)
        line = key + sep + value + b"\n"
        c = int(count)
        total += c
        if c == 1:
            parts.append(line)
        elif c * len(line) <= PIECE:
            parts.append(line * c)
        else:
            per = max(PIECE // len(line), 1)
            full, rest = divmod(c, per)
            block = line * per
            parts.extend([block] * full)
            if rest:
                parts.append(line * rest)
    return parts, total, keys


def expand(chunk: list[tuple[bytes, Any]], sep: bytes) -> tuple[bytes, int, list[bytes]]:
    """:func:`expand_parts` joined into one buffer."""
    parts, total, keys = expand_parts(chunk, sep)
    return b"".join(parts), total, keys


class EncodedHashPartitioner:
    """Hadoop's HashPartitioner (``Text.hashCode``) over the decoded key."""

    def __init__(self, **_: Any):
        self._memo: dict[bytes, int] = {}
        self._r = 0

    def partition_batch(self, keys: list[bytes], r: int) -> list[int]:
        from pyhdp.mapreduce.sortbuffer import hadoop_hash

        memo = self._memo
        if r != self._r:
            memo.clear()
            self._r = r
        out = []
        for ek in keys:
            k = decode_key(ek)
            p = memo.get(k)
            if p is None:
                p = memo[k] = (hadoop_hash(k) & 0x7FFFFFFF) % r
                if len(memo) > 1_000_000:
                    memo.clear()
            out.append(p)
        return out


class EncodedKeyFieldPartitioner:
    def __init__(self, options: str = "", separator: str = "\t", **_: Any):
        from pyhdp.mapreduce.streaming.keyfield import KeyFieldBasedPartitioner

        self.inner = KeyFieldBasedPartitioner(options, separator)

    def partition_batch(self, keys: list[bytes], r: int) -> list[int]:
        return self.inner.partition_batch([decode_key(ek) for ek in keys], r)


def encoded_comparator(options: str = "", separator: str = "\t", **_: Any):
    """``sort_key`` for engine keys when a KeyFieldBasedComparator orders the keys."""
    from pyhdp.mapreduce.streaming.keyfield import KeyFieldBasedComparator

    cmp = KeyFieldBasedComparator(options, separator)

    def sort_key(ek: bytes):
        k, v = decode(ek)
        return (cmp(k), v)

    return sort_key


class StreamIdentityReducer:
    """No ``-reducer`` (IdentityReducer): every record as ``key\\tvalue``, decoded and expanded."""

    def __init__(self, **_: Any):
        pass

    def run_reduce(self, ctx: Any) -> None:
        distinct = total = groups = 0
        last = None
        for chunk in ctx.sorted_chunks():
            keys: list[bytes] = []
            values: list[bytes] = []
            for ek, count in chunk:
                k, v = decode(ek)
                if k != last:
                    groups += 1
                    last = k
                c = int(count)
                keys.extend([k] * c)
                values.extend([v] * c)
                total += c
            distinct += len(chunk)
            if keys:
                ctx.emit_batch(keys, values)
        if total != distinct:
            ctx.counters.task("REDUCE_INPUT_RECORDS", total - distinct)
        from pyhdp.mapreduce.streaming.task import set_groups

        set_groups(ctx, groups)
