"""What task logic sees: ``MapContext`` and ``ReduceContext`` (see :mod:`pyhdp.mapreduce.api`)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from pyhdp.mapreduce.counters import Counters, parse_reporter_line

if TYPE_CHECKING:
    from pyhdp.conf import Configuration
    from pyhdp.mapreduce.input.formats import SplitReader
    from pyhdp.mapreduce.input.splits import FileSplit
    from pyhdp.mapreduce.input.text import TextChunk
    from pyhdp.mapreduce.output import RecordWriter
    from pyhdp.mapreduce.sortbuffer import MapOutputCollector

EMIT_BATCH = 8192
first = itemgetter(0)
second = itemgetter(1)


class TaskContext:
    def __init__(
        self,
        conf: Configuration,
        counters: Counters,
        job_id: str,
        task_id: str,
        attempt_id: str,
        partition: int,
        is_map: bool,
        num_reduces: int,
        env: dict[str, str],
        work_dir: str,
        send: Callable[[dict], None] | None = None,
    ):
        self.conf = conf
        self.counters = counters
        self.job_id = job_id
        self.task_id = task_id
        self.task_attempt_id = attempt_id
        self.partition = partition
        self.is_map = is_map
        self.num_reduces = num_reduces
        self.env = env
        self.work_dir = work_dir
        self._send = send
        self._last_report = 0.0
        self.status = ""
        self._keys: list = []
        self._values: list = []
        self._sink: Callable[[list, list], None] = lambda k, v: None
        self.writer: Any = None

    # ------------------------------------------------------------ reporting
    def set_status(self, status: str) -> None:
        self.status = status
        if self._send:
            self._send({"type": "status", "status": status})

    def progress(self) -> float:
        return 0.0

    def report_progress(self, force: bool = False) -> None:
        now = time.monotonic()
        if self._send and (force or now - self._last_report >= 0.5):
            self._last_report = now
            self._send({"type": "progress", "progress": self.progress()})

    def incr_counter(self, group: str, name: str, amount: int = 1) -> None:
        self.counters.incr(group, name, amount)

    def parse_reporter_line(self, line: str, prefix: str = "reporter:") -> bool:
        """Apply a ``reporter:counter:`` / ``reporter:status:`` line; False if it is not one."""
        parsed = parse_reporter_line(line, prefix)
        if parsed is None:
            return False
        kind, args = parsed
        if kind == "counter":
            self.counters.incr(*args)
        elif kind == "status":
            self.set_status(args[0])
        else:
            import logging

            logging.getLogger("streaming.PipeMapRed").warning("Cannot parse reporter line: %s", args[0])
        return True

    # ------------------------------------------------------------ output
    def emit(self, key: Any, value: Any) -> None:
        self._keys.append(key)
        self._values.append(value)
        if len(self._keys) >= EMIT_BATCH:
            self.flush_emits()

    def emit_batch(self, keys: list, values: list) -> None:
        if self._keys:
            self.flush_emits()
        if keys:
            self._sink(keys, values)

    def emit_pairs(self, records: list) -> None:
        """Emit a list of ``(key, value)`` tuples (reduce and map-only output: written as
        they are, e.g. a whole sorted block from ``sorted_chunks()``)."""
        if self._keys:
            self.flush_emits()
        if not records:
            return
        target = self.writer if self.writer is not None else None
        if target is not None:
            target.write_pairs(records)
        else:
            self._sink([r[0] for r in records], [r[1] for r in records])

    def flush_emits(self) -> None:
        if self._keys:
            keys, values = self._keys, self._values
            self._keys, self._values = [], []
            self._sink(keys, values)


class MapContext(TaskContext):
    def __init__(self, *args: Any, split: FileSplit, reader: SplitReader, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.split = split
        self.reader = reader
        self.collector: MapOutputCollector | None = None
        self.writer: RecordWriter | None = None

    def progress(self) -> float:
        return self.reader.progress()

    def text_chunks(self) -> Iterator[TextChunk]:
        for chunk in self.reader.text_chunks():
            yield chunk
            self.report_progress()

    def record_batches(self) -> Iterator[tuple[list, list]]:
        for batch in self.reader.record_batches():
            yield batch
            self.report_progress()

    def records(self) -> Iterator[tuple[Any, Any]]:
        for keys, values in self.record_batches():
            yield from zip(keys, values, strict=False)


class ReduceContext(TaskContext):
    def __init__(
        self,
        *args: Any,
        blocks: Iterator[list],
        total_records: int,
        group_key: Callable[[bytes], Any] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self._blocks = blocks
        self.total_records = total_records
        self.records_read = 0
        self.group_key = group_key
        self._in_groups = False
        self.writer: RecordWriter | None = None

    def progress(self) -> float:
        if not self.total_records:
            return 1.0
        return min(self.records_read / self.total_records, 1.0)

    def sorted_chunks(self) -> Iterator[list]:
        """Sorted blocks of ``(key, value)``; counts REDUCE_INPUT_RECORDS and, when the
        caller works on blocks rather than ``groups()``, REDUCE_INPUT_GROUPS (distinct keys)."""
        count_groups = self.group_key is None and not self._in_groups
        last = None
        groups = 0
        try:
            for block in self._blocks:
                self.records_read += len(block)
                if count_groups and block:
                    groups += len(set(map(first, block)))
                    if block[0][0] == last:
                        groups -= 1
                    last = block[-1][0]
                yield block
                self.report_progress()
        finally:
            if count_groups:
                self.counters.task("REDUCE_INPUT_GROUPS", groups)

    def groups(self) -> Iterator[tuple[bytes, Iterator[Any]]]:
        """``(key, values)`` per reduce group, the key being the group's first key."""
        self._in_groups = True
        records = itertools.chain.from_iterable(self.sorted_chunks())
        gk = self.group_key
        keyf = first if gk is None else (lambda rec: gk(rec[0]))
        n = 0
        try:
            if gk is None:
                for key, grp in itertools.groupby(records, keyf):
                    n += 1
                    yield key, map(second, grp)
            else:
                for _g, grp in itertools.groupby(records, keyf):
                    n += 1
                    head = next(grp)
                    yield head[0], itertools.chain((head[1],), map(second, grp))  # noqa: B031 - same group
        finally:
            self.counters.task("REDUCE_INPUT_GROUPS", n)
