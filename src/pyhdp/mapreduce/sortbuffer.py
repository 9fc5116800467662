"""Map side: collect, partition, sort, spill, combine and merge (Hadoop's ``MapOutputBuffer``).

Records arrive in batches (``add_batch(keys, values)``) and are held as Python objects;
their size is estimated per batch (key/value bytes plus a per-record overhead) and a spill
happens when the estimate reaches ``mapreduce.task.io.sort.mb`` ×
``mapreduce.map.sort.spill.percent``.  A spill sorts each partition with ``list.sort`` and
writes a MapOutput file; with a combiner, records are first grouped by key in a dict
(cheaper than sorting duplicates), the combiner runs per group and only its output is
partitioned and sorted.  At the end spills are merged per partition (``merge.py``), the
combiner running again when there were at least ``mapreduce.map.combine.minspills``.
"""

from __future__ import annotations

import itertools
import marshal
import os
from collections import defaultdict
from collections.abc import Callable
from operator import itemgetter
from typing import Any

from pyhdp.mapreduce.counters import Counters
from pyhdp.mapreduce.mapoutput import MapOutputWriter, read_index, read_segment
from pyhdp.mapreduce.merge import merge_passes, merge_runs, record_key

#: estimated Python bytes per buffered record beyond its key/value bytes
RECORD_OVERHEAD = 120
#: records accounted at a time (a spill can happen between two slices of a big batch)
BATCH = 16384


def hadoop_hash(data: bytes) -> int:
    """``WritableComparator.hashBytes``: ``h = 31*h + b`` over signed bytes, 32-bit, from 1."""
    h = 1
    for b in data:
        h = (31 * h + (b - 256 if b > 127 else b)) & 0xFFFFFFFF
    return h - (1 << 32) if h & 0x80000000 else h


_POW31: list[int] = [1]
#: keys up to this long are hashed column by column with numpy; longer ones one by one
BATCH_HASH_MAX_LEN = 256


def hadoop_hash_batch(keys: list[bytes]) -> list[int]:
    """:func:`hadoop_hash` of many keys at once (numpy when installed).

    ``h = 31**n + sum(b[i] * 31**(n-1-i))`` modulo 2**32 over signed bytes: the keys are
    right-aligned in a zero-padded matrix and Horner's rule runs over its columns in
    ``uint32`` (which wraps modulo 2**32 by itself); leading zero columns add nothing.
    """
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy is optional
        return [hadoop_hash(k) for k in keys]
    n = len(keys)
    if not n:
        return []
    lengths = list(map(len, keys))
    width = max(lengths)
    if width > BATCH_HASH_MAX_LEN:
        short = [i for i, ln in enumerate(lengths) if ln <= BATCH_HASH_MAX_LEN]
        out = [0] * n
        for i, h in zip(short, hadoop_hash_batch([keys[i] for i in short]), strict=True):
            out[i] = h
        for i, ln in enumerate(lengths):
            if ln > BATCH_HASH_MAX_LEN:
                out[i] = hadoop_hash(keys[i])
        return out
    while len(_POW31) <= width:
        _POW31.append((_POW31[-1] * 31) & 0xFFFFFFFF)
    if width:
        pad = b"\x00"
        joined = b"".join(keys) if min(lengths) == width else b"".join([k.rjust(width, pad) for k in keys])
        matrix = np.frombuffer(joined, dtype=np.int8).reshape(n, width)
    h = np.zeros(n, dtype=np.uint32)
    with np.errstate(over="ignore"):
        for j in range(width):
            h *= np.uint32(31)
            h += matrix[:, j].astype(np.int32).view(np.uint32)
        h += np.array(_POW31, dtype=np.uint32)[np.array(lengths, dtype=np.int64)]
    out32 = h.view(np.int32)
    return out32.tolist()


class HashPartitioner:
    """Hadoop's ``HashPartitioner`` over ``Text`` keys: ``(hash & MAX_INT) % R``, memoised."""

    def __init__(self, **_: Any):
        self._memo: dict[bytes, int] = {}
        self._r = 0

    def partition(self, key: bytes, r: int) -> int:
        return (hadoop_hash(key) & 0x7FFFFFFF) % r

    def partition_batch(self, keys: list[bytes], r: int) -> list[int]:
        memo = self._memo
        if r != self._r:
            memo.clear()
            self._r = r
        get = memo.get
        parts = [get(k, -1) for k in keys]
        misses = parts.count(-1)
        if misses > 256:
            # many new keys (a sort, distinct ids): hash them all at once
            missing = [i for i, p in enumerate(parts) if p < 0]
            hashes = hadoop_hash_batch([keys[i] for i in missing])
            if len(memo) > 1_000_000:
                memo.clear()
            for i, h in zip(missing, hashes, strict=True):
                p = parts[i] = (h & 0x7FFFFFFF) % r
                if len(memo) < 1_000_000:
                    memo[keys[i]] = p
        elif misses:
            for i, p in enumerate(parts):
                if p < 0:
                    k = keys[i]
                    p = memo.get(k)
                    if p is None:
                        p = memo[k] = (hadoop_hash(k) & 0x7FFFFFFF) % r
                        if len(memo) > 1_000_000:
                            memo.clear()
                    parts[i] = p
        return parts


class IllegalPartitionError(RuntimeError):
    pass


class MapOutputCollector:
    """Buffers map output and produces ``file.out`` + ``file.out.index`` in ``out_dir``."""

    def __init__(
        self,
        out_dir: str,
        num_partitions: int,
        counters: Counters,
        partitioner: Any = None,
        sort_key: Callable[[bytes], Any] | None = None,
        combiner: Any = None,
        sort_mb: int = 100,
        spill_percent: float = 0.8,
        factor: int = 10,
        min_spills_for_combine: int = 3,
        compress: bool = False,
    ):
        self.compress = compress
        self.out_dir = out_dir
        self.r = max(num_partitions, 1)
        self.counters = counters
        self.partitioner = partitioner or HashPartitioner()
        self.sort_key = sort_key
        self.combiner = combiner
        self.limit = max(int(sort_mb * (1 << 20) * spill_percent), 1)
        self.factor = factor
        self.min_spills = min_spills_for_combine
        self.keys: list[bytes] = []
        self.values: list = []
        self._keys_only = False
        self.size = 0
        self.spills: list[str] = []
        self.out_records = 0
        self.out_bytes = 0
        self.spilled_records = 0
        self.combine_in = 0
        self.combine_out = 0

    # ------------------------------------------------------------------ collect
    def add_batch(self, keys: list[bytes], values: list) -> None:
        n = len(keys)
        if not n:
            return
        if len(values) != n:
            raise ValueError("keys and values differ in length")
        if n > BATCH:
            for i in range(0, n, BATCH):
                self.add_batch(keys[i : i + BATCH], values[i : i + BATCH])
            return
        try:
            kbytes = sum(map(len, keys))
        except TypeError:
            bad = next(k for k in keys if not isinstance(k, bytes))
            raise TypeError(f"map output keys must be bytes, got {type(bad).__name__}: {bad!r}") from None
        v0 = values[0]
        if type(v0) is bytes:
            try:
                vbytes = sum(map(len, values))
            except TypeError:
                vbytes = _value_bytes(values)
        else:
            vbytes = _value_bytes(values)
        self.out_records += n
        self.out_bytes += kbytes + vbytes
        self.keys.extend(keys)
        self.values.extend(values)
        self.size += kbytes + vbytes + RECORD_OVERHEAD * n
        if self.size >= self.limit:
            self.spill()

    def add(self, key: bytes, value: Any) -> None:
        self.add_batch([key], [value])

    # ------------------------------------------------------------------ spill
    def _partition(self, keys: list[bytes]) -> list[int] | None:
        if self.r == 1:
            return None
        parts = self.partitioner.partition_batch(keys, self.r)
        lo, hi = min(parts), max(parts)
        if lo < 0 or hi >= self.r:
            bad = next(i for i, p in enumerate(parts) if p < 0 or p >= self.r)
            raise IllegalPartitionError(f"Illegal partition for {keys[bad]!r} ({parts[bad]})")
        return parts

    def _combine_groups(self, groups) -> list:
        """Run the combiner on groups of two or more values; single values pass as they are
        (a combiner may run any number of times, zero included)."""
        out = []
        multi = []
        for k, vs in groups:
            if len(vs) == 1:
                out.append((k, vs[0]))
            else:
                multi.append((k, vs))
        if multi:
            out.extend(self.combiner.combine(multi))
        return out

    def _buckets(self) -> list[list]:
        """Per-partition lists of (key, value), combined if there is a combiner."""
        keys, values = self.keys, self.values
        r = self.r
        if self.combiner is not None:
            groups: defaultdict[bytes, list] = defaultdict(list)
            for k, v in zip(keys, values, strict=False):
                groups[k].append(v)
            self.combine_in += len(keys)
            combined = self._combine_groups(groups.items())
            self.combine_out += len(combined)
            records = combined
            rkeys = [rec[0] for rec in records]
        elif values.count(None) == len(values):
            # key-only records (sorts, Streaming lines without a tab): sort the bare keys
            self._keys_only = True
            records = keys
            rkeys = keys
        else:
            records = list(zip(keys, values, strict=False))
            rkeys = keys
        parts = self._partition(rkeys)
        if parts is None:
            return [records]
        if r <= 4:  # a few selector passes in C beat one Python loop
            return [list(itertools.compress(records, [x == p for x in parts])) for p in range(r)]
        buckets: list[list] = [[] for _ in range(r)]
        appends = [b.append for b in buckets]
        for rec, p in zip(records, parts, strict=False):
            appends[p](rec)
        return buckets

    def spill(self) -> None:
        if not self.keys:
            return
        self._keys_only = False
        buckets = self._buckets()
        keys_only = self._keys_only
        self.keys = []
        self.values = []
        self.size = 0
        kf = record_key(self.sort_key)
        path = os.path.join(self.out_dir, f"spill{len(self.spills)}.out")
        w = MapOutputWriter(path, self.r, self.compress)
        for p, bucket in enumerate(buckets):
            if keys_only:
                bucket.sort(key=self.sort_key)  # bare bytes: no key list, no tuples
                bucket = list(zip(bucket, itertools.repeat(None)))
            else:
                bucket.sort(key=kf)
            w.start_partition(p)
            w.write_records(bucket)
            w.end_partition()
        w.close()
        self.spilled_records += w.records
        self.spills.append(path)

    # ------------------------------------------------------------------ finish
    def flush(self) -> str:
        """Spill what is left and merge spills; returns the path of ``file.out``."""
        final = os.path.join(self.out_dir, "file.out")
        self.spill()
        if not self.spills:
            w = MapOutputWriter(final, self.r, self.compress)
            w.close()
        elif len(self.spills) == 1:
            os.replace(self.spills[0], final)
            os.replace(self.spills[0] + ".index", final + ".index")
        else:
            self._merge_spills(final)
        self._count()
        return final

    def _merge_spills(self, final: str) -> None:
        indexes = {p: read_index(p + ".index") for p in self.spills}
        use_combiner = self.combiner is not None and len(self.spills) >= self.min_spills
        w = MapOutputWriter(final, self.r, self.compress)
        tmp = os.path.join(self.out_dir, "merge-tmp")
        os.makedirs(tmp, exist_ok=True)
        for p in range(self.r):
            segs = [
                (lambda path=path, p=p: read_segment(path, p, indexes[path]))
                for path in self.spills
                if indexes[path][p][1]
            ]
            w.start_partition(p)
            if segs:
                segs = merge_passes(segs, self.factor, tmp, self.sort_key, self._count_spilled, self.compress)
                merged = merge_runs([iter(s()) for s in segs], self.sort_key)
                if use_combiner:
                    merged = self._combine_stream(merged)
                for block in merged:
                    w.write_records(block)
            w.end_partition()
        w.close()
        self.spilled_records += w.records
        for path in self.spills:
            os.unlink(path)
            os.unlink(path + ".index")
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)

    def _count_spilled(self, n: int) -> None:
        self.spilled_records += n

    def _combine_stream(self, blocks):
        """Run the combiner over a merged stream, block by block (groups may span blocks)."""
        kf = itemgetter(0)
        records = itertools.chain.from_iterable(blocks)
        out: list = []
        batch: list = []
        for k, grp in itertools.groupby(records, key=kf):
            vals = [r[1] for r in grp]
            self.combine_in += len(vals)
            batch.append((k, vals))
            if len(batch) >= 4096:
                res = self._combine_groups(batch)
                self.combine_out += len(res)
                res.sort(key=record_key(self.sort_key))
                out.extend(res)
                batch = []
                if len(out) >= 16384:
                    yield out
                    out = []
        if batch:
            res = self._combine_groups(batch)
            self.combine_out += len(res)
            res.sort(key=record_key(self.sort_key))
            out.extend(res)
        if out:
            yield out

    def _count(self) -> None:
        c = self.counters
        c.task("MAP_OUTPUT_RECORDS", self.out_records)
        c.task("MAP_OUTPUT_BYTES", self.out_bytes)
        c.task("SPILLED_RECORDS", self.spilled_records)
        c.task("COMBINE_INPUT_RECORDS", self.combine_in)
        c.task("COMBINE_OUTPUT_RECORDS", self.combine_out)
        final = os.path.join(self.out_dir, "file.out")
        c.task("MAP_OUTPUT_MATERIALIZED_BYTES", os.path.getsize(final))


def _value_bytes(values: list) -> int:
    try:
        return len(marshal.dumps(values)) - 5
    except ValueError:
        return 16 * len(values)
