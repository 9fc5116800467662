"""``-reducer aggregate``: Hadoop's ValueAggregatorReducer and ValueAggregatorCombiner.

Map output keys are ``<Aggregator>:<id>`` and values the items to aggregate; the reducer
writes ``<id>\\t<report>``.  Aggregators: LongValueSum, LongValueMax, LongValueMin,
DoubleValueSum, StringValueMax, StringValueMin, UniqValueCount, ValueHistogram.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any


def java_double(x: float) -> str:
    """``Double.toString``: ``3.0``, ``1.0E10``, ``1.5E-4``, ``NaN``, ``Infinity``."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "-0.0" if math.copysign(1, x) < 0 else "0.0"
    a = abs(x)
    if 1e-3 <= a < 1e7:
        s = repr(x)
        if "e" in s or "E" in s:
            s = f"{x:.17f}".rstrip("0")
        return s if "." in s else s + ".0"
    r = repr(x)
    mant, _, exp = r.partition("e")
    if not exp:
        mant, exp = f"{x:e}".split("e")
        mant = repr(float(mant))
    if "." not in mant:
        mant += ".0"
    return f"{mant}E{int(exp)}"


def _long(v: bytes | str | int) -> int:
    if isinstance(v, int):
        return v
    text = v.decode() if isinstance(v, bytes) else v
    return int(text.strip())


def _text(v: Any) -> str:
    return v.decode("utf-8", "replace") if isinstance(v, (bytes, bytearray)) else str(v)


class Aggregator:
    def add(self, value: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def report(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def combiner_output(self) -> list[str]:
        return [self.report()]


class LongValueSum(Aggregator):
    def __init__(self):
        self.total = 0

    def add(self, value):
        self.total += _long(value)

    def report(self):
        return str(self.total)


class LongValueMax(Aggregator):
    def __init__(self):
        self.v = -(1 << 63)

    def add(self, value):
        self.v = max(self.v, _long(value))

    def report(self):
        return str(self.v)


class LongValueMin(Aggregator):
    def __init__(self):
        self.v = (1 << 63) - 1

    def add(self, value):
        self.v = min(self.v, _long(value))

    def report(self):
        return str(self.v)


class DoubleValueSum(Aggregator):
    def __init__(self):
        self.total = 0.0

    def add(self, value):
        self.total += float(_text(value))

    def report(self):
        return java_double(self.total)


class StringValueMax(Aggregator):
    def __init__(self):
        self.v: str | None = None

    def add(self, value):
        s = _text(value)
        if self.v is None or s > self.v:
            self.v = s

    def report(self):
        return self.v or ""


class StringValueMin(Aggregator):
    def __init__(self):
        self.v: str | None = None

    def add(self, value):
        s = _text(value)
        if self.v is None or s < self.v:
            self.v = s

    def report(self):
        return self.v or ""


class UniqValueCount(Aggregator):
    def __init__(self, max_items: int = (1 << 63) - 1):
        self.items: dict[str, None] = {}
        self.max = max_items

    def add(self, value):
        if len(self.items) < self.max:
            self.items[_text(value)] = None

    def report(self):
        return str(len(self.items))

    def combiner_output(self):
        return list(self.items)


class ValueHistogram(Aggregator):
    def __init__(self):
        self.items: dict[str, int] = {}

    def add(self, value):
        text = _text(value)
        pos = text.rfind("\t")
        name, count = (text[:pos], int(text[pos + 1 :])) if pos >= 0 else (text, 1)
        self.items[name] = self.items.get(name, 0) + count

    def report(self):
        counts = sorted(self.items.values())
        parts = [str(len(counts))]
        if counts:
            n = len(counts)
            avg = sum(counts) / n
            sd = math.sqrt(sum((c - avg) ** 2 for c in counts) / n)
            parts += [str(counts[0]), str(counts[n // 2]), str(counts[-1]), java_double(avg), java_double(sd)]
        return "\t".join(parts)

    def combiner_output(self):
        return [f"{k}\t{v}" for k, v in sorted(self.items.items())]


AGGREGATORS = {
    cls.__name__: cls
    for cls in (
        LongValueSum,
        LongValueMax,
        LongValueMin,
        DoubleValueSum,
        StringValueMax,
        StringValueMin,
        UniqValueCount,
        ValueHistogram,
    )
}


def make_aggregator(type_name: str) -> Aggregator:
    if type_name.startswith("UniqValueCount"):
        return UniqValueCount()
    cls = AGGREGATORS.get(type_name)
    if cls is None:
        raise ValueError(f"Unknown aggregator type: {type_name}")
    return cls()


def _split_key(key: bytes) -> tuple[str, bytes]:
    pos = key.find(b":")
    if pos < 0:
        raise ValueError(f"Bad aggregator key (no type prefix): {key!r}")
    return key[:pos].decode("utf-8", "replace"), key[pos + 1 :]


class ValueAggregatorCombiner:
    """Combines values of each ``type:id`` key into the aggregator's partial results.

    ``encoded``: records are Streaming's counted lines (:mod:`pyhdp.mapreduce.streaming.shuffle`).
    """

    def __init__(self, encoded: bool = False, **_: Any):
        self.encoded = encoded

    def combine(self, groups: Iterable[tuple[bytes, list]]) -> list[tuple[bytes, Any]]:
        out: list[tuple[bytes, Any]] = []
        if self.encoded:
            from pyhdp.mapreduce.streaming.shuffle import decode, encode

            aggs: dict[bytes, Aggregator] = {}
            for ek, counts in groups:
                key, value = decode(ek)
                agg = aggs.get(key)
                if agg is None:
                    agg = aggs[key] = make_aggregator(_split_key(key)[0])
                for _ in range(sum(int(c) for c in counts)):
                    agg.add(value)
            for key, agg in aggs.items():
                out.extend((encode(key, s.encode("utf-8")), 1) for s in agg.combiner_output())
            return out
        for key, values in groups:
            type_name, _id = _split_key(key)
            agg = make_aggregator(type_name)
            for v in values:
                agg.add(v)
            out.extend((key, s.encode("utf-8")) for s in agg.combiner_output())
        return out


def _encoded_groups(ctx: Any):
    """``(key, values)`` groups of counted lines, grouped by the decoded key."""
    from pyhdp.mapreduce.streaming.shuffle import decode

    current: bytes | None = None
    values: list[bytes] = []
    distinct = total = 0
    for chunk in ctx.sorted_chunks():
        distinct += len(chunk)
        for ek, count in chunk:
            key, value = decode(ek)
            c = int(count)
            total += c
            if key != current:
                if current is not None:
                    yield current, values
                current, values = key, []
            values.extend([value] * c)
    if current is not None:
        yield current, values
    if total != distinct:
        ctx.counters.task("REDUCE_INPUT_RECORDS", total - distinct)


class ValueAggregatorReducer:
    """Writes ``id\\treport`` per ``type:id`` key."""

    def __init__(self, encoded: bool = False, **_: Any):
        self.encoded = encoded

    def run_reduce(self, ctx: Any) -> None:
        keys: list[bytes] = []
        values: list[bytes] = []
        groups = _encoded_groups(ctx) if self.encoded else ctx.groups()
        n = 0
        for key, vals in groups:
            n += 1
            type_name, ident = _split_key(key)
            agg = make_aggregator(type_name)
            for v in vals:
                agg.add(v)
            keys.append(ident)
            values.append(agg.report().encode("utf-8"))
            if len(keys) >= 4096:
                ctx.emit_batch(keys, values)
                keys, values = [], []
        if keys:
            ctx.emit_batch(keys, values)
        if self.encoded and n:
            from pyhdp.mapreduce.streaming.task import set_groups

            set_groups(ctx, n)
