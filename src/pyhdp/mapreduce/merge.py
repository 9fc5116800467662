"""Bounded-memory k-way merge of sorted runs, done in batches at C speed.

Each run is an iterator of sorted blocks (lists of ``(key, value)`` tuples).  One round
holds one block per run: the smallest *last key* among the heads is a bound below which
every remaining record of every run is already in memory, so the records ``<= bound`` of
all heads are cut out (``bisect``), concatenated and sorted — ``list.sort`` (timsort)
sees the concatenation as k sorted runs and merges them in C.  Memory is k blocks; each
round finishes at least one block.  Equal keys keep run order (the sort is stable).

``merge_passes`` honours ``mapreduce.task.io.sort.factor``: with more runs than the
factor, groups of runs are merged into temporary files first, as Hadoop's ``Merger``.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Callable, Iterator
from operator import itemgetter
from typing import Any

Block = list
Run = Iterator[Block]
first = itemgetter(0)


def record_key(sort_key: Callable[[bytes], Any] | None) -> Callable[[tuple], Any]:
    if sort_key is None:
        return first
    return lambda rec: sort_key(rec[0])


def merge_runs(runs: list[Run], sort_key: Callable[[bytes], Any] | None = None) -> Iterator[Block]:
    """Merge sorted runs into sorted blocks."""
    kf = record_key(sort_key)
    heads: list[tuple[Block, Run]] = []
    for run in runs:
        for block in run:
            if block:
                heads.append((block, run))
                break
    if len(heads) == 1:
        block, run = heads[0]
        yield block
        for b in run:
            if b:
                yield b
        return
    while heads:
        if len(heads) == 1:
            block, run = heads[0]
            yield block
            for b in run:
                if b:
                    yield b
            return
        bound = min(kf(block[-1]) for block, _run in heads)
        out: list = []
        new_heads: list[tuple[Block, Run]] = []
        for block, run in heads:
            if kf(block[-1]) <= bound:
                out.extend(block)
                nxt = _next_nonempty(run)
                if nxt is not None:
                    new_heads.append((nxt, run))
            else:
                cut = bisect.bisect_right(block, bound, key=kf)
                if cut:
                    out.extend(block[:cut])
                    block = block[cut:]
                new_heads.append((block, run))
        heads = new_heads
        if out:
            out.sort(key=kf)
            yield out


def _next_nonempty(run: Run) -> Block | None:
    for b in run:
        if b:
            return b
    return None


def rebatch(blocks: Iterator[Block], size: int) -> Iterator[Block]:
    """Blocks of at most ``size`` records (for writing)."""
    for block in blocks:
        if len(block) <= size:
            yield block
        else:
            for i in range(0, len(block), size):
                yield block[i : i + size]


def merge_passes(
    segments: list[Callable[[], Run]],
    factor: int,
    tmp_dir: str,
    sort_key: Callable[[bytes], Any] | None = None,
    on_spill: Callable[[int], None] | None = None,
    compress: bool = False,
) -> list[Callable[[], Run]]:
    """Reduce ``segments`` (run factories) to at most ``factor`` by merging into temp files.

    Hadoop's first pass merges ``(n - 1) % (factor - 1) + 1`` segments so later passes are
    full.  ``on_spill(n)`` is told how many records each intermediate pass wrote.
    """
    from pyhdp.mapreduce.mapoutput import MapOutputWriter, read_segment

    factor = max(factor, 2)
    segs = list(segments)
    n_pass = 0
    while len(segs) > factor:
        n = len(segs)
        take = (n - 1) % (factor - 1) + 1 if n_pass == 0 else factor
        if take <= 1:
            take = factor
        group, segs = segs[:take], segs[take:]
        path = os.path.join(tmp_dir, f"intermediate.{n_pass}")
        w = MapOutputWriter(path, 1, compress)
        w.start_partition(0)
        for block in merge_runs([g() for g in group], sort_key):
            w.write_records(block)
        w.end_partition()
        w.close()
        if on_spill:
            on_spill(w.records)
        segs.append(lambda path=path: read_segment(path, 0))
        n_pass += 1
    return segs
